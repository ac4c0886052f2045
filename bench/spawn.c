/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spawn.c - the benchmark's workload: N idle processes (optionally with T
 * threads and F extra descriptors each), so that every harness measures the
 * cost of watching many processes that do nothing, which is the cost of
 * monitoring itself.  Each child blocks in read() on a pipe whose write end
 * only the spawner holds, after telling the spawner it is ready through a
 * second pipe; the spawner prints one line when all N are ready
 *
 *   ready n=N threads=T fds=F pid=PID pgid=PGID
 *
 * so the caller starts measuring on that line (no sleeps), and then waits
 * until its standard input reaches EOF (or any line is written to it) or a
 * SIGINT, SIGTERM, SIGHUP or SIGQUIT arrives.
 *
 * However the run ends, every child goes: the spawner kills each by pid
 * (SIGKILL; an unreaped child's pid cannot be reused) and reaps it by pid,
 * from an atexit handler that also runs after those signals and after any
 * error; it is a child subreaper and reaps whatever else is left.  If the
 * spawner itself is killed outright, each child gets SIGKILL from
 * PR_SET_PDEATHSIG and would also see EOF on its pipe.  Children are named
 * "bench-idle" (prctl PR_SET_NAME) so a check can tell them apart from
 * reused pids; they are never killed by name.  -p FILE writes their pids,
 * one a line, before the ready line.
 *
 * usage: spawn -n N [-t THREADS] [-f FDS] [-p PIDFILE] [-k]
 *   -t  threads per process, the main one included (default 1)
 *   -f  extra descriptors per process: dups of its pipe and /dev/null
 *   -k  ignore standard input: run until a signal
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_NAME "bench-idle"
#define THREAD_STACK (64 * 1024)

static pid_t *pids;
static int pids_nr;
static int hold_w = -1;		/* the write end every child's read blocks on */
static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

/* kill and reap every child by pid, then anything else reparented to us */
static void cleanup(void)
{
	int reaped = 0;

	for (int i = 0; i < pids_nr; i++)
		kill(pids[i], SIGKILL);
	if (hold_w >= 0)
		close(hold_w);
	hold_w = -1;
	for (int i = 0; i < pids_nr; i++) {
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
		reaped++;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (pids_nr)
		fprintf(stderr, "spawn: killed and reaped %d processes\n", reaped);
	pids_nr = 0;
}

static void die(const char *what)
{
	fprintf(stderr, "spawn: %s: %s\n", what, strerror(errno));
	exit(1);	/* atexit: cleanup() */
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void close_gap(unsigned lo, unsigned hi)
{
	if (lo <= hi)
		close_range(lo, hi, 0);
}

/* close every descriptor above 2 but the three the child uses */
static void close_others(int a, int b, int c)
{
	int keep[3] = { a, b, c }, t;

	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	close_gap(3, keep[0] - 1);
	close_gap(keep[0] + 1, keep[1] - 1);
	close_gap(keep[1] + 1, keep[2] - 1);
	close_gap(keep[2] + 1, ~0U);
}

static void child(pid_t parent, int ready_w, int hold_r, int devnull, int threads, int fds)
{
	sigset_t none;
	pthread_attr_t attr;
	char c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, CHILD_NAME);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* nothing of the caller's stays open in the child: stdout may be a
	 * pipe the caller reads to EOF */
	dup2(devnull, 0);
	dup2(devnull, 1);
	close_others(ready_w, hold_r, devnull);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (int i = 1; i < threads; i++) {
		pthread_t t;

		if (pthread_create(&t, &attr, idle_thread, NULL))
			_exit(1);
	}
	for (int i = 0; i < fds; i++)
		if (dup(i % 2 ? devnull : hold_r) < 0)
			_exit(1);
	if (write(ready_w, "r", 1) != 1)
		_exit(1);
	close(ready_w);
	/* blocks until the spawner closes the write end or goes */
	while (read(hold_r, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int number(const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "spawn: bad number '%s' (%d..%d)\n", s, min, max);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	int n = -1, threads = 1, fds = 0, keep = 0, c, ready_nr = 0;
	int ready[2], hold[2], devnull;
	const char *pidfile = NULL;
	struct sigaction sa;
	sigset_t block, old;
	pid_t self = getpid();

	while ((c = getopt(argc, argv, "n:t:f:p:k")) != -1) {
		switch (c) {
		case 'n': n = number(optarg, 0, 1000000); break;
		case 't': threads = number(optarg, 1, 10000); break;
		case 'f': fds = number(optarg, 0, 100000); break;
		case 'p': pidfile = optarg; break;
		case 'k': keep = 1; break;
		default:
			fprintf(stderr, "usage: spawn -n N [-t THREADS] [-f FDS] [-p PIDFILE] [-k]\n");
			return 2;
		}
	}
	if (n < 0 || optind != argc) {
		fprintf(stderr, "usage: spawn -n N [-t THREADS] [-f FDS] [-p PIDFILE] [-k]\n");
		return 2;
	}
	if (fds > 0) {	/* each child keeps its descriptors plus fds more */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}

	/* signals are blocked except while waiting (ppoll), and checked
	 * between forks */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&block, s))
			sigaction(s, &sa, NULL);

	setpgid(0, 0);	/* one group: `kill -- -PGID` reaches every child too */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids)
		die("calloc");
	if (atexit(cleanup))
		die("atexit");
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0)
		die("pipe");
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("/dev/null");
	/* the children's ends must survive into the child (no exec follows,
	 * so CLOEXEC does not matter there); the child closes what it must not
	 * hold: the write end of the hold pipe and the read end of ready */
	hold_w = hold[1];

	for (int i = 0; i < n; i++) {
		sigset_t pending;
		pid_t pid;

		sigpending(&pending);
		for (int s = 1; s < NSIG; s++)
			if (sigismember(&block, s) && sigismember(&pending, s)) {
				fprintf(stderr, "spawn: signal %d while spawning\n", s);
				exit(1);
			}
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(hold[1]);
			close(ready[0]);
			child(self, ready[1], hold[0], devnull, threads, fds);
		}
		pids[pids_nr++] = pid;
	}
	close(ready[1]);
	close(hold[0]);
	while (ready_nr < n) {
		char buf[4096];
		ssize_t r = read(ready[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read ready pipe");
		if (r == 0) {
			fprintf(stderr, "spawn: %d of %d processes failed to start\n",
				n - ready_nr, n);
			exit(1);
		}
		ready_nr += r;
	}
	close(ready[0]);

	if (pidfile) {
		FILE *f = fopen(pidfile, "we");

		if (!f)
			die(pidfile);
		for (int i = 0; i < pids_nr; i++)
			fprintf(f, "%d\n", pids[i]);
		if (fclose(f) != 0)
			die(pidfile);
	}
	printf("ready n=%d threads=%d fds=%d pid=%d pgid=%d\n", n, threads, fds,
	       (int)self, (int)getpgrp());
	if (fflush(stdout) != 0)
		die("stdout");

	while (!stop_sig) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		sigset_t none;
		int r;

		sigemptyset(&none);
		r = ppoll(keep ? NULL : &pfd, keep ? 0 : 1, NULL, &none);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("ppoll");
		break;	/* stdin readable: a line or EOF, either means stop */
	}
	return 0;	/* atexit: cleanup() */
}
