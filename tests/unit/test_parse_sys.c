/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_sys.c - the parsers of the system-wide files and of the
 * other per-process files parsed by key or column: /proc/stat
 * (vmon__parse_sys_stat), /proc/meminfo (vmon__parse_sys_vm),
 * /proc/PID/statm (vmon__parse_proc_vm) and /proc/PID/io
 * (vmon__parse_proc_io).
 *
 * The seed read only the aggregate cpu line and parsed meminfo as a fixed
 * sequence (defects 2 and 3 of docs/design/defects.md).  Kernels print 4 to
 * 10 cpu columns, lxcfs and OpenVZ add duplicate and blank lines, CPUs come
 * and go (docs/design/kernel.md A12-A14): lines are found by their key,
 * CPUs by their id, and what a file lacks is marked unavailable, never read
 * as garbage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test.h"

static const char full_stat[] =
	"cpu  100 200 300 400 500 600 700 800 900 1000\n"
	"cpu0 10 20 30 40 50 60 70 80 90 100\n"
	"cpu1 11 21 31 41 51 61 71 81 91 101\n"
	"intr 123456 1 2 3 0 0 0\n"
	"ctxt 987654\n"
	"btime 1700000000\n"
	"processes 4242\n"
	"procs_running 3\n"
	"procs_blocked 1\n"
	"softirq 5500 1 2 3 4 5 6 7 8 9 10\n";

static void parse_stat(vmon_sys_stat_t *st, const char *text)
{
	ASSERT_EQ(vmon__parse_sys_stat(st, text, strlen(text)), 0);
}

static void free_stat(vmon_sys_stat_t *st)
{
	vmon__free(st->cpus);
}

/* column k (0-based) of a cpu row of a store is v0 + 10 * k and available */
static void check_cpu_row(const vmon_sys_cpu_t *row, unsigned long long v0, int columns)
{
	const unsigned long long *col = &row->user;

	for (int k = 0; k < VMON_SYS_CPU_NR; k++) {
		const vmon_field_t *f = &vmon__sys_cpu_info.fields[k];
		const unsigned long long *m =
			(const unsigned long long *)((const char *)row + f->offset);

		ASSERT_EQ(f->offset - vmon__sys_cpu_info.fields[0].offset,
			  (size_t)k * sizeof(*col));
		if (k < columns) {
			ASSERT_MSG(!BITTEST(row->unavailable, k), "column %s unavailable", f->name);
			ASSERT_ULL_EQ(*m, v0 + 10 * k);
		} else {
			ASSERT_MSG(BITTEST(row->unavailable, k), "column %s available", f->name);
		}
	}
}

TEST(parse_sys_stat_every_line)
{
	vmon_sys_stat_t st = { 0 };

	parse_stat(&st, full_stat);
	ASSERT_EQ(st.user, 100);
	ASSERT_EQ(st.nice, 200);
	ASSERT_EQ(st.system, 300);
	ASSERT_EQ(st.idle, 400);
	ASSERT_EQ(st.iowait, 500);
	ASSERT_EQ(st.irq, 600);
	ASSERT_EQ(st.softirq, 700);
	ASSERT_EQ(st.steal, 800);
	ASSERT_EQ(st.guest, 900);
	ASSERT_EQ(st.guest_nice, 1000);
	ASSERT_EQ(st.intr, 123456);
	ASSERT_EQ(st.ctxt, 987654);
	ASSERT_EQ(st.boot_time, 1700000000);
	ASSERT_EQ(st.forks, 4242);
	ASSERT_EQ(st.n_runnable, 3);
	ASSERT_EQ(st.n_blocked, 1);
	ASSERT_EQ(st.softirq_total, 5500);
	ASSERT_EQ(st.softirq_hi, 1);
	ASSERT_EQ(st.softirq_timer, 2);
	ASSERT_EQ(st.softirq_net_tx, 3);
	ASSERT_EQ(st.softirq_net_rx, 4);
	ASSERT_EQ(st.softirq_block, 5);
	ASSERT_EQ(st.softirq_irq_poll, 6);
	ASSERT_EQ(st.softirq_tasklet, 7);
	ASSERT_EQ(st.softirq_sched, 8);
	ASSERT_EQ(st.softirq_hrtimer, 9);
	ASSERT_EQ(st.softirq_rcu, 10);
	/* every field but boottime, which the sampler reads from a clock */
	ASSERT(BITTEST(st.unavailable, VMON_SYS_STAT_BOOTTIME));
	BITCLEAR(st.unavailable, VMON_SYS_STAT_BOOTTIME);
	ASSERT(!vmon__bits_any(st.unavailable, VMON_SYS_STAT_NR));
	ASSERT_EQ(st.cpus_nr, 2);
	ASSERT(st.cpus[0].online && st.cpus[1].online);
	check_cpu_row(&st.cpus[0], 10, 10);
	check_cpu_row(&st.cpus[1], 11, 10);
	free_stat(&st);
}

