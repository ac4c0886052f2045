/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * follow_threads.c - VMON_WANT_PROC_FOLLOW_THREADS: keep the process's
 * threads list equal to /proc/PID/task.  Every task, the main thread
 * (tid == pid) included, is a node with is_thread set that reads
 * /proc/PID/task/TID/.  Thread nodes are found by tid in their own hash,
 * so a sample costs O(threads); a tid no longer listed is staled.
 *
 * As in the original libvmon, a process's threads are followed only once
 * it has more than one task (or while it still lists thread nodes): a
 * single-threaded process has an empty threads list and is_threaded 0, so
 * its programs draw no thread row under it.  The count comes from the
 * task directory itself, not from the stat want (the original read
 * num_threads from the stat store and followed nothing without it).
 */
#include <errno.h>

#include "internal.h"

static const vmon_store_info_t follow_threads_info = {
	"proc_follow_threads", "/proc/PID/task",
	sizeof(vmon_proc_follow_threads_t), 0, NULL, 0
};

struct follow_threads_state {
	vmon_proc_follow_threads_t pub;
};

/* Is tid a followed thread of node?  If it is not known yet, follow it. */
static bool keep_thread(vmon_t *vmon, struct vmon__node *node, int tid)
{
	vmon_proc_t *t = vmon__pidhash_find(&vmon->internal->threads, tid);
	struct vmon__node *tn;

	if (t) {
		if (t->parent == &node->proc)
			vmon__node(t)->seen = vmon->generation;
		return false;
	}
	tn = vmon__node_new(vmon, tid, node->proc.pid, true);
	if (!tn) {
		if (errno == ENOMEM)
			vmon__sample_error(vmon, -ENOMEM);
		return false;	/* exited since the listing, or tried next sample */
	}
	tn->proc.wants = node->proc.wants;
	if (vmon__node_attach(vmon, tn, node, VMON__HOLD_FOLLOW) < 0) {
		vmon__sample_error(vmon, -ENOMEM);
		return false;
	}
	tn->seen = vmon->generation;
	return true;
}

static enum vmon__outcome follow_threads_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct follow_threads_state *s = state;
	struct vmon__node *node = vmon__node(proc);
	int n = vmon__node_tasks(vmon, node), nr = 0;
	bool changed = false;
	vmon_proc_t *t;

	if (n == -ESRCH)
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0) {
		proc->unavailable |= VMON_WANT_PROC_FOLLOW_THREADS;
		return VMON__UNCHANGED;
	}
	if (n <= 1 && list_empty(&proc->threads)) {
		s->pub.threads_nr = 0;
		return VMON__UNCHANGED;
	}
	for (int i = 0; i < n; i++)
		changed |= keep_thread(vmon, node, node->tids[i]);
	list_for_each_entry(t, &proc->threads, threads) {
		/* an absence from a listing read in pages is only a hint */
		if (!t->is_stale && vmon__node(t)->seen != vmon->generation) {
			if (vmon__node_gone(vmon, vmon__node(t), 0)) {
				vmon__node_stale(vmon, vmon__node(t));
				changed = true;
			} else {
				vmon__node(t)->seen = vmon->generation;
			}
		}
		nr++;
	}
	s->pub.threads_nr = nr;
	return changed ? VMON__CHANGED : VMON__UNCHANGED;
}

static void follow_threads_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	(void)state;
}

VMON__PROC_SAMPLER(vmon__sampler_follow_threads, follow_threads_info, struct follow_threads_state,
		   VMON__NO_INTERVAL, NULL, follow_threads_sample, follow_threads_close, NULL);
