/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compare_sys.c - the system stores compared with an independent
 * reading of the same files: SYS_STAT (the aggregate and every per-CPU row
 * of /proc/stat, intr, ctxt, btime, processes, procs_running,
 * procs_blocked, softirq) between a reading just before and one just after
 * the sample (counters are monotonic: before <= library <= after), and
 * SYS_VM against /proc/meminfo (MemTotal and the other fixed sizes exactly,
 * every key the kernel prints present, every key it lacks unavailable).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define MAX_CPUS 1024
#define COLS 10
#define SOFTIRQS 11

/* /proc/stat as this file reads it: line by line, by first word */
struct pstat {
	unsigned long long cpu[COLS];
	int cpu_cols;
	unsigned long long (*cpus)[COLS];
	int *cpus_cols;		/* 0: no row for that id */
	int cpus_nr;		/* highest id + 1 */
	unsigned long long intr, ctxt, btime, processes, running, blocked;
	unsigned long long softirq[SOFTIRQS];
	int softirq_nr;
};

static int read_numbers(char *p, unsigned long long *out, int max)
{
	int n = 0;

	while (n < max) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			break;
		out[n++] = v;
		p = end;
	}
	return n;
}

static void pstat_read(struct pstat *s)
{
	char *buf = t_read_file("/proc/stat", NULL), *line, *next;

	ASSERT(buf);
	memset(s, 0, sizeof(*s));
	s->cpus = calloc(MAX_CPUS, sizeof(*s->cpus));
	s->cpus_cols = calloc(MAX_CPUS, sizeof(int));
	ASSERT(s->cpus && s->cpus_cols);
	for (line = buf; line && *line; line = next) {
		char *sp = strchr(line, ' ');
		unsigned long long one;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!sp)
			continue;
		*sp = '\0';
		if (!strcmp(line, "cpu")) {
			s->cpu_cols = read_numbers(sp + 1, s->cpu, COLS);
		} else if (!strncmp(line, "cpu", 3)) {
			int id = atoi(line + 3);

			ASSERT(id >= 0 && id < MAX_CPUS);
			s->cpus_cols[id] = read_numbers(sp + 1, s->cpus[id], COLS);
			if (id + 1 > s->cpus_nr)
				s->cpus_nr = id + 1;
		} else if (!strcmp(line, "softirq")) {
			s->softirq_nr = read_numbers(sp + 1, s->softirq, SOFTIRQS);
		} else if (read_numbers(sp + 1, &one, 1) == 1) {
			if (!strcmp(line, "intr"))
				s->intr = one;
			else if (!strcmp(line, "ctxt"))
				s->ctxt = one;
			else if (!strcmp(line, "btime"))
				s->btime = one;
			else if (!strcmp(line, "processes"))
				s->processes = one;
			else if (!strcmp(line, "procs_running"))
				s->running = one;
			else if (!strcmp(line, "procs_blocked"))
				s->blocked = one;
		}
	}
	free(buf);
}

static void pstat_free(struct pstat *s)
{
	free(s->cpus);
	free(s->cpus_cols);
}

#define ASSERT_BETWEEN(lo, v, hi, what) \
	ASSERT_MSG((lo) <= (v) && (v) <= (hi), "%s: %llu not within [%llu, %llu]", \
		   what, (unsigned long long)(v), (unsigned long long)(lo), \
		   (unsigned long long)(hi))

/* one row of ten columns: before <= library <= after, but iowait, which
 * the kernel lets go backwards (proc_stat(5)) */
static void check_row(const unsigned long long *before, const unsigned long long *lib,
		      const unsigned long long *after, int cols, const char *row)
{
	static const char *const names[COLS] = {
		"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal",
		"guest", "guest_nice",
	};
	char what[64];

	for (int i = 0; i < cols; i++) {
		snprintf(what, sizeof(what), "%s %s", row, names[i]);
		if (i == 4)
			continue;
		ASSERT_BETWEEN(before[i], lib[i], after[i], what);
	}
}