TEST(parse_sys_stat_cpu_columns_4_to_11)
{
	static const int counts[] = { 4, 7, 8, 9, 10, 11 };
	char text[512];

	for (size_t i = 0; i < VMON__ARRAY_SIZE(counts); i++) {
		vmon_sys_stat_t st = { 0 };
		int n = 0;

		for (int row = 0; row < 2; row++) {
			n += snprintf(text + n, sizeof(text) - n, row ? "cpu0" : "cpu ");
			for (int k = 0; k < counts[i]; k++)
				n += snprintf(text + n, sizeof(text) - n, " %d", 5 + row + 10 * k);
			n += snprintf(text + n, sizeof(text) - n, "\n");
		}
		parse_stat(&st, text);
		ASSERT_EQ(st.cpus_nr, 1);
		check_cpu_row(&st.cpus[0], 6, counts[i]);
		/* the aggregate row, through the store's own symbols */
		for (int k = 0; k < VMON_SYS_CPU_NR; k++) {
			int sym = VMON_SYS_STAT_CPU_USER + k;
			const unsigned long long *m = (const unsigned long long *)
				((const char *)&st + vmon__sys_stat_info.fields[sym].offset);

			ASSERT_MSG(!BITTEST(st.unavailable, sym) == (k < counts[i]),
				   "%d columns: column %d", counts[i], k);
			ASSERT_ULL_EQ(*m, k < counts[i] ? 5 + 10 * k : 0);
		}
		free_stat(&st);
	}
}

TEST(parse_sys_stat_duplicate_and_blank_lines)
{
	vmon_sys_stat_t st = { 0 };

	parse_stat(&st,
		   "\n"
		   "cpu  100 200 300 400 500 600 700 800 900 1000\n"
		   "cpu  0 0 0 0 0 0 0 0 0 0\n"		/* lxcfs#406 */
		   "\n"
		   "cpu0 10 20 30 40 50 60 70 80 90 100\n"
		   "   \n"
		   "cpu0 99 99 99 99 99 99 99 99 99 99\n"
		   "\n"					/* OpenVZ */
		   "cpux 1 2 3\n"
		   "cpu99999999 1 2 3\n"		/* no 100-million-row array */
		   "ctxt 5\n\n");
	ASSERT_EQ(st.user, 100);
	ASSERT_EQ(st.guest_nice, 1000);
	ASSERT_EQ(st.cpus_nr, 1);
	check_cpu_row(&st.cpus[0], 10, 10);
	ASSERT_EQ(st.ctxt, 5);
	ASSERT(!BITTEST(st.unavailable, VMON_SYS_STAT_CTXT));
	/* what the file lacks: btime and the rest */
	ASSERT(BITTEST(st.unavailable, VMON_SYS_STAT_BOOT_TIME));
	ASSERT(BITTEST(st.unavailable, VMON_SYS_STAT_SOFTIRQ_TOTAL));
	ASSERT(BITTEST(st.unavailable, VMON_SYS_STAT_INTR));
	free_stat(&st);
}

