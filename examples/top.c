/* SPDX-License-Identifier: MIT */
/*
 * top.c - a small top(1): every interval, the CPU and memory of the system
 * and the processes using the most CPU.
 *
 *   top [-n ITERATIONS] [-d SECONDS] [-N ROWS]
 *
 * It monitors every process (VMON_FLAG_PROC_ALL) and walks them through
 * the flat array (VMON_FLAG_PROC_ARRAY), with the system stores SYS_STAT
 * and SYS_VM and the process stores PROC_STAT, PROC_VM and PROC_IO.  Each
 * report is
 *
 *   top - T s, N processes, N running, N blocked
 *   cpu: B% busy (U% user, S% system, W% iowait) on N cpus
 *   mem: U / T MiB used (P%), A MiB available
 *       PID S   CPU%  RSS MiB  READ KiB/s WRITE KiB/s COMM
 *       123 R   98.0     12.3         0.0         4.0 cc1
 *
 * CPU% is the process's utime + stime over the interval, as a share of
 * one CPU (so up to 100 x CPUs); READ and WRITE are the bytes it made the
 * storage layer fetch and send (read_bytes, write_bytes of /proc/PID/io),
 * "-" when that file may not be read.  A process's previous figures live
 * in its foo member, from proc_ctor_cb to proc_dtor_cb.
 *
 * With -n it prints that many reports and exits; without, it runs until
 * interrupted.  On a terminal the screen is cleared before each report.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define MIB (1024.0 * 1024.0)

/* a process's figures at the previous report, in its foo member */
struct prev {
	unsigned long long ticks;	/* utime + stime */
	unsigned long long read_bytes, write_bytes;
	int seen;			/* there was a previous report */
};

/* a row of the table */
struct row {
	const vmon_proc_t *proc;
	double cpu;			/* percent of one CPU */
	double read_kib, write_kib;	/* per second; < 0: unavailable */
};

static volatile sig_atomic_t stop;

