/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compat_behaviour.c - what a program written for the original
 * libvmon sees, on real processes: the behaviours docs/compat.md says are
 * the original's (comm's length, thread rows, wchan and cmdline current at
 * every sample, a zombie's argv, boottime, is_new of the caller's nodes,
 * children_changed on removal), each checked against an independent
 * reader (the /proc file itself, the clock).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmon/vmon.h"
#include "test.h"

static vmon_proc_stat_t *stat_of(vmon_proc_t *p)
{
	ASSERT(p && p->stores[VMON_STORE_PROC_STAT]);
	return p->stores[VMON_STORE_PROC_STAT];
}

/* /proc/PID/FILE (tid 0: the process), whole */
static char *proc_file(pid_t pid, pid_t tid, const char *file, size_t *len)
{
	char path[64];

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid, file);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return t_read_file(path, len);
}

/* ---- comm: len counts the newline's place, as a NUL ---- */

struct named {
	const char *name;
	struct t_sync ready;
};

static bool name_self(void *arg)
{
	struct named *n = arg;

	prctl(PR_SET_NAME, n->name);
	return t_sleeper(&n->ready);
}

/* a caller of the original prints comm.len - 1 bytes: that is the name */
static void check_comm(const vmon_proc_stat_t *st, pid_t pid, pid_t tid)
{
	size_t len;
	char *comm = proc_file(pid, tid, "comm", &len);

	ASSERT(comm && len > 0 && comm[len - 1] == '\n');
	ASSERT_EQ(st->comm.len, len);
	ASSERT(!memcmp(st->comm.array, comm, len - 1));
	ASSERT_EQ(st->comm.array[st->comm.len - 1], '\0');
	ASSERT_EQ(strlen(st->comm.array), st->comm.len - 1);
	free(comm);
}

