/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_events_ptrace.c - the PTRACE event source, on real processes: a
 * child of the test, traced from its start, forks a storm of short-lived
 * grandchildren (exits, signals, execs), and every one must become a node
 * once, with its parent, name, arguments, status and final CPU; the test
 * still reaps the child itself with its true status.  A traced root killed
 * with SIGKILL, one stopped and continued, and vmon_destroy() while the
 * trees run: nothing hangs, nothing stays traced or stopped, no status is
 * stolen, no descriptor is left.  Threads: a process ended by one thread's
 * exit_group() counts the CPU of all, one whose second thread execs takes
 * the exec's name; no thread becomes a node.
 *
 * ptrace cannot run under valgrind (clone() without CLONE_THREAD sharing
 * memory), and the suite never does: tests/valgrind-cycle.sh runs a
 * helper of its own.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define STORM_KIDS 200
#define ROOT_EXIT 42

enum storm_kind { EXITS, SIGNALS, EXECS_TRUE, EXECS_SH, KILLED, KINDS };

/* What the root of the storm says, in memory shared with the test. */
struct storm {
	int pid[STORM_KIDS];
	int status[STORM_KIDS];		/* as the root reaped it */
	unsigned long long children_ns;	/* getrusage(RUSAGE_CHILDREN) after all */
	int bad;			/* a status the root did not expect */
};

struct storm_arg {
	struct t_sync go, done;
	struct storm *s;
};

static unsigned long long cpu_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void spin_ms(int ms)
{
	while (cpu_ns(CLOCK_PROCESS_CPUTIME_ID) < (unsigned long long)ms * 1000000)
		;
}

