/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_diskstats.c - VMON_WANT_SYS_DISKSTATS: /proc/diskstats
 * (Documentation/admin-guide/iostats.rst), one line per block device:
 * "major minor name" and 11 counters, 15 since 4.18 (discards), 17 since
 * 5.5 (flushes).  Columns a kernel does not print are unavailable.
 *
 * Devices come and go (loop, dm, USB disks, nvme namespaces): each row is
 * found by the device's name (rows.c), appears with is_new and leaves as
 * is_stale for one sample.  The file is generated record by record and
 * read to EOF.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_diskstats_t
static const vmon_field_t sys_diskstats_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_diskstats.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_diskstats_info, "sys_diskstats", "/proc/diskstats", vmon_sys_diskstats_t,
		 sys_diskstats_fields, VMON_SYS_DISKSTATS_NR);

#define VMON__STORE_TYPE vmon_sys_disk_t
static const vmon_field_t sys_disk_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_disk.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_disk_info, "sys_disk", "/proc/diskstats row", vmon_sys_disk_t,
		 sys_disk_fields, VMON_SYS_DISK_NR);

/* One device line: -ENOMEM when a new device could not be added. */
static int parse_line(struct vmon__rows *r, const char *p, const char *eol)
{
	const vmon_store_info_t *info = &vmon__sys_disk_info;
	const char *cols = p, *name, *name_end, *t_end;
	vmon_sys_disk_t *row;
	int err;

	/* major and minor, then the name */
	if (!vmon__next_token(&p, eol, &t_end) || !vmon__next_token(&p, eol, &t_end) ||
	    !(name = vmon__next_token(&p, eol, &name_end)))
		return 0;
	row = vmon__rows_get(r, name, name_end - name, &err);
	if (!row)
		return err;
	vmon__parse_columns(info, VMON_SYS_DISK_MAJOR, 2, row, row->changed, row->unavailable,
			    cols, eol);
	BITCLEAR(row->unavailable, VMON_SYS_DISK_NAME);
	vmon__parse_columns(info, VMON_SYS_DISK_READS, VMON_SYS_DISK_NR - VMON_SYS_DISK_READS,
			    row, row->changed, row->unavailable, p, eol);
	return 0;
}

static const struct vmon__row_store sys_diskstats_store = {
	.row = {
		.size = sizeof(vmon_sys_disk_t),
		.name_off = offsetof(vmon_sys_disk_t, name),
		.new_off = offsetof(vmon_sys_disk_t, is_new),
		.stale_off = offsetof(vmon_sys_disk_t, is_stale),
		.fields_nr = VMON_SYS_DISK_NR,
	},
	.info = &vmon__sys_diskstats_info,
	.nr_sym = VMON_SYS_DISKSTATS_DISKS_NR,
	.rows_off = offsetof(vmon_sys_diskstats_t, disks),
	.nr_off = offsetof(vmon_sys_diskstats_t, disks_nr),
	.alloc_off = offsetof(vmon_sys_diskstats_t, disks_alloc),
	.path = "diskstats",
	.want = VMON_WANT_SYS_DISKSTATS,
	.parse_line = parse_line,
};

struct sys_diskstats_state {
	vmon_sys_diskstats_t pub;
	struct vmon__file_store fs;
};

int vmon__parse_sys_diskstats(vmon_sys_diskstats_t *store, const char *buf, size_t len)
{
	return vmon__row_store_parse(&sys_diskstats_store, store, buf, len);
}

void vmon__sys_diskstats_free(vmon_sys_diskstats_t *store)
{
	vmon__row_store_free(&sys_diskstats_store, store);
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__row_store_parse(&sys_diskstats_store, store, buf, len);
}

static void sys_diskstats_init(void *state)
{
	vmon__file_init(&((struct sys_diskstats_state *)state)->fs.file);
}

static enum vmon__outcome sys_diskstats_sample(vmon_t *vmon, void *state)
{
	struct sys_diskstats_state *s = state;

	return vmon__row_store_sample(vmon, &sys_diskstats_store, &s->fs, &s->pub, parse);
}

static void sys_diskstats_close(vmon_t *vmon, void *state)
{
	struct sys_diskstats_state *s = state;

	(void)vmon;
	vmon__file_close(&s->fs.file);
	vmon__sys_diskstats_free(&s->pub);
}

VMON__SYS_SAMPLER(vmon__sampler_sys_diskstats, vmon__sys_diskstats_info, struct sys_diskstats_state,
		  sys_diskstats_init, sys_diskstats_sample, sys_diskstats_close);
