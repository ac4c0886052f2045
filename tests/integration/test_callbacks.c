/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_callbacks.c - the order and counts of callbacks over a live followed
 * tree (P with children C1 and C2, C1 with child G): in the default order a
 * node's callback runs after its whole subtree was sampled and children's
 * callbacks fire before their parent's; with VMON_FLAG_2PASS every node is
 * current inside any callback and callbacks run leaves-up; with
 * VMON_FLAG_PROC_ARRAY they run flat in array order; with both, every
 * sampler runs over the array before the first callback.  Also sample_cb
 * once per vmon_sample(), the sample_cb_arg passed to node callbacks,
 * proc_ctor_cb / proc_dtor_cb exactly once per node, and a (func, arg)
 * pair installed once per node when proc_ctor_cb installs it too.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS | \
	       VMON_WANT_PROC_STAT)

enum role { ROLE_C1 = 1, ROLE_C2, ROLE_G };

struct report {
	int role;
	pid_t pid;
};

static void send_report(int fd, int role, pid_t pid)
{
	struct report r = { role, pid };

	while (write(fd, &r, sizeof(r)) < 0 && errno == EINTR)
		;
}

static bool leaf(void *arg)
{
	struct t_sync *s = arg;

	send_report(s->fd[1], ROLE_G, getpid());
	for (;;)
		pause();
	return true;
}

static bool quiet(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return true;
}

static bool middle(void *arg)
{
	t_fork(leaf, arg);
	for (;;)
		pause();
	return true;
}

static bool top(void *arg)
{
	struct t_sync *s = arg;

	send_report(s->fd[1], ROLE_C1, t_fork(middle, arg));
	send_report(s->fd[1], ROLE_C2, t_fork(quiet, NULL));
	for (;;)
		pause();
	return true;
}

struct tree {
	struct t_sync sync;
	pid_t p, c1, c2, g;
};

static void tree_start(struct tree *t)
{
	t_sync_init(&t->sync);
	t->p = t_fork(top, &t->sync);
	t->c1 = t->c2 = t->g = 0;
	for (int i = 0; i < 3; i++) {
		struct pollfd pfd = { .fd = t->sync.fd[0], .events = POLLIN };
		struct report r;

		ASSERT_MSG(poll(&pfd, 1, 10000) == 1, "tree not ready within 10 s");
		ASSERT(read(t->sync.fd[0], &r, sizeof(r)) == sizeof(r));
		if (r.role == ROLE_C1)
			t->c1 = r.pid;
		else if (r.role == ROLE_C2)
			t->c2 = r.pid;
		else
			t->g = r.pid;
	}
	ASSERT(t->c1 && t->c2 && t->g);
}

static void tree_end(struct tree *t)
{
	t_kill(t->g);
	t_kill(t->c1);
	t_kill(t->c2);
	t_kill(t->p);
	t_sync_close(&t->sync);
}

/* ---- what the callbacks see ---- */

static struct {
	vmon_flags_t flags;
	int log[16];		/* pids, in callback order */
	int log_nr;
	int sample_cbs;
	int sample_cb_gen;
	pid_t watch_at, watch;	/* in watch_at's callback, record watch's generation */
	vmon_proc_t *watch_node;
	int watched_gen;
	vmon_proc_t *live[64];	/* constructed and not yet destroyed */
	int live_nr, ctors, dtors;
} g;

static char sample_marker;

/* is every node of the subtree at proc (threads included) of generation gen? */
static bool subtree_current(vmon_proc_t *proc, int gen)
{
	vmon_proc_t *c;

	if (proc->generation != gen)
		return false;
	list_for_each_entry(c, &proc->threads, threads)
		if (c->generation != gen)
			return false;
	list_for_each_entry(c, &proc->children, siblings)
		if (!subtree_current(c, gen))
			return false;
	return true;
}