TEST(parse_sys_stat_hotplug_sequence)
{
	vmon_sys_stat_t st = { 0 };

	parse_stat(&st, "cpu  1 1 1 1\n"
		   "cpu0 10 20 30 40\ncpu1 11 21 31 41\ncpu2 12 22 32 42\n");
	ASSERT_EQ(st.cpus_nr, 3);
	for (int i = 0; i < 3; i++) {
		ASSERT(st.cpus[i].online);
		check_cpu_row(&st.cpus[i], 10 + i, 4);
	}

	/* cpu1 goes offline: cpu2 stays at index 2, cpu1 keeps its last values */
	parse_stat(&st, "cpu  1 1 1 1\ncpu0 10 20 30 40\ncpu2 13 23 33 43\n");
	ASSERT_EQ(st.cpus_nr, 3);
	ASSERT(st.cpus[0].online);
	ASSERT(!st.cpus[1].online);
	ASSERT(st.cpus[2].online);
	ASSERT(!vmon__bits_any(st.cpus[0].changed, VMON_SYS_CPU_NR));
	check_cpu_row(&st.cpus[2], 13, 4);
	ASSERT(BITTEST(st.cpus[2].changed, VMON_SYS_CPU_USER));
	ASSERT(!BITTEST(st.cpus[2].changed, VMON_SYS_CPU_IOWAIT));
	ASSERT_EQ(st.cpus[1].user, 11);
	ASSERT_EQ(st.cpus[1].idle, 41);
	for (int k = 0; k < VMON_SYS_CPU_NR; k++)
		ASSERT(BITTEST(st.cpus[1].unavailable, k));
	ASSERT(!vmon__bits_any(st.cpus[1].changed, VMON_SYS_CPU_NR));

	/* cpu1 back and cpu3 new */
	parse_stat(&st, "cpu  1 1 1 1\ncpu0 10 20 30 40\ncpu1 14 24 34 44\n"
		   "cpu2 13 23 33 43\ncpu3 15 25 35 45\n");
	ASSERT_EQ(st.cpus_nr, 4);
	for (int i = 0; i < 4; i++)
		ASSERT(st.cpus[i].online);
	check_cpu_row(&st.cpus[1], 14, 4);
	check_cpu_row(&st.cpus[2], 13, 4);
	check_cpu_row(&st.cpus[3], 15, 4);
	ASSERT(!vmon__bits_any(st.cpus[2].changed, VMON_SYS_CPU_NR));
	ASSERT(BITTEST(st.cpus[1].changed, VMON_SYS_CPU_USER));
	/* a row seen for the first time has changed everywhere */
	for (int k = 0; k < VMON_SYS_CPU_NR; k++)
		ASSERT(BITTEST(st.cpus[3].changed, k));
	free_stat(&st);
}

TEST(parse_sys_stat_changed_bits_exact)
{
	vmon_sys_stat_t st = { 0 };
	char text[sizeof(full_stat) + 8], *ctxt;

	parse_stat(&st, full_stat);
	ASSERT(BITTEST(st.changed, VMON_SYS_STAT_CTXT));
	parse_stat(&st, full_stat);
	ASSERT(!vmon__bits_any(st.changed, VMON_SYS_STAT_NR));
	ASSERT(!vmon__bits_any(st.cpus[0].changed, VMON_SYS_CPU_NR));
	memcpy(text, full_stat, sizeof(full_stat));
	ctxt = strstr(text, "ctxt 987654");
	ctxt[10] = '5';
	parse_stat(&st, text);
	ASSERT_EQ(st.ctxt, 987655);
	for (int sym = 0; sym < VMON_SYS_STAT_NR; sym++)
		ASSERT_MSG(!BITTEST(st.changed, sym) == (sym != VMON_SYS_STAT_CTXT),
			   "changed bit of %s", vmon__sys_stat_info.fields[sym].name);
	free_stat(&st);
}

/* meminfo as a 3.x kernel without MemAvailable might print it, shuffled,
 * with keys this library does not know, a tab, and no space after a colon */
static const char odd_meminfo[] =
	"Zswapped:          1234 kB\n"
	"MemFree:        1000000 kB\n"
	"HugePages_Total:      8\n"
	"Active(anon):    300000 kB\n"
	"MemTotal:       8000000 kB\n"
	"SomeFutureKey:        42 kB\n"
	"Hugepagesize:      2048 kB\n"
	"HugePages_Free:       3\n"
	"Active:          500000 kB\n"
	"Cached:\t2000000 kB\n"
	"Buffers:100000 kB\n"
	"NoColonHere 77\n"
	"SwapTotal:            0 kB\n";