TEST(compat_comm_len_counts_the_newline)
{
	static const char *names[] = { "s", "sh", "fifteen-bytes!!", "a b)", "x\ny" };
	struct named kids[5];
	vmon_proc_t *nodes[5];
	pid_t pids[5];
	vmon_t v;

	for (int i = 0; i < 5; i++) {
		kids[i].name = names[i];
		t_sync_init(&kids[i].ready);
		pids[i] = t_fork(name_self, &kids[i]);
		t_sync_wait(&kids[i].ready);
	}
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_THREADS));
	for (int i = 0; i < 5; i++)
		ASSERT((nodes[i] = vmon_proc_monitor(&v, pids[i], 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	for (int i = 0; i < 5; i++) {
		check_comm(stat_of(nodes[i]), pids[i], 0);
		ASSERT_EQ(stat_of(nodes[i])->comm.len, strlen(names[i]) + 1);
	}
	/* the same again with nothing changed: no change bit, same length */
	ASSERT(vmon_sample(&v));
	for (int i = 0; i < 5; i++) {
		ASSERT(!BITTEST(stat_of(nodes[i])->changed, VMON_PROC_STAT_COMM));
		check_comm(stat_of(nodes[i]), pids[i], 0);
	}
	vmon_destroy(&v);
	for (int i = 0; i < 5; i++) {
		t_kill(pids[i]);
		t_sync_close(&kids[i].ready);
	}
}

/* ---- thread rows: only for a process with more than one thread ---- */

struct threaded {
	struct t_sync ready, start, stop;
};

static void *named_thread(void *arg)
{
	struct threaded *t = arg;
	char c;

	prctl(PR_SET_NAME, "worker");
	t_sync_post(&t->ready);
	ASSERT(read(t->stop.fd[0], &c, 1) == 1);
	return NULL;
}

/* single-threaded until told to start a thread, which runs until told to
 * stop; then single-threaded again */
static bool grows_a_thread(void *arg)
{
	struct threaded *t = arg;
	pthread_t th;
	char c;

	t_sync_post(&t->ready);
	ASSERT(read(t->start.fd[0], &c, 1) == 1);
	ASSERT(pthread_create(&th, NULL, named_thread, t) == 0);
	pthread_join(th, NULL);
	t_sync_post(&t->ready);
	return t_sleeper(NULL);
}

static int threads_nr(vmon_proc_t *p)
{
	vmon_proc_t *t;
	int n = 0;

	list_for_each_entry(t, &p->threads, threads)
		n++;
	return n;
}

/* with and without the stat want: the rule must not need it */
static void thread_rows(vmon_proc_wants_t wants)
{
	struct threaded t;
	vmon_proc_t *p, *main_thread, *worker;
	pid_t pid;
	vmon_t v;

	t_sync_init(&t.ready);
	t_sync_init(&t.start);
	t_sync_init(&t.stop);
	pid = t_fork(grows_a_thread, &t);
	t_sync_wait(&t.ready);
	ASSERT(vmon_init(&v, VMON_FLAG_2PASS, 0, wants | VMON_WANT_PROC_FOLLOW_THREADS));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	/* one thread: no thread row, not threaded */
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(list_empty(&p->threads));
		ASSERT(!p->is_threaded && !p->threads_changed);
	}
	/* a second thread: every task listed, the main one included */
	t_sync_post(&t.start);
	t_sync_wait(&t.ready);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(threads_nr(p), 2);
	ASSERT(p->is_threaded && p->threads_changed);
	main_thread = t_thread_node(p, pid);
	ASSERT(main_thread && main_thread->is_thread && main_thread->is_new);
	worker = list_entry(main_thread->threads.next == &p->threads ?
			    main_thread->threads.prev : main_thread->threads.next,
			    vmon_proc_t, threads);
	ASSERT(worker != main_thread && worker->is_thread && worker->parent == p);
	if (wants & VMON_WANT_PROC_STAT)
		check_comm(stat_of(worker), pid, worker->pid);
	/* it exits: stale for a sample, then gone; the main thread's row
	 * stays (the list is not empty), as in the original */
	t_sync_post(&t.stop);
	t_sync_wait(&t.ready);
	ASSERT(vmon_sample(&v));
	ASSERT(worker->is_stale && p->threads_changed);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(threads_nr(p), 1);
	ASSERT(t_thread_node(p, pid) == main_thread && p->is_threaded);
	vmon_destroy(&v);
	t_kill(pid);
	t_sync_close(&t.ready);
	t_sync_close(&t.start);
	t_sync_close(&t.stop);
}

TEST(compat_thread_rows_only_for_threaded_processes)
{
	thread_rows(VMON_WANT_PROC_STAT);
}

TEST(compat_thread_rows_without_the_stat_want)
{
	thread_rows(0);
}

/* ---- wchan and cmdline: current at every sample ---- */

/* a shell blocked reading a pipe, then (given a line) waiting on a child */
static pid_t shell_waiting(int *to_shell)
{
	int in[2];
	pid_t pid;

	ASSERT(pipe(in) == 0);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		execl("/bin/sh", "sh", "-c", "read x; sleep 1000; :", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	*to_shell = in[1];
	return pid;
}

/* wait (bounded) until /proc/PID/wchan reads want: the kernel says no
 * more when a task goes to sleep there */
static void wait_wchan(pid_t pid, const char *want)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char *w = proc_file(pid, 0, "wchan", NULL);
		bool there = w && !strcmp(w, want);

		free(w);
		if (there)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "%d not in %s after 10 s", pid, want);
		sched_yield();
	}
}

TEST(compat_wchan_of_a_shell_waiting_at_the_next_sample)
{
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	int to_shell;
	pid_t pid = shell_waiting(&to_shell);
	char *w;
	vmon_t v;

	t_wait_sleeping(pid);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	/* many samples in its read: the same wchan, no change bit */
	for (int i = 0; i < 40; i++)
		ASSERT(vmon_sample(&v));
	st = stat_of(p);
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_WCHAN));
	w = proc_file(pid, 0, "wchan", NULL);
	ASSERT_STREQ(st->wchan.array, w);
	free(w);
	/* a line: it forks sleep and waits for it; the very next sample
	 * shows it, whatever the generation */
	ASSERT(write(to_shell, "go\n", 3) == 3);
	wait_wchan(pid, "do_wait");
	ASSERT(vmon_sample(&v));
	ASSERT_STREQ(st->wchan.array, "do_wait");
	ASSERT_EQ(st->wchan.len, 7);
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_WCHAN));
	ASSERT(p->activity & VMON_WANT_PROC_STAT);
	vmon_destroy(&v);
	close(to_shell);
	t_kill(pid);
}

