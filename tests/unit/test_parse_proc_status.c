/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_proc_status.c - vmon__parse_proc_status(), the parser of
 * /proc/PID/status: keys found by name whatever their order, several
 * values per key (Uid, Gid, SigQ), hexadecimal masks, the supplementary
 * groups list, missing keys unavailable, unknown and repeated keys
 * harmless, and exact change bits.  Last, this kernel's own status read
 * back key by key by a reader written here.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

static const char full[] =
	"Name:\tbash\n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t5724\n"
	"Pid:\t5724\n"
	"PPid:\t5701\n"
	"TracerPid:\t17\n"
	"Uid:\t1000\t1001\t1002\t1003\n"
	"Gid:\t100\t101\t102\t103\n"
	"FDSize:\t256\n"
	"Groups:\t4 24 27 \n"
	"VmPeak:\t    5004 kB\n"
	"VmSize:\t    4004 kB\n"
	"VmLck:\t       8 kB\n"
	"VmHWM:\t    4056 kB\n"
	"VmRSS:\t    4000 kB\n"
	"RssAnon:\t     976 kB\n"
	"RssFile:\t    3020 kB\n"
	"RssShmem:\t       4 kB\n"
	"VmData:\t     948 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t     772 kB\n"
	"VmLib:\t    1596 kB\n"
	"VmPTE:\t      52 kB\n"
	"VmSwap:\t      12 kB\n"
	"Threads:\t3\n"
	"SigQ:\t2/96365\n"
	"SigPnd:\t0000000000000100\n"
	"ShdPnd:\t0000000000000200\n"
	"SigBlk:\t0000000000010000\n"
	"SigIgn:\t0000000000000004\n"
	"SigCgt:\tffffffffffffffff\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001fffeffffff\n"
	"CapEff:\t000001FFFEFFFFFF\n"
	"CapBnd:\t000001fffeffffff\n"
	"CapAmb:\t0000000000000001\n"
	"NoNewPrivs:\t1\n"
	"Seccomp:\t2\n"
	"NSpid:\t5724\t12\t1\n"
	"Cpus_allowed:\t13\n"
	"Cpus_allowed_list:\t0-1,4\n"
	"voluntary_ctxt_switches:\t154\n"
	"nonvoluntary_ctxt_switches:\t29\n";

static void parse(vmon_proc_status_t *st, const char *text)
{
	ASSERT_EQ(vmon__parse_proc_status(st, text, strlen(text)), 0);
}