static void order_cb(vmon_t *vmon, void *sample_arg, vmon_proc_t *proc, void *arg)
{
	vmon_proc_t *top_proc;

	ASSERT(arg == &g);
	ASSERT(sample_arg == &sample_marker);
	ASSERT(g.log_nr < 16);
	g.log[g.log_nr++] = proc->pid;
	/* its own samplers always ran first */
	ASSERT_EQ(proc->generation, vmon->generation);
	if (proc->pid == g.watch_at)
		g.watched_gen = g.watch_node->generation;
	if ((g.flags & VMON_FLAG_PROC_ARRAY) && (g.flags & VMON_FLAG_2PASS)) {
		/* every sampler over the array ran first */
		for (int i = 0; i < vmon->array_allocated_nr; i++)
			ASSERT_MSG(!vmon->array[i] || vmon->array[i]->generation == vmon->generation,
				   "PROC_ARRAY|2PASS: slot %d (pid %d) not sampled yet in the "
				   "callback of %d", i, vmon->array[i]->pid, proc->pid);
		return;
	}
	if (g.flags & VMON_FLAG_PROC_ARRAY)
		return;
	if (g.flags & VMON_FLAG_2PASS) {
		/* pass 2: the whole tree is current */
		list_for_each_entry(top_proc, &vmon->processes, siblings)
			ASSERT_MSG(subtree_current(top_proc, vmon->generation),
				   "2PASS: a node is not sampled yet in the callback of %d", proc->pid);
	} else {
		ASSERT_MSG(subtree_current(proc, vmon->generation),
			   "the subtree of %d is not sampled yet in its callback", proc->pid);
	}
}

static void sample_cb(vmon_t *vmon, void *arg)
{
	ASSERT(arg == &sample_marker);
	g.sample_cbs++;
	g.sample_cb_gen = vmon->generation;
	/* the sys stores are sampled before it */
	ASSERT(vmon->stores[VMON_STORE_SYS_STAT]);
}

static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	ASSERT(g.live_nr < 64);
	for (int i = 0; i < g.live_nr; i++)
		ASSERT_MSG(g.live[i] != proc, "ctor twice for node of %d", proc->pid);
	ASSERT_EQ(proc->generation, 0);	/* before its first sample */
	g.live[g.live_nr++] = proc;
	g.ctors++;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	for (int i = 0; i < g.live_nr; i++) {
		if (g.live[i] == proc) {
			g.live[i] = g.live[--g.live_nr];
			g.dtors++;
			return;
		}
	}
	ASSERT_MSG(0, "dtor of node %p (pid %d) never constructed or destroyed twice",
		   (void *)proc, proc->pid);
}

/* Build the tree, put order_cb on all four processes, take samples, and
 * return the tree's nodes; the log holds the last sample's callbacks. */
static void run(vmon_t *v, struct tree *t, vmon_flags_t flags, vmon_proc_t **np,
		vmon_proc_t **nc1, vmon_proc_t **nc2, vmon_proc_t **ng)
{
	memset(&g, 0, sizeof(g));
	g.flags = flags;
	tree_start(t);
	ASSERT(vmon_init(v, flags, VMON_WANT_SYS_STAT, WANTS));
	v->sample_cb = sample_cb;
	v->sample_cb_arg = &sample_marker;
	v->proc_ctor_cb = ctor_cb;
	v->proc_dtor_cb = dtor_cb;
	*np = vmon_proc_monitor(v, t->p, 0, order_cb, &g);
	ASSERT(*np);
	ASSERT(vmon_sample(v));
	ASSERT_EQ(g.sample_cbs, 1);
	ASSERT_EQ(g.sample_cb_gen, 1);
	*nc1 = t_child_node(*np, t->c1);
	*nc2 = t_child_node(*np, t->c2);
	ASSERT(*nc1 && *nc2);
	*ng = t_child_node(*nc1, t->g);
	ASSERT(*ng);
	/* a followed child monitored by the caller: same node, callback added */
	ASSERT(vmon_proc_monitor(v, t->c1, 0, order_cb, &g) == *nc1);
	ASSERT(vmon_proc_monitor(v, t->c2, 0, order_cb, &g) == *nc2);
	ASSERT(vmon_proc_monitor(v, t->g, 0, order_cb, &g) == *ng);
	/* 4 single-threaded processes: no thread nodes, as in the original */
	ASSERT_EQ(g.ctors, 4);
	for (int i = 0; i < 3; i++) {
		g.log_nr = 0;
		ASSERT(vmon_sample(v));
		ASSERT_EQ(g.sample_cbs, 2 + i);
		ASSERT_EQ(g.sample_cb_gen, v->generation);
		ASSERT_EQ(g.log_nr, 4);	/* each callback once */
	}
	ASSERT_EQ(g.ctors, 4);
	ASSERT_EQ(g.dtors, 0);
}

static void finish(vmon_t *v, struct tree *t)
{
	vmon_destroy(v);
	ASSERT_EQ(g.dtors, 4);
	ASSERT_EQ(g.live_nr, 0);
	tree_end(t);
}

