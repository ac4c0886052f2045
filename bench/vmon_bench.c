/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon_bench.c - the libvmon harness: the configurations
 * docs/design/performance.md sets targets for, measured like the references
 * (bench.h) so that run.sh can quote libvmon's CPU time per process per
 * sample as a ratio to the floor's from the same run.
 *
 *   -m proc  VMON_FLAG_PROC_ALL, PROC_STAT | PROC_VM | PROC_IO.  At the
 *            library's default refresh it also reads cmdline, argv, exe and
 *            wchan at every sample (run.sh's vmon-proc, whose floor is
 *            floor -f); with -c 32 -W 32, the cheap refresh, it is the
 *            target configuration (vmon-proc-cheap: at most 1.10x the
 *            floor)
 *   -m all   VMON_FLAG_PROC_ALL with every process want that PROC_ALL
 *            allows (all of proc_wants.def but FOLLOW_CHILDREN: STAT, VM,
 *            IO, FILES, FOLLOW_THREADS and any added since) and every
 *            system want: the dearest configuration
 *   -m files VMON_FLAG_PROC_ALL, STAT | VM | IO | FILES: with run.sh's FDS,
 *            the cost of the files want per descriptor
 *   -m tree  the tree of -p PID followed with PROC_FOLLOW_CHILDREN | STAT |
 *            VM | IO (with -T also FOLLOW_THREADS): run.sh gives it the
 *            spawner, whose N children are the tree
 *   -m sys   SYS_STAT | SYS_VM alone (cost per sample, no processes)
 *
 *   -b N|max|default  descriptor budget: vmon_set_fd_budget(N); max is the
 *            hard RLIMIT_NOFILE less 32 (as many as can be held); default
 *            leaves the library's (from the soft limit, raised to the hard
 *            one here like in every harness)
 *   -c N     vmon_set_refresh(VMON_REFRESH_CMDLINE, N) (default: 1)
 *   -W N     vmon_set_refresh(VMON_REFRESH_WCHAN, N) (default: 1)
 *   -B procfs|bpf|auto  vmon_set_backend() (default: procfs, so that the
 *            rows measure the procfs path whoever runs them; run.sh's
 *            vmon-bpf rows give bpf, which must load: no fallback is
 *            measured by mistake)
 *   -a       also VMON_FLAG_PROC_ARRAY
 *   -n NAME  the name on the BENCH line (default vmon-MODE)
 *
 * Besides the common figures, the BENCH line carries the library's own
 * account of the measured samples (vmon_sample_cost(), summed): reads and
 * opens per process per sample, bytes read, the descriptors it held and its
 * budget, and how many files and nodes it read open-per-sample for want of
 * budget.  Processes seen are the live top-level nodes (proc, all) or the
 * nodes of the followed tree (tree); tasks are the thread nodes.
 *
 * usage: vmon_bench -m proc|files|all|tree|sys [-p PID] [-T] [-a] [-b N|max|default]
 *                   [-c N] [-W N] [-B BACKEND] [-n NAME] [-w WARMUP] [-s SAMPLES]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <vmon/vmon.h>

#include "bench.h"

#define RESERVE 32

static const char *mode, *name;
static int pid = -1, threads, array, budget = -1, budget_max;
static long refresh[VMON_REFRESH_NR] = { -1, -1 };
static vmon_backend_t backend = VMON_BACKEND_PROCFS;

static int num(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && *s && !*end && *out >= 0 && *out <= 100000000;
}

