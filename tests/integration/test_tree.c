/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_tree.c - following a live process tree with
 * VMON_WANT_PROC_FOLLOW_CHILDREN against real processes: the shape of the
 * tree (children and sibling lists, parent pointers), is_new and
 * children_changed, the two-phase exit of a child (is_stale for one sample,
 * then freed with exactly one proc_dtor_cb), a zombie child, a grandchild
 * reparented to the test (a child subreaper) when its parent dies, and a
 * child forked by a non-main thread (listed only in that thread's
 * task/TID/children, docs/design/kernel.md K8).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define TREE_WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT)

/* ---- pids over pipes ---- */

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

/* ---- constructor / destructor bookkeeping ---- */

static struct {
	int pid;
	int ctor, dtor;
} seen[256];
static int seen_nr;

static int seen_slot(int pid)
{
	for (int i = 0; i < seen_nr; i++)
		if (seen[i].pid == pid)
			return i;
	ASSERT(seen_nr < (int)(sizeof(seen) / sizeof(seen[0])));
	seen[seen_nr].pid = pid;
	return seen_nr++;
}

static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (!proc->is_thread)
		seen[seen_slot(proc->pid)].ctor++;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (!proc->is_thread)
		seen[seen_slot(proc->pid)].dtor++;
}

static int ctors(int pid)
{
	return seen[seen_slot(pid)].ctor;
}

static int dtors(int pid)
{
	return seen[seen_slot(pid)].dtor;
}

/* ---- tree walking ---- */

/* every child of every node points back at it, recursively */
static void check_parents(vmon_proc_t *proc)
{
	vmon_proc_t *c;

	list_for_each_entry(c, &proc->children, siblings) {
		ASSERT_MSG(c->parent == proc, "child %d of %d has a wrong parent", c->pid, proc->pid);
		ASSERT(!c->is_thread);
		check_parents(c);
	}
}

static const vmon_proc_stat_t *stat_of(vmon_proc_t *proc)
{
	return proc->stores[VMON_STORE_PROC_STAT];
}

/* ---- the processes ---- */

struct tree_ctx {
	struct t_sync ready;	/* grandchildren report their pid */
	struct t_sync reaped;	/* the middle child reports each child it reaps */
};

static bool grandchild(void *arg)
{
	struct tree_ctx *c = arg;

	send_pid(c->ready.fd[1], getpid());
	for (;;)
		pause();
	return true;
}

/* forks two grandchildren, then reaps and reports whatever of them exits */
static bool middle(void *arg)
{
	struct tree_ctx *c = arg;

	t_fork(grandchild, c);
	t_fork(grandchild, c);
	for (;;) {
		pid_t pid = wait(NULL);

		if (pid > 0)
			send_pid(c->reaped.fd[1], pid);
		else if (errno != EINTR)
			pause();
	}
	return true;
}

