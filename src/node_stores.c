/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * node_stores.c - a node's stores: allocated on the node's first sample
 * with their want on (by the want's sampler descriptor), released when the
 * want goes off or the node is freed, and told when the process is gone.
 * Threads share their process's files store (a thread's descriptors are
 * its process's), counted by the store's refcnt.
 */
#include <errno.h>

#include "internal.h"

/* A new store for want i; NULL on ENOMEM.  Its fields start unavailable:
 * until a read gives them values, their zeros are not figures (a process
 * gone between its stat and its io read would otherwise show io of 0). */
static void *store_new(vmon_t *vmon, int i)
{
	const struct vmon__proc_sampler *s = vmon__proc_samplers[i];
	const vmon_store_info_t *info = vmon_proc_store_info(i);
	void *store = vmon__calloc(1, s->state_size);

	if (!store) {
		vmon__sample_error(vmon, -ENOMEM);
		return NULL;
	}
	if (info && info->bitmaps)
		vmon__bits_fill((char *)store + BITNSLOTS(info->fields_nr), info->fields_nr);
	if (s->init)
		s->init(store);
	return store;
}

/* A thread shares its process's files store (docs/design/fields.md): the
 * thread's stores[] points at it and holds one more of its references. */
static bool store_shared(const struct vmon__node *node, int i)
{
	return i == VMON_STORE_PROC_FILES && node->proc.is_thread && node->proc.parent;
}

/* The store of want i, allocated on first use (a shared store on the
 * process, should a thread come first: VMON_FLAG_PROC_ARRAY). */
void *vmon__node_store(vmon_t *vmon, struct vmon__node *node, int i)
{
	void *store = node->proc.stores[i];

	if (store)
		return store;
	if (store_shared(node, i)) {
		store = vmon__node_store(vmon, vmon__node(node->proc.parent), i);
		if (store)
			((vmon_proc_files_t *)store)->refcnt++;
	} else {
		store = store_new(vmon, i);
	}
	if (!store)
		return NULL;
	node->proc.stores[i] = store;
	node->stores_mask |= 1u << i;
	return store;
}

void vmon__node_store_release(vmon_t *vmon, struct vmon__node *node, int i)
{
	vmon_proc_t *proc = &node->proc;
	void *store = proc->stores[i];

	if (!store)
		return;
	proc->stores[i] = NULL;
	node->stores_mask &= ~(1u << i);
	/* a files store shared with other nodes lives on */
	if (i == VMON_STORE_PROC_FILES && --((vmon_proc_files_t *)store)->refcnt > 0)
		return;
	vmon__proc_samplers[i]->close(vmon, proc, store);
	vmon__free(store);
}

void vmon__node_stores_gone(vmon_t *vmon, struct vmon__node *node)
{
	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		if (node->proc.stores[i] && vmon__proc_samplers[i]->gone)
			vmon__proc_samplers[i]->gone(vmon, &node->proc, node->proc.stores[i]);
}