TEST(parse_proc_status_every_key)
{
	vmon_proc_status_t st = { 0 };

	parse(&st, full);
	ASSERT_EQ(st.uid, 1000);
	ASSERT_EQ(st.euid, 1001);
	ASSERT_EQ(st.suid, 1002);
	ASSERT_EQ(st.fsuid, 1003);
	ASSERT_EQ(st.gid, 100);
	ASSERT_EQ(st.egid, 101);
	ASSERT_EQ(st.sgid, 102);
	ASSERT_EQ(st.fsgid, 103);
	ASSERT_EQ(st.ngroups, 3);
	ASSERT(st.groups[0] == 4 && st.groups[1] == 24 && st.groups[2] == 27);
	ASSERT_EQ(st.tracer_pid, 17);
	ASSERT_EQ(st.vm_peak_kb, 5004);
	ASSERT_EQ(st.vm_size_kb, 4004);
	ASSERT_EQ(st.vm_lck_kb, 8);
	ASSERT_EQ(st.vm_hwm_kb, 4056);
	ASSERT_EQ(st.vm_rss_kb, 4000);
	ASSERT_EQ(st.rss_anon_kb, 976);
	ASSERT_EQ(st.rss_file_kb, 3020);
	ASSERT_EQ(st.rss_shmem_kb, 4);
	ASSERT_EQ(st.vm_data_kb, 948);
	ASSERT_EQ(st.vm_stk_kb, 132);
	ASSERT_EQ(st.vm_exe_kb, 772);
	ASSERT_EQ(st.vm_lib_kb, 1596);
	ASSERT_EQ(st.vm_pte_kb, 52);
	ASSERT_EQ(st.vm_swap_kb, 12);
	ASSERT_EQ(st.threads, 3);
	ASSERT_EQ(st.sigq_queued, 2);
	ASSERT_EQ(st.sigq_limit, 96365);
	ASSERT_ULL_EQ(st.sig_pending, 0x100);
	ASSERT_ULL_EQ(st.sig_shared_pending, 0x200);
	ASSERT_ULL_EQ(st.sig_blocked, 0x10000);
	ASSERT_ULL_EQ(st.sig_ignored, 4);
	ASSERT_ULL_EQ(st.sig_caught, ~0ULL);
	ASSERT_ULL_EQ(st.cap_inh, 0);
	ASSERT_ULL_EQ(st.cap_prm, 0x1fffeffffffULL);
	ASSERT_ULL_EQ(st.cap_eff, 0x1fffeffffffULL);
	ASSERT_ULL_EQ(st.cap_bnd, 0x1fffeffffffULL);
	ASSERT_ULL_EQ(st.cap_amb, 1);
	ASSERT_EQ(st.no_new_privs, 1);
	ASSERT_EQ(st.seccomp, 2);
	ASSERT_STREQ(st.cpus_allowed_list.array, "0-1,4");
	ASSERT_EQ(st.nspid_nr, 3);
	ASSERT(st.nspid[0] == 5724 && st.nspid[1] == 12 && st.nspid[2] == 1);
	ASSERT_EQ(st.nspid_inner, 1);
	ASSERT_EQ(st.cpus_allowed_nr, 8);
	ASSERT_EQ(st.cpus_allowed_count, 3);
	ASSERT_EQ((unsigned char)st.cpus_allowed[0], 0x13);
	ASSERT_EQ(st.vol_ctxt_switches, 154);
	ASSERT_EQ(st.nonvol_ctxt_switches, 29);
	/* every key was there; kthread is not status's to say */
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++)
		ASSERT_MSG(!BITTEST(st.unavailable, sym) || sym == VMON_PROC_STATUS_KTHREAD,
			   "%s unavailable", vmon__proc_status_info.fields[sym].name);
	vmon__proc_status_free(&st);
}

TEST(parse_proc_status_unknown_missing_reordered)
{
	/* a kernel thread's status of an old kernel, shuffled, with keys of
	 * a future one: no Vm* lines, no RssAnon, no CapAmb, no NoNewPrivs */
	static const char odd[] =
		"Future_key:\t99 98\n"
		"voluntary_ctxt_switches:\t5\n"
		"Gid:\t0\t0\t0\t0\n"
		"Threads:\t1\n"
		"Name:\tkworker/0:1 (x) Uid: 7\n"
		"Uid:\t0\t0\t0\t0\n"
		"Kthread:\t1\n"
		"CapEff:\t0000003fffffffff\n"
		"NoColonLine 5\n"
		"SigQ:\t0/1000\n"
		"Groups:\n";
	vmon_proc_status_t st = { 0 };
	static const int present[] = {
		VMON_PROC_STATUS_UID, VMON_PROC_STATUS_EUID, VMON_PROC_STATUS_SUID,
		VMON_PROC_STATUS_FSUID, VMON_PROC_STATUS_GID, VMON_PROC_STATUS_EGID,
		VMON_PROC_STATUS_SGID, VMON_PROC_STATUS_FSGID, VMON_PROC_STATUS_NGROUPS,
		VMON_PROC_STATUS_THREADS, VMON_PROC_STATUS_SIGQ_QUEUED,
		VMON_PROC_STATUS_SIGQ_LIMIT, VMON_PROC_STATUS_CAP_EFF,
		VMON_PROC_STATUS_VOL_CTXT_SWITCHES,
	};

	parse(&st, odd);
	ASSERT_EQ(st.uid, 0);
	ASSERT_EQ(st.ngroups, 0);
	ASSERT_EQ(st.threads, 1);
	ASSERT_EQ(st.sigq_limit, 1000);
	ASSERT_ULL_EQ(st.cap_eff, 0x3fffffffffULL);
	ASSERT_EQ(st.vol_ctxt_switches, 5);
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++) {
		bool is_present = false;

		for (size_t i = 0; i < VMON__ARRAY_SIZE(present); i++)
			is_present |= present[i] == sym;
		if (sym == VMON_PROC_STATUS_KTHREAD)
			continue;
		ASSERT_MSG(!BITTEST(st.unavailable, sym) == is_present, "%s %savailable",
			   vmon__proc_status_info.fields[sym].name, is_present ? "un" : "");
	}
	ASSERT_EQ(st.vm_rss_kb, 0);
	vmon__proc_status_free(&st);
}

