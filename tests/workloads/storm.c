/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * storm.c - a fork storm with a ground truth, for the tests and the
 * benchmark of the event sources: N children of 1 to 5 ms of CPU each,
 * at most P alive at once, each reaped by the storm itself, each ending a
 * known way, most of them born and gone between two samples of a monitor.
 *
 *   storm [-n N] [-p P] [-r FILE] [-g FD]
 *
 * Child i (0-based) spins 1 + i % 5 ms of its CPU clock, then:
 *   i % 10 == 3   kills itself with SIGTERM
 *   i % 10 == 7   execs /bin/sh -c 'exit K' (K = i % 50): comm "sh"
 *   otherwise     exits with code i % 100
 *
 *   -n N     children (default 1000)
 *   -p P     at most P at once (default 4)
 *   -g FD    wait for a byte (or EOF) on FD before forking: a monitor
 *            attaches first
 *   -r FILE  write the ground truth: a line per child
 *            "pid=PID ppid=PPID status=STATUS exec=0|1 i=I", then
 *            "rusage_children utime_us=U stime_us=S" (getrusage of the
 *            storm after it reaped them all)
 *
 * It exits 0 when every child ended as planned.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static long long cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void child(int i)
{
	long long end = cpu_us() + (1 + i % 5) * 1000LL;
	char code[32];

	while (cpu_us() < end)
		for (int k = 0; k < 1000; k++)
			sink += k;
	if (i % 10 == 3)
		raise(SIGTERM);
	if (i % 10 == 7) {
		snprintf(code, sizeof(code), "exit %d", i % 50);
		execl("/bin/sh", "sh", "-c", code, (char *)NULL);
		_exit(127);
	}
	_exit(i % 100);
}

static int expected(int i)
{
	if (i % 10 == 3)
		return SIGTERM;
	return (i % 10 == 7 ? i % 50 : i % 100) << 8;
}

struct kid {
	pid_t pid;
	int i;
};

int main(int argc, char **argv)
{
	int n = 1000, p = 4, gate = -1, alive = 0, status, bad = 0, opt;
	const char *report = NULL;
	struct kid *kids;
	FILE *out = NULL;
	struct rusage ru;
	char b;

	while ((opt = getopt(argc, argv, "n:p:r:g:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'p': p = atoi(optarg); break;
		case 'r': report = optarg; break;
		case 'g': gate = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: storm [-n N] [-p P] [-r FILE] [-g FD]\n");
			return 2;
		}
	}
	kids = calloc(n, sizeof(*kids));
	if (!kids || n < 1 || p < 1)
		return 2;
	if (gate >= 0 && read(gate, &b, 1) < 0)
		return 2;
	if (report && !(out = fopen(report, "w")))
		return 2;
	for (int i = 0, reaped = 0; reaped < n;) {
		pid_t pid;

		if (i < n && alive < p) {
			pid = fork();
			if (pid == 0)
				child(i);
			if (pid < 0)
				return 1;
			kids[i] = (struct kid){ pid, i };
			i++;
			alive++;
			continue;
		}
		pid = wait(&status);
		if (pid < 0)
			return 1;
		alive--;
		reaped++;
		for (int k = 0; k < i; k++) {
			if (kids[k].pid != pid)
				continue;
			bad += status != expected(k);
			if (out)
				fprintf(out, "pid=%d ppid=%d status=%d exec=%d i=%d\n", pid, getpid(),
					status, k % 10 == 7, k);
			kids[k].pid = 0;
			break;
		}
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	if (out) {
		fprintf(out, "rusage_children utime_us=%lld stime_us=%lld\n",
			(long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
			(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
		fclose(out);
	}
	free(kids);
	return bad ? 1 : 0;
}
