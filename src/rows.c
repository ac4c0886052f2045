/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rows.c - sets of rows found by name: the devices of /proc/diskstats, the
 * interfaces of /proc/net/dev and the keys of /proc/vmstat.  Devices and
 * interfaces come and go (loop devices, veth pairs of containers), so a
 * row is looked up by its name at each parse, not by its position; a name
 * that appears gets a new row (is_new), a row whose name is missing is
 * is_stale for one sample, keeping its last values, and is removed at the
 * next parse, so the set never grows with names long gone.
 *
 * The kernel prints the rows in the same order every time, so the lookup
 * tries the row after the last one found first: a parse is O(rows).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static char *row_at(const struct vmon__rows *r, int i)
{
	return (char *)*r->rows + (size_t)i * r->type->size;
}

static int *flag(const struct vmon__rows *r, int i, size_t off)
{
	return (int *)(row_at(r, i) + off);
}

static vmon_char_array_t *name_of(const struct vmon__rows *r, int i)
{
	return (vmon_char_array_t *)(row_at(r, i) + r->type->name_off);
}

void vmon__rows_begin(struct vmon__rows *r)
{
	int kept = 0;

	r->hint = 0;
	r->changed = false;
	for (int i = 0; i < *r->nr; i++) {
		if (*flag(r, i, r->type->stale_off)) {	/* stale for a whole sample */
			vmon__chars_free(name_of(r, i));
			continue;
		}
		if (kept != i)
			memcpy(row_at(r, kept), row_at(r, i), r->type->size);
		kept++;
	}
	*r->nr = kept;
	/* is_stale now means "not seen yet in this parse" */
	for (int i = 0; i < kept; i++) {
		*flag(r, i, r->type->stale_off) = 1;
		*flag(r, i, r->type->new_off) = 0;
	}
}

static int find(const struct vmon__rows *r, const char *name, size_t len)
{
	for (int k = 0; k < *r->nr; k++) {
		int i = (r->hint + k) % *r->nr;
		const vmon_char_array_t *n = name_of(r, i);

		if (n->len == len && !memcmp(n->array, name, len))
			return i;
	}
	return -1;
}

static void *add(struct vmon__rows *r, const char *name, size_t len, int *err)
{
	const struct vmon__row_type *t = r->type;
	char scratch[1] = { 0 }, *row;

	if (vmon__grow(r->rows, r->alloc, (size_t)*r->nr + 1, t->size) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	row = row_at(r, *r->nr);
	memset(row, 0, t->size);
	if (vmon__chars_set((vmon_char_array_t *)(row + t->name_off), name, len, scratch, 0) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	*(int *)(row + t->new_off) = 1;
	if (t->fields_nr) {
		vmon__bits_fill(row, t->fields_nr);			/* changed */
		vmon__bits_fill(row + BITNSLOTS(t->fields_nr), t->fields_nr);	/* unavailable */
	}
	r->hint = ++*r->nr;
	r->changed = true;
	return row;
}

void *vmon__rows_get(struct vmon__rows *r, const char *name, size_t len, int *err)
{
	int i = find(r, name, len);
	char *row;

	*err = 0;
	if (i < 0)
		return add(r, name, len, err);
	if (!*flag(r, i, r->type->stale_off))
		return NULL;	/* a second line for the same name: the first counts */
	*flag(r, i, r->type->stale_off) = 0;
	r->hint = i + 1;
	row = row_at(r, i);
	if (r->type->fields_nr)
		memset(row, 0, BITNSLOTS(r->type->fields_nr));
	return row;
}

void vmon__rows_end(struct vmon__rows *r)
{
	int nr = r->type->fields_nr;

	for (int i = 0; i < *r->nr; i++) {
		char *row = row_at(r, i);

		if (!*flag(r, i, r->type->stale_off))
			continue;
		r->changed = true;
		if (nr) {
			memset(row, 0, BITNSLOTS(nr));
			vmon__bits_fill(row + BITNSLOTS(nr), nr);
		}
	}
}

void vmon__rows_free(struct vmon__rows *r)
{
	for (int i = 0; i < *r->nr; i++)
		vmon__chars_free(name_of(r, i));
	vmon__free(*r->rows);
	*r->rows = NULL;
	*r->nr = 0;
	*r->alloc = 0;
}
