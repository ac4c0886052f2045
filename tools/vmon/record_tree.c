/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_tree.c - the tree of a record's births, checked (record_tree.h).
 * A process's parent may be born after it in the same sample (observe.c
 * links a sample's births at its close), so the parent a birth names
 * cannot always be checked at its line, and in a crafted record parents
 * can loop: the tracks of the loop, and those under it, are under no root.
 */
#include <stdlib.h>

#include "record_tree.h"

struct track *rt_parent(struct model *m, struct rline *l, const struct track *t, int id)
{
	struct track *p = model_track(m, id);

	if (id && !p)
		rv_refuse(l, "a birth names an unknown parent (id %d)", id);
	if (p && p->is_thread)
		rv_refuse(l, "a birth's parent is a thread (id %d)", id);
	if (p == t)
		rv_refuse(l, "a process cannot be its own parent (id %d)", id);
	return p;
}

void rt_check_loops(struct model *m, struct rline *l, const int *born_at)
{
	struct track **list, *t, *first;
	int n = model_tree(m, &list, true, NULL, NULL, NULL), id = 1;
	bool *listed;

	if (n == m->ntracks) {
		free(list);
		return;
	}
	/* the first track it did not list: under no root */
	listed = xcalloc(m->ntracks + 1, sizeof(*listed));
	for (int i = 0; i < n; i++)
		listed[list[i]->id] = true;
	while (listed[id])
		id++;
	free(list);
	free(listed);
	/* up from it: within ntracks steps, in the loop */
	t = model_track(m, id);
	for (int i = 0; i < m->ntracks; i++)
		t = t->parent;
	first = t;
	for (struct track *u = t->parent; u != t; u = u->parent)
		if (u->id < first->id)
			first = u;
	l->line = born_at[first->id];
	rv_refuse(l, "a loop of parents: process %d is its own ancestor", first->id);
}