/* the cheap refresh is an opt-in: then wchan lags by design */
TEST(compat_cheap_refresh_is_an_opt_in)
{
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	int to_shell, lagged = 0;
	pid_t pid = shell_waiting(&to_shell);
	vmon_t v;

	t_wait_sleeping(pid);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_WCHAN, 0));	/* read once */
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	st = stat_of(p);
	ASSERT(write(to_shell, "go\n", 3) == 3);
	wait_wchan(pid, "do_wait");
	for (int i = 0; i < 5; i++) {
		ASSERT(vmon_sample(&v));
		lagged += strcmp(st->wchan.array, "do_wait") != 0;
	}
	ASSERT_EQ(lagged, 5);
	vmon_destroy(&v);
	close(to_shell);
	t_kill(pid);
}

/* build/helpers/retitle with its pipes: it rewrites its arguments in place
 * (no exec) for each line written to *to, answering on *from */
static pid_t retitler(int *to, int *from)
{
	int in[2], out[2];
	char path[256];
	pid_t pid;

	t_build_path("helpers/retitle", path, sizeof(path));
	ASSERT(pipe(in) == 0 && pipe(out) == 0);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execl(path, "retitle", "abcdef", "gh", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = out[0];
	return pid;
}

static void retitle_now(int to, int from, char with)
{
	char line[2] = { with, '\n' }, ok[3];

	ASSERT(write(to, line, 2) == 2);
	ASSERT(read(from, ok, 3) == 3 && !memcmp(ok, "ok\n", 3));
}

/* refresh: < 0 for the default (every sample), else vmon_set_refresh() */
static void retitled(int refresh, bool seen_at_once)
{
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	int to, from;
	pid_t pid = retitler(&to, &from);
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	if (refresh >= 0)
		ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, (unsigned)refresh));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	retitle_now(to, from, 'a');	/* exec'd and running: "abcdef" is ours */
	ASSERT(vmon_sample(&v));
	st = stat_of(p);
	ASSERT_EQ(st->argc, 3);
	ASSERT_STREQ(st->argv[1], "aaaaaa");
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
	}
	retitle_now(to, from, 'z');
	ASSERT(vmon_sample(&v));
	if (seen_at_once) {
		ASSERT_STREQ(st->argv[1], "zzzzzz");
		ASSERT_STREQ(st->argv[2], "zz");
		ASSERT(BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
		ASSERT(BITTEST(st->changed, VMON_PROC_STAT_ARGV));
		ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_ARGC));
		ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_COMM));
	} else {
		ASSERT_STREQ(st->argv[1], "aaaaaa");
		ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
	}
	vmon_destroy(&v);
	close(to);
	ASSERT_EQ(t_wait(pid), 0);
	close(from);
}

TEST(compat_cmdline_and_argv_current_at_every_sample)
{
	retitled(-1, true);
}

TEST(compat_cmdline_cheap_refresh_is_an_opt_in)
{
	/* 0: cmdline is read again only on an exec */
	retitled(0, false);
}

/* ---- a zombie keeps the arguments it ran with ---- */

