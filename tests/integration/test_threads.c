/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_threads.c - following the threads of a live process with
 * VMON_WANT_PROC_FOLLOW_THREADS, with and without the stat want: the
 * threads list equals /proc/PID/task, the main thread (tid == pid) is a
 * thread node, is_thread / is_threaded / threads_changed, a thread that
 * appears is new, a thread that exits is stale for one sample and then
 * freed, and unmonitoring the process frees its thread nodes.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define MAX_TASKS 64

/* ---- a process that starts and ends threads on command ---- */

struct thread_server {
	struct t_sync cmd;	/* 'c' start a thread, 'x' end the newest one */
	struct t_sync report;	/* the tid of the thread started or ended */
};

struct server_thread {
	pthread_t t;
	int quit[2];
	int index;
	pid_t tid;
	struct thread_server *srv;
};

static void send_pid(int fd, pid_t pid)
{
	while (write(fd, &pid, sizeof(pid)) < 0 && errno == EINTR)
		;
}

static pid_t recv_pid(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pid_t pid;

	ASSERT_MSG(poll(&p, 1, 10000) == 1, "no tid reported within 10 s");
	ASSERT_MSG(read(fd, &pid, sizeof(pid)) == sizeof(pid), "short tid report");
	return pid;
}

static void *server_thread_main(void *arg)
{
	struct server_thread *st = arg;
	char name[32], c;

	snprintf(name, sizeof(name), "vthr-%d", st->index);
	prctl(PR_SET_NAME, name);
	__atomic_store_n(&st->tid, gettid(), __ATOMIC_SEQ_CST);
	send_pid(st->srv->report.fd[1], st->tid);
	while (read(st->quit[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static bool thread_server_main(void *arg)
{
	static struct server_thread threads[MAX_TASKS];
	struct thread_server *srv = arg;
	int nr = 0;
	char c;

	while (read(srv->cmd.fd[0], &c, 1) == 1) {
		if (c == 'c' && nr < MAX_TASKS) {
			struct server_thread *st = &threads[nr];

			st->index = nr;
			st->srv = srv;
			if (pipe(st->quit) || pthread_create(&st->t, NULL, server_thread_main, st))
				return false;
			nr++;
		} else if (c == 'x' && nr > 0) {
			struct server_thread *st = &threads[--nr];
			pid_t tid = __atomic_load_n(&st->tid, __ATOMIC_SEQ_CST);

			if (write(st->quit[1], "q", 1) != 1 || pthread_join(st->t, NULL))
				return false;
			send_pid(srv->report.fd[1], tid);
		}
	}
	return true;
}

static pid_t server_cmd(struct thread_server *srv, char c)
{
	while (write(srv->cmd.fd[1], &c, 1) < 0 && errno == EINTR)
		;
	return recv_pid(srv->report.fd[0]);
}

static pid_t server_start(struct thread_server *srv)
{
	t_sync_init(&srv->cmd);
	t_sync_init(&srv->report);
	return t_fork(thread_server_main, srv);
}

/* A thread joined by pthread_join() may linger in task/ a moment longer
 * (its tid is cleared before it is released), and the kernel gives no
 * signal for that: poll, bounded. */
static void wait_task_gone(pid_t pid, pid_t tid)
{
	struct timespec t0, t;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (access(path, F_OK) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "%s still there after 10 s", path);
		sched_yield();
	}
}

/* ---- bookkeeping ---- */

static struct {
	int tid;
	int ctor, dtor;
} tseen[MAX_TASKS * 2];
static int tseen_nr;

static int tslot(int tid)
{
	for (int i = 0; i < tseen_nr; i++)
		if (tseen[i].tid == tid)
			return i;
	ASSERT(tseen_nr < (int)(sizeof(tseen) / sizeof(tseen[0])));
	tseen[tseen_nr].tid = tid;
	return tseen_nr++;
}

static int proc_ctors, proc_dtors;

/* thread nodes are counted by tid, process nodes apart */
static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (proc->is_thread)
		tseen[tslot(proc->pid)].ctor++;
	else
		proc_ctors++;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (proc->is_thread)
		tseen[tslot(proc->pid)].dtor++;
	else
		proc_dtors++;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* the tids of proc's thread nodes, sorted; stale ones only when asked */
static int thread_ids(vmon_proc_t *proc, int *ids, bool with_stale)
{
	vmon_proc_t *t;
	int n = 0;

	list_for_each_entry(t, &proc->threads, threads) {
		ASSERT(n < MAX_TASKS);
		if (with_stale || !t->is_stale)
			ids[n++] = t->pid;
	}
	qsort(ids, n, sizeof(int), cmp_int);
	return n;
}

/* The live thread nodes equal /proc/PID/task, listed before and after the
 * sample (the process starts no thread by itself, so both are equal). */
static void check_threads_match_task(vmon_t *v, vmon_proc_t *proc)
{
	int before[MAX_TASKS], after[MAX_TASKS], mine[MAX_TASKS], nb, na, nm;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", proc->pid);
	nb = t_list_ids(path, before, MAX_TASKS);
	ASSERT(vmon_sample(v));
	na = t_list_ids(path, after, MAX_TASKS);
	ASSERT_EQ(nb, na);
	ASSERT(!memcmp(before, after, nb * sizeof(int)));
	nm = thread_ids(proc, mine, false);
	ASSERT_EQ(nm, na);
	for (int i = 0; i < nm; i++)
		ASSERT_EQ(mine[i], after[i]);
}

/* the shape every thread node of proc must have */
static void check_thread_nodes(vmon_t *v, vmon_proc_t *proc)
{
	vmon_proc_t *t;

	ASSERT(!proc->is_thread);
	ASSERT(proc->is_threaded);
	list_for_each_entry(t, &proc->threads, threads) {
		ASSERT(t->is_thread);
		ASSERT(t->parent == proc);
		ASSERT(list_empty(&t->children));
		/* threads follow nothing: their process does it for them */
		ASSERT(!t->stores[VMON_STORE_PROC_FOLLOW_THREADS]);
		ASSERT(!t->stores[VMON_STORE_PROC_FOLLOW_CHILDREN]);
		if (!t->is_stale)
			ASSERT_EQ(t->generation, v->generation);
	}
}

static void run_thread_lifecycle(vmon_proc_wants_t wants)
{
	struct thread_server srv;
	vmon_proc_t *proc, *main_thread, *t3;
	pid_t p, tid1, tid2, tid3;
	vmon_t v;

	p = server_start(&srv);
	tid1 = server_cmd(&srv, 'c');
	tid2 = server_cmd(&srv, 'c');

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, wants));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;
	proc = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(proc);

	/* first sample: every task is a new thread node */
	check_threads_match_task(&v, proc);
	check_thread_nodes(&v, proc);
	main_thread = t_thread_node(proc, p);
	ASSERT_MSG(main_thread, "the main thread %d is not a thread node", p);
	ASSERT(main_thread->is_new && t_thread_node(proc, tid1)->is_new);
	ASSERT(t_thread_node(proc, tid2)->is_new);
	ASSERT(proc->threads_changed);
	ASSERT(!proc->children_changed);
	ASSERT_EQ(((vmon_proc_follow_threads_t *)proc->stores[VMON_STORE_PROC_FOLLOW_THREADS])->threads_nr, 3);
	ASSERT_EQ(tseen[tslot(p)].ctor + tseen[tslot(tid1)].ctor + tseen[tslot(tid2)].ctor, 3);
	ASSERT_EQ(proc_ctors, 1);

	/* nothing happened */
	check_threads_match_task(&v, proc);
	ASSERT(!proc->threads_changed);
	ASSERT(!main_thread->is_new && !t_thread_node(proc, tid1)->is_new);

	/* a thread appears */
	tid3 = server_cmd(&srv, 'c');
	check_threads_match_task(&v, proc);
	check_thread_nodes(&v, proc);
	t3 = t_thread_node(proc, tid3);
	ASSERT(t3 && t3->is_new && !t3->is_stale);
	ASSERT(proc->threads_changed);
	ASSERT(!main_thread->is_new);

	/* it exits: stale in the next sample, freed in the one after */
	ASSERT_EQ(server_cmd(&srv, 'x'), tid3);
	wait_task_gone(p, tid3);
	check_threads_match_task(&v, proc);
	ASSERT(t_thread_node(proc, tid3) == t3);
	ASSERT(t3->is_stale);
	ASSERT(proc->threads_changed);
	ASSERT(!main_thread->is_stale && !proc->is_stale);
	ASSERT_EQ(tseen[tslot(tid3)].dtor, 0);
	check_threads_match_task(&v, proc);
	ASSERT_EQ(tseen[tslot(tid3)].dtor, 1);
	ASSERT(t_thread_node(proc, tid3) == NULL);
	ASSERT(proc->threads_changed);	/* its row went (as the original flagged it) */
	check_threads_match_task(&v, proc);
	ASSERT(!proc->threads_changed);
	ASSERT_EQ(((vmon_proc_follow_threads_t *)proc->stores[VMON_STORE_PROC_FOLLOW_THREADS])->threads_nr, 3);

	/* the last unmonitor frees the process and all its thread nodes */
	vmon_proc_unmonitor(&v, proc, NULL, NULL);
	ASSERT(list_empty(&v.processes));
	ASSERT_EQ(proc_dtors, 1);
	for (int i = 0; i < tseen_nr; i++)
		ASSERT_MSG(tseen[i].ctor == 1 && tseen[i].dtor == 1, "tid %d: %d ctor, %d dtor",
			   tseen[i].tid, tseen[i].ctor, tseen[i].dtor);
	vmon_destroy(&v);
	t_kill(p);
	t_sync_close(&srv.cmd);
	t_sync_close(&srv.report);
}

TEST(threads_follow_without_stat)
{
	run_thread_lifecycle(VMON_WANT_PROC_FOLLOW_THREADS);
}

TEST(threads_follow_with_stat)
{
	run_thread_lifecycle(VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT);
}

/* without the stat want no stat store exists, and threads are followed
 * all the same (the seed only followed them when stat said num_threads > 1) */
TEST(threads_follow_no_stat_store)
{
	struct thread_server srv;
	vmon_proc_t *proc, *t;
	pid_t p;
	vmon_t v;

	p = server_start(&srv);
	server_cmd(&srv, 'c');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_FOLLOW_THREADS));
	proc = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(proc);
	ASSERT(vmon_sample(&v));
	ASSERT(!proc->stores[VMON_STORE_PROC_STAT]);
	ASSERT(proc->is_threaded);
	list_for_each_entry(t, &proc->threads, threads)
		ASSERT(!t->stores[VMON_STORE_PROC_STAT]);
	ASSERT_EQ(((vmon_proc_follow_threads_t *)proc->stores[VMON_STORE_PROC_FOLLOW_THREADS])->threads_nr, 2);
	vmon_destroy(&v);
	t_kill(p);
	t_sync_close(&srv.cmd);
	t_sync_close(&srv.report);
}

