/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reap_table.c - the statuses reaped ahead of their exits (reap_table.h).
 * A stray vmon never saw (gone before any sample) is reaped too, and no
 * exit will ever ask for its status: the table keeps the last 4096, so
 * that a run full of strays does not grow it without end.
 */
#include <stdlib.h>
#include <string.h>

#include "reap_table.h"
#include "util.h"

#define KEEP 4096

void reap_table_keep(struct reap_table *rt, int pid, int status)
{
	xgrow((void **)&rt->v, &rt->alloc, rt->n + 1, sizeof(*rt->v));
	rt->v[rt->n++] = (struct reaped){ pid, status };
	if (rt->n > KEEP)
		memmove(rt->v, rt->v + 1, --rt->n * sizeof(*rt->v));
}

int reap_table_take(struct reap_table *rt, int pid)
{
	for (int i = 0; i < rt->n; i++)
		if (rt->v[i].pid == pid) {
			int status = rt->v[i].status;

			rt->v[i] = rt->v[--rt->n];
			return status;
		}
	return -1;
}

void reap_table_free(struct reap_table *rt)
{
	free(rt->v);
	rt->v = NULL;
	rt->n = rt->alloc = 0;
}