TEST(tree_follow_children_lifecycle)
{
	struct tree_ctx ctx;
	vmon_proc_t *root, *n1, *n2, *n3, *g1, *g2;
	pid_t c1, c2, c3, gp1, gp2, me = getpid();
	siginfo_t si;
	vmon_t v;

	t_sync_init(&ctx.ready);
	t_sync_init(&ctx.reaped);
	c1 = t_fork(middle, &ctx);
	c2 = t_fork(t_sleeper, NULL);
	gp1 = recv_pid(ctx.ready.fd[0]);
	gp2 = recv_pid(ctx.ready.fd[0]);

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, TREE_WANTS));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;
	root = vmon_proc_monitor(&v, me, 0, NULL, NULL);
	ASSERT(root);
	ASSERT_EQ(ctors(me), 1);

	/* sample 1: the whole tree appears, new, with its parents changed */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(t_top_nr(&v), 1);
	ASSERT(root->parent == NULL);
	/* the caller's node was new during this sample only (as in the
	 * original); the nodes the library found stay new until the next */
	ASSERT(!root->is_new);
	ASSERT(root->children_changed);
	ASSERT_EQ(t_children_nr(root), 2);
	n1 = t_child_node(root, c1);
	n2 = t_child_node(root, c2);
	ASSERT(n1 && n2);
	/* fork order is the kernel's children order */
	ASSERT(list_first_entry(&root->children, vmon_proc_t, siblings) == n1);
	ASSERT(n1->siblings.next == &n2->siblings);
	ASSERT_EQ(t_children_nr(n1), 2);
	ASSERT_EQ(t_children_nr(n2), 0);
	g1 = t_child_node(n1, gp1);
	g2 = t_child_node(n1, gp2);
	ASSERT(g1 && g2);
	ASSERT_EQ(t_children_nr(g1), 0);
	check_parents(root);
	ASSERT(n1->is_new && n2->is_new && g1->is_new && g2->is_new);
	ASSERT(n1->children_changed);
	ASSERT(!n2->children_changed && !g1->children_changed);
	/* children are sampled in the sample that finds them */
	ASSERT_EQ(g1->generation, v.generation);
	ASSERT(stat_of(g1) && stat_of(g1)->pid == gp1);
	ASSERT_EQ(stat_of(g1)->ppid, c1);
	ASSERT_EQ(stat_of(n2)->ppid, me);
	ASSERT_EQ(ctors(c1) + ctors(c2) + ctors(gp1) + ctors(gp2), 4);

	/* sample 2: nothing happened */
	ASSERT(vmon_sample(&v));
	ASSERT(!root->is_new && !n1->is_new && !n2->is_new && !g1->is_new && !g2->is_new);
	ASSERT(!root->children_changed && !n1->children_changed);
	ASSERT(!n1->is_stale && !g1->is_stale);

	/* a new child appears */
	c3 = t_fork(t_sleeper, NULL);
	ASSERT(vmon_sample(&v));
	n3 = t_child_node(root, c3);
	ASSERT(n3 && n3->is_new && n3->parent == root);
	ASSERT(root->children_changed);
	ASSERT(!n1->children_changed);
	ASSERT_EQ(t_children_nr(root), 3);

	/* a grandchild exits and its parent reaps it: stale, then freed */
	kill(gp1, SIGKILL);
	ASSERT_EQ(recv_pid(ctx.reaped.fd[0]), gp1);
	ASSERT(vmon_sample(&v));
	ASSERT(g1->is_stale);
	ASSERT(t_child_node(n1, gp1) == g1);
	ASSERT(n1->children_changed);
	ASSERT(!root->children_changed);
	ASSERT(!g2->is_stale && !n1->is_stale);
	ASSERT_EQ(dtors(gp1), 0);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(dtors(gp1), 1);
	ASSERT(t_child_node(n1, gp1) == NULL);
	ASSERT_EQ(t_children_nr(n1), 1);
	ASSERT(!n1->is_stale && !g2->is_stale);

	/* a child turns zombie: still there, state Z; reaped: stale, freed */
	kill(c3, SIGKILL);
	ASSERT(waitid(P_PID, c3, &si, WEXITED | WNOWAIT) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(t_child_node(root, c3) == n3);
	ASSERT(!n3->is_stale);
	ASSERT_EQ(stat_of(n3)->state, 'Z');
	t_wait(c3);
	ASSERT(vmon_sample(&v));
	ASSERT(n3->is_stale);
	ASSERT(root->children_changed);
	ASSERT_EQ(dtors(c3), 0);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(dtors(c3), 1);
	ASSERT(t_child_node(root, c3) == NULL);
	ASSERT_EQ(t_children_nr(root), 2);

	/* the middle child dies: it goes with its subtree, and its orphan
	 * (reparented to the test, a child subreaper) shows up under the root */
	t_kill(c1);
	ASSERT(vmon_sample(&v));
	ASSERT(n1->is_stale);
	ASSERT(root->children_changed);
	for (int i = 0; i < 3 && !(g2 = t_child_node(root, gp2)); i++)
		ASSERT(vmon_sample(&v));
	ASSERT_MSG(g2, "the reparented grandchild %d never appeared under the root", gp2);
	ASSERT(!g2->is_stale && g2->parent == root);
	ASSERT_EQ(stat_of(g2)->ppid, me);
	ASSERT_EQ(dtors(c1), 1);
	ASSERT(t_child_node(root, c1) == NULL);
	/* it was followed under c1 first: one node then, one now */
	ASSERT_EQ(ctors(gp2), 2);
	ASSERT_EQ(dtors(gp2), 1);
	check_parents(root);

	vmon_proc_unmonitor(&v, root, NULL, NULL);
	ASSERT(list_empty(&v.processes));
	for (int i = 0; i < seen_nr; i++)
		ASSERT_MSG(seen[i].ctor == seen[i].dtor, "pid %d: %d ctor, %d dtor",
			   seen[i].pid, seen[i].ctor, seen[i].dtor);
	vmon_destroy(&v);
	t_kill(gp2);
	t_kill(c2);
	t_sync_close(&ctx.ready);
	t_sync_close(&ctx.reaped);
}