/* with the stat want, thread nodes read /proc/PID/task/TID/stat: their own
 * tid and name, and the process's thread count */
TEST(threads_stat_per_task)
{
	struct thread_server srv;
	vmon_proc_t *proc, *t;
	pid_t p, tids[3];
	char path[96], *comm;
	vmon_t v;

	p = server_start(&srv);
	for (int i = 0; i < 3; i++)
		tids[i] = server_cmd(&srv, 'c');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT));
	proc = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(proc);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(((vmon_proc_stat_t *)proc->stores[VMON_STORE_PROC_STAT])->num_threads, 4);
	list_for_each_entry(t, &proc->threads, threads) {
		const vmon_proc_stat_t *st = t->stores[VMON_STORE_PROC_STAT];
		size_t len;

		ASSERT(st);
		ASSERT_EQ(st->pid, t->pid);
		ASSERT_EQ(st->ppid, getpid());
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", p, t->pid);
		comm = t_read_file(path, &len);
		ASSERT(comm && len > 0);
		comm[len - 1] = '\0';	/* the newline */
		ASSERT_STREQ(st->comm.array, comm);
		ASSERT_EQ(st->comm.len, len);	/* the newline's place, as a NUL */
		free(comm);
	}
	for (int i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "vthr-%d", i);
		t = t_thread_node(proc, tids[i]);
		ASSERT(t);
		ASSERT_STREQ(((vmon_proc_stat_t *)t->stores[VMON_STORE_PROC_STAT])->comm.array, name);
	}
	vmon_destroy(&v);
	t_kill(p);
	t_sync_close(&srv.cmd);
	t_sync_close(&srv.report);
}
