/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_diskstats.c - libFuzzer target for vmon__parse_sys_diskstats(),
 * the /proc/diskstats parser (a row per device name, 14 to 20 columns,
 * devices coming and going).  Checks the rows (a stale one has every field
 * unavailable and none changed) and that the same bytes again change, add
 * and drop nothing.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_sys_diskstats_t *ds)
{
	FUZZ_CHECK(ds->disks_nr >= 0 && (size_t)ds->disks_nr <= ds->disks_alloc);
	for (int i = 0; i < ds->disks_nr; i++) {
		const vmon_sys_disk_t *d = &ds->disks[i];

		FUZZ_CHECK(d->name.array && d->name.len && !d->name.array[d->name.len]);
		FUZZ_CHECK(!(d->is_new && d->is_stale));
		if (!d->is_stale)
			continue;
		FUZZ_CHECK(!vmon__bits_any(d->changed, VMON_SYS_DISK_NR));
		for (int k = 0; k < VMON_SYS_DISK_NR; k++)
			FUZZ_CHECK(BITTEST(d->unavailable, k));
	}
}

static bool any_changed(const vmon_sys_diskstats_t *ds)
{
	for (int i = 0; i < ds->disks_nr; i++)
		if (ds->disks[i].is_new || ds->disks[i].is_stale ||
		    vmon__bits_any(ds->disks[i].changed, VMON_SYS_DISK_NR))
			return true;
	return vmon__bits_any(ds->changed, VMON_SYS_DISKSTATS_NR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_diskstats_t ds;

	memset(&ds, 0, sizeof(ds));
	FUZZ_CHECK(vmon__parse_sys_diskstats(&ds, (const char *)data, size) == 0);
	check(&ds);
	FUZZ_CHECK(vmon__parse_sys_diskstats(&ds, (const char *)data, size) == 0);
	FUZZ_CHECK(!any_changed(&ds));
	FUZZ_CHECK(vmon__parse_sys_diskstats(&ds, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&ds);
	vmon__sys_diskstats_free(&ds);
	return 0;
}
