/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * row_store.c - the system stores that are one set of named rows, a row
 * per line of their file (diskstats: devices, net/dev: interfaces): the
 * walk over the lines, the count of rows, the sample and the release.
 * Each such store says in a struct vmon__row_store where it keeps its
 * rows and how one line becomes a row; rows.c finds the rows by name.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static void rows_of(const struct vmon__row_store *rs, void *store, struct vmon__rows *r)
{
	char *s = store;

	*r = (struct vmon__rows){ &rs->row, (void **)(s + rs->rows_off), (int *)(s + rs->nr_off),
				  (size_t *)(s + rs->alloc_off), 0, false };
}

int vmon__row_store_parse(const struct vmon__row_store *rs, void *store, const char *buf,
			  size_t len)
{
	char *changed = store, *unavailable = changed + BITNSLOTS(rs->info->fields_nr);
	const char *p = buf, *end = buf + len;
	struct vmon__rows r;
	int err = 0;

	memset(changed, 0, BITNSLOTS(rs->info->fields_nr));
	rows_of(rs, store, &r);
	vmon__rows_begin(&r);
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if (rs->parse_line(&r, p, eol) < 0)
			err = -ENOMEM;
		p = eol + 1;
	}
	vmon__rows_end(&r);
	vmon__field_set_ll(&rs->info->fields[rs->nr_sym], store, changed, unavailable, *r.nr);
	if (r.changed)
		BITSET(changed, rs->nr_sym);
	return err;
}

void vmon__row_store_free(const struct vmon__row_store *rs, void *store)
{
	struct vmon__rows r;

	rows_of(rs, store, &r);
	vmon__rows_free(&r);
}

enum vmon__outcome vmon__row_store_sample(vmon_t *vmon, const struct vmon__row_store *rs,
					  struct vmon__file_store *fs, void *store,
					  int (*parse)(void *store, const char *buf, size_t len))
{
	enum vmon__outcome o = vmon__sample_records(vmon, vmon->internal->proc_fd, rs->path, fs,
						    rs->info, store, parse);
	struct vmon__rows r;

	rows_of(rs, store, &r);
	for (int i = 0; i < *r.nr; i++) {
		const char *row = (const char *)*r.rows + (size_t)i * rs->row.size;
		int fields_nr = rs->row.fields_nr;

		/* a row begins with its changed and unavailable bitmaps */
		if (o == VMON__UNCHANGED && vmon__bits_any(row, fields_nr))
			o = VMON__CHANGED;
		if (!*(const int *)(row + rs->row.stale_off) &&
		    vmon__bits_any(row + BITNSLOTS(fields_nr), fields_nr))
			vmon->unavailable |= rs->want;
	}
	return o;
}
