/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_lifecycle.c - the life of monitored nodes against real processes:
 * references (monitoring a pid twice, callbacks once per (func, arg),
 * unmonitor dropping one reference, the last one freeing the node with its
 * followed children and threads), a top-level node adopted by a followed
 * parent, followed children the caller holds becoming top-level when their
 * parent is unmonitored, and vmon_destroy() closing every descriptor.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

static void send_pid(int fd, pid_t pid)
{
	while (write(fd, &pid, sizeof(pid)) < 0 && errno == EINTR)
		;
}

static pid_t recv_pid(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pid_t pid;

	ASSERT_MSG(poll(&p, 1, 10000) == 1, "no pid reported within 10 s");
	ASSERT_MSG(read(fd, &pid, sizeof(pid)) == sizeof(pid), "short pid report");
	return pid;
}

/* a process with one more thread and two children; reports the children */
static bool family(void *arg)
{
	struct t_sync *report = arg;
	pthread_t t;

	if (pthread_create(&t, NULL, t_sleeper_thread, NULL))
		return false;
	send_pid(report->fd[1], t_fork(t_sleeper, NULL));
	send_pid(report->fd[1], t_fork(t_sleeper, NULL));
	for (;;)
		pause();
	return true;
}

/* ---- bookkeeping ---- */

static int ctor_procs, ctor_threads, dtor_procs, dtor_threads;
static int dtor_pids[64], dtor_pids_nr;

static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (proc->is_thread)
		ctor_threads++;
	else
		ctor_procs++;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (proc->is_thread) {
		dtor_threads++;
	} else {
		dtor_procs++;
		ASSERT(dtor_pids_nr < 64);
		dtor_pids[dtor_pids_nr++] = proc->pid;
	}
}

static int dtors_of(int pid)
{
	int n = 0;

	for (int i = 0; i < dtor_pids_nr; i++)
		n += dtor_pids[i] == pid;
	return n;
}

static void count_cb(vmon_t *vmon, void *sample_arg, vmon_proc_t *proc, void *arg)
{
	(void)vmon;
	(void)sample_arg;
	(void)proc;
	(*(int *)arg)++;
}

TEST(lifecycle_refcount_and_callbacks)
{
	pid_t c = t_fork(t_sleeper, NULL);
	vmon_proc_t *n, *n2;
	int a = 0, b = 0;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;
	n = vmon_proc_monitor(&v, c, 0, count_cb, &a);
	ASSERT(n);
	ASSERT_EQ(n->refcnt, 1);
	n2 = vmon_proc_monitor(&v, c, 0, count_cb, &a);
	ASSERT(n2 == n);
	ASSERT_EQ(n->refcnt, 2);
	ASSERT_EQ(ctor_procs, 1);
	ASSERT_EQ(t_top_nr(&v), 1);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(a, 1);	/* the same (func, arg) is installed once */

	ASSERT(vmon_proc_monitor(&v, c, 0, count_cb, &b) == n);
	ASSERT(vmon_proc_monitor(&v, c, 0, NULL, NULL) == n);
	ASSERT_EQ(n->refcnt, 4);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(a, 2);
	ASSERT_EQ(b, 1);

	/* each unmonitor drops one reference and its callback */
	vmon_proc_unmonitor(&v, n, count_cb, &b);
	ASSERT_EQ(n->refcnt, 3);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(a, 3);
	ASSERT_EQ(b, 1);
	vmon_proc_unmonitor(&v, n, count_cb, &a);
	ASSERT_EQ(n->refcnt, 2);
	vmon_proc_unmonitor(&v, n, NULL, NULL);
	ASSERT_EQ(n->refcnt, 1);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(a, 3);
	ASSERT_EQ(dtor_procs, 0);
	ASSERT(t_top_node(&v, c) == n && !n->is_stale);

	/* the last one frees it */
	vmon_proc_unmonitor(&v, n, NULL, NULL);
	ASSERT_EQ(dtor_procs, 1);
	ASSERT_EQ(dtors_of(c), 1);
	ASSERT(list_empty(&v.processes));
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(a, 3);
	ASSERT_EQ(dtor_procs, 1);
	vmon_destroy(&v);
	ASSERT_EQ(dtor_procs, 1);
	t_kill(c);
}

TEST(lifecycle_unmonitor_frees_followed_subtree)
{
	vmon_proc_t *np, *nc, *nd, *again;
	struct t_sync report;
	pid_t p, c, d;
	vmon_t v;

	t_sync_init(&report);
	p = t_fork(family, &report);
	c = recv_pid(report.fd[0]);
	d = recv_pid(report.fd[0]);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS |
			 VMON_WANT_PROC_STAT));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;
	np = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(np);
	ASSERT(vmon_sample(&v));
	nc = t_child_node(np, c);
	nd = t_child_node(np, d);
	ASSERT(nc && nd);
	/* p, c, d; p's two threads (c and d have one each: no thread nodes) */
	ASSERT_EQ(ctor_procs, 3);
	ASSERT_EQ(ctor_threads, 2);
	ASSERT_EQ(nc->refcnt, 1);

	/* the caller also monitors a followed child: the same node */
	again = vmon_proc_monitor(&v, d, 0, NULL, NULL);
	ASSERT(again == nd);
	ASSERT_EQ(nd->refcnt, 2);
	ASSERT(nd->parent == np);
	ASSERT_EQ(ctor_procs, 3);

	/* unmonitoring p frees it, its threads and c; d, still held by the
	 * caller, becomes top-level */
	vmon_proc_unmonitor(&v, np, NULL, NULL);
	ASSERT_EQ(dtors_of(p), 1);
	ASSERT_EQ(dtors_of(c), 1);
	ASSERT_EQ(dtors_of(d), 0);
	ASSERT_EQ(dtor_threads, 2);	/* p's two */
	ASSERT_EQ(t_top_nr(&v), 1);
	ASSERT(t_top_node(&v, d) == nd);
	ASSERT(nd->parent == NULL);
	ASSERT_EQ(nd->refcnt, 1);
	ASSERT(list_empty(&nd->threads));	/* single-threaded */
	ASSERT(vmon_sample(&v));
	ASSERT(v.processes_changed);
	ASSERT(!nd->is_stale);
	ASSERT_EQ(nd->generation, v.generation);
	ASSERT(vmon_sample(&v));
	ASSERT(!v.processes_changed);

	vmon_proc_unmonitor(&v, nd, NULL, NULL);
	ASSERT_EQ(dtors_of(d), 1);
	ASSERT_EQ(dtor_threads, 2);
	ASSERT(list_empty(&v.processes));
	vmon_destroy(&v);
	ASSERT_EQ(dtor_procs, ctor_procs);
	ASSERT_EQ(dtor_threads, ctor_threads);
	t_kill(p);
	t_sync_close(&report);
}