TEST(parse_sys_vm_by_key)
{
	vmon_sys_vm_t vm = { 0 };

	ASSERT_EQ(vmon__parse_sys_vm(&vm, odd_meminfo, strlen(odd_meminfo)), 0);
	ASSERT_EQ(vm.total_kb, 8000000);
	ASSERT_EQ(vm.free_kb, 1000000);
	ASSERT_EQ(vm.anon_active_kb, 300000);
	ASSERT_EQ(vm.active_kb, 500000);
	ASSERT_EQ(vm.cached_kb, 2000000);
	ASSERT_EQ(vm.buffers_kb, 100000);
	ASSERT_EQ(vm.hugepages_total, 8);
	ASSERT_EQ(vm.hugepages_free, 3);
	ASSERT_EQ(vm.hugepage_size_kb, 2048);
	ASSERT_EQ(vm.swap_total_kb, 0);
	static const int present[] = {
		VMON_SYS_VM_TOTAL_KB, VMON_SYS_VM_FREE_KB, VMON_SYS_VM_ANON_ACTIVE_KB,
		VMON_SYS_VM_ACTIVE_KB, VMON_SYS_VM_CACHED_KB, VMON_SYS_VM_BUFFERS_KB,
		VMON_SYS_VM_HUGEPAGES_TOTAL, VMON_SYS_VM_HUGEPAGES_FREE,
		VMON_SYS_VM_HUGEPAGE_SIZE_KB, VMON_SYS_VM_SWAP_TOTAL_KB,
	};
	for (int sym = 0; sym < VMON_SYS_VM_NR; sym++) {
		bool is_present = false;

		for (size_t i = 0; i < VMON__ARRAY_SIZE(present); i++)
			is_present |= present[i] == sym;
		ASSERT_MSG(!BITTEST(vm.unavailable, sym) == is_present, "%s %savailable",
			   vmon__sys_vm_info.fields[sym].name, is_present ? "un" : "");
	}
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_AVAILABLE_KB));
	ASSERT_EQ(vm.available_kb, 0);
	/* every key by name, in the file's order: the unknown ones too, not
	 * the line without a colon */
	{
		static const char *const names[] = { "Zswapped", "MemFree", "HugePages_Total",
			"Active(anon)", "MemTotal", "SomeFutureKey", "Hugepagesize",
			"HugePages_Free", "Active", "Cached", "Buffers", "SwapTotal" };
		unsigned long long v;

		ASSERT_EQ(vm.keys_nr, (int)VMON__ARRAY_SIZE(names));
		for (size_t i = 0; i < VMON__ARRAY_SIZE(names); i++) {
			ASSERT_STREQ(vm.keys[i].name.array, names[i]);
			ASSERT(vm.keys[i].is_new && vm.keys[i].changed && !vm.keys[i].is_stale);
		}
		ASSERT(vmon_sys_vm_get(&vm, "Zswapped", &v) && v == 1234);
		ASSERT(vmon_sys_vm_get(&vm, "SomeFutureKey", &v) && v == 42);
		ASSERT(vmon_sys_vm_get(&vm, "HugePages_Total", &v) && v == 8);
		ASSERT(vmon_sys_vm_get(&vm, "Buffers", &v) && v == 100000);
		ASSERT(vmon_sys_vm_get(&vm, "Cached", &v) && v == vm.cached_kb);
		ASSERT(!vmon_sys_vm_get(&vm, "NoColonHere", &v) && errno == ENOENT);
		ASSERT(!vmon_sys_vm_get(&vm, "Active(", &v) && errno == ENOENT);
		ASSERT(!vmon_sys_vm_get(&vm, "MemAvailable", &v) && errno == ENOENT);
		ASSERT(!vmon_sys_vm_get(&vm, NULL, &v) && errno == EINVAL);
		ASSERT(!vmon_sys_vm_get(NULL, "Active", &v) && errno == EINVAL);
	}
	vmon__sys_vm_free(&vm);
}

TEST(parse_sys_vm_bad_values)
{
	static const char text[] =
		"MemTotal:       99999999999999999999 kB\n"	/* 20 digits, > u64 */
		"MemFree:        18446744073709551615 kB\n"	/* u64 max */
		"MemAvailable:   12x kB\n"
		"Buffers:        kB\n"
		"Cached:         -5 kB\n"
		"SwapTotal:      7kB\n"
		"SwapFree:       9\n";
	vmon_sys_vm_t vm = { 0 };

	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, sizeof(text) - 1), 0);
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_TOTAL_KB));
	ASSERT_EQ(vm.total_kb, 0);
	ASSERT(!BITTEST(vm.unavailable, VMON_SYS_VM_FREE_KB));
	ASSERT_ULL_EQ(vm.free_kb, 18446744073709551615ULL);
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_AVAILABLE_KB));
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_BUFFERS_KB));
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_CACHED_KB));
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_SWAP_TOTAL_KB));
	ASSERT(!BITTEST(vm.unavailable, VMON_SYS_VM_SWAP_FREE_KB));
	ASSERT_EQ(vm.swap_free_kb, 9);
	/* rows only for what is a number, as the members: MemFree and
	 * SwapFree; MemTotal overflows */
	ASSERT_EQ(vm.keys_nr, 2);
	ASSERT_STREQ(vm.keys[0].name.array, "MemFree");
	ASSERT_STREQ(vm.keys[1].name.array, "SwapFree");
	vmon__sys_vm_free(&vm);
}

