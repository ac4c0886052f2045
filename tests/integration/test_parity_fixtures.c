/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parity_fixtures.c - the fields added for parity with psutil
 * (CHANGELOG.md) through the whole library over the fixture proc root
 * tests/fixtures/proc/parity, for content the kernel will not produce on
 * demand:
 *
 *   meminfo  keys the table does not know, a repeated key, garbage lines
 *            (no colon, no key, no number, a negative, an overflowing
 *            number, an empty value), u64 max, a tab in a key, no final
 *            newline.
 *   400      NSpid three namespaces deep, a 40-CPU affinity mask in two
 *            groups, every ns link and pid_for_children another namespace.
 *   401      no NSpid line (a kernel before 4.1), a mask whose second
 *            group is short, ns links of the wrong type (net -> pid:[...],
 *            pid_for_children -> net:[...]) and most links missing.
 *   402      NSpid with a pid 0, then repeated; a mask of 24,001 hex
 *            digits (wider than any kernel's); no ns links at all.
 *
 * and the limits files of the three: every line reordered and repeated,
 * with u64 max, an overflowing and a negative number, "unlimitedx" (400);
 * a line without its hard limit, a line cut in its name and a file that
 * ends in the middle of a number (401); an empty file (402).  The root has
 * no "self" link, so VMON_WANT_PROC_IOPRIO makes no ioprio_get() there.
 */
#include <errno.h>
#include <string.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static const char *root(void)
{
	static char buf[256];

	return t_fixture("parity", buf, sizeof(buf));
}

TEST(fixture_parity_meminfo_unknown_and_garbage_keys)
{
	static const struct {
		const char *name;
		unsigned long long value;
	} rows[] = {
		{ "MemTotal", 16000000 }, { "MemFree", 4000000 }, { "Zswap", 12345 },
		{ "KReclaimable", 250000 }, { "SecPageTables", 0 }, { "Percpu", 4480 },
		{ "HugeValue", 18446744073709551615ULL }, { "DirectMap1G", 25165824 },
		{ "HugePages_Total", 4 }, { "Tab\tKey", 7 }, { "Unaccepted", 0 },
	};
	static const char *const no_row[] = { "Garbage line without a colon 12", "",
		"Overflow", "NotANumber", "Negative", "Empty", "Tab" };
	int fds = t_count_fds();
	unsigned long long v;
	vmon_sys_vm_t *vm;
	vmon_t vmon;

	ASSERT(vmon_init_root(&vmon, root(), VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	for (int sample = 0; sample < 2; sample++) {
		ASSERT(vmon_sample(&vmon));
		vm = vmon.stores[VMON_STORE_SYS_VM];
		ASSERT_EQ(vm->keys_nr, (int)(sizeof(rows) / sizeof(rows[0])));
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			ASSERT_STREQ(vm->keys[i].name.array, rows[i].name);
			ASSERT_MSG(vmon_sys_vm_get(vm, rows[i].name, &v) && v == rows[i].value,
				   "%s", rows[i].name);
			/* new and changed at the first sample only */
			ASSERT_EQ(vm->keys[i].is_new, !sample);
			ASSERT_EQ(vm->keys[i].changed, !sample);
		}
		for (size_t i = 0; i < sizeof(no_row) / sizeof(no_row[0]); i++)
			ASSERT_MSG(!vmon_sys_vm_get(vm, no_row[i], &v) && errno == ENOENT, "%s",
				   no_row[i]);
		/* the members: the first MemFree counts; the rest unavailable */
		ASSERT_EQ(vm->total_kb, 16000000);
		ASSERT_EQ(vm->free_kb, 4000000);
		ASSERT_EQ(vm->hugepages_total, 4);
		ASSERT(!BITTEST(vm->unavailable, VMON_SYS_VM_FREE_KB));
		ASSERT(BITTEST(vm->unavailable, VMON_SYS_VM_AVAILABLE_KB));
		ASSERT(vmon.unavailable & VMON_WANT_SYS_VM);
		t_check_tree(&vmon);
	}
	ASSERT(!(vmon.activity & VMON_WANT_SYS_VM));
	vmon_destroy(&vmon);
	ASSERT_EQ(t_count_fds(), fds);
}

static void *store(vmon_proc_t *p, int i)
{
	ASSERT_MSG(p->stores[i], "pid %d: no store %d", p->pid, i);
	return p->stores[i];
}

TEST(fixture_parity_nspid_cpu_mask_pid_for_children)
{
	const vmon_proc_wants_t wants = VMON_WANT_PROC_STATUS | VMON_WANT_PROC_NS;
	int fds = t_count_fds();
	vmon_proc_t *p[3];
	vmon_proc_status_t *st;
	vmon_proc_ns_t *ns;
	vmon_t vmon;

	ASSERT(vmon_init_root(&vmon, root(), VMON_FLAG_NONE, 0, wants));
	for (int i = 0; i < 3; i++)
		ASSERT((p[i] = vmon_proc_monitor(&vmon, 400 + i, 0, NULL, NULL)));
	for (int sample = 0; sample < 2; sample++) {
		ASSERT(vmon_sample(&vmon));
		t_check_tree(&vmon);
		for (int i = 0; i < 3; i++)
			ASSERT_MSG(!p[i]->is_stale, "%d taken for gone", p[i]->pid);
	}
	/* 400: all there */
	st = store(p[0], VMON_STORE_PROC_STATUS);
	ASSERT_EQ(st->nspid_nr, 3);
	ASSERT(st->nspid[0] == 400 && st->nspid[1] == 17 && st->nspid[2] == 1);
	ASSERT_EQ(st->nspid_inner, 1);
	ASSERT_EQ(st->cpus_allowed_nr, 40);
	ASSERT_EQ(st->cpus_allowed_count, 40);
	ASSERT(BITTEST(st->cpus_allowed, 39) && BITTEST(st->cpus_allowed, 0));
	ns = store(p[0], VMON_STORE_PROC_NS);
	ASSERT_ULL_EQ(ns->pid, 4026531836ULL);
	ASSERT_ULL_EQ(ns->pid_for_children, 4026532020ULL);
	ASSERT(!(p[0]->unavailable & VMON_WANT_PROC_NS));
	/* 401: no NSpid, a bad mask, links of the wrong type */
	st = store(p[1], VMON_STORE_PROC_STATUS);
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_NR));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_INNER));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT));
	ASSERT(!st->nspid_nr && !st->cpus_allowed_nr);
	ASSERT_STREQ(st->cpus_allowed_list.array, "0");
	ns = store(p[1], VMON_STORE_PROC_NS);
	ASSERT_ULL_EQ(ns->pid, 4026531836ULL);
	ASSERT(!BITTEST(ns->unavailable, VMON_PROC_NS_PID));
	ASSERT(BITTEST(ns->unavailable, VMON_PROC_NS_NET));
	ASSERT(BITTEST(ns->unavailable, VMON_PROC_NS_PID_FOR_CHILDREN));
	ASSERT(!ns->net && !ns->pid_for_children);
	/* 402: a pid 0 (the repeated line ignored), a mask too wide */
	st = store(p[2], VMON_STORE_PROC_STATUS);
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_NR));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
	ASSERT(!st->nspid_nr && !st->cpus_allowed_nr && !st->cpus_allowed);
	ASSERT_EQ(st->threads, 1);
	ns = store(p[2], VMON_STORE_PROC_NS);
	for (int sym = 0; sym < VMON_PROC_NS_NR; sym++)
		ASSERT(BITTEST(ns->unavailable, sym));
	vmon_destroy(&vmon);
	ASSERT_EQ(t_count_fds(), fds);
}