static int opt(int c, const char *arg)
{
	long v;

	switch (c) {
	case 'm': mode = arg; return 1;
	case 'n': name = arg; return 1;
	case 'T': threads = 1; return 1;
	case 'a': array = 1; return 1;
	case 'p':
		if (!num(arg, &v) || v < 1)
			return 0;
		pid = (int)v;
		return 1;
	case 'b':
		if (!strcmp(arg, "max"))
			budget_max = 1;
		else if (strcmp(arg, "default")) {
			if (!num(arg, &v))
				return 0;
			budget = (int)v;
		}
		return 1;
	case 'c':
		return num(arg, &refresh[VMON_REFRESH_CMDLINE]);
	case 'W':
		return num(arg, &refresh[VMON_REFRESH_WCHAN]);
	case 'B':
		for (int i = 0; i < VMON_BACKEND_NR; i++)
			if (!strcmp(arg, vmon_backend_name((vmon_backend_t)i))) {
				backend = (vmon_backend_t)i;
				return 1;
			}
		return 0;
	}
	return 0;
}

/* live nodes of a followed subtree, and the thread nodes under them */
static long count_tree(const vmon_proc_t *p, long *tasks)
{
	const vmon_proc_t *c;
	long n = !p->is_stale;

	if (p->is_threaded)
		list_for_each_entry(c, &p->threads, threads)
			*tasks += !c->is_stale;
	list_for_each_entry(c, &p->children, siblings)
		n += count_tree(c, tasks);
	return n;
}

/* the heap the kept strings take: comm, cmdline, exe, wchan and argv's
 * pointer array, each with malloc's per-chunk overhead of 16 bytes */
#define CHUNK 16
static size_t string_bytes(const vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_t *c;
	size_t n = 0;

	if (st) {
		const vmon_char_array_t *a[] = { &st->comm, &st->cmdline, &st->exe, &st->wchan };

		for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
			if (a[i]->array)
				n += a[i]->alloc_len + CHUNK;
		if (st->argv)
			n += (st->argc + 1) * sizeof(char *) + CHUNK;
	}
	if (p->is_threaded)
		list_for_each_entry(c, &p->threads, threads)
			if (c != p)
				n += string_bytes(c);
	list_for_each_entry(c, &p->children, siblings)
		n += string_bytes(c);
	return n;
}

static long count_all(vmon_t *v, long *tasks)
{
	const vmon_proc_t *p;
	long n = 0;

	list_for_each_entry(p, &v->processes, siblings)
		n += count_tree(p, tasks);
	return n;
}

struct cost_sum {
	unsigned long long reads, opens, bytes, cpu_ns;
	vmon_sample_cost_t last;
};

static void sample(vmon_t *v, struct cost_sum *sum)
{
	vmon_sample_cost_t c;

	if (!vmon_sample(v)) {
		perror("vmon_bench: vmon_sample");
		exit(1);
	}
	if (!sum)
		return;
	if (!vmon_sample_cost(v, &c)) {
		perror("vmon_bench: vmon_sample_cost");
		exit(1);
	}
	sum->reads += c.reads;
	sum->opens += c.opens;
	sum->bytes += c.bytes_read;
	sum->cpu_ns += c.cpu_ns;
	sum->last = c;
}