TEST(parse_sys_vm_empty_and_changed)
{
	vmon_sys_vm_t vm = { 0 };
	char text[sizeof(odd_meminfo)], *free_kb;

	ASSERT_EQ(vmon__parse_sys_vm(&vm, "", 0), 0);
	for (int sym = 0; sym < VMON_SYS_VM_NR; sym++)
		ASSERT(BITTEST(vm.unavailable, sym));
	ASSERT(!vmon__bits_any(vm.changed, VMON_SYS_VM_NR));

	ASSERT_EQ(vmon__parse_sys_vm(&vm, odd_meminfo, strlen(odd_meminfo)), 0);
	ASSERT(BITTEST(vm.changed, VMON_SYS_VM_TOTAL_KB));
	ASSERT(!BITTEST(vm.unavailable, VMON_SYS_VM_TOTAL_KB));
	ASSERT_EQ(vmon__parse_sys_vm(&vm, odd_meminfo, strlen(odd_meminfo)), 0);
	ASSERT(!vmon__bits_any(vm.changed, VMON_SYS_VM_NR));
	memcpy(text, odd_meminfo, sizeof(text));
	free_kb = strstr(text, "1000000 kB");
	free_kb[0] = '2';
	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, strlen(text)), 0);
	ASSERT_EQ(vm.free_kb, 2000000);
	for (int sym = 0; sym < VMON_SYS_VM_NR; sym++)
		ASSERT_MSG(!BITTEST(vm.changed, sym) == (sym != VMON_SYS_VM_FREE_KB),
			   "changed bit of %s", vmon__sys_vm_info.fields[sym].name);
	for (int i = 0; i < vm.keys_nr; i++)
		ASSERT_MSG(!vm.keys[i].is_new && !vm.keys[i].is_stale &&
			   vm.keys[i].changed == !strcmp(vm.keys[i].name.array, "MemFree"),
			   "row %s", vm.keys[i].name.array);
	/* a key that goes is stale for one parse, keeping its value, then gone */
	free_kb = strstr(text, "SomeFutureKey:");
	free_kb[13] = ' ';
	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, strlen(text)), 0);
	ASSERT_EQ(vm.keys_nr, 12);
	ASSERT(vm.keys[5].is_stale && vm.keys[5].value == 42 && !vm.keys[5].changed);
	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, strlen(text)), 0);
	ASSERT_EQ(vm.keys_nr, 11);
	vmon__sys_vm_free(&vm);
	ASSERT(!vm.keys && !vm.keys_nr);
}

TEST(parse_sys_vm_this_kernel)
{
	size_t len;
	char *text = t_read_file("/proc/meminfo", &len);
	vmon_sys_vm_t vm = { 0 };
	int found = 0;

	if (!text)
		SKIP("no /proc/meminfo");
	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, len), 0);
	/* every key of the table this kernel prints, read back by hand from
	 * the same bytes */
	for (int sym = 0; sym < VMON_SYS_VM_NR; sym++) {
		const vmon_field_t *f = &vmon__sys_vm_info.fields[sym];
		char key[64];
		const char *value;

		snprintf(key, sizeof(key), "\n%s:", f->source);
		if (!strncmp(text, key + 1, strlen(key + 1)))
			value = text + strlen(key + 1);
		else if ((value = strstr(text, key)))
			value += strlen(key);
		if (!value) {
			ASSERT_MSG(BITTEST(vm.unavailable, sym), "%s not printed", f->source);
			continue;
		}
		found++;
		ASSERT_MSG(!BITTEST(vm.unavailable, sym), "%s unavailable", f->source);
		ASSERT_ULL_EQ(*(unsigned long long *)((char *)&vm + f->offset),
			      strtoull(value, NULL, 10));
	}
	ASSERT(found > 20);
	ASSERT(!BITTEST(vm.unavailable, VMON_SYS_VM_TOTAL_KB));
	vmon__sys_vm_free(&vm);
	free(text);
}