TEST(callbacks_default_order_subtree_first)
{
	vmon_proc_t *np, *nc1, *nc2, *ng;
	struct tree t;
	vmon_t v;

	run(&v, &t, VMON_FLAG_NONE, &np, &nc1, &nc2, &ng);
	/* post-order: G, C1, C2, P */
	ASSERT_EQ(g.log[0], t.g);
	ASSERT_EQ(g.log[1], t.c1);
	ASSERT_EQ(g.log[2], t.c2);
	ASSERT_EQ(g.log[3], t.p);
	/* depth first: in C1's callback its sibling C2 is not sampled yet */
	g.watch_at = t.c1;
	g.watch_node = nc2;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.watched_gen, v.generation - 1);
	finish(&v, &t);
}

TEST(callbacks_2pass_all_sampled_first)
{
	vmon_proc_t *np, *nc1, *nc2, *ng;
	struct tree t;
	vmon_t v;

	run(&v, &t, VMON_FLAG_2PASS, &np, &nc1, &nc2, &ng);
	/* leaves up */
	ASSERT_EQ(g.log[0], t.g);
	ASSERT_EQ(g.log[1], t.c1);
	ASSERT_EQ(g.log[2], t.c2);
	ASSERT_EQ(g.log[3], t.p);
	/* in the first callback, the last node of the tree is sampled already */
	g.watch_at = t.g;
	g.watch_node = nc2;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.watched_gen, v.generation);
	finish(&v, &t);
}

/* the callbacks' slots come in array order */
static void check_array_order(vmon_t *v)
{
	int last = -1;

	for (int i = 0; i < g.log_nr; i++) {
		int pos = -1;

		for (int j = 0; j < v->array_allocated_nr; j++)
			if (v->array[j] && !v->array[j]->is_thread && v->array[j]->pid == g.log[i])
				pos = j;
		ASSERT(pos >= 0);
		ASSERT_MSG(pos > last, "callback of %d (slot %d) after slot %d", g.log[i], pos, last);
		last = pos;
	}
}

TEST(callbacks_proc_array_flat)
{
	vmon_proc_t *np, *nc1, *nc2, *ng;
	struct tree t;
	vmon_t v;

	run(&v, &t, VMON_FLAG_PROC_ARRAY, &np, &nc1, &nc2, &ng);
	/* in array order: each callback right after its node's samplers */
	check_array_order(&v);
	/* P was made first: its callback ran before its children were sampled */
	ASSERT_EQ(np->array_hint_pos, 0);
	ASSERT_EQ(g.log[0], t.p);
	g.watch_at = t.p;
	g.watch_node = nc1;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.watched_gen, v.generation - 1);
	finish(&v, &t);
}

/* both flags: every sampler over the array, then every callback in array
 * order (order_cb checks that every slot is sampled in each callback) */
TEST(callbacks_proc_array_2pass_all_sampled_first)
{
	vmon_proc_t *np, *nc1, *nc2, *ng;
	struct tree t;
	vmon_t v;

	run(&v, &t, VMON_FLAG_PROC_ARRAY | VMON_FLAG_2PASS, &np, &nc1, &nc2, &ng);
	check_array_order(&v);
	ASSERT_EQ(g.log[0], t.p);
	/* in P's callback, the first, its children are sampled already */
	g.watch_at = t.p;
	g.watch_node = nc1;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.watched_gen, v.generation);
	finish(&v, &t);
}

static struct {
	pid_t q;
	vmon_proc_t *qnode;
	int q_fires;
} made;

/* on P: monitor Q with this callback, once; on Q: count, Q sampled first */
static void make_cb(vmon_t *vmon, void *sample_arg, vmon_proc_t *proc, void *arg)
{
	(void)sample_arg;
	(void)arg;
	ASSERT_EQ(proc->generation, vmon->generation);
	if (proc->pid == made.q)
		made.q_fires++;
	else if (!made.qnode)
		ASSERT((made.qnode = vmon_proc_monitor(vmon, made.q, 0, make_cb, NULL)));
}

/* PROC_ARRAY|2PASS: a node a callback makes is sampled in the same sample,
 * then called back */