static void usage(void)
{
	fprintf(stderr, "usage: top [-n ITERATIONS] [-d SECONDS] [-N ROWS]\n");
	exit(2);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void prev_ctor(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	proc->foo = calloc(1, sizeof(struct prev));
}

static void prev_dtor(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	free(proc->foo);
	proc->foo = NULL;
}

static unsigned long long cpu_total(const vmon_sys_stat_t *s)
{
	return s->user + s->nice + s->system + s->idle + s->iowait + s->irq + s->softirq +
	       s->steal;
}

/* now - before of a counter that may step back (iowait does) */
static unsigned long long delta(unsigned long long now, unsigned long long before)
{
	return now > before ? now - before : 0;
}

static double pct(unsigned long long part, unsigned long long whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

/* MemAvailable, or its estimate on kernels before 3.14 */
static unsigned long long available_kb(const vmon_sys_vm_t *vm)
{
	if (!BITTEST(vm->unavailable, VMON_SYS_VM_AVAILABLE_KB))
		return vm->available_kb;
	return vm->free_kb + vm->buffers_kb + vm->cached_kb;
}

/* the header: system figures, as deltas since the previous report */
static void print_header(const vmon_t *vmon, const vmon_sys_stat_t *before, int procs,
			 double uptime)
{
	const vmon_sys_stat_t *now = vmon->stores[VMON_STORE_SYS_STAT];
	const vmon_sys_vm_t *vm = vmon->stores[VMON_STORE_SYS_VM];
	unsigned long long total = delta(cpu_total(now), cpu_total(before));
	unsigned long long iowait = delta(now->iowait, before->iowait);
	unsigned long long idle = delta(now->idle, before->idle) + iowait;
	unsigned long long user = delta(now->user, before->user) + delta(now->nice, before->nice);
	unsigned long long avail = available_kb(vm);
	unsigned long long used = delta(vm->total_kb, avail);

	printf("top - %.1f s, %d processes, %llu running, %llu blocked\n", uptime, procs,
	       now->n_runnable, now->n_blocked);
	printf("cpu: %.1f%% busy (%.1f%% user, %.1f%% system, %.1f%% iowait) on %ld cpus\n",
	       pct(delta(total, idle), total), pct(user, total),
	       pct(delta(now->system, before->system), total), pct(iowait, total),
	       vmon->num_cpus);
	printf("mem: %.1f / %.1f MiB used (%.1f%%), %.1f MiB available\n", used / 1024.0,
	       vm->total_kb / 1024.0, pct(used, vm->total_kb), avail / 1024.0);
}

static int io_available(const vmon_proc_io_t *io)
{
	return io && !BITTEST(io->unavailable, VMON_PROC_IO_READ_BYTES) &&
	       !BITTEST(io->unavailable, VMON_PROC_IO_WRITE_BYTES);
}

/* Remember proc's figures for the next report. */
static void remember(const vmon_proc_t *proc)
{
	const vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_io_t *io = proc->stores[VMON_STORE_PROC_IO];
	struct prev *p = proc->foo;

	p->ticks = st->utime + st->stime;
	if (io_available(io)) {
		p->read_bytes = io->read_bytes;
		p->write_bytes = io->write_bytes;
	}
	p->seen = 1;
}

/* Fill r for proc from its deltas since the last report (a process born
 * since then counts all its time). */
static void measure(const vmon_t *vmon, const vmon_proc_t *proc, double interval, struct row *r)
{
	const vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_io_t *io = proc->stores[VMON_STORE_PROC_IO];
	const struct prev *p = proc->foo;
	unsigned long long ticks = st->utime + st->stime;

	r->proc = proc;
	r->cpu = 100.0 * delta(ticks, p->seen ? p->ticks : 0) / vmon->ticks_per_sec / interval;
	r->read_kib = r->write_kib = -1;
	if (io_available(io) && p->seen) {
		r->read_kib = delta(io->read_bytes, p->read_bytes) / 1024.0 / interval;
		r->write_kib = delta(io->write_bytes, p->write_bytes) / 1024.0 / interval;
	}
}

static int by_cpu(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return (x->proc->pid > y->proc->pid) - (x->proc->pid < y->proc->pid);
}

static void print_rate(double kib)
{
	if (kib < 0)
		printf(" %11s", "-");
	else
		printf(" %11.1f", kib);
}

static void print_row(const struct row *r, long page_size)
{
	const vmon_proc_stat_t *st = r->proc->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_vm_t *vm = r->proc->stores[VMON_STORE_PROC_VM];
	char comm[64];

	vmon_field_format(vmon_proc_store_info(VMON_STORE_PROC_STAT), st, VMON_PROC_STAT_COMM,
			  comm, sizeof(comm));
	printf("%8d %c %6.1f %8.1f", r->proc->pid, st->state ? st->state : '?', r->cpu,
	       vm ? vm->resident_pages * (double)page_size / MIB : 0.0);
	print_rate(r->read_kib);
	print_rate(r->write_kib);
	printf(" %s\n", comm);
}

/* Is the array entry a process with figures to show? */
static int shown(const vmon_proc_t *proc)
{
	return proc && !proc->is_stale && !proc->is_thread && proc->foo &&
	       proc->stores[VMON_STORE_PROC_STAT];
}

/* Measure every live process of the array into rows (when rows is not
 * NULL) and remember its figures; the count. */
static int collect(const vmon_t *vmon, double interval, struct row *rows)
{
	int i, n = 0;

	for (i = 0; i < vmon->array_allocated_nr; i++) {
		const vmon_proc_t *proc = vmon->array[i];

		if (!shown(proc))
			continue;
		if (rows)
			measure(vmon, proc, interval, &rows[n]);
		remember(proc);
		n++;
	}
	return n;
}

/* One report; 0 on allocation failure. */
static int report(vmon_t *vmon, const vmon_sys_stat_t *before, double interval,
		  double uptime, int max_rows)
{
	struct row *rows = calloc(vmon->array_allocated_nr + 1, sizeof(*rows));
	long page_size = sysconf(_SC_PAGESIZE);
	int i, n;

	if (!rows)
		return 0;
	n = collect(vmon, interval, rows);
	qsort(rows, n, sizeof(*rows), by_cpu);
	if (isatty(STDOUT_FILENO))
		fputs("\033[H\033[J", stdout);
	print_header(vmon, before, n, uptime);
	printf("%8s %c %6s %8s %11s %11s %s\n", "PID", 'S', "CPU%", "RSS MiB", "READ KiB/s",
	       "WRITE KiB/s", "COMM");
	for (i = 0; i < n && i < max_rows; i++)
		print_row(&rows[i], page_size);
	putchar('\n');
	fflush(stdout);
	free(rows);
	return 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Sleep until the absolute monotonic time t (seconds); 0 if interrupted by
 * SIGINT or SIGTERM. */
static int sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (time_t)t) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		if (stop)
			return 0;
	return !stop;
}

static void parse_args(int argc, char **argv, int *iterations, double *delay, int *rows)
{
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "n:d:N:h")) != -1) {
		switch (opt) {
		case 'n':
			*iterations = (int)strtol(optarg, &end, 10);
			if (*end || *iterations <= 0)
				usage();
			break;
		case 'd':
			*delay = strtod(optarg, &end);
			if (*end || !(*delay >= 0.01 && *delay <= 86400))
				usage();
			break;
		case 'N':
			*rows = (int)strtol(optarg, &end, 10);
			if (*end || *rows < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		usage();
}

/* Sample every delay seconds and report, iterations times (0: forever). */
static int run(vmon_t *vmon, int iterations, double delay, int max_rows)
{
	vmon_sys_stat_t before;
	double start = now_s(), last = start, next = start, t;

	if (!vmon_sample(vmon))
		return 0;
	collect(vmon, 0, NULL);
	for (int i = 0; !iterations || i < iterations; i++) {
		/* the scalars of the previous sample: the per-CPU rows are not used */
		memcpy(&before, vmon->stores[VMON_STORE_SYS_STAT], sizeof(before));
		next += delay;
		if (!sleep_until(next))
			break;
		if (!vmon_sample(vmon))
			return 0;
		t = now_s();
		if (!report(vmon, &before, t - last, t - start, max_rows))
			return 0;
		last = t;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int iterations = 0, rows = 20, ok;
	double delay = 2.0;
	vmon_t vmon;

	parse_args(argc, argv, &iterations, &delay, &rows);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!vmon_init(&vmon, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY,
		       VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
		       VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)) {
		fprintf(stderr, "top: vmon_init: %s\n", strerror(errno));
		return 1;
	}
	/* every process of the system: the cheap refresh (argv follows execs) */
	vmon_set_refresh(&vmon, VMON_REFRESH_CMDLINE, 32);
	vmon_set_refresh(&vmon, VMON_REFRESH_WCHAN, 32);
	vmon.proc_ctor_cb = prev_ctor;
	vmon.proc_dtor_cb = prev_dtor;
	ok = run(&vmon, iterations, delay, rows);
	if (!ok)
		fprintf(stderr, "top: vmon_sample: %s\n", strerror(errno));
	vmon_destroy(&vmon);
	return ok ? 0 : 1;
}