int main(int argc, char **argv)
{
	static const char usage[] = "-m proc|files|all|tree|sys [-p PID] [-T] [-a] "
		"[-b N|max|default] [-c N] [-W N] [-B procfs|bpf|auto] [-n NAME] [-w W] [-s S]";
	vmon_flags_t flags = VMON_FLAG_NONE;
	vmon_sys_wants_t sys = 0;
	vmon_proc_wants_t proc = VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO;
	struct cost_sum sum = { 0 };
	struct bench_opts o;
	struct bench b;
	char defname[32], extra[512];
	long procs = 0, tasks = 0, limit;
	size_t strings = 0;
	vmon_proc_t *root = NULL;
	vmon_t v;

	bench_parse(argc, argv, &o, "m:p:Tab:c:W:n:B:", opt, usage);
	if (!mode) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		return 2;
	}
	if (!strcmp(mode, "proc")) {
		flags = VMON_FLAG_PROC_ALL;
	} else if (!strcmp(mode, "files")) {
		flags = VMON_FLAG_PROC_ALL;
		proc |= VMON_WANT_PROC_FILES;
	} else if (!strcmp(mode, "all")) {
		flags = VMON_FLAG_PROC_ALL;
		/* every want of the tables, whatever they hold today */
		sys = (vmon_sys_wants_t)((1L << VMON_STORE_SYS_NR) - 1);
		proc = (vmon_proc_wants_t)(((1L << VMON_STORE_PROC_NR) - 1) &
					   ~(long)VMON_WANT_PROC_FOLLOW_CHILDREN);
	} else if (!strcmp(mode, "tree")) {
		if (pid < 0) {
			fprintf(stderr, "vmon_bench: -m tree needs -p PID\n");
			return 2;
		}
		proc |= VMON_WANT_PROC_FOLLOW_CHILDREN;
		if (threads)
			proc |= VMON_WANT_PROC_FOLLOW_THREADS;
	} else if (!strcmp(mode, "sys")) {
		sys = VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM;
		proc = 0;
	} else {
		fprintf(stderr, "vmon_bench: unknown mode '%s'\n", mode);
		return 2;
	}
	if (array)
		flags |= VMON_FLAG_PROC_ARRAY;
	snprintf(defname, sizeof(defname), "vmon-%s", mode);

	limit = bench_raise_nofile();
	bench_begin(&b, name ? name : defname);
	if (!vmon_init(&v, flags, sys, proc)) {
		perror("vmon_bench: vmon_init");
		return 1;
	}
	if (!vmon_set_backend(&v, backend)) {
		fprintf(stderr, "vmon_bench: vmon_set_backend(%s): %s\n",
			vmon_backend_name(backend), vmon_backend_reason(&v));
		return 1;
	}
	if (budget_max)
		budget = (int)(limit - RESERVE);
	if (budget >= 0 && !vmon_set_fd_budget(&v, budget)) {
		perror("vmon_bench: vmon_set_fd_budget");
		return 1;
	}
	for (int r = 0; r < VMON_REFRESH_NR; r++)
		if (refresh[r] >= 0 && !vmon_set_refresh(&v, (vmon_refresh_t)r,
							  (unsigned)refresh[r])) {
			perror("vmon_bench: vmon_set_refresh");
			return 1;
		}
	if (pid > 0 && !(root = vmon_proc_monitor(&v, pid, 0, NULL, NULL))) {
		fprintf(stderr, "vmon_bench: vmon_proc_monitor(%d): %s\n", pid, strerror(errno));
		return 1;
	}

	for (int i = 0; i < o.warmup; i++)
		sample(&v, NULL);
	bench_measure_start(&b);
	for (int i = 0; i < o.samples; i++)
		sample(&v, &sum);
	bench_measure_stop(&b);
	bench_held(&b);

	if (proc) {
		const vmon_proc_t *p;

		procs = count_all(&v, &tasks);
		list_for_each_entry(p, &v.processes, siblings)
			strings += string_bytes(p);
	}
	{
		double per = procs > 0 ? (double)procs * o.samples : 0;
		const vmon_sample_cost_t *c = &sum.last;

		snprintf(extra, sizeof(extra),
			 " tasks=%ld reads_per_proc=%.3f opens_per_proc=%.3f"
			 " bytes_per_proc=%.0f lib_cpu_us_per_sample=%.1f lib_fds_held=%d"
			 " fd_budget=%d fallback_files=%d fallback_nodes=%d nofile=%ld"
			 " strings_b_per_proc=%.0f",
			 tasks, per ? sum.reads / per : 0, per ? sum.opens / per : 0,
			 per ? sum.bytes / per : 0, sum.cpu_ns / 1e3 / o.samples,
			 c->fds_held, c->fd_budget, c->fallback_files, c->fallback_nodes,
			 limit, procs > 0 ? (double)strings / procs : 0);
	}
	if (root)
		vmon_proc_unmonitor(&v, root, NULL, NULL);
	vmon_destroy(&v);
	bench_released(&b);
	bench_print(&b, procs, o.samples, extra);
	return 0;
}