TEST(parse_proc_vm_statm)
{
	vmon_proc_vm_t vm = { 0 };
	/* size resident shared text lib data dt: lib (5) is skipped */
	static const char full[] = "1000 200 30 4 0 50 0\n";

	ASSERT_EQ(vmon__parse_proc_vm(&vm, full, sizeof(full) - 1), 0);
	ASSERT_EQ(vm.size_pages, 1000);
	ASSERT_EQ(vm.resident_pages, 200);
	ASSERT_EQ(vm.shared_pages, 30);
	ASSERT_EQ(vm.text_pages, 4);
	ASSERT_EQ(vm.data_pages, 50);
	ASSERT(!vmon__bits_any(vm.unavailable, VMON_PROC_VM_NR));
	for (int sym = 0; sym < VMON_PROC_VM_NR; sym++)
		ASSERT(BITTEST(vm.changed, sym));

	/* the same: no change; resident grows: only its bit */
	ASSERT_EQ(vmon__parse_proc_vm(&vm, full, sizeof(full) - 1), 0);
	ASSERT(!vmon__bits_any(vm.changed, VMON_PROC_VM_NR));
	ASSERT_EQ(vmon__parse_proc_vm(&vm, "1000 201 30 4 0 50 0\n", 21), 0);
	for (int sym = 0; sym < VMON_PROC_VM_NR; sym++)
		ASSERT(!BITTEST(vm.changed, sym) == (sym != VMON_PROC_VM_RESIDENT_PAGES));

	/* three columns: text and data unavailable, and keep their values */
	ASSERT_EQ(vmon__parse_proc_vm(&vm, "7 8 9\n", 6), 0);
	ASSERT_EQ(vm.shared_pages, 9);
	ASSERT(BITTEST(vm.unavailable, VMON_PROC_VM_TEXT_PAGES));
	ASSERT(BITTEST(vm.unavailable, VMON_PROC_VM_DATA_PAGES));
	ASSERT_EQ(vm.data_pages, 50);

	/* a zombie's statm (K5), and nothing at all */
	ASSERT_EQ(vmon__parse_proc_vm(&vm, "0 0 0 0 0 0 0\n", 14), 0);
	ASSERT(!vmon__bits_any(vm.unavailable, VMON_PROC_VM_NR));
	ASSERT_EQ(vm.size_pages, 0);
	ASSERT_EQ(vmon__parse_proc_vm(&vm, "", 0), 0);
	for (int sym = 0; sym < VMON_PROC_VM_NR; sym++)
		ASSERT(BITTEST(vm.unavailable, sym));
}

TEST(parse_proc_io_by_key)
{
	static const char text[] =
		"write_bytes: 6\n"
		"rchar: 1\n"
		"syscw: 4\n"
		"wchar:2\n"
		"future_key: 99\n"
		"syscr: 3\n"
		"read_bytes: 18446744073709551615\n";
	vmon_proc_io_t io = { 0 };

	ASSERT_EQ(vmon__parse_proc_io(&io, text, sizeof(text) - 1), 0);
	ASSERT_EQ(io.rchars, 1);
	ASSERT_EQ(io.wchars, 2);
	ASSERT_EQ(io.syscr, 3);
	ASSERT_EQ(io.syscw, 4);
	ASSERT_ULL_EQ(io.read_bytes, 18446744073709551615ULL);
	ASSERT_EQ(io.write_bytes, 6);
	for (int sym = 0; sym < VMON_PROC_IO_NR; sym++)
		ASSERT_MSG(!BITTEST(io.unavailable, sym) ==
			   (sym != VMON_PROC_IO_CANCELLED_WRITE_BYTES),
			   "%s", vmon__proc_io_info.fields[sym].name);
	ASSERT(!BITTEST(io.changed, VMON_PROC_IO_CANCELLED_WRITE_BYTES));
	ASSERT(BITTEST(io.changed, VMON_PROC_IO_SYSCR));
	ASSERT_EQ(vmon__parse_proc_io(&io, text, sizeof(text) - 1), 0);
	ASSERT(!vmon__bits_any(io.changed, VMON_PROC_IO_NR));
}