static int expected_code(int i, enum storm_kind kind)
{
	return kind == EXECS_SH ? 3 + i % 50 : 1 + i % 100;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A grandchild: 1 to 5 ms of CPU, then it ends as its kind says. */
static void __attribute__((noreturn)) grandchild(int i)
{
	enum storm_kind kind = i % KINDS;
	char cmd[32];

	switch (kind) {
	case EXITS:
		spin_ms(1 + i % 5);
		_exit(expected_code(i, kind));
	case SIGNALS:
		spin_ms(1 + i % 5);
		signal(SIGUSR1, SIG_DFL);
		raise(SIGUSR1);
		break;
	case EXECS_TRUE:
		execl("/bin/true", "true", (char *)NULL);
		break;
	case EXECS_SH:
		snprintf(cmd, sizeof(cmd), "exit %d", expected_code(i, kind));
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		break;
	case KILLED:
	case KINDS:
		for (;;)	/* until its parent kills it */
			spin_ms(1000);
	}
	_exit(127);
}

static bool status_expected(int i, int status)
{
	switch ((enum storm_kind)(i % KINDS)) {
	case EXITS:
	case EXECS_SH:
		return WIFEXITED(status) && WEXITSTATUS(status) == expected_code(i, i % KINDS);
	case SIGNALS:
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1;
	case EXECS_TRUE:
		return WIFEXITED(status) && WEXITSTATUS(status) == 0;
	case KILLED:
	case KINDS:
		break;
	}
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* The root: waits to be let go (traced by then), forks the storm one
 * grandchild at a time, reaps each, and says what it saw. */
static bool storm_root(void *arg)
{
	struct storm_arg *a = arg;
	struct storm *s = a->s;
	struct rusage ru;

	t_sync_wait(&a->go);
	for (int i = 0; i < STORM_KIDS; i++) {
		pid_t g = fork();
		int status;

		if (g == 0)
			grandchild(i);
		if (g < 0)
			_exit(2);
		if (i % KINDS == KILLED) {
			sleep_ms(1 + i % 3);
			kill(g, SIGKILL);
		}
		while (waitpid(g, &status, 0) < 0)
			if (errno != EINTR)
				_exit(3);
		s->pid[i] = g;
		s->status[i] = status;
		s->bad += !status_expected(i, status);
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	s->children_ns = ((unsigned long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
			 ((unsigned long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	t_sync_post(&a->done);
	_exit(ROOT_EXIT);
}

/* What the test saw of each node: counted at its creation, copied at its
 * freeing (proc_dtor_cb: the caller sees it whole one last time). */
struct seen {
	int pid;
	int ctors;
	bool freed;
	int ppid, parent;
	char comm[32];
	char argv[128];
	vmon_exit_t exit;
	bool has_exit;
};

static struct seen *seen;
static int seen_nr;

static struct seen *seen_of(int pid)
{
	for (int i = 0; i < seen_nr; i++)
		if (seen[i].pid == pid)
			return &seen[i];
	ASSERT(seen_nr < STORM_KIDS * 2);
	seen[seen_nr].pid = pid;
	return &seen[seen_nr++];
}

static void count_ctor(vmon_t *v, vmon_proc_t *p)
{
	(void)v;
	if (!p->is_thread)
		seen_of(p->pid)->ctors++;
}

static void copy_at_free(vmon_t *v, vmon_proc_t *p)
{
	vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	struct seen *s;

	(void)v;
	if (p->is_thread)
		return;
	s = seen_of(p->pid);
	s->freed = true;
	s->parent = p->parent ? p->parent->pid : 0;
	if (p->exit) {
		s->exit = *p->exit;
		s->has_exit = true;
	}
	if (!st)
		return;
	s->ppid = st->ppid;
	snprintf(s->comm, sizeof(s->comm), "%s", st->comm.len ? st->comm.array : "");
	for (int i = 0; i < st->argc && st->argv && st->argv[i]; i++) {
		size_t n = strlen(s->argv);

		snprintf(s->argv + n, sizeof(s->argv) - n, "%s%s", i ? " " : "", st->argv[i]);
	}
}

/* Arguments of a process as the checks below spell them. */
static void argv_of(pid_t pid, char *out, size_t size)
{
	char path[64], *buf;
	size_t len, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	buf = t_read_file(path, &len);
	ASSERT(buf);
	out[0] = '\0';
	for (size_t i = 0; i < len && n + 1 < size; i += strlen(buf + i) + 1)
		n += snprintf(out + n, size - n, "%s%s", n ? " " : "", buf + i);
	free(buf);
}

static void check_grandchild(int i, pid_t root, const struct storm *s, const char *root_comm,
			     const char *root_argv)
{
	enum storm_kind kind = i % KINDS;
	struct seen *g = seen_of(s->pid[i]);
	char want_argv[64];

	ASSERT_MSG(g->ctors == 1, "grandchild %d (pid %d, kind %d) was a node %d times",
		   i, s->pid[i], kind, g->ctors);
	ASSERT_MSG(g->freed && g->has_exit, "grandchild %d (kind %d): no exit record", i, kind);
	ASSERT_EQ(g->parent, root);
	ASSERT_EQ(g->ppid, root);
	ASSERT_EQ(g->exit.source, VMON_EVENTS_PTRACE);
	ASSERT((g->exit.known & (VMON_EXIT_STATUS | VMON_EXIT_CPU)) ==
	       (VMON_EXIT_STATUS | VMON_EXIT_CPU));
	ASSERT_MSG(g->exit.status == s->status[i], "grandchild %d (kind %d): status %#x, reaped %#x",
		   i, kind, g->exit.status, s->status[i]);
	/* as anyone: an unprivileged tracer cannot read a zombie's io */
	ASSERT_MSG(g->exit.known & VMON_EXIT_IO, "grandchild %d (kind %d): no I/O at its exit", i,
		   kind);
	switch (kind) {
	case EXECS_TRUE:
		ASSERT_STREQ(g->comm, "true");
		ASSERT_STREQ(g->argv, "true");
		break;
	case EXECS_SH:
		snprintf(want_argv, sizeof(want_argv), "sh -c exit %d", expected_code(i, kind));
		ASSERT_STREQ(g->comm, "sh");
		ASSERT_STREQ(g->argv, want_argv);
		break;
	default:
		ASSERT_STREQ(g->comm, root_comm);
		ASSERT_STREQ(g->argv, root_argv);
		break;
	}
}

static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT(p != MAP_FAILED);
	return p;
}

/* A child of the test, waiting on a pipe, monitored with the PTRACE source:
 * traced before it is let go. */
static vmon_proc_t *monitor_traced(vmon_t *v, pid_t kid)
{
	vmon_proc_t *p;

	ASSERT(vmon_init(v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((p = vmon_proc_monitor(v, kid, 0, NULL, NULL)));
	ASSERT_MSG(vmon_set_event_source(v, VMON_EVENTS_PTRACE), "ptrace source: %s",
		   strerror(errno));
	return p;
}

static unsigned long long tracer_pid(pid_t pid)
{
	char path[64];
	unsigned long long v = ~0ull;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT(t_keyed_value(path, "TracerPid", &v));
	return v;
}

TEST(events_ptrace_storm_every_grandchild_once_with_its_exit)
{
	struct storm_arg a;
	char root_comm[32], root_argv[128];
	unsigned long long total_ns = 0;
	vmon_proc_t *root;
	pid_t kid;
	vmon_t v;
	int status;

	a.s = shared(sizeof(*a.s));
	seen = calloc(STORM_KIDS * 2, sizeof(*seen));
	ASSERT(seen);
	seen_nr = 0;
	t_sync_init(&a.go);
	t_sync_init(&a.done);
	kid = t_fork(storm_root, &a);
	root = monitor_traced(&v, kid);
	v.proc_ctor_cb = count_ctor;
	v.proc_dtor_cb = copy_at_free;
	ASSERT(vmon_sample(&v));
	ASSERT(tracer_pid(kid) != 0);
	t_stat_field(kid, 0, 2, root_comm, sizeof(root_comm));
	argv_of(kid, root_argv, sizeof(root_argv));
	t_sync_post(&a.go);
	/* slow samples: most grandchildren are born and gone between two */
	for (int i = 0; i < 400 && !__atomic_load_n(&a.s->children_ns, __ATOMIC_ACQUIRE); i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
		sleep_ms(50);
	}
	t_sync_wait(&a.done);
	/* the root is the test's to reap, with its own status */
	status = t_wait(kid);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == ROOT_EXIT, "root status %#x", status);
	ASSERT_EQ(a.s->bad, 0);
	for (int i = 0; i < 3; i++)
		ASSERT(vmon_sample(&v));
	ASSERT(root->is_stale && root->exit);
	ASSERT_EQ(root->exit->status, status);
	for (int i = 0; i < STORM_KIDS; i++) {
		check_grandchild(i, kid, a.s, root_comm, root_argv);
		total_ns += seen_of(a.s->pid[i])->exit.cpu_ns;
	}
	/* read from the zombies: the exact figures the root's reaps counted */
	ASSERT_NEAR(total_ns, a.s->children_ns, a.s->children_ns / 50 + 5000000);
	vmon_destroy(&v);
	free(seen);
	munmap(a.s, sizeof(*a.s));
	t_sync_close(&a.go);
	t_sync_close(&a.done);
}

/* What a root of the tests below says, in shared memory. */
struct root_report {
	int grandchild;		/* a grandchild that pauses, once forked */
	int ticks;		/* rounds of its loop */
	int usr1;		/* SIGUSR1 it received */
};

struct root_arg {
	struct t_sync go, ready;
	struct root_report *r;
};

static struct root_report *report_of_root;	/* in the root */

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_fetch_add(&report_of_root->usr1, 1, __ATOMIC_RELAXED);
}

/* A root: waits to be let go, forks a grandchild that pauses, says so,
 * then counts rounds of 1 ms (and SIGUSR1s) until it is killed. */
static bool pausing_root(void *arg)
{
	struct root_arg *a = arg;
	pid_t g;

	report_of_root = a->r;
	signal(SIGUSR1, on_usr1);
	t_sync_wait(&a->go);
	g = fork();
	if (g == 0)
		for (;;)
			pause();
	a->r->grandchild = g;
	t_sync_post(&a->ready);
	for (;;) {
		__atomic_fetch_add(&a->r->ticks, 1, __ATOMIC_RELAXED);
		sleep_ms(1);
	}
	return true;
}

static pid_t start_root(struct root_arg *a)
{
	a->r = shared(sizeof(*a->r));
	t_sync_init(&a->go);
	t_sync_init(&a->ready);
	return t_fork(pausing_root, a);
}

static void let_go(struct root_arg *a)
{
	t_sync_post(&a->go);
	t_sync_wait(&a->ready);
}

static void end_root(struct root_arg *a)
{
	t_kill(a->r->grandchild);	/* ours (a subreaper's) once the root is gone */
	munmap(a->r, sizeof(*a->r));
	t_sync_close(&a->go);
	t_sync_close(&a->ready);
}

/* waitpid() bounded to 10 s: a hang fails the test instead of timing out */
static int wait_bounded(pid_t pid, int options)
{
	int status = 0;

	for (int i = 0; i < 10000; i++) {
		pid_t r = waitpid(pid, &status, options | WNOHANG);

		if (r == pid)
			return status;
		ASSERT_MSG(r == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
		sleep_ms(1);
	}
	ASSERT_MSG(0, "waitpid(%d) hung", pid);
	return 0;
}

static int ticks_after(struct root_report *r, int ms)
{
	int before = __atomic_load_n(&r->ticks, __ATOMIC_RELAXED);

	sleep_ms(ms);
	return __atomic_load_n(&r->ticks, __ATOMIC_RELAXED) - before;
}

static char state_of(pid_t pid)
{
	char state[8] = "";

	ASSERT(t_stat_field(pid, 0, 3, state, sizeof(state)));
	return state[0];
}

/* SIGKILL of a traced root, running or group-stopped: its zombie is the
 * tracer's to hand over, and the caller reaps it, as if untraced */
TEST(events_ptrace_sigkill_of_a_root_is_the_callers_to_reap)
{
	for (int stopped = 0; stopped < 2; stopped++) {
		struct root_arg a;
		vmon_proc_t *root;
		int status;
		pid_t kid;
		vmon_t v;

		kid = start_root(&a);
		root = monitor_traced(&v, kid);
		let_go(&a);
		ASSERT(vmon_sample(&v));
		if (stopped) {
			kill(kid, SIGSTOP);
			status = wait_bounded(kid, WUNTRACED);
			ASSERT(WIFSTOPPED(status));
		}
		kill(kid, SIGKILL);
		status = wait_bounded(kid, 0);
		ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			   "status %#x (stopped first: %d)", status, stopped);
		ASSERT(vmon_sample(&v));
		ASSERT(root->is_stale && root->exit);
		ASSERT_EQ(root->exit->source, VMON_EVENTS_PTRACE);
		ASSERT_EQ(root->exit->status, status);
		vmon_destroy(&v);
		ASSERT_EQ(tracer_pid(a.r->grandchild), 0);
		end_root(&a);
	}
}

/* Job control and signals pass through the tracer: a traced root stops
 * (its parent's waitpid() says so), stays stopped, goes on at SIGCONT,
 * and gets the signals sent to it */
TEST(events_ptrace_stop_continue_and_signals_as_untraced)
{
	struct root_arg a;
	int status;
	pid_t kid;
	vmon_t v;

	kid = start_root(&a);
	monitor_traced(&v, kid);
	let_go(&a);
	ASSERT(ticks_after(a.r, 20) > 0);
	kill(kid, SIGSTOP);
	status = wait_bounded(kid, WUNTRACED);
	ASSERT_MSG(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "status %#x", status);
	/* stopped: 'T', or 't' (as any tracer shows a group-stop: the task
	 * waits in PTRACE_LISTEN) */
	ASSERT(state_of(kid) == 'T' || state_of(kid) == 't');
	ASSERT_EQ(ticks_after(a.r, 50), 0);
	ASSERT(vmon_sample(&v));
	kill(kid, SIGCONT);
	status = wait_bounded(kid, WCONTINUED);
	ASSERT_MSG(WIFCONTINUED(status), "status %#x", status);
	ASSERT(ticks_after(a.r, 50) > 0);
	ASSERT(state_of(kid) == 'S' || state_of(kid) == 'R');
	kill(kid, SIGUSR1);
	for (int i = 0; i < 1000 && !__atomic_load_n(&a.r->usr1, __ATOMIC_RELAXED); i++)
		sleep_ms(1);
	ASSERT_EQ(a.r->usr1, 1);
	ASSERT(tracer_pid(kid) != 0);
	vmon_destroy(&v);
	t_kill(kid);
	end_root(&a);
}

/* vmon_destroy() ends the tracer: the trees go on, untraced, none stopped,
 * and the library keeps no descriptor */
TEST(events_ptrace_destroy_leaves_the_trees_running_untraced)
{
	struct root_arg a;
	pid_t kid;
	vmon_t v;
	int fds;

	kid = start_root(&a);
	fds = t_count_fds();
	monitor_traced(&v, kid);
	let_go(&a);
	ASSERT(vmon_sample(&v));
	ASSERT(tracer_pid(kid) != 0);
	ASSERT(tracer_pid(a.r->grandchild) != 0);
	vmon_destroy(&v);
	ASSERT_EQ(tracer_pid(kid), 0);
	ASSERT_EQ(tracer_pid(a.r->grandchild), 0);
	ASSERT(ticks_after(a.r, 50) > 0);
	t_wait_sleeping(a.r->grandchild);
	ASSERT_EQ(t_count_fds(), fds);
	t_kill(kid);
	end_root(&a);
}

/* The source in use, its descriptor, and only the caller's children are
 * roots: the caller itself is not traced */
TEST(events_ptrace_source_cost_and_descriptor)
{
	vmon_sample_cost_t cost;
	struct pollfd pfd;
	struct root_arg a;
	pid_t kid;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_PTRACE));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_PTRACE);
	ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
	ASSERT_EQ(tracer_pid(getpid()), 0);
	kid = start_root(&a);
	ASSERT(vmon_proc_monitor(&v, kid, 0, NULL, NULL));
	ASSERT(tracer_pid(kid) != 0);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.event_source, VMON_EVENTS_PTRACE);
	/* the fork of the grandchild makes the descriptor readable */
	pfd.fd = vmon_event_fd(&v);
	pfd.events = POLLIN;
	ASSERT(pfd.fd >= 0);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	let_go(&a);
	ASSERT_EQ(poll(&pfd, 1, 5000), 1);
	ASSERT(vmon_events_read(&v) >= 1);
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT(cost.events >= 1);
	vmon_destroy(&v);
	t_kill(kid);
	end_root(&a);
}

/* What the root of the threads test says. */
struct threads_report {
	int grouped, execd;		/* the two grandchildren */
	int grouped_status, execd_status;
	unsigned long long grouped_ns;	/* its CPU, from wait4() */
};

struct threads_arg {
	struct t_sync go, done;
	struct threads_report *r;
};

static void *spin_thread(void *arg)
{
	struct timespec ts;

	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < (long)(size_t)arg);
	return NULL;
}

static void *spin_then_exit(void *arg)
{
	spin_thread(arg);
	_exit(5);	/* exit_group() from a thread: every thread ends */
}

static void *exec_true(void *arg)
{
	(void)arg;
	execl("/bin/true", "true", (char *)NULL);
	_exit(127);
}

/* Two grandchildren with threads: one ends by a thread's exit_group()
 * after 20 + 30 + 40 ms of CPU in three threads, one execs /bin/true from
 * a thread other than its leader (which then takes the leader's pid). */
static bool threads_root(void *arg)
{
	struct threads_arg *a = arg;
	struct threads_report *r = a->r;
	struct rusage ru;
	pthread_t t;
	pid_t g;

	t_sync_wait(&a->go);
	g = fork();
	if (g == 0) {
		pthread_create(&t, NULL, spin_thread, (void *)30);
		pthread_create(&t, NULL, spin_then_exit, (void *)40);
		spin_thread((void *)20);
		for (;;)
			pause();
	}
	r->grouped = g;
	wait4(g, &r->grouped_status, 0, &ru);
	r->grouped_ns = ((unsigned long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
			((unsigned long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	g = fork();
	if (g == 0) {
		pthread_create(&t, NULL, exec_true, NULL);
		for (;;)
			pause();
	}
	r->execd = g;
	waitpid(g, &r->execd_status, 0);
	t_sync_post(&a->done);
	_exit(0);
}

TEST(events_ptrace_threads_and_an_exec_from_a_thread)
{
	struct threads_report *r;
	struct threads_arg a;
	struct seen *g;
	char root_comm[32];
	pid_t kid;
	vmon_t v;

	a.r = r = shared(sizeof(*r));
	seen = calloc(STORM_KIDS * 2, sizeof(*seen));
	ASSERT(seen);
	seen_nr = 0;
	t_sync_init(&a.go);
	t_sync_init(&a.done);
	kid = t_fork(threads_root, &a);
	monitor_traced(&v, kid);
	v.proc_ctor_cb = count_ctor;
	v.proc_dtor_cb = copy_at_free;
	ASSERT(vmon_sample(&v));
	t_stat_field(kid, 0, 2, root_comm, sizeof(root_comm));
	t_sync_post(&a.go);
	t_sync_wait(&a.done);
	ASSERT_EQ(t_wait(kid), 0);
	for (int i = 0; i < 3; i++)
		ASSERT(vmon_sample(&v));
	ASSERT(WIFEXITED(r->grouped_status) && WEXITSTATUS(r->grouped_status) == 5);
	g = seen_of(r->grouped);
	ASSERT_EQ(g->ctors, 1);
	ASSERT(g->freed && g->has_exit);
	ASSERT_EQ(g->exit.status, r->grouped_status);
	ASSERT_STREQ(g->comm, root_comm);
	/* the CPU of all three threads, as the root's wait4() counted it: more
	 * than the leader's 20 ms (how much the 30 ms thread got before the
	 * exit_group() depends on the scheduler) */
	ASSERT(g->exit.known & VMON_EXIT_CPU);
	ASSERT_NEAR(g->exit.cpu_ns, r->grouped_ns, r->grouped_ns / 50 + 1000000);
	ASSERT(g->exit.cpu_ns >= 40000000);
	ASSERT((g->exit.known & VMON_EXIT_PEAK_RSS) && g->exit.peak_rss_kb > 0);
	g = seen_of(r->execd);
	ASSERT_EQ(g->ctors, 1);
	ASSERT(g->freed && g->has_exit);
	ASSERT_EQ(g->exit.status, 0);
	ASSERT_EQ(r->execd_status, 0);
	ASSERT_STREQ(g->comm, "true");
	ASSERT_STREQ(g->argv, "true");
	ASSERT_EQ(seen_nr, 2);	/* the two: no thread became a node */
	vmon_destroy(&v);
	free(seen);
	munmap(r, sizeof(*r));
	t_sync_close(&a.go);
	t_sync_close(&a.done);
}