/* A limit, INF for "unlimited", NA for unavailable. */
#define INF VMON_RLIM_INFINITY
#define NA 1ULL

static void limits_are(vmon_proc_t *p, const unsigned long long (*want)[2])
{
	vmon_proc_limits_t *lim = store(p, VMON_STORE_PROC_LIMITS);

	for (int r = 0; r < VMON_RLIMIT_NR; r++) {
		for (int hard = 0; hard < 2; hard++) {
			unsigned long long v;
			int ok = hard ? vmon_proc_limits_get(lim, r, NULL, &v) :
					vmon_proc_limits_get(lim, r, &v, NULL);

			if (want[r][hard] == NA) {
				ASSERT_MSG(!ok && errno == ENOENT, "%d: resource %d %s available", p->pid,
					   r, hard ? "hard" : "soft");
				continue;
			}
			ASSERT_MSG(ok, "%d: resource %d %s unavailable", p->pid, r,
				   hard ? "hard" : "soft");
			ASSERT_MSG(v == want[r][hard], "%d: resource %d %s: %llu, not %llu", p->pid, r,
				   hard ? "hard" : "soft", v, want[r][hard]);
		}
	}
}

TEST(fixture_parity_limits_truncated_huge_repeated)
{
	/* 400: reordered (open files first), then repeated; a value of
	 * u64 max (unlimited's own number), one past it, a negative one,
	 * "unlimitedx" */
	static const unsigned long long l400[VMON_RLIMIT_NR][2] = {
		{ INF, INF }, { INF, INF }, { NA, INF }, { 8388608, INF }, { 0, INF },
		{ INF, INF }, { 63459, 63459 }, { 1024, 1048576 }, { 8388608, 8388608 },
		{ INF, INF }, { INF, INF }, { NA, 63459 }, { 819200, 819200 }, { 0, 0 },
		{ 99, 99 }, { 500000, NA },
	};
	/* 401: open files lost its hard limit, locked memory is cut in its
	 * name, the file ends in the middle of address space's hard limit */
	static const unsigned long long l401[VMON_RLIMIT_NR][2] = {
		{ 10, 20 }, { 11, 21 }, { 12, 22 }, { 13, 23 }, { 14, 24 }, { 15, 25 },
		{ 16, 26 }, { 1024, NA }, { NA, NA }, { 4096, 819 }, { NA, NA }, { NA, NA },
		{ NA, NA }, { NA, NA }, { NA, NA }, { NA, NA },
	};
	static const unsigned long long l402[VMON_RLIMIT_NR][2] = {
		{ NA, NA }, { NA, NA }, { NA, NA }, { NA, NA }, { NA, NA }, { NA, NA },
		{ NA, NA }, { NA, NA }, { NA, NA }, { NA, NA }, { NA, NA }, { NA, NA },
		{ NA, NA }, { NA, NA }, { NA, NA }, { NA, NA },
	};
	int fds = t_count_fds();
	vmon_proc_t *p[3];
	vmon_t vmon;

	ASSERT(vmon_init_root(&vmon, root(), VMON_FLAG_NONE, 0, VMON_WANT_PROC_LIMITS));
	for (int i = 0; i < 3; i++)
		ASSERT((p[i] = vmon_proc_monitor(&vmon, 400 + i, 0, NULL, NULL)));
	for (int sample = 0; sample < 2; sample++) {
		ASSERT(vmon_sample(&vmon));
		t_check_tree(&vmon);
		for (int i = 0; i < 3; i++) {
			ASSERT_MSG(!p[i]->is_stale, "%d taken for gone", p[i]->pid);
			ASSERT(p[i]->unavailable & VMON_WANT_PROC_LIMITS);
			/* changed at the first sample only */
			ASSERT_EQ(!!(p[i]->activity & VMON_WANT_PROC_LIMITS), !sample);
		}
	}
	limits_are(p[0], l400);
	limits_are(p[1], l401);
	limits_are(p[2], l402);
	vmon_destroy(&vmon);
	ASSERT_EQ(t_count_fds(), fds);
}

/* no "self" link: not the caller's pid namespace, so no ioprio_get() */
TEST(fixture_parity_ioprio_unavailable_not_gone)
{
	vmon_proc_t *p;
	vmon_t vmon;

	ASSERT(vmon_init_root(&vmon, root(), VMON_FLAG_NONE, 0, VMON_WANT_PROC_IOPRIO));
	ASSERT((p = vmon_proc_monitor(&vmon, 400, 0, NULL, NULL)));
	for (int sample = 0; sample < 3; sample++) {
		ASSERT(vmon_sample(&vmon));
		ASSERT(!p->is_stale);
		ASSERT(p->unavailable & VMON_WANT_PROC_IOPRIO);
		for (int sym = 0; sym < VMON_PROC_IOPRIO_NR; sym++)
			ASSERT(BITTEST(((vmon_proc_ioprio_t *)store(p, VMON_STORE_PROC_IOPRIO))->unavailable,
				       sym));
	}
	vmon_destroy(&vmon);
}
