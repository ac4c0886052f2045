/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node_sample.c - sampling one node: its wanted stores, in want order, and
 * the task list its follow samplers share.
 *
 * A store is allocated on the node's first sample with its want on, and
 * released when the want goes off.  A sampler that finds the process gone
 * (ESRCH) stales the node and no further sampler runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

const struct vmon__sys_sampler *const vmon__sys_samplers[VMON_STORE_SYS_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = &_func,
#include "vmon/defs/sys_wants.def"
};

const struct vmon__proc_sampler *const vmon__proc_samplers[VMON_STORE_PROC_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = &_func,
#include "vmon/defs/proc_wants.def"
};

/* The store of want i, allocated on first use; NULL on ENOMEM. */
static void *node_store(vmon_t *vmon, struct vmon__node *node, int i)
{
	const struct vmon__proc_sampler *s = vmon__proc_samplers[i];
	void *store = node->proc.stores[i];

	if (store)
		return store;
	store = vmon__calloc(1, s->state_size);
	if (!store) {
		vmon__sample_error(vmon, -ENOMEM);
		return NULL;
	}
	if (s->init)
		s->init(store);
	node->proc.stores[i] = store;
	node->stores_mask |= 1u << i;
	return store;
}

/* Release the stores whose want the caller turned off. */
static void drop_unwanted(vmon_t *vmon, struct vmon__node *node, vmon_proc_wants_t wants)
{
	vmon_proc_t *proc = &node->proc;

	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		if (!(node->stores_mask & ~wants & (1u << i)))
			continue;
		vmon__proc_samplers[i]->close(vmon, proc, proc->stores[i]);
		vmon__free(proc->stores[i]);
		proc->stores[i] = NULL;
		node->stores_mask &= ~(1u << i);
	}
}

void vmon__node_sample(vmon_t *vmon, struct vmon__node *node)
{
	vmon_proc_t *proc = &node->proc;
	vmon_proc_wants_t wants;

	if (proc->is_stale || node->doomed || proc->generation == vmon->generation)
		return;
	if (proc->generation)
		proc->is_new = 0;
	proc->generation = vmon->generation;
	if (node->flags_gen != vmon->generation)
		proc->children_changed = proc->threads_changed = 0;
	proc->activity = 0;
	proc->unavailable = 0;
	wants = vmon__node_wants(vmon, proc);
	if (node->stores_mask & ~wants)
		drop_unwanted(vmon, node, wants);
	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		void *store;

		if (!(wants & (1u << i)) || !(store = node_store(vmon, node, i)))
			continue;
		switch (vmon__proc_samplers[i]->sample(vmon, proc, store)) {
		case VMON__CHANGED:
			proc->activity |= 1u << i;
			break;
		case VMON__GONE:
			vmon__node_stale(vmon, node);
			return;
		case VMON__NOMEM:
			vmon__sample_error(vmon, -ENOMEM);
			break;
		case VMON__UNCHANGED:
			break;
		}
	}
}

int vmon__node_tasks(vmon_t *vmon, struct vmon__node *node)
{
	int n;

	if (node->tids_gen == vmon->generation)
		return node->tids_nr;
	if (node->task_fd < 0) {
		int fd = vmon__openat(node->dirfd, "task", O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			return fd;
		node->task_fd = fd;
	}
	n = vmon__read_ids(node->task_fd, &node->tids, &node->tids_alloc);
	if (n < 0)
		return n;
	node->tids_nr = n;
	node->tids_gen = vmon->generation;
	return n;
}
