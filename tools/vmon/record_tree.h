/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_tree.h - the tree a record's births make, checked for the record
 * reader (record_read.c): a track under no root would be left out of the
 * chart while the summary counts it.
 */
#ifndef VMON_TOOL_RECORD_TREE_H
#define VMON_TOOL_RECORD_TREE_H

#include "model.h"
#include "record_values.h"

/* The parent track id names for t (0: none), refused unless it is a
 * process other than t. */
struct track *rt_parent(struct model *m, struct rline *l, const struct track *t, int id);
/* Once every birth is linked: refuse a loop of parents, naming the line
 * (born_at[id]) of its first-born process. */
void rt_check_loops(struct model *m, struct rline *l, const int *born_at);

#endif
