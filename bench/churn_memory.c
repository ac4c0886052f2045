/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * churn_memory.c - the memory of a long-running monitor under process churn
 * (bench/README.md, "Memory under churn"): libvmon with VMON_FLAG_PROC_ALL
 * and most wants sampling at a steady rate while a workload forks about a
 * thousand short processes a second, with the harness's memory printed
 * every few seconds so that a leak, a cache that only grows or the
 * allocator's fragmentation shows as a slope.
 *
 *   churn_memory [-d SECONDS] [-e EVERY] [-z HZ] [-r RATE] [-a] [-W MASK]
 *                [-p N -s SPAWN [-P PERIOD]] CHURN
 *
 *   -d SECONDS  how long to sample (default 600)
 *   -e EVERY    seconds between two rows (default 10)
 *   -z HZ       samples a second (default 10)
 *   -r RATE     processes the workload forks a second (default 1000)
 *   -a          also VMON_FLAG_PROC_ARRAY
 *   -W MASK     these process wants instead (hexadecimal, as printed)
 *   -p N        a peak: N idle processes (bench/spawn.c, SPAWN) for one
 *               row's time every PERIOD seconds (default 150), from
 *               PERIOD on: what a parallel build or another test suite
 *               does to a monitor of every process
 *   CHURN       tests/helpers/churn.c, run as "CHURN --rate RATE"
 *
 * The wants: every system want, and every process want PROC_ALL allows
 * (it refuses FOLLOW_CHILDREN) but SMAPS_ROLLUP, which the library keeps
 * opt-in for its cost (the kernel walks every mapping under the mmap lock)
 * and which a caller sampling every process at 10 Hz would not ask for.
 * FILES and FOLLOW_THREADS are in: they allocate per descriptor and per
 * thread, and the workload churns threads too.
 *
 * The workload is a process of its own, started before the instance, so
 * its memory is not counted here: what grows in this process is the
 * library's (the harness allocates nothing while it samples but stdio's
 * buffers, taken before the first row).  A row:
 *
 *   t_s        seconds since the first sample
 *   rss_kib    resident set (/proc/self/statm)
 *   used_kib   heap in use: mallinfo2() uordblks + hblkhd
 *   free_kib   heap held free: fordblks (inside the arenas)
 *   arena_kib  heap held from the kernel: arena + hblkhd
 *   nodes      live nodes (processes + threads) after the last sample
 *   most       the most live nodes after a sample since the last row
 *   born       nodes constructed since the start (proc_ctor_cb)
 *   fds        descriptors open in this process (/proc/self/fd)
 *   load1      the 1-minute load average
 *
 * The baseline (before vmon_init) and the figures after vmon_destroy()
 * close the table; the workload's own count of processes and threads
 * follows.  The workload is killed by pid on any exit path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#include "bench.h"

static pid_t churn_pid = -1, spawn_pid = -1;
static int spawn_in = -1;	/* the spawner's stdin: closing it ends the peak */

static void kill_reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		*pid = -1;
	}
}

static void die(const char *what)
{
	fprintf(stderr, "churn_memory: %s: %s\n", what, strerror(errno));
	kill_reap(&churn_pid);
	/* killed outright, the spawner's children die with it (PDEATHSIG) */
	kill_reap(&spawn_pid);
	exit(1);
}

