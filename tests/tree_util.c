/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tree_util.c - small lookups over a monitored tree, shared by the tests.
 * They walk the public lists, never the library's hashes, so they check
 * what a caller sees.
 */
#include <sched.h>
#include <time.h>

#include "test.h"
#include "vmon/vmon.h"

vmon_proc_t *t_child_node(vmon_proc_t *parent, int pid)
{
	vmon_proc_t *c;

	list_for_each_entry(c, &parent->children, siblings)
		if (c->pid == pid)
			return c;
	return NULL;
}

vmon_proc_t *t_thread_node(vmon_proc_t *proc, int tid)
{
	vmon_proc_t *t;

	list_for_each_entry(t, &proc->threads, threads)
		if (t->pid == tid)
			return t;
	return NULL;
}

vmon_proc_t *t_top_node(vmon_t *vmon, int pid)
{
	vmon_proc_t *p;

	list_for_each_entry(p, &vmon->processes, siblings)
		if (p->pid == pid)
			return p;
	return NULL;
}

int t_children_nr(vmon_proc_t *parent)
{
	vmon_proc_t *c;
	int n = 0;

	list_for_each_entry(c, &parent->children, siblings)
		n++;
	return n;
}

int t_top_nr(vmon_t *vmon)
{
	vmon_proc_t *p;
	int n = 0;

	list_for_each_entry(p, &vmon->processes, siblings)
		n++;
	return n;
}

void t_wait_sleeping(pid_t pid)
{
	struct timespec t0, t;
	char state[8];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ASSERT(t_stat_field(pid, 0, 3, state, sizeof(state)));
		if (state[0] == 'S')
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "%d not asleep after 10 s", pid);
		sched_yield();
	}
}
