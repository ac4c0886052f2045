/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_orphans.c - a followed child that the caller also monitors outlives
 * its parent: when the parent exits, the child must not be staled with it
 * (it is alive) but become a top-level node that is still sampled, and be
 * staled only when it exits itself.  The caller may take that reference in
 * proc_ctor_cb, as the vmon tool does for every node it records.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

static bool parent_of_one(void *arg)
{
	struct t_sync *ready = arg;

	t_fork(t_sleeper, NULL);
	t_sync_post(ready);
	return t_sleeper(NULL);
}

static pid_t only_child(pid_t parent)
{
	char path[64], *buf;
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", parent, parent);
	buf = t_read_file(path, NULL);
	ASSERT(buf);
	pid = atoi(buf);
	free(buf);
	ASSERT(pid > 0);
	return pid;
}

static int dtors;
static void count_dtor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; dtors++; }

TEST(orphan_held_by_caller_outlives_its_parent)
{
	struct t_sync ready;
	vmon_proc_t *p, *c;
	pid_t parent, child;
	int gen;
	vmon_t v;

	t_sync_init(&ready);
	parent = t_fork(parent_of_one, &ready);
	t_sync_wait(&ready);
	child = only_child(parent);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT));
	v.proc_dtor_cb = count_dtor;
	c = vmon_proc_monitor(&v, child, 0, NULL, NULL);
	p = vmon_proc_monitor(&v, parent, 0, NULL, NULL);
	ASSERT(p && c);
	ASSERT(vmon_sample(&v));	/* c is found under p: adopted when it settles */
	ASSERT(c->parent == p && c->refcnt == 2);
	t_kill(parent);		/* c is reparented to us, the subreaper */
	ASSERT(vmon_sample(&v));
	ASSERT(p->is_stale);
	ASSERT(!c->is_stale && c->parent == NULL && c->refcnt == 1);
	gen = c->generation;
	ASSERT(vmon_sample(&v));
	ASSERT(c->generation > gen && !c->is_stale);
	ASSERT_EQ(((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->ppid, getpid());
	t_check_tree(&v);
	vmon_proc_unmonitor(&v, p, NULL, NULL);	/* p was the caller's too */
	ASSERT_EQ(dtors, 1);
	t_kill(child);
	ASSERT(vmon_sample(&v));
	ASSERT(c->is_stale);
	ASSERT(vmon_sample(&v));
	ASSERT(c->is_stale && dtors == 1);	/* the caller still holds it */
	vmon_proc_unmonitor(&v, c, NULL, NULL);
	ASSERT_EQ(dtors, 2);
	ASSERT(list_empty(&v.processes));
	vmon_destroy(&v);
}

static vmon_proc_t *held_in_ctor;

/* take a caller's reference on every followed child as it is born */
static void hold_children(vmon_t *v, vmon_proc_t *p)
{
	if (p->is_thread || !p->parent)
		return;
	held_in_ctor = vmon_proc_monitor(v, p->pid, 0, NULL, NULL);
	ASSERT(held_in_ctor == p);
}

TEST(orphan_held_from_ctor_callback_outlives_its_parent)
{
	struct t_sync ready;
	vmon_proc_t *p, *c;
	pid_t parent, child;
	vmon_t v;

	t_sync_init(&ready);
	parent = t_fork(parent_of_one, &ready);
	t_sync_wait(&ready);
	child = only_child(parent);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT));
	v.proc_ctor_cb = hold_children;
	p = vmon_proc_monitor(&v, parent, 0, NULL, NULL);
	ASSERT(p);
	ASSERT(vmon_sample(&v));
	c = held_in_ctor;
	ASSERT(c && c->pid == child && c->parent == p && c->refcnt == 2);
	t_check_tree(&v);
	t_kill(parent);
	ASSERT(vmon_sample(&v));
	ASSERT(p->is_stale);
	ASSERT(!c->is_stale && c->parent == NULL && c->refcnt == 1);
	ASSERT(vmon_sample(&v));
	ASSERT(!c->is_stale);
	ASSERT_EQ(((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->ppid, getpid());
	t_check_tree(&v);
	vmon_proc_unmonitor(&v, p, NULL, NULL);
	t_kill(child);
	ASSERT(vmon_sample(&v));
	ASSERT(c->is_stale);
	vmon_proc_unmonitor(&v, c, NULL, NULL);
	ASSERT(list_empty(&v.processes));
	vmon_destroy(&v);
}