TEST(parse_proc_status_bad_values)
{
	static const char bad[] =
		"Uid:\t5\t6\n"				/* two columns of four */
		"Gid:\t-1\t2\t3\t99999999999999999999\n"
		"SigPnd:\t10000000000000000\n"		/* 17 hex digits */
		"SigBlk:\t00000000000000zz\n"
		"SigIgn:\t\n"
		"SigQ:\t7\n"				/* no limit */
		"VmRSS:\t12kB\n"
		"VmHWM:\t 12 kB\n"
		"Groups:\t1 x 3\n"
		"Seccomp:\t99999999999\n";		/* an int field */
	vmon_proc_status_t st = { 0 };

	parse(&st, bad);
	ASSERT_EQ(st.uid, 5);
	ASSERT_EQ(st.euid, 6);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STATUS_EUID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SUID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_FSUID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_GID));
	ASSERT_EQ(st.egid, 2);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_FSGID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SIG_PENDING));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SIG_BLOCKED));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SIG_IGNORED));
	ASSERT_EQ(st.sigq_queued, 7);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SIGQ_LIMIT));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_VM_RSS_KB));
	ASSERT_EQ(st.vm_hwm_kb, 12);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_NGROUPS));
	ASSERT_EQ(st.ngroups, 0);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_SECCOMP));
	vmon__proc_status_free(&st);
}