static void row_of_cpu(const vmon_sys_cpu_t *c, unsigned long long *out)
{
	const unsigned long long v[COLS] = {
		c->user, c->nice, c->system, c->idle, c->iowait, c->irq, c->softirq,
		c->steal, c->guest, c->guest_nice,
	};

	memcpy(out, v, sizeof(v));
}

TEST(compare_sys_stat_with_proc_stat)
{
	const vmon_store_info_t *info = vmon_sys_store_info(VMON_STORE_SYS_STAT);
	const vmon_sys_stat_t *st;
	struct pstat b, a;
	unsigned long long lib[COLS];
	vmon_t v;

	ASSERT(info);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, VMON_WANT_PROC_INHERIT));
	ASSERT_EQ(v.num_cpus, sysconf(_SC_NPROCESSORS_ONLN));
	ASSERT_EQ(v.ticks_per_sec, sysconf(_SC_CLK_TCK));
	for (int round = 0; round < 3; round++) {
		pstat_read(&b);
		ASSERT(vmon_sample(&v));
		pstat_read(&a);
		st = v.stores[VMON_STORE_SYS_STAT];
		ASSERT(st);
		ASSERT_EQ(b.cpu_cols, COLS);	/* every column on this kernel */

		/* the aggregate row */
		lib[0] = st->user; lib[1] = st->nice; lib[2] = st->system; lib[3] = st->idle;
		lib[4] = st->iowait; lib[5] = st->irq; lib[6] = st->softirq; lib[7] = st->steal;
		lib[8] = st->guest; lib[9] = st->guest_nice;
		check_row(b.cpu, lib, a.cpu, COLS, "cpu");

		/* one row per CPU id, and no other */
		ASSERT_EQ(st->cpus_nr, a.cpus_nr);
		ASSERT(st->cpus_nr >= v.num_cpus);
		for (int id = 0; id < st->cpus_nr; id++) {
			const vmon_sys_cpu_t *c = &st->cpus[id];
			char row[32];

			snprintf(row, sizeof(row), "cpu%d", id);
			ASSERT_MSG(!!c->online == !!a.cpus_cols[id], "%s online %d", row, c->online);
			if (!c->online)
				continue;
			for (int col = 0; col < a.cpus_cols[id]; col++)
				ASSERT(!vmon_field_unavailable(vmon_sys_cpu_info(), c, col));
			row_of_cpu(c, lib);
			check_row(b.cpus[id], lib, a.cpus[id], a.cpus_cols[id], row);
		}

		ASSERT_BETWEEN(b.intr, st->intr, a.intr, "intr");
		ASSERT_BETWEEN(b.ctxt, st->ctxt, a.ctxt, "ctxt");
		ASSERT_BETWEEN(b.processes, st->forks, a.processes, "processes");
		ASSERT_NEAR(st->boot_time, a.btime, 1);
		ASSERT(st->n_runnable >= 1);	/* this process, reading it */
		ASSERT(a.softirq_nr == SOFTIRQS);
		ASSERT_BETWEEN(b.softirq[0], st->softirq_total, a.softirq[0], "softirq");
		ASSERT_BETWEEN(b.softirq[1], st->softirq_hi, a.softirq[1], "softirq hi");
		ASSERT_BETWEEN(b.softirq[2], st->softirq_timer, a.softirq[2], "softirq timer");
		ASSERT_BETWEEN(b.softirq[3], st->softirq_net_tx, a.softirq[3], "softirq net_tx");
		ASSERT_BETWEEN(b.softirq[4], st->softirq_net_rx, a.softirq[4], "softirq net_rx");
		ASSERT_BETWEEN(b.softirq[5], st->softirq_block, a.softirq[5], "softirq block");
		ASSERT_BETWEEN(b.softirq[6], st->softirq_irq_poll, a.softirq[6], "softirq irq_poll");
		ASSERT_BETWEEN(b.softirq[7], st->softirq_tasklet, a.softirq[7], "softirq tasklet");
		ASSERT_BETWEEN(b.softirq[8], st->softirq_sched, a.softirq[8], "softirq sched");
		ASSERT_BETWEEN(b.softirq[9], st->softirq_hrtimer, a.softirq[9], "softirq hrtimer");
		ASSERT_BETWEEN(b.softirq[10], st->softirq_rcu, a.softirq[10], "softirq rcu");

		/* this kernel prints everything the store has */
		for (int i = 0; i < info->fields_nr; i++)
			ASSERT_MSG(!vmon_field_unavailable(info, st, i), "%s unavailable",
				   info->fields[i].name);
		ASSERT(!(v.unavailable & VMON_WANT_SYS_STAT));
		if (round == 0)	/* the first sample changes everything */
			ASSERT(v.activity & VMON_WANT_SYS_STAT);
		pstat_free(&b);
		pstat_free(&a);
	}
	vmon_destroy(&v);
}