/* The workload, its stdin (closing it stops it) and stdout. */
static void churn_start(const char *path, long rate, FILE **in, FILE **out)
{
	int to[2], from[2];
	char arg[32];

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		die("pipe");
	snprintf(arg, sizeof(arg), "%ld", rate);
	churn_pid = fork();
	if (churn_pid < 0)
		die("fork");
	if (churn_pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		execl(path, "churn", "--rate", arg, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	*in = fdopen(to[1], "w");
	*out = fdopen(from[0], "r");
	if (!*in || !*out)
		die("fdopen");
	setvbuf(*in, NULL, _IONBF, 0);
}

/* Start the peak: the spawner forks n idle processes, which live until
 * its stdin closes; its ready line is not waited for, sampling goes on. */
static void peak_start(const char *spawn, long n)
{
	int in[2], null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char arg[32];

	if (null < 0 || pipe2(in, O_CLOEXEC) < 0)
		die("peak: pipe");
	snprintf(arg, sizeof(arg), "%ld", n);
	spawn_pid = fork();
	if (spawn_pid < 0)
		die("peak: fork");
	if (spawn_pid == 0) {
		dup2(in[0], 0);
		dup2(null, 1);
		execl(spawn, "spawn", "-n", arg, (char *)NULL);
		_exit(127);
	}
	close(null);
	close(in[0]);
	spawn_in = in[1];
}

/* End it: the spawner kills and reaps its children by pid, then exits. */
static void peak_end(void)
{
	close(spawn_in);
	spawn_in = -1;
}

/* Once the spawner has exited, reap it without waiting for it. */
static void peak_reap(void)
{
	if (spawn_pid > 0 && spawn_in < 0 && waitpid(spawn_pid, NULL, WNOHANG) == spawn_pid)
		spawn_pid = -1;
}

struct mem {
	long rss_kib;
	size_t used, free, arena;
	int fds;
};

static void mem_now(struct mem *m)
{
	struct mallinfo2 mi = mallinfo2();
	long size, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
		die("/proc/self/statm");
	fclose(f);
	m->rss_kib = resident * (sysconf(_SC_PAGESIZE) / 1024);
	m->used = mi.uordblks + mi.hblkhd;
	m->free = mi.fordblks;
	m->arena = mi.arena + mi.hblkhd;
	m->fds = bench_count_fds();
}

static double load1(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static unsigned long born;

static void on_ctor(vmon_t *v, vmon_proc_t *p)
{
	(void)v;
	(void)p;
	born++;
}

static long count_nodes(vmon_t *v)
{
	const vmon_proc_t *p, *t;
	long n = 0;

	list_for_each_entry(p, &v->processes, siblings) {
		n += !p->is_stale;
		list_for_each_entry(t, &p->threads, threads)
			n += !t->is_stale && t != p;
	}
	return n;
}

static void row(const char *t, const struct mem *m, long nodes, long most, double load)
{
	printf("| %s | %ld | %zu | %zu | %zu | %ld | %ld | %lu | %d | %.2f |\n", t, m->rss_kib,
	       m->used / 1024, m->free / 1024, m->arena / 1024, nodes, most, born, m->fds, load);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "churn_memory: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long seconds = 600, every = 10, hz = 10, rate = 1000, peak = 0, period = 150;
	long nodes, most = 0;
	const char *spawn = NULL;
	double peak_at, peak_until = -1;
	vmon_flags_t flags = VMON_FLAG_PROC_ALL;
	vmon_sys_wants_t sys = (vmon_sys_wants_t)((1L << VMON_STORE_SYS_NR) - 1);
	vmon_proc_wants_t proc = (vmon_proc_wants_t)(((1L << VMON_STORE_PROC_NR) - 1) &
		~(long)(VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_SMAPS_ROLLUP));
	struct timespec next;
	struct mem base, m;
	char answer[256], t[32];
	FILE *in, *out;
	double t0, next_row;
	long samples = 0;
	vmon_t v;
	int c;

	while ((c = getopt(argc, argv, "d:e:z:r:aW:p:s:P:")) != -1) {
		switch (c) {
		case 'd': seconds = num(optarg, 1, 86400); break;
		case 'e': every = num(optarg, 1, 3600); break;
		case 'z': hz = num(optarg, 1, 1000); break;
		case 'r': rate = num(optarg, 1, 100000); break;
		case 'a': flags |= VMON_FLAG_PROC_ARRAY; break;
		case 'W': proc = (vmon_proc_wants_t)strtoul(optarg, NULL, 16); break;
		case 'p': peak = num(optarg, 1, 30000); break;
		case 's': spawn = optarg; break;
		case 'P': period = num(optarg, 1, 86400); break;
		default:
			fprintf(stderr, "usage: churn_memory [-d SECONDS] [-e EVERY] [-z HZ] "
				"[-r RATE] [-a] [-W MASK] [-p N -s SPAWN [-P PERIOD]] CHURN\n");
			return 2;
		}
	}
	if (optind != argc - 1 || (peak && !spawn)) {
		fprintf(stderr, "churn_memory: %s\n", peak && !spawn ?
			"-p needs the spawner's path (-s)" : "the churn workload's path is missing");
		return 2;
	}
	peak_at = peak ? period : -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_raise_nofile();
	/* stdio's buffers and the first mallinfo2() before the baseline */
	mem_now(&base);
	printf("churn_memory: %ld s at %ld Hz, workload %ld forks/s, flags 0x%x, "
	       "sys wants 0x%x, proc wants 0x%x\n",
	       seconds, hz, rate, (unsigned)flags, (unsigned)sys, (unsigned)proc);
	if (peak)
		printf("churn_memory: a peak of %ld idle processes for %ld s every %ld s\n",
		       peak, every, period);
	mem_now(&base);
	churn_start(argv[optind], rate, &in, &out);
	if (!vmon_init(&v, flags, sys, proc))
		die("vmon_init");
	v.proc_ctor_cb = on_ctor;
	printf("| t_s | rss_kib | used_kib | free_kib | arena_kib | nodes | most | born | fds "
	       "| load1 |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	row("base", &base, 0, 0, load1());

	t0 = bench_now();
	next_row = every;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		double el;

		if (!vmon_sample(&v) && errno == ENOMEM)
			die("vmon_sample");
		samples++;
		nodes = count_nodes(&v);
		if (nodes > most)
			most = nodes;
		el = bench_now() - t0;
		if (el >= next_row) {
			mem_now(&m);
			snprintf(t, sizeof(t), "%.0f", el);
			row(t, &m, nodes, most, load1());
			most = 0;
			next_row += every;
		}
		if (peak_at >= 0 && el >= peak_at && spawn_pid < 0) {
			peak_start(spawn, peak);
			peak_until = el + every;
			peak_at += period;
		}
		if (spawn_in >= 0 && el >= peak_until)
			peak_end();
		peak_reap();
		if (el >= seconds)
			break;
		next.tv_nsec += 1000000000L / hz;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	if (spawn_in >= 0)
		peak_end();
	vmon_destroy(&v);
	mem_now(&m);
	row("destroyed", &m, 0, 0, load1());
	if (spawn_pid > 0 && waitpid(spawn_pid, NULL, 0) == spawn_pid)
		spawn_pid = -1;

	fputc('x', in);
	if (!fgets(answer, sizeof(answer), out))
		die("the workload did not answer");
	waitpid(churn_pid, NULL, 0);
	churn_pid = -1;
	printf("churn_memory: %ld samples in %.0f s; workload: %s", samples, bench_now() - t0, answer);
	return 0;
}
