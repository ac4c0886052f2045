/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdbench.c - the whole-command references of docs/design/performance.md
 * (ps, top -b -n 1): runs a command as one "sample", warm-up runs first,
 * and measures the command's own CPU time (the children's rusage from
 * wait4(), start-up and exit included, since a tool run per sample pays
 * them every time) and wall time per run.  The processes it saw are the
 * lines of its output after the header line (the first whose first word is
 * PID); its output is read through a pipe and otherwise discarded.
 *
 * usage: cmdbench -n NAME [-w WARMUP] [-s SAMPLES] -- COMMAND [ARG...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static double tv(const struct timeval *t)
{
	return t->tv_sec + t->tv_usec / 1e6;
}

/* run argv once; returns the rows after the header, adds the child's CPU
 * seconds to *cpu */
static long run(char **argv, double *cpu)
{
	int p[2], status;
	struct rusage ru;
	long rows = 0;
	int header = 0, nonempty = 0, in_first = 1, flen = 0;
	char first[8];
	char buf[65536];
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0)
		bench_die("pipe");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "cmdbench: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bench_die("read");
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];

			if (c == '\n') {
				first[flen < (int)sizeof(first) ? flen : 0] = '\0';
				if (header && nonempty)
					rows++;
				else if (!header && !strcmp(first, "PID"))
					header = 1;
				nonempty = flen = 0;
				in_first = 1;
				continue;
			}
			nonempty = 1;
			if (!in_first || (c == ' ' && flen == 0))
				continue;
			if (c == ' ' || flen == (int)sizeof(first) - 1)
				in_first = 0;	/* a longer first word is no header */
			else
				first[flen++] = c;
		}
	}
	close(p[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			bench_die("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "cmdbench: %s failed (status 0x%x)\n", argv[0], status);
		exit(1);
	}
	*cpu += tv(&ru.ru_utime) + tv(&ru.ru_stime);
	return rows;
}

static const char *name;

static int opt(int c, const char *arg)
{
	if (c != 'n')
		return 0;
	name = arg;
	return 1;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench b;
	long procs = 0;
	double cpu = 0, wall0;
	int dd = 0;

	/* split at "--": ours before, the command after */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dd = i;
			break;
		}
	if (!dd || dd == argc - 1) {
		fprintf(stderr, "usage: cmdbench -n NAME [-w W] [-s S] -- COMMAND [ARG...]\n");
		return 2;
	}
	argv[dd] = NULL;
	bench_parse(dd, argv, &o, "n:", opt, "-n NAME [-w W] [-s S] -- COMMAND [ARG...]");
	if (!name) {
		fprintf(stderr, "cmdbench: -n NAME is required\n");
		return 2;
	}
	bench_begin(&b, name);
	for (int i = 0; i < o.warmup; i++)
		run(argv + dd + 1, &cpu);
	cpu = 0;
	wall0 = bench_now();
	bench_mark(1);
	for (int i = 0; i < o.samples; i++)
		procs = run(argv + dd + 1, &cpu);
	bench_mark(0);
	b.wall_s = bench_now() - wall0;
	b.cpu_s = cpu;
	/* nothing held between runs: heap, descriptors and slab are the
	 * command's and go with it */
	bench_held(&b);
	bench_released(&b);
	b.heap1 = b.heap0;
	b.fds1 = b.fds0;
	bench_print(&b, procs, o.samples, NULL);
	return 0;
}