TEST(compare_sys_vm_with_meminfo)
{
	const vmon_store_info_t *info = vmon_sys_store_info(VMON_STORE_SYS_VM);
	const vmon_sys_vm_t *vm;
	unsigned long long total;
	int present = 0;
	vmon_t v;

	ASSERT(info);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_VM, VMON_WANT_PROC_INHERIT));
	ASSERT(vmon_sample(&v));
	vm = v.stores[VMON_STORE_SYS_VM];
	ASSERT(vm);
	ASSERT(t_keyed_value("/proc/meminfo", "MemTotal", &total));
	ASSERT_ULL_EQ(vm->total_kb, total);
	for (int i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];
		unsigned long long lib = *(const unsigned long long *)((const char *)vm + f->offset);
		unsigned long long ours;

		if (!t_keyed_value("/proc/meminfo", f->source, &ours)) {
			ASSERT_MSG(vmon_field_unavailable(info, vm, f->sym),
				   "%s: not in meminfo, yet available (%llu)", f->source, lib);
			ASSERT_ULL_EQ(lib, 0);
			continue;
		}
		present++;
		ASSERT_MSG(!vmon_field_unavailable(info, vm, f->sym), "%s: in meminfo, unavailable",
			   f->source);
	}
	/* values, by keys written down here (not the library's table): sizes
	 * that do not move exactly, the busiest figures within 64 MiB */
	{
		const struct {
			const char *key;
			unsigned long long lib;
			bool fixed;
		} keys[] = {
			{ "MemTotal", vm->total_kb, true },
			{ "SwapTotal", vm->swap_total_kb, true },
			{ "VmallocTotal", vm->vmalloctotal_kb, true },
			{ "Hugepagesize", vm->hugepage_size_kb, true },
			{ "HugePages_Total", vm->hugepages_total, true },
			{ "MemFree", vm->free_kb, false },
			{ "MemAvailable", vm->available_kb, false },
			{ "Cached", vm->cached_kb, false },
			{ "Active(anon)", vm->anon_active_kb, false },
			{ "Inactive(file)", vm->file_inactive_kb, false },
			{ "AnonPages", vm->anonpages_kb, false },
			{ "Committed_AS", vm->committed_as_kb, false },
		};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			unsigned long long ours;

			ASSERT_MSG(t_keyed_value("/proc/meminfo", keys[i].key, &ours), "no %s",
				   keys[i].key);
			if (keys[i].fixed)
				ASSERT_MSG(keys[i].lib == ours, "%s: library %llu, meminfo %llu",
					   keys[i].key, keys[i].lib, ours);
			else
				ASSERT_MSG(llabs((long long)(keys[i].lib - ours)) <= 65536,
					   "%s: library %llu, meminfo %llu", keys[i].key,
					   keys[i].lib, ours);
		}
	}
	ASSERT(present >= 30);
	ASSERT(vm->free_kb <= vm->total_kb);
	ASSERT(vm->available_kb <= vm->total_kb);
	ASSERT(vm->available_kb > 0);
	ASSERT(vm->active_kb >= vm->anon_active_kb);
	ASSERT(vm->swap_free_kb <= vm->swap_total_kb);
	ASSERT(v.activity & VMON_WANT_SYS_VM);	/* first sample: everything changed */
	vmon_destroy(&v);
}
