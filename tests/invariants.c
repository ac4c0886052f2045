/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invariants.c - walk a whole instance and check what must always hold:
 * every child's and thread's parent points back, every live node is in the
 * right pid hash under its pid (and no stale node is), reference counts
 * cover the library's own holds, the array holds exactly the nodes, and
 * the hash counts equal the live nodes.  Tests call it after samples.
 */
#include "internal.h"
#include "test.h"

struct walk {
	vmon_t *vmon;
	int procs, threads, nodes;
};

static void check_node(struct walk *w, vmon_proc_t *proc, vmon_proc_t *parent)
{
	struct vmon__node *node = vmon__node(proc);
	struct vmon_internal *in = w->vmon->internal;
	vmon_proc_t *found;

	ASSERT_MSG(proc->parent == parent, "pid %d: parent %p, expected %p",
		   proc->pid, (void *)proc->parent, (void *)parent);
	ASSERT_MSG(proc->refcnt >= (int)(node->held_by_follow + node->held_by_all) &&
		   proc->refcnt > 0, "pid %d: refcnt %d", proc->pid, proc->refcnt);
	ASSERT_MSG(!node->doomed, "pid %d: doomed node still in the tree", proc->pid);
	found = vmon__pidhash_find(proc->is_thread ? &in->threads : &in->procs, proc->pid);
	if (proc->is_stale) {
		ASSERT_MSG(found != proc, "stale pid %d still in the hash", proc->pid);
	} else {
		ASSERT_MSG(found == proc, "live pid %d not in the hash", proc->pid);
		if (proc->is_thread)
			w->threads++;
		else
			w->procs++;
	}
	if (w->vmon->flags & VMON_FLAG_PROC_ARRAY)
		ASSERT_MSG(proc->array_hint_pos >= 0 &&
			   proc->array_hint_pos < w->vmon->array_allocated_nr &&
			   w->vmon->array[proc->array_hint_pos] == proc,
			   "pid %d not at its array slot", proc->pid);
	w->nodes++;
}

static void walk_siblings(struct walk *w, list_head_t *siblings, vmon_proc_t *parent)
{
	vmon_proc_t *proc, *thread;

	list_for_each_entry(proc, siblings, siblings) {
		ASSERT_MSG(!proc->is_thread, "thread %d on a children list", proc->pid);
		check_node(w, proc, parent);
		list_for_each_entry(thread, &proc->threads, threads) {
			ASSERT(thread->is_thread);
			ASSERT(proc->is_threaded);
			check_node(w, thread, proc);
		}
		walk_siblings(w, &proc->children, proc);
	}
}

void t_check_tree(vmon_t *vmon)
{
	struct walk w = { vmon, 0, 0, 0 };
	struct vmon_internal *in = vmon->internal;

	ASSERT(in);
	ASSERT_MSG(list_empty(&vmon->orphans), "orphans left after a sample");
	ASSERT_MSG(list_empty(&in->doomed) && list_empty(&in->moves),
		   "doomed nodes or moves left after a sample");
	walk_siblings(&w, &vmon->processes, NULL);
	ASSERT_EQ(in->procs.count, w.procs);
	ASSERT_EQ(in->threads.count, w.threads);
	if (vmon->flags & VMON_FLAG_PROC_ARRAY) {
		int n = 0;

		for (int i = 0; i < vmon->array_allocated_nr; i++)
			n += vmon->array[i] != NULL;
		ASSERT_EQ(n, vmon->array_active_nr);
		ASSERT_EQ(n, w.nodes);
	}
}