/* ---- a child forked by a non-main thread ---- */

struct thread_fork_ctx {
	struct t_sync report;	/* the forking thread's tid, then the child's pid */
};

static void *forking_thread(void *arg)
{
	struct thread_fork_ctx *c = arg;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	send_pid(c->report.fd[1], gettid());
	send_pid(c->report.fd[1], pid);
	for (;;)
		pause();
	return NULL;
}

static bool thread_forker(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, forking_thread, arg))
		return false;
	for (;;)
		pause();
	return true;
}

/* does the pid list in file path hold pid? */
static bool pid_listed(const char *path, pid_t pid)
{
	char *buf = t_read_file(path, NULL), *p = buf;
	bool found = false;

	while (p && *p && !found) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		found = v == pid;
		p = end;
	}
	free(buf);
	return found;
}

TEST(tree_child_of_non_main_thread)
{
	struct thread_fork_ctx ctx;
	vmon_proc_t *proc, *child;
	pid_t p, tid, x;
	char path[96];
	vmon_t v;

	t_sync_init(&ctx.report);
	p = t_fork(thread_forker, &ctx);
	tid = recv_pid(ctx.report.fd[0]);
	x = recv_pid(ctx.report.fd[0]);
	ASSERT(tid != p && x > 0);
	/* the kernel lists it under the forking thread only (K8) */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", p, p);
	ASSERT_MSG(!pid_listed(path, x), "precondition: %d listed in %s", x, path);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", p, tid);
	ASSERT_MSG(pid_listed(path, x), "precondition: %d not listed in %s", x, path);

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, TREE_WANTS));
	proc = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(proc);
	ASSERT(vmon_sample(&v));
	child = t_child_node(proc, x);
	ASSERT_MSG(child, "child %d forked by thread %d of %d is missing", x, tid, p);
	ASSERT(child->parent == proc && child->is_new && !child->is_stale);
	ASSERT(proc->children_changed);
	ASSERT_EQ(t_children_nr(proc), 1);
	ASSERT_EQ(stat_of(child)->ppid, p);
	/* and it stays: the next sample neither loses nor renews it */
	ASSERT(vmon_sample(&v));
	ASSERT(t_child_node(proc, x) == child);
	ASSERT(!child->is_new && !child->is_stale);
	ASSERT(!proc->children_changed);

	/* the same with threads followed too: the thread nodes are no children */
	vmon_destroy(&v);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 TREE_WANTS | VMON_WANT_PROC_FOLLOW_THREADS));
	proc = vmon_proc_monitor(&v, p, 0, NULL, NULL);
	ASSERT(proc);
	ASSERT(vmon_sample(&v));
	ASSERT(t_child_node(proc, x));
	ASSERT_EQ(t_children_nr(proc), 1);
	vmon_destroy(&v);

	t_kill(x);
	t_kill(p);
	t_sync_close(&ctx.report);
}
