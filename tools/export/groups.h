/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * groups.h - the accounting that keeps a group's counters monotonic while
 * its processes come and go.
 *
 * Each process has a track: its counters now (cur) and what of them was
 * already credited to another group (base: what it had when it moved,
 * after an exec gave it another name).  A group's counter is
 *
 *     dead + sum over its alive processes of (cur - base)
 *
 * where dead holds what ended processes and processes that moved away
 * brought: when a process ends, its final figures (the event source's
 * exit record, or its last sample, whichever is larger) move from the
 * sum to dead, so the counter never goes backwards and a process that
 * lived between two samples still counts.  A group with no process left
 * is kept for a grace period, then removed (its series end).
 */
#ifndef EXPORT_GROUPS_H
#define EXPORT_GROUPS_H

#include "export.h"

struct group;

struct track {
	struct group *group;		/* NULL: in no group */
	unsigned long long base[C_NR], cur[C_NR];
	unsigned long long g[G_NR];
	unsigned long long start_ticks;	/* after boot */
	enum pstate state;
	int pid;
	char comm[32];
	bool named;			/* its group was decided at least once */
	bool final;			/* ended: its figures are in the group's dead */
	bool ignored;			/* a kernel thread, not grouped */
};

struct group_table;

struct group_table *gt_new(void);
void gt_free(struct group_table *gt);
/* Move t to the group called name (NULL or "": no group), creating it.
 * 0, or -1 when out of memory (t is then in no group). */
int gt_assign(struct group_table *gt, struct track *t, const char *name);
/* t's process ended, with t->cur its final figures. */
void gt_finish(struct group_table *gt, struct track *t);
/* t's node is freed without having ended (the exporter stops). */
void gt_forget(struct group_table *gt, struct track *t);
/* A sample's walk: gt_begin(), gt_add_live() for each alive track, then
 * gt_snapshot() fills snap->groups (and removes groups empty for longer
 * than grace seconds; now is CLOCK_MONOTONIC seconds).  boot_time (Unix
 * seconds) and hz turn start ticks into Unix times. -1 when out of memory. */
void gt_begin(struct group_table *gt);
void gt_add_live(struct group_table *gt, const struct track *t);
int gt_snapshot(struct group_table *gt, double now, double grace, double boot_time, long hz,
		struct snapshot *snap);
/* a group's name; NULL for no group */
const char *gt_name(const struct group *g);

#endif
