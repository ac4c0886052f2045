/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fork_storm.c - the workload of the NETLINK source's tests
 * (tests/events/test_events_netlink.c): forks short-lived children one
 * after another, each reaped by this process, and tells what it saw.
 *
 *   fork_storm [-s] N MIN_US MAX_US [PROGRAM ARGS...]
 *
 * It starts when a byte comes on its stdin, so that the test can see it
 * run this program first; with -s (step) it waits for a byte before each
 * child, so that the test knows no child runs while it samples.  Child i spins on the CPU for MIN_US to MAX_US microseconds of its own
 * CPU time (a fixed pseudo-random sequence), then exits with code i % 100,
 * except every 7th, which kills itself with a signal (SIGTERM, SIGKILL,
 * SIGUSR1, SIGINT or SIGHUP: none dumps core).  With PROGRAM, each child
 * execs it with ARGS after its spin instead, and its status is whatever
 * the program's.  Once every child is reaped it prints, on stdout,
 *
 *   child PID STATUS       one line per child, STATUS a wait status
 *   cpu_ns NS              getrusage(RUSAGE_CHILDREN): user + system
 *   done
 *
 * then waits for its stdin to close and exits 0, so that it is still there
 * (a parent with children gone) while the test samples.
 *
 * Built without sanitizers: the figures checked are its children's CPU
 * time, which a sanitizer's exit would make larger than what the kernel's
 * exit records count (they are taken before the address space goes).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void spin(unsigned long long us)
{
	unsigned long long end = thread_cpu_ns() + us * 1000;

	while (thread_cpu_ns() < end)
		;
}

static const int signals[] = { SIGTERM, SIGKILL, SIGUSR1, SIGINT, SIGHUP };

static void child(int i, unsigned long long us, char **prog)
{
	spin(us);
	if (prog) {
		execv(prog[0], prog);
		_exit(127);
	}
	if (i % 7 == 3) {
		int sig = signals[(i / 7) % (int)(sizeof(signals) / sizeof(signals[0]))];

		signal(sig, SIG_DFL);
		kill(getpid(), sig);
	}
	_exit(i % 100);
}

int main(int argc, char **argv)
{
	unsigned long long lo, hi, seed = 12345;
	bool step = argc > 1 && !strcmp(argv[1], "-s");
	struct rusage ru;
	char c;
	int n;

	if (step) {
		argv++;
		argc--;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: fork_storm [-s] N MIN_US MAX_US [PROGRAM ARGS...]\n");
		return 2;
	}
	n = atoi(argv[1]);
	lo = strtoull(argv[2], NULL, 10);
	hi = strtoull(argv[3], NULL, 10);
	if (hi < lo)
		hi = lo;
	if (read(0, &c, 1) != 1)
		return 1;
	for (int i = 0; i < n; i++) {
		unsigned long long us;
		int status;
		pid_t pid;

		if (step && i && read(0, &c, 1) != 1)
			return 1;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		us = lo + (seed >> 33) % (hi - lo + 1);
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child(i, us, argc > 4 ? argv + 4 : NULL);
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		printf("child %d %d\n", (int)pid, status);
		fflush(stdout);
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("cpu_ns %llu\ndone\n",
	       ((unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ull +
		(unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec)) * 1000ull);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
