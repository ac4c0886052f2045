/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ptrace_cost.c - what the PTRACE event source costs per event: a root
 * (a child of this program) forks N trivial children one after the other,
 * each exiting at once and reaped by the root, once traced
 * (VMON_EVENTS_PTRACE) and once not, and the program prints per fork and
 * exit: the root's wall time, the CPU of the whole tree (the root and its
 * children, from getrusage(RUSAGE_CHILDREN) once the root is reaped) and,
 * traced, the tracer's own CPU, read from its /proc/PID/schedstat (the
 * tracer is one task, "vmon-ptrace", a child of a thread of this process).
 * Rounds alternate traced and untraced; the medians are printed.
 *
 * usage: ptrace_cost [-n N] [-r ROUNDS]   (defaults 2000 and 5)
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmon/vmon.h"

static unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static unsigned long long children_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return ((unsigned long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       ((unsigned long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	return ok;
}

/* The tracer: a child of one of this process's threads, by its name. */
static int tracer_pid(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[96], line[4096], comm[64];
		long tid = strtol(e->d_name, NULL, 10);

		snprintf(path, sizeof(path), "/proc/self/task/%ld/children", tid);
		if (tid <= 0 || !read_line(path, line, sizeof(line)))
			continue;
		for (char *p = line, *end; !found; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
			if (read_line(path, comm, sizeof(comm)) && !strcmp(comm, "vmon-ptrace\n"))
				found = (int)pid;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static unsigned long long task_cpu_ns(int pid)
{
	char path[64], line[128];

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	return read_line(path, line, sizeof(line)) ? strtoull(line, NULL, 10) : 0;
}

/* The root: wait for the go, fork and reap n children, say done. */
static void root(int go, int done, int n)
{
	char c;

	if (read(go, &c, 1) != 1)
		_exit(2);
	for (int i = 0; i < n; i++) {
		pid_t kid = fork();

		if (kid == 0)
			_exit(0);
		if (kid < 0 || waitpid(kid, NULL, 0) != kid)
			_exit(3);
	}
	if (write(done, "x", 1) != 1)
		_exit(4);
	_exit(0);
}

struct round {
	double wall_us, tree_us, tracer_us;
};

static int run(bool traced, int n, struct round *out)
{
	unsigned long long wall, tree = children_cpu_ns(), tracer = 0;
	int go[2], done[2], tpid = 0;
	vmon_t v;
	pid_t kid;
	char c;

	if (pipe(go) < 0 || pipe(done) < 0)
		return -1;
	kid = fork();
	if (kid == 0) {
		close(go[1]);
		close(done[0]);
		root(go[0], done[1], n);
	}
	close(go[0]);
	close(done[1]);
	if (!vmon_init(&v, VMON_FLAG_EVENTS, 0, VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN) ||
	    !vmon_proc_monitor(&v, kid, 0, NULL, NULL))
		return -1;
	if (traced) {
		if (!vmon_set_event_source(&v, VMON_EVENTS_PTRACE) || !(tpid = tracer_pid())) {
			fprintf(stderr, "ptrace source: %s\n", strerror(errno));
			return -1;
		}
		tracer = task_cpu_ns(tpid);
	}
	wall = now_ns(CLOCK_MONOTONIC);
	if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
		return -1;
	wall = now_ns(CLOCK_MONOTONIC) - wall;
	if (traced)
		tracer = task_cpu_ns(tpid) - tracer;
	waitpid(kid, NULL, 0);
	vmon_sample(&v);
	vmon_destroy(&v);
	tree = children_cpu_ns() - tree;
	close(go[1]);
	close(done[0]);
	out->wall_us = wall / 1e3 / n;
	out->tree_us = tree / 1e3 / n;
	out->tracer_us = tracer / 1e3 / n;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(struct round *r, int nr, size_t off)
{
	double v[64];

	for (int i = 0; i < nr; i++)
		v[i] = *(double *)((char *)&r[i] + off);
	qsort(v, nr, sizeof(double), cmp_double);
	return nr % 2 ? v[nr / 2] : (v[nr / 2 - 1] + v[nr / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct round traced[64], plain[64];
	int n = 2000, rounds = 5, opt;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (n <= 0 || rounds <= 0 || rounds > 64)
		return 2;
	for (int i = 0; i < rounds; i++)
		if (run(false, n, &plain[i]) < 0 || run(true, n, &traced[i]) < 0)
			return 1;
	printf("per fork+exit of a trivial child (%d children, median of %d rounds)\n", n, rounds);
	printf("  untraced: root wall %.1f us, tree CPU %.1f us\n",
	       median(plain, rounds, offsetof(struct round, wall_us)),
	       median(plain, rounds, offsetof(struct round, tree_us)));
	printf("  traced:   root wall %.1f us, tree CPU %.1f us, tracer CPU %.1f us\n",
	       median(traced, rounds, offsetof(struct round, wall_us)),
	       median(traced, rounds, offsetof(struct round, tree_us)),
	       median(traced, rounds, offsetof(struct round, tracer_us)));
	return 0;
}
