/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_vmstat.c - libFuzzer target for vmon__parse_sys_vmstat(), the
 * /proc/vmstat parser (every key kept by name in a set of rows, the known
 * ones also as members).  Checks the rows (named, never new and stale at
 * once, a name at most once among the live ones) and that the same bytes
 * again change, add and drop nothing.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_sys_vmstat_t *vs)
{
	FUZZ_CHECK(vs->keys_nr >= 0 && (size_t)vs->keys_nr <= vs->keys_alloc);
	for (int i = 0; i < vs->keys_nr; i++) {
		const vmon_sys_vmstat_key_t *k = &vs->keys[i];

		FUZZ_CHECK(k->name.array && k->name.len && !k->name.array[k->name.len]);
		FUZZ_CHECK(!(k->is_new && k->is_stale));
		for (int j = 0; j < i && !k->is_stale; j++)
			FUZZ_CHECK(vs->keys[j].is_stale || vs->keys[j].name.len != k->name.len ||
				   memcmp(vs->keys[j].name.array, k->name.array, k->name.len));
	}
}

static bool any_changed(const vmon_sys_vmstat_t *vs)
{
	for (int i = 0; i < vs->keys_nr; i++)
		if (vs->keys[i].changed || vs->keys[i].is_new || vs->keys[i].is_stale)
			return true;
	return vmon__bits_any(vs->changed, VMON_SYS_VMSTAT_NR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_vmstat_t vs;

	memset(&vs, 0, sizeof(vs));
	FUZZ_CHECK(vmon__parse_sys_vmstat(&vs, (const char *)data, size) == 0);
	check(&vs);
	FUZZ_CHECK(vmon__parse_sys_vmstat(&vs, (const char *)data, size) == 0);
	FUZZ_CHECK(!any_changed(&vs));
	FUZZ_CHECK(vmon__parse_sys_vmstat(&vs, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&vs);
	vmon__sys_vmstat_free(&vs);
	return 0;
}