TEST(callbacks_proc_array_2pass_node_made_in_a_callback)
{
	pid_t p = t_fork(t_sleeper, NULL);
	vmon_proc_t *np;
	vmon_t v;

	memset(&made, 0, sizeof(made));
	made.q = t_fork(t_sleeper, NULL);
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY | VMON_FLAG_2PASS, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_STAT));
	ASSERT((np = vmon_proc_monitor(&v, p, 0, make_cb, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(made.qnode);
	ASSERT_EQ(made.qnode->generation, v.generation);
	ASSERT_EQ(made.q_fires, 1);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(made.q_fires, 2);
	vmon_destroy(&v);
	t_kill(made.q);
	t_kill(p);
}

/* callbacks leave with their node: unmonitored, they no longer fire */
TEST(callbacks_removed_with_unmonitor)
{
	vmon_proc_t *np, *nc1, *nc2, *ng;
	struct tree t;
	vmon_t v;

	run(&v, &t, VMON_FLAG_NONE, &np, &nc1, &nc2, &ng);
	vmon_proc_unmonitor(&v, nc2, order_cb, &g);
	vmon_proc_unmonitor(&v, ng, order_cb, &g);
	ASSERT_EQ(g.dtors, 0);	/* still followed */
	g.log_nr = 0;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.log_nr, 2);
	ASSERT_EQ(g.log[0], t.c1);
	ASSERT_EQ(g.log[1], t.p);
	/* the root's last reference frees it and C2; C1, still the caller's,
	 * becomes top-level with its followed child G */
	vmon_proc_unmonitor(&v, np, order_cb, &g);
	ASSERT_EQ(g.dtors, 2);	/* P and C2 */
	ASSERT(nc1->parent == NULL && ng->parent == nc1);
	g.log_nr = 0;
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.log_nr, 1);
	ASSERT_EQ(g.log[0], t.c1);
	vmon_proc_unmonitor(&v, nc1, order_cb, &g);
	ASSERT_EQ(g.dtors, 4);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(g.log_nr, 1);
	finish(&v, &t);
}

/* ---- a callback installed twice on the node being made ---- */

static struct {
	int fires[2];		/* by arg: &twice.fires[0], &twice.fires[1] */
	void *ctor_arg;		/* what proc_ctor_cb installs */
} twice;

static void count_cb(vmon_t *vmon, void *sample_arg, vmon_proc_t *proc, void *arg)
{
	(void)vmon;
	(void)sample_arg;
	(void)proc;
	(*(int *)arg)++;
}

/* proc_ctor_cb monitoring the node being made, with a callback */
static void ctor_monitors(vmon_t *vmon, vmon_proc_t *proc)
{
	ASSERT(vmon_proc_monitor(vmon, proc->pid, 0, count_cb, twice.ctor_arg) == proc);
}

static int callbacks_nr(vmon_proc_t *proc)
{
	vmon_proc_callback_t *cb;
	int n = 0;

	list_for_each_entry(cb, &proc->sample_callbacks, callbacks)
		n++;
	return n;
}

/* Monitor a new process with (count_cb, arg) while proc_ctor_cb monitors it
 * with (count_cb, twice.ctor_arg); return its node after three samples. */
static vmon_proc_t *monitor_twice(vmon_t *v, pid_t pid, int *arg)
{
	vmon_proc_t *p;

	memset(&twice, 0, sizeof(twice));
	twice.ctor_arg = &twice.fires[0];
	ASSERT(vmon_init(v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	v->proc_ctor_cb = ctor_monitors;
	p = vmon_proc_monitor(v, pid, 0, count_cb, arg);
	ASSERT(p);
	ASSERT_EQ(p->refcnt, 2);
	for (int i = 0; i < 3; i++)
		ASSERT(vmon_sample(v));
	return p;
}

/* The same (func, arg) from the creating vmon_proc_monitor() and from
 * proc_ctor_cb is installed once: it fires once per sample.  Another arg
 * is another callback. */
TEST(callbacks_pair_installed_once_from_ctor)
{
	pid_t pid = t_fork(t_sleeper, NULL);
	vmon_proc_t *p;
	vmon_t v;

	p = monitor_twice(&v, pid, &twice.fires[0]);
	ASSERT_EQ(callbacks_nr(p), 1);
	ASSERT_MSG(twice.fires[0] == 3, "fired %d times in 3 samples", twice.fires[0]);
	/* one pair, one callback: the first unmonitor naming it removes it */
	vmon_proc_unmonitor(&v, p, count_cb, &twice.fires[0]);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(twice.fires[0], 3);
	vmon_proc_unmonitor(&v, p, count_cb, &twice.fires[0]);
	ASSERT_EQ(t_top_nr(&v), 0);
	vmon_destroy(&v);

	p = monitor_twice(&v, pid, &twice.fires[1]);
	ASSERT_EQ(callbacks_nr(p), 2);
	ASSERT_EQ(twice.fires[0], 3);
	ASSERT_EQ(twice.fires[1], 3);
	vmon_destroy(&v);
	t_kill(pid);
}
