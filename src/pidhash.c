/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pidhash.c - nodes by pid, in O(1) amortised: chained buckets (the
 * vmon_proc_t.bucket member) that double when the table holds as many
 * nodes as buckets, and are cut back to what the nodes need once a peak
 * has gone (vmon__pidhash_fit()).  An instance keeps two: processes and
 * threads, because a main thread has the same id as its process.
 */
#include <errno.h>

#include "internal.h"

#define VMON__HASH_MIN 256

static size_t slot(const struct vmon__pidhash *h, int pid)
{
	/* Fibonacci hashing spreads sequential pids over the buckets */
	return (size_t)(((unsigned)pid * 2654435769u) >> 8) & (h->nbuckets - 1);
}

static int resize(struct vmon__pidhash *h, size_t n)
{
	list_head_t *b = vmon__calloc(n, sizeof(*b)), *old = h->buckets;
	size_t oldn = h->nbuckets;

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		INIT_LIST_HEAD(&b[i]);
	h->buckets = b;
	h->nbuckets = n;
	for (size_t i = 0; i < oldn; i++) {
		vmon_proc_t *p, *tmp;

		list_for_each_entry_safe(p, tmp, &old[i], bucket)
			list_move_tail(&p->bucket, &b[slot(h, p->pid)]);
	}
	vmon__free(old);
	return 0;
}

int vmon__pidhash_init(struct vmon__pidhash *h)
{
	h->buckets = NULL;
	h->nbuckets = 0;
	h->count = 0;
	return resize(h, VMON__HASH_MIN);
}

void vmon__pidhash_destroy(struct vmon__pidhash *h)
{
	vmon__free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = h->count = 0;
}

int vmon__pidhash_add(struct vmon__pidhash *h, vmon_proc_t *proc)
{
	/* growing is best effort: a full table still works, only slower */
	if (h->count >= h->nbuckets)
		(void)resize(h, h->nbuckets * 2);
	list_add_tail(&proc->bucket, &h->buckets[slot(h, proc->pid)]);
	h->count++;
	return 0;
}

void vmon__pidhash_fit(struct vmon__pidhash *h)
{
	size_t n = VMON__HASH_MIN;

	/* a quarter full or more stays: the table would soon grow again */
	if (h->nbuckets <= VMON__HASH_MIN || h->count >= h->nbuckets / 4)
		return;
	while (n < 2 * h->count)
		n *= 2;
	(void)resize(h, n);	/* best effort, as growing */
}

void vmon__pidhash_del(struct vmon__pidhash *h, vmon_proc_t *proc)
{
	list_del(&proc->bucket);
	h->count--;
}

vmon_proc_t *vmon__pidhash_find(const struct vmon__pidhash *h, int pid)
{
	vmon_proc_t *p;

	list_for_each_entry(p, &h->buckets[slot(h, pid)], bucket)
		if (p->pid == pid)
			return p;
	return NULL;
}
