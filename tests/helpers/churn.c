/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * churn.c - the workload of the churn stress test (tests/stress/): forks
 * and reaps short-lived processes and threads as fast as it can, so that a
 * monitor following it sees thousands of births and exits a second.
 *
 *   churn [--rate N]
 *
 * Without --rate every worker forks as fast as it can (the stress test);
 * with it the workers together fork about N processes a second (and the
 * orphan-making ones a grandchild each, N/6 more) and the
 * thread churner starts 4N/WORKERS threads a second, on a fixed schedule
 * (the memory benchmark, bench/churn_memory.c, wants a steady load that
 * leaves the monitor some CPU).
 *
 * Commands come on stdin, one byte each, answered on stdout:
 *   'q'  quiesce: the workers stop and exit, every churned process is
 *        reaped; what stays is the stable set (two children: a sleeper and
 *        a process with three threads).  Answers "quiet S1 S2 W1 W2 W3 W4\n"
 *        (the stable pids, then the workers' and the thread churner's).
 *   'x'  exit: kill the stable set, answer the counts ("churned N threads N
 *        execs N renames N orphans N\n") and exit.
 *
 * Each of WORKERS worker processes loops over six kinds of child: one that
 * exits at once, one that starts and joins threads, one that renames
 * itself (hostile names: "x) R 1 2 3", a newline, parentheses), one that
 * execs this program again (which exits at once), one that forks a
 * grandchild and exits (the orphan comes back to us, a subreaper, and is
 * reaped as it exits), and one
 * that lives a millisecond or so with two threads.  A thread-churning
 * process starts and joins threads without pause meanwhile.
 *
 * Built without sanitizers: it is the load, not the code under test.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 3

struct shared {
	atomic_bool stop;
	atomic_ulong procs, threads, execs, renames, orphans;
};

static struct shared *sh;

/* with --rate: each worker's (and the thread churner's) period, else 0 */
static long period_ns;

/* Wait for the next tick of a schedule that started at *next, so that a
 * late round is made up by the next ones (the rate holds on average). */
static void pace(struct timespec *next)
{
	if (!period_ns)
		return;
	if (!next->tv_sec)
		clock_gettime(CLOCK_MONOTONIC, next);
	next->tv_nsec += period_ns;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

static void *nothing(void *arg)
{
	return arg;
}

static void *forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void threads(int n)
{
	pthread_t t[8];

	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, nothing, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	atomic_fetch_add(&sh->threads, n);
}

static void spin_ms(int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static void *spinner(void *arg)
{
	spin_ms(1);
	return arg;
}

/* the body of a churned child of kind k */
static void child(int k, unsigned long i)
{
	static const char *const names[] = { "x) R 1 2 3", "a\nb) Z 1", "((", ")", "" };
	pthread_t t[2];

	switch (k) {
	case 0:
		break;
	case 1:
		threads(2 + i % 3);
		break;
	case 2:
		prctl(PR_SET_NAME, names[i % 5]);
		atomic_fetch_add(&sh->renames, 1);
		break;
	case 3:
		atomic_fetch_add(&sh->execs, 1);
		execl("/proc/self/exe", "churn", "--exit", (char *)NULL);
		break;
	case 4:
		if (fork() == 0) {
			atomic_fetch_add(&sh->orphans, 1);
			_exit(0);
		}
		break;
	default:
		for (int j = 0; j < 2; j++)
			pthread_create(&t[j], NULL, spinner, NULL);
		spin_ms(1);
		for (int j = 0; j < 2; j++)
			pthread_join(t[j], NULL);
		atomic_fetch_add(&sh->threads, 2);
		break;
	}
	_exit(0);
}

static void worker(void)
{
	struct timespec next = { 0 };

	for (unsigned long i = 0; !atomic_load(&sh->stop); i++) {
		pid_t pid;

		pace(&next);
		pid = fork();

		if (pid == 0)
			child(i % 6, i / 6);
		if (pid > 0) {
			atomic_fetch_add(&sh->procs, 1);
			waitpid(pid, NULL, 0);
		}
	}
	_exit(0);
}

static void thread_churner(void)
{
	struct timespec next = { 0 };

	while (!atomic_load(&sh->stop)) {
		pace(&next);
		threads(4);
	}
	_exit(0);
}

static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0)
		fn();
	return pid;
}

static void stable_sleeper(void)
{
	for (;;)
		pause();
}

static void stable_threaded(void)
{
	pthread_t t;

	for (int i = 0; i < 3; i++)
		pthread_create(&t, NULL, forever, NULL);
	stable_sleeper();
}

/* Wait for every child but the stable ones: the orphans that came back
 * to us (a subreaper), still running or not. */
static void reap_orphans(const pid_t *stable)
{
	for (;;) {
		char path[64], buf[4096];
		FILE *f;
		size_t n;
		pid_t other = 0;

		snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
		f = fopen(path, "r");
		n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = '\0';
		for (char *p = buf; *p && !other;) {
			pid_t pid = (pid_t)strtol(p, &p, 10);

			if (pid > 0 && pid != stable[0] && pid != stable[1])
				other = pid;
			while (*p == ' ' || *p == '\n')
				p++;
		}
		if (!other)
			return;
		waitpid(other, NULL, 0);
	}
}

/* The next command byte (0 at EOF).  Meanwhile the orphans that came
 * back to us are reaped as they exit, so that a long run does not fill the
 * pid space with zombies (a worker reaped here had stopped anyway). */
static char next_command(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char c;

	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (poll(&p, 1, 100) > 0)
			return read(0, &c, 1) == 1 ? c : 0;
	}
}

int main(int argc, char **argv)
{
	pid_t workers[WORKERS + 1], stable[2];
	char c;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	if (argc > 2 && !strcmp(argv[1], "--rate")) {
		long rate = atol(argv[2]);

		if (rate < 1 || rate > 1000000) {
			fprintf(stderr, "churn: --rate N: 1 to 1000000 a second\n");
			return 2;
		}
		period_ns = 1000000000L * WORKERS / rate;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	stable[0] = spawn(stable_sleeper);
	stable[1] = spawn(stable_threaded);
	for (int i = 0; i < WORKERS; i++)
		workers[i] = spawn(worker);
	workers[WORKERS] = spawn(thread_churner);
	setvbuf(stdout, NULL, _IONBF, 0);
	while ((c = next_command())) {
		if (c == 'q') {
			atomic_store(&sh->stop, true);
			for (int i = 0; i <= WORKERS; i++)
				waitpid(workers[i], NULL, 0);
			reap_orphans(stable);
			printf("quiet %d %d", stable[0], stable[1]);
			for (int i = 0; i <= WORKERS; i++)
				printf(" %d", workers[i]);
			printf("\n");
		} else if (c == 'x') {
			break;
		}
	}
	/* 'x', or EOF when the test died: the workers stop too (waited for
	 * once more harmlessly after 'q') */
	atomic_store(&sh->stop, true);
	for (int i = 0; i <= WORKERS; i++)
		waitpid(workers[i], NULL, 0);
	kill(stable[0], SIGKILL);
	kill(stable[1], SIGKILL);
	waitpid(stable[0], NULL, 0);
	waitpid(stable[1], NULL, 0);
	printf("churned %lu threads %lu execs %lu renames %lu orphans %lu\n",
	       atomic_load(&sh->procs), atomic_load(&sh->threads), atomic_load(&sh->execs),
	       atomic_load(&sh->renames), atomic_load(&sh->orphans));
	return 0;
}