TEST(compat_argv_of_a_zombie)
{
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	int to, from;
	pid_t pid = retitler(&to, &from);
	siginfo_t si;
	char *cmdline;
	size_t len;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	retitle_now(to, from, 'q');
	ASSERT(vmon_sample(&v));
	st = stat_of(p);
	ASSERT_EQ(st->argc, 3);
	/* EOF: it exits, and stays unreaped */
	close(to);
	ASSERT(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
	cmdline = proc_file(pid, 0, "cmdline", &len);
	ASSERT(cmdline && len == 0);	/* what the kernel shows of a zombie */
	free(cmdline);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(st->state, 'Z');
	ASSERT_EQ(st->argc, 3);
	ASSERT_STREQ(st->argv[0], "retitle");
	ASSERT_STREQ(st->argv[1], "qqqqqq");
	ASSERT_STREQ(st->argv[2], "qq");
	ASSERT(st->argv[3] == NULL);
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_ARGV));
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_STATE));
	ASSERT_STREQ(stat_of(p)->exe.array + stat_of(p)->exe.len - 8, "/retitle");
	vmon_destroy(&v);
	ASSERT_EQ(t_wait(pid), 0);
	close(from);
}

/* ---- boottime: CLOCK_BOOTTIME in ticks, at every sample ---- */

static unsigned long long boottime_ticks(long tps)
{
	struct timespec ts;

	ASSERT(clock_gettime(CLOCK_BOOTTIME, &ts) == 0);
	return (unsigned long long)ts.tv_sec * tps + (unsigned long long)ts.tv_nsec * tps / 1000000000;
}

TEST(compat_boottime_against_clock_boottime)
{
	unsigned long long before, after, last = 0;
	vmon_sys_stat_t *sys;
	vmon_proc_t *p;
	pid_t pid = t_fork(t_sleeper, NULL);
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, VMON_WANT_PROC_STAT));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	for (int i = 0; i < 3; i++) {
		before = boottime_ticks(v.ticks_per_sec);
		ASSERT(vmon_sample(&v));
		after = boottime_ticks(v.ticks_per_sec);
		sys = v.stores[VMON_STORE_SYS_STAT];
		ASSERT_MSG(sys->boottime >= before && sys->boottime <= after,
			   "boottime %llu not within [%llu, %llu]", sys->boottime, before, after);
		ASSERT(!BITTEST(sys->unavailable, VMON_SYS_STAT_BOOTTIME));
		ASSERT_EQ(!!BITTEST(sys->changed, VMON_SYS_STAT_BOOTTIME), sys->boottime != last);
		last = sys->boottime;
		/* the original's programs show a process's age as boottime -
		 * start: a child started before us, after boot */
		ASSERT(stat_of(p)->start > 0 && stat_of(p)->start <= sys->boottime);
		ASSERT_ULL_EQ(stat_of(p)->start, t_stat_ull(pid, 0, 22));
		/* btime is another quantity, kept under its own name */
		ASSERT(sys->boot_time > 1000000000ull);
	}
	vmon_destroy(&v);
	t_kill(pid);
}

/* ---- is_new over the first samples ---- */

struct news {
	int calls;
	int new_in_callback[4];
};

static void note_new(vmon_t *v, void *sample_arg, vmon_proc_t *p, void *arg)
{
	struct news *n = arg;

	(void)v;
	(void)sample_arg;
	if (n->calls < 4)
		n->new_in_callback[n->calls] = p->is_new;
	n->calls++;
}

