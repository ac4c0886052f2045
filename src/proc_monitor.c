/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_monitor.c - vmon_proc_monitor() and vmon_proc_unmonitor(): the
 * caller's references on top-level nodes and their sample callbacks, one
 * per (func, arg) pair, whichever call installs it (the one that makes the
 * node, or one from proc_ctor_cb for that node).
 */
#include <errno.h>

#include "internal.h"

static vmon_proc_callback_t *find_callback(vmon_proc_t *proc,
	void (*func)(vmon_t *, void *, vmon_proc_t *, void *), void *arg)
{
	vmon_proc_callback_t *cb;

	list_for_each_entry(cb, &proc->sample_callbacks, callbacks)
		if (cb->func == func && cb->arg == arg)
			return cb;
	return NULL;
}

/* Install cb (made for a pair not installed then), unless the pair got
 * installed meanwhile: making a node fires proc_ctor_cb, which may monitor
 * the same node with the same pair. */
static void add_callback(vmon_proc_t *proc, vmon_proc_callback_t *cb)
{
	if (!cb)
		return;
	if (find_callback(proc, cb->func, cb->arg)) {
		vmon__free(cb);
		return;
	}
	list_add_tail(&cb->callbacks, &proc->sample_callbacks);
}

VMON_EXPORT vmon_proc_t *vmon_proc_monitor(vmon_t *vmon, int pid, vmon_proc_wants_t wants,
	void (*sample_cb)(vmon_t *, void *, vmon_proc_t *, void *), void *arg)
{
	struct vmon_internal *in;
	vmon_proc_callback_t *cb = NULL;
	struct vmon__node *node;
	vmon_proc_t *proc;

	if (!vmon || !(in = vmon->internal) || pid <= 0 ||
	    (wants & ~((1u << VMON_STORE_PROC_NR) - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if ((vmon->flags & VMON_FLAG_PROC_ALL) && (wants & VMON_WANT_PROC_FOLLOW_CHILDREN)) {
		errno = EINVAL;
		return NULL;
	}
	proc = vmon__pidhash_find(&in->procs, pid);
	if (sample_cb && !(proc && find_callback(proc, sample_cb, arg))) {
		cb = vmon__malloc(sizeof(*cb));
		if (!cb)
			return NULL;
		cb->func = sample_cb;
		cb->arg = arg;
	}
	if (!proc) {
		node = vmon__node_new(vmon, pid, pid, false);
		if (!node || vmon__node_attach(vmon, node, NULL, VMON__HOLD_CALLER) < 0) {
			int err = node ? ENOMEM : errno;

			vmon__free(cb);
			errno = err;
			return NULL;
		}
		proc = &node->proc;
		proc->wants = wants;
		vmon__events_watch(vmon, pid);	/* a root the source must know */
	} else {
		/* as the original: monitoring again sets the node's wants (0:
		 * inherit the instance's) */
		proc->refcnt++;
		proc->wants = wants;
	}
	add_callback(proc, cb);
	return proc;
}

VMON_EXPORT void vmon_proc_unmonitor(vmon_t *vmon, vmon_proc_t *proc,
	void (*sample_cb)(vmon_t *, void *, vmon_proc_t *, void *), void *arg)
{
	struct vmon__node *node;
	vmon_proc_callback_t *cb;

	if (!vmon || !vmon->internal || !proc)
		return;
	node = vmon__node(proc);
	/* only the caller's own references can be dropped */
	if (vmon__node_caller_refs(node) <= 0)
		return;
	if (sample_cb && (cb = find_callback(proc, sample_cb, arg))) {
		list_del(&cb->callbacks);
		vmon__free(cb);
	}
	vmon__node_unref(vmon, node);
}