/* NSpid and the affinity mask: the lists, their changes, hostile lines */
TEST(parse_proc_status_nspid_and_cpu_mask)
{
	vmon_proc_status_t st = { 0 };

	parse(&st, "NSpid:\t900\t5\nCpus_allowed:\t80000000,00000001\n");
	ASSERT_EQ(st.nspid_nr, 2);
	ASSERT_EQ(st.nspid_inner, 5);
	ASSERT_EQ(st.cpus_allowed_nr, 64);
	ASSERT_EQ(st.cpus_allowed_count, 2);
	for (int cpu = 0; cpu < 64; cpu++)
		ASSERT_MSG(!BITTEST(st.cpus_allowed, cpu) == !(cpu == 0 || cpu == 63), "CPU %d", cpu);
	ASSERT(BITTEST(st.changed, VMON_PROC_STATUS_NSPID_NR));
	ASSERT(BITTEST(st.changed, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
	/* the same lines: no change; one CPU moved: the mask changed, its
	 * width and count did not */
	parse(&st, "NSpid:\t900\t5\nCpus_allowed:\t80000000,00000001\n");
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STATUS_NR));
	parse(&st, "NSpid:\t900\t5\nCpus_allowed:\t80000000,00000002\n");
	ASSERT(BITTEST(st.changed, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
	ASSERT(!BITTEST(st.changed, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT));
	ASSERT(BITTEST(st.cpus_allowed, 1) && !BITTEST(st.cpus_allowed, 0));
	/* a pid in a namespace replaced, the depth the same: the list changed */
	parse(&st, "NSpid:\t901\t5\nCpus_allowed:\t80000000,00000002\n");
	ASSERT(BITTEST(st.changed, VMON_PROC_STATUS_NSPID_NR));
	ASSERT(!BITTEST(st.changed, VMON_PROC_STATUS_NSPID_INNER));
	/* narrower: 4 bits (2 CPUs), upper case */
	parse(&st, "NSpid:\t7\nCpus_allowed:\tC\n");
	ASSERT_EQ(st.nspid_nr, 1);
	ASSERT_EQ(st.nspid_inner, 7);
	ASSERT_EQ(st.cpus_allowed_nr, 4);
	ASSERT_EQ(st.cpus_allowed_count, 2);
	ASSERT_EQ((unsigned char)st.cpus_allowed[0], 0x0c);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
	/* hostile lines: unavailable, the last lists kept */
	static const char *const bad_nspid[] = { "", "0", "1 x", "-1", "2147483648",
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 "
		"31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 "
		"59 60 61 62 63 64 65" };
	static const char *const bad_mask[] = { "", ",", "1,", ",1", "1,2", "123456789",
		"1,123456789", "0x3", "1 2", "g", "ffffffff,fffffff" };
	char text[512];

	for (size_t i = 0; i < VMON__ARRAY_SIZE(bad_nspid); i++) {
		snprintf(text, sizeof(text), "NSpid:\t%s\nCpus_allowed:\tc\n", bad_nspid[i]);
		parse(&st, text);
		ASSERT_MSG(BITTEST(st.unavailable, VMON_PROC_STATUS_NSPID_NR) &&
			   BITTEST(st.unavailable, VMON_PROC_STATUS_NSPID_INNER), "NSpid \"%s\"",
			   bad_nspid[i]);
		ASSERT(st.nspid_nr == 1 && st.nspid[0] == 7);
	}
	for (size_t i = 0; i < VMON__ARRAY_SIZE(bad_mask); i++) {
		snprintf(text, sizeof(text), "NSpid:\t7\nCpus_allowed:\t%s\n", bad_mask[i]);
		parse(&st, text);
		ASSERT_MSG(BITTEST(st.unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR) &&
			   BITTEST(st.unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT),
			   "mask \"%s\"", bad_mask[i]);
		ASSERT(st.cpus_allowed_nr == 4 && st.cpus_allowed_count == 2);
	}
	/* missing lines: unavailable */
	parse(&st, "Threads:\t1\n");
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_NSPID_INNER));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT));
	vmon__proc_status_free(&st);
	ASSERT(!st.nspid && !st.cpus_allowed);
}

TEST(parse_proc_status_changed_bits_and_groups)
{
	vmon_proc_status_t st = { 0 };
	char text[sizeof(full) + 16], *p;

	parse(&st, full);
	parse(&st, full);
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STATUS_NR));
	/* one context switch more: its bit only */
	memcpy(text, full, sizeof(full));
	p = strstr(text, "voluntary_ctxt_switches:\t154");
	p[strlen("voluntary_ctxt_switches:\t154") - 1] = '5';
	parse(&st, text);
	ASSERT_EQ(st.vol_ctxt_switches, 155);
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++)
		ASSERT_MSG(!BITTEST(st.changed, sym) == (sym != VMON_PROC_STATUS_VOL_CTXT_SWITCHES),
			   "changed bit of %s", vmon__proc_status_info.fields[sym].name);
	/* a group replaced by another, the count the same: the list changed */
	p = strstr(text, "4 24 27");
	p[2] = '3';
	parse(&st, text);
	ASSERT_EQ(st.ngroups, 3);
	ASSERT_EQ(st.groups[1], 34);
	ASSERT(BITTEST(st.changed, VMON_PROC_STATUS_NGROUPS));
	/* a repeated key: the first line counts, and nothing changes */
	parse(&st, strcat(text, "Uid:\t1\t1\t1\t1\n"));
	ASSERT_EQ(st.uid, 1000);
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STATUS_NR));
	/* an empty file: everything unavailable, values kept */
	parse(&st, "");
	ASSERT_EQ(st.vm_rss_kb, 4000);
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++)
		if (sym != VMON_PROC_STATUS_KTHREAD)
			ASSERT(BITTEST(st.unavailable, sym));
	vmon__proc_status_free(&st);
}