static void caller_node_is_new_in_its_first_sample(vmon_flags_t flags)
{
	struct news n = { 0 };
	struct t_sync ready;
	vmon_proc_t *p, *child;
	pid_t pid, kid;
	vmon_t v;

	t_sync_init(&ready);
	pid = t_fork(t_sleeper, NULL);
	ASSERT(vmon_init(&v, flags, 0, VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((p = vmon_proc_monitor(&v, getpid(), 0, note_new, &n)));
	ASSERT(p->is_new);	/* monitored, not sampled yet */
	ASSERT(vmon_sample(&v));
	/* new in the callback of its first sample, not after it (the
	 * original's rule for the caller's own nodes) */
	ASSERT_EQ(n.calls, 1);
	ASSERT_EQ(n.new_in_callback[0], 1);
	ASSERT(!p->is_new);
	/* a child the library found is new until its next sample */
	child = t_child_node(p, pid);
	ASSERT(child && child->is_new);
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(n.new_in_callback[1], 0);
	ASSERT(!p->is_new && !child->is_new);
	ASSERT(t_child_node(p, kid) && t_child_node(p, kid)->is_new);
	ASSERT(vmon_sample(&v));
	ASSERT(!t_child_node(p, kid)->is_new);
	vmon_destroy(&v);
	t_kill(kid);
	t_kill(pid);
	t_sync_close(&ready);
}

TEST(compat_is_new_over_the_first_samples)
{
	caller_node_is_new_in_its_first_sample(VMON_FLAG_NONE);
}

TEST(compat_is_new_over_the_first_samples_2pass)
{
	caller_node_is_new_in_its_first_sample(VMON_FLAG_2PASS);
}

TEST(compat_is_new_over_the_first_samples_array)
{
	caller_node_is_new_in_its_first_sample(VMON_FLAG_PROC_ARRAY);
}

/* ---- children_changed when a stale child goes, as when it went ---- */

TEST(compat_children_changed_when_a_child_is_removed)
{
	struct t_sync ready;
	vmon_proc_t *p, *child;
	pid_t kid;
	vmon_t v;

	t_sync_init(&ready);
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_2PASS, 0, VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((p = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample(&v));
	ASSERT(!p->children_changed);
	child = t_child_node(p, kid);
	ASSERT(child);
	t_kill(kid);
	ASSERT(vmon_sample(&v));
	ASSERT(child->is_stale && p->children_changed);
	ASSERT(vmon_sample(&v));
	ASSERT(!t_child_node(p, kid));
	ASSERT(p->children_changed);	/* its row went */
	ASSERT(vmon_sample(&v));
	ASSERT(!p->children_changed);
	vmon_destroy(&v);
	t_sync_close(&ready);
}

/* ---- meminfo as the original typed and spelled it ---- */

TEST(compat_meminfo_unsigned_long_and_spellings)
{
	unsigned long long total, committed;
	vmon_sys_vm_t *vm;
	char line[128];
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	ASSERT(vmon_sample(&v));
	vm = v.stores[VMON_STORE_SYS_VM];
	_Static_assert(__builtin_types_compatible_p(__typeof__(vm->total_kb), unsigned long),
		       "meminfo members are unsigned long");
	ASSERT(t_keyed_value("/proc/meminfo", "MemTotal", &total));
	ASSERT(t_keyed_value("/proc/meminfo", "Committed_AS", &committed));
	ASSERT_ULL_EQ(vm->total_kb, total);
	/* the original's spelling and ours are one member */
	ASSERT(&vm->commited_as_kb == &vm->committed_as_kb);
	ASSERT(vm->commited_as_kb > 0);
	/* a program printing it with %lu, as the original's did */
	snprintf(line, sizeof(line), "%lu kB", vm->total_kb);
	ASSERT_EQ(strtoull(line, NULL, 10), total);
	vmon_destroy(&v);
	(void)committed;
}

/* ---- monitoring again sets the node's wants ---- */

TEST(compat_monitoring_again_sets_the_wants)
{
	vmon_proc_t *p;
	pid_t pid = t_fork(t_sleeper, NULL);
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_IO));
	ASSERT((p = vmon_proc_monitor(&v, pid, VMON_WANT_PROC_STAT, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(p->stores[VMON_STORE_PROC_STAT] && !p->stores[VMON_STORE_PROC_VM]);
	ASSERT(vmon_proc_monitor(&v, pid, VMON_WANT_PROC_VM, NULL, NULL) == p);
	ASSERT_EQ(p->wants, VMON_WANT_PROC_VM);
	ASSERT_EQ(p->refcnt, 2);
	ASSERT(vmon_sample(&v));
	ASSERT(!p->stores[VMON_STORE_PROC_STAT] && p->stores[VMON_STORE_PROC_VM]);
	/* 0: the instance's wants */
	ASSERT(vmon_proc_monitor(&v, pid, VMON_WANT_PROC_INHERIT, NULL, NULL) == p);
	ASSERT(vmon_sample(&v));
	ASSERT(!p->stores[VMON_STORE_PROC_VM] && p->stores[VMON_STORE_PROC_IO]);
	vmon_destroy(&v);
	t_kill(pid);
}
