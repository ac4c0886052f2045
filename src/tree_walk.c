/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tree_walk.c - the three orders in which vmon_sample() walks the tree
 * (libvmon(3), "Order of sampling and callbacks"):
 *
 *  default             depth first; at each node its samplers, then its
 *                      threads, then its children (recursively), then its
 *                      callbacks: a callback sees its whole subtree sampled.
 *  VMON_FLAG_2PASS     pass 1 runs every sampler in that order; pass 2 runs
 *                      the callbacks from the leaves up.
 *  VMON_FLAG_PROC_ARRAY  flat over the array: sampler, then callbacks.
 *  both                flat over the array: every sampler, then every
 *                      callback in array order.
 *
 * Lists are never changed under these loops except by appending (new
 * nodes), because frees and moves wait until the sample settles.
 */
#include "internal.h"

static void callbacks(vmon_t *vmon, vmon_proc_t *proc)
{
	vmon_proc_callback_t *cb, *tmp;

	list_for_each_entry_safe(cb, tmp, &proc->sample_callbacks, callbacks)
		cb->func(vmon, vmon->sample_cb_arg, proc, cb->arg);
}

static void sample_threads(vmon_t *vmon, vmon_proc_t *proc, bool with_callbacks)
{
	vmon_proc_t *thread;

	if (proc->is_thread)
		return;
	list_for_each_entry(thread, &proc->threads, threads) {
		vmon__node_sample(vmon, vmon__node(thread));
		if (with_callbacks)
			callbacks(vmon, thread);
	}
}

/* the default order, and pass 1 of 2PASS (without callbacks) */
static void sample_siblings(vmon_t *vmon, list_head_t *siblings, bool with_callbacks)
{
	vmon_proc_t *proc;

	list_for_each_entry(proc, siblings, siblings) {
		vmon__node_sample(vmon, vmon__node(proc));
		sample_threads(vmon, proc, with_callbacks);
		sample_siblings(vmon, &proc->children, with_callbacks);
		if (with_callbacks)
			callbacks(vmon, proc);
	}
}

/* pass 2 of 2PASS: callbacks from the leaves up */
static void callback_siblings(vmon_t *vmon, list_head_t *siblings)
{
	vmon_proc_t *proc, *thread;

	list_for_each_entry(proc, siblings, siblings) {
		callback_siblings(vmon, &proc->children);
		list_for_each_entry(thread, &proc->threads, threads)
			callbacks(vmon, thread);
		callbacks(vmon, proc);
	}
}

/* one pass over the array, visiting the nodes not yet visited in this
 * sample, with their callbacks unless 2PASS defers them; returns how many
 * it visited */
static int sample_array(vmon_t *vmon, bool with_callbacks)
{
	int visited = 0;

	for (int i = 0; i < vmon->array_allocated_nr; i++) {
		vmon_proc_t *proc = vmon->array[i];

		if (!proc || vmon__node(proc)->visited_gen == vmon->generation)
			continue;
		vmon__node(proc)->visited_gen = vmon->generation;
		vmon__node_sample(vmon, vmon__node(proc));
		if (with_callbacks)
			callbacks(vmon, proc);
		visited++;
	}
	return visited;
}

/* pass 2 of PROC_ARRAY|2PASS: the callbacks of the nodes visited and not
 * yet called back in this sample, in array order; returns how many */
static int callback_array(vmon_t *vmon)
{
	int called = 0;

	for (int i = 0; i < vmon->array_allocated_nr; i++) {
		vmon_proc_t *proc = vmon->array[i];
		struct vmon__node *node;

		if (!proc)
			continue;
		node = vmon__node(proc);
		if (node->visited_gen != vmon->generation || node->called_gen == vmon->generation)
			continue;
		node->called_gen = vmon->generation;
		callbacks(vmon, proc);
		called++;
	}
	return called;
}

/* A node created in a slot already passed is caught up by another pass:
 * every node is sampled in the sample that makes it.  With 2PASS the
 * callbacks wait until no node is left to sample, and a node one of them
 * makes is sampled, then called back, the same way. */
static void sample_flat(vmon_t *vmon)
{
	bool two_pass = vmon->flags & VMON_FLAG_2PASS;

	do {
		while (sample_array(vmon, !two_pass))
			;
	} while (two_pass && callback_array(vmon));
}

void vmon__sample_procs(vmon_t *vmon)
{
	if (vmon->flags & VMON_FLAG_PROC_ARRAY) {
		sample_flat(vmon);
	} else if (vmon->flags & VMON_FLAG_2PASS) {
		sample_siblings(vmon, &vmon->processes, false);
		callback_siblings(vmon, &vmon->processes);
	} else {
		sample_siblings(vmon, &vmon->processes, true);
	}
}