/* the value of column col (1-based) of key in a status text, read here */
static bool status_value(const char *text, const char *key, int col, char *out, size_t size)
{
	char k[80];
	const char *line;

	snprintf(k, sizeof(k), "\n%.64s:", key);
	line = strstr(text, k);
	if (!line)
		return false;
	line += strlen(k);
	for (int i = 1; i <= col; i++) {
		size_t n;

		line += strspn(line, " \t/");
		n = strcspn(line, " \t/\n");
		if (!n)
			return false;
		if (i == col)
			snprintf(out, size, "%.*s", (int)n, line);
		line += n;
	}
	return true;
}

static int commas(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

TEST(parse_proc_status_this_kernel)
{
	size_t len;
	char *text = t_read_file("/proc/self/status", &len), want[64];
	vmon_proc_status_t st = { 0 };
	int compared = 0;
	cpu_set_t affinity;

	ASSERT(sched_getaffinity(0, sizeof(affinity), &affinity) == 0);
	ASSERT(text);
	ASSERT_EQ(vmon__parse_proc_status(&st, text, len), 0);
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++) {
		const vmon_field_t *f = &vmon__proc_status_info.fields[sym];
		char key[64], got[64];
		const char *dot = strchr(f->source, '.');
		int col = dot ? atoi(dot + 1) : 1;

		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - f->source) : 64, f->source);
		if (sym == VMON_PROC_STATUS_KTHREAD || sym == VMON_PROC_STATUS_NGROUPS ||
		    sym >= VMON_PROC_STATUS_NSPID_INNER ||	/* lists: below */
		    f->type == VMON_FIELD_STR || !status_value(text, key, col, want, sizeof(want)))
			continue;
		ASSERT_MSG(!BITTEST(st.unavailable, sym), "%s unavailable", f->name);
		if (sym >= VMON_PROC_STATUS_SIG_PENDING && sym <= VMON_PROC_STATUS_CAP_AMB)
			snprintf(want, sizeof(want), "%llu", strtoull(want, NULL, 16));
		vmon_field_format(&vmon__proc_status_info, &st, sym, got, sizeof(got));
		ASSERT_MSG(!strcmp(got, want), "%s: %s, status says %s", f->name, got, want);
		compared++;
	}
	ASSERT(compared > 30);
	/* outside any nested pid namespace, NSpid is the pid alone */
	if (status_value(text, "NSpid", 1, want, sizeof(want))) {
		ASSERT_EQ(st.nspid_nr, 1);
		ASSERT_EQ(st.nspid_inner, getpid());
		ASSERT_EQ(st.nspid[0], atoi(want));
	}
	ASSERT(status_value(text, "Cpus_allowed", 1, want, sizeof(want)));
	/* four CPUs a hex digit */
	ASSERT_EQ(st.cpus_allowed_nr, 4 * ((int)strlen(want) - commas(want)));
	for (int cpu = 0; cpu < st.cpus_allowed_nr; cpu++)
		ASSERT_MSG(!BITTEST(st.cpus_allowed, cpu) == !CPU_ISSET(cpu, &affinity),
			   "CPU %d", cpu);
	vmon__proc_status_free(&st);
	free(text);
}

TEST(parse_proc_status_leaves_kthread_alone)
{
	/* kthread's source is stat's flags: a "stat:" line (a fuzzer found
	 * one) or a Kthread line of a new kernel must not set it */
	vmon_proc_status_t st = { 0 };

	parse(&st, "stat:\t1\nstat.9:\t1\nKthread:\t1\n");
	ASSERT_EQ(st.kthread, 0);
	ASSERT(!BITTEST(st.changed, VMON_PROC_STATUS_KTHREAD));
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STATUS_KTHREAD));
	vmon__proc_status_free(&st);
}
