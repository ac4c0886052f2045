/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_array.c - VMON_FLAG_PROC_ARRAY: a flat array of every monitored
 * node, for top-like callers.  A node keeps its slot for life
 * (array_hint_pos); a freed slot becomes NULL and is pushed on a stack of
 * free slots, reused first; the array doubles when full.  Adding and
 * removing are O(1) amortised (the seed grew it by 5 slots at a time).
 */
#include <errno.h>

#include "internal.h"

int vmon__array_add(vmon_t *vmon, vmon_proc_t *proc)
{
	struct vmon_internal *in = vmon->internal;
	int pos;

	if (in->array_free_nr) {
		pos = in->array_free[--in->array_free_nr];
	} else {
		size_t alloc = vmon->array_allocated_nr;
		size_t used = alloc;

		/* reserve the free stack's room now, so removal never allocates */
		if (vmon__grow((void **)&vmon->array, &alloc, used + 1, sizeof(*vmon->array)) < 0 ||
		    vmon__grow((void **)&in->array_free, &in->array_free_alloc, alloc, sizeof(int)) < 0)
			return -ENOMEM;	/* array_allocated_nr still tells the usable part */
		for (size_t i = used; i < alloc; i++)
			vmon->array[i] = NULL;
		/* the new slots above used + 1 go on the free stack, highest first */
		for (size_t i = alloc; i-- > used + 1;)
			in->array_free[in->array_free_nr++] = (int)i;
		vmon->array_allocated_nr = (int)alloc;
		pos = (int)used;
	}
	vmon->array[pos] = proc;
	proc->array_hint_pos = pos;
	vmon->array_active_nr++;
	vmon->array_hint_free = in->array_free_nr ? in->array_free[in->array_free_nr - 1] : -1;
	return 0;
}

void vmon__array_del(vmon_t *vmon, vmon_proc_t *proc)
{
	struct vmon_internal *in = vmon->internal;
	int pos = proc->array_hint_pos;

	if (pos < 0 || pos >= vmon->array_allocated_nr || vmon->array[pos] != proc)
		return;
	vmon->array[pos] = NULL;
	in->array_free[in->array_free_nr++] = pos;
	vmon->array_active_nr--;
	vmon->array_hint_free = pos;
	proc->array_hint_pos = -1;
}

void vmon__array_destroy(vmon_t *vmon)
{
	vmon__free(vmon->array);
	vmon__free(vmon->internal->array_free);
	vmon->array = NULL;
	vmon->internal->array_free = NULL;
	vmon->array_allocated_nr = vmon->array_active_nr = 0;
	vmon->internal->array_free_alloc = 0;
	vmon->internal->array_free_nr = 0;
	vmon->array_hint_free = -1;
}
