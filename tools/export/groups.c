/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * groups.c - the group table of groups.h: groups by name in a chained hash
 * table, their dead counters, and each sample's sums over alive tracks.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"

#define BUCKETS 4096

struct group {
	char *name;
	struct group *hnext;
	unsigned long long dead[C_NR], exited;
	unsigned long long reported[C_NR];	/* what the last snapshot said */
	int ntracks;				/* tracks whose group this is */
	/* this sample's sums */
	unsigned long long live[C_NR], g[G_NR];
	int nprocs, states[S_NR];
	unsigned long long oldest_ticks;
	double empty_since;			/* monotonic seconds; 0: not empty */
};

struct group_table {
	struct group *buckets[BUCKETS];
	int ngroups;
};

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

struct group_table *gt_new(void)
{
	return calloc(1, sizeof(struct group_table));
}

void gt_free(struct group_table *gt)
{
	if (!gt)
		return;
	for (int b = 0; b < BUCKETS; b++)
		while (gt->buckets[b]) {
			struct group *g = gt->buckets[b];

			gt->buckets[b] = g->hnext;
			free(g->name);
			free(g);
		}
	free(gt);
}

static struct group *lookup(struct group_table *gt, const char *name)
{
	unsigned h = hash(name);
	struct group *g;

	for (g = gt->buckets[h]; g; g = g->hnext)
		if (!strcmp(g->name, name))
			return g;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->name = strdup(name);
	if (!g->name) {
		free(g);
		return NULL;
	}
	g->hnext = gt->buckets[h];
	gt->buckets[h] = g;
	gt->ngroups++;
	return g;
}

/* what t brought to its group since it joined goes to the group's dead */
static void credit(struct track *t)
{
	for (int c = 0; c < C_NR; c++) {
		t->group->dead[c] += t->cur[c] - t->base[c];
		t->base[c] = t->cur[c];
	}
	t->group->ntracks--;
	t->group = NULL;
}

int gt_assign(struct group_table *gt, struct track *t, const char *name)
{
	struct group *g = name && *name ? lookup(gt, name) : NULL;
	bool first = !t->named;

	t->named = true;
	if (t->group == g && !first)
		return 0;
	/* A process's first group gets all it used (a process born between
	 * two samples counts whole); one that moves (an exec renamed it, or
	 * it left no group) brings only what it uses from now on: the rest
	 * went to, or belonged to, where it was. */
	if (t->group)
		credit(t);
	else if (!first)
		memcpy(t->base, t->cur, sizeof(t->base));
	if (!g)
		return name && *name ? -1 : 0;
	t->group = g;
	g->ntracks++;
	g->empty_since = 0;
	return 0;
}

void gt_finish(struct group_table *gt, struct track *t)
{
	(void)gt;
	t->final = true;
	if (!t->group)
		return;
	t->group->exited++;
	credit(t);
}

void gt_forget(struct group_table *gt, struct track *t)
{
	(void)gt;
	if (t->group)
		credit(t);
}

void gt_begin(struct group_table *gt)
{
	for (int b = 0; b < BUCKETS; b++)
		for (struct group *g = gt->buckets[b]; g; g = g->hnext) {
			memset(g->live, 0, sizeof(g->live));
			memset(g->g, 0, sizeof(g->g));
			memset(g->states, 0, sizeof(g->states));
			g->nprocs = 0;
			g->oldest_ticks = 0;
		}
}

void gt_add_live(struct group_table *gt, const struct track *t)
{
	struct group *g = t->group;

	(void)gt;
	if (!g)
		return;
	for (int c = 0; c < C_NR; c++)
		g->live[c] += t->cur[c] - t->base[c];
	for (int k = 0; k < G_NR; k++)
		g->g[k] += t->g[k];
	g->states[t->state]++;
	if (!g->nprocs || t->start_ticks < g->oldest_ticks)
		g->oldest_ticks = t->start_ticks;
	g->nprocs++;
}

static void fill(struct snap_group *sg, struct group *g, double boot_time, long hz)
{
	for (int c = 0; c < C_NR; c++) {
		unsigned long long v = g->dead[c] + g->live[c];

		/* never backwards, whatever a reader returned */
		if (v < g->reported[c])
			v = g->reported[c];
		sg->c[c] = g->reported[c] = v;
	}
	memcpy(sg->g, g->g, sizeof(sg->g));
	memcpy(sg->states, g->states, sizeof(sg->states));
	sg->nprocs = g->nprocs;
	sg->exited = g->exited;
	sg->oldest_start = g->nprocs ? boot_time + (double)g->oldest_ticks / hz : 0;
}

int gt_snapshot(struct group_table *gt, double now, double grace, double boot_time, long hz,
		struct snapshot *snap)
{
	int n = 0;

	snap->groups = calloc(gt->ngroups ? gt->ngroups : 1, sizeof(*snap->groups));
	if (!snap->groups)
		return -1;
	for (int b = 0; b < BUCKETS; b++) {
		struct group **link = &gt->buckets[b];

		while (*link) {
			struct group *g = *link;

			if (!g->ntracks && !g->empty_since)
				g->empty_since = now;
			if (!g->ntracks && now - g->empty_since > grace) {
				*link = g->hnext;
				gt->ngroups--;
				free(g->name);
				free(g);
				continue;
			}
			snap->groups[n].name = strdup(g->name);
			if (!snap->groups[n].name)
				return -1;
			fill(&snap->groups[n++], g, boot_time, hz);
			snap->ngroups = n;
			link = &g->hnext;
		}
	}
	return 0;
}

const char *gt_name(const struct group *g)
{
	return g ? g->name : NULL;
}