TEST(lifecycle_top_level_adopted_by_followed_parent)
{
	vmon_proc_t *np, *nc;
	struct t_sync report;
	pid_t p, c, d;
	vmon_t v;

	t_sync_init(&report);
	p = t_fork(family, &report);
	c = recv_pid(report.fd[0]);
	d = recv_pid(report.fd[0]);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;

	/* c is monitored on its own first */
	nc = vmon_proc_monitor(&v, c, 0, NULL, NULL);
	ASSERT(nc);
	ASSERT(vmon_sample(&v));
	ASSERT(v.processes_changed);
	ASSERT(nc->parent == NULL && t_top_node(&v, c) == nc);

	/* then its parent, followed: once the sample settles c is under it */
	np = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(np);
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(nc->parent == np, "top-level %d not moved under its followed parent %d", c, p);
	ASSERT(t_child_node(np, c) == nc);
	ASSERT(t_child_node(np, d) != NULL);
	ASSERT(t_top_node(&v, c) == NULL);
	ASSERT_EQ(t_top_nr(&v), 1);
	ASSERT(t_top_node(&v, p) == np);
	ASSERT_EQ(nc->refcnt, 2);
	ASSERT_EQ(ctor_procs, 3);	/* the same node moved, no new one */
	ASSERT(np->children_changed);
	ASSERT(!nc->is_stale && !nc->is_new);

	/* stable afterwards */
	ASSERT(vmon_sample(&v));
	ASSERT(nc->parent == np && !nc->is_stale);
	ASSERT(!np->children_changed);
	ASSERT_EQ(nc->generation, v.generation);

	/* the parent goes: c, still the caller's, becomes top-level again */
	vmon_proc_unmonitor(&v, np, NULL, NULL);
	ASSERT_EQ(dtors_of(p), 1);
	ASSERT_EQ(dtors_of(d), 1);
	ASSERT_EQ(dtors_of(c), 0);
	ASSERT(t_top_node(&v, c) == nc && nc->parent == NULL);
	ASSERT_EQ(nc->refcnt, 1);
	ASSERT(vmon_sample(&v));
	ASSERT(!nc->is_stale);
	ASSERT_EQ(nc->generation, v.generation);
	vmon_destroy(&v);
	ASSERT_EQ(dtors_of(c), 1);
	ASSERT_EQ(dtor_procs, ctor_procs);
	t_kill(p);
	t_sync_close(&report);
}

/* every want, every mode: nothing of the instance outlives vmon_destroy() */
TEST(lifecycle_destroy_closes_every_descriptor)
{
	static const vmon_flags_t modes[] = {
		VMON_FLAG_NONE, VMON_FLAG_2PASS, VMON_FLAG_PROC_ARRAY,
		VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY,
	};
	vmon_proc_wants_t all = VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_FILES |
				VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO;
	struct t_sync report;
	pid_t p;
	int before;

	t_sync_init(&report);
	p = t_fork(family, &report);
	recv_pid(report.fd[0]);
	recv_pid(report.fd[0]);
	before = t_count_fds();
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		bool all_procs = modes[i] & VMON_FLAG_PROC_ALL;
		vmon_t v;

		ASSERT(vmon_init(&v, modes[i], VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
				 all | (all_procs ? 0 : VMON_WANT_PROC_FOLLOW_CHILDREN)));
		ASSERT(vmon_proc_monitor(&v, p, 0, NULL, NULL));
		ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
		ASSERT(vmon_sample(&v));
		ASSERT(vmon_sample(&v));
		ASSERT(t_count_fds() > before);
		vmon_destroy(&v);
		ASSERT_MSG(t_count_fds() == before, "mode %#x: %d descriptors before, %d after",
			   (unsigned)modes[i], before, t_count_fds());
	}
	t_kill(p);
	t_sync_close(&report);
}

/* A child seen new in one sample and gone by the next is stale there, and
 * no longer new: is_new is set for the sample that found it only. */
TEST(lifecycle_gone_at_the_next_sample_is_not_new_again)
{
	struct t_sync ready;
	vmon_proc_t *self, *kid_node = NULL, *p;
	pid_t kid;
	vmon_t v;

	t_sync_init(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_sample(&v));
	list_for_each_entry(p, &self->children, siblings)
		if (p->pid == kid)
			kid_node = p;
	ASSERT_MSG(kid_node, "the child was not found");
	ASSERT(kid_node->is_new && !kid_node->is_stale);
	t_kill(kid);	/* and reaped */
	ASSERT(vmon_sample(&v));
	ASSERT(kid_node->is_stale);
	ASSERT_MSG(!kid_node->is_new, "a node new in the previous sample is new again as it goes");
	vmon_destroy(&v);
	t_sync_close(&ready);
}
