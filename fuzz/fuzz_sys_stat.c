/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_stat.c - libFuzzer target for vmon__parse_sys_stat(), the
 * /proc/stat parser (what lxcfs, OpenVZ and CPU hotplug make of that file,
 * docs/design/kernel.md A13, A14).  Checks that per-CPU rows stay bounded
 * and that a row missing from a document is offline with every field
 * unavailable.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

static void check(const vmon_sys_stat_t *st)
{
	FUZZ_CHECK(st->cpus_nr >= 0 && st->cpus_nr <= 65536);
	FUZZ_CHECK(!st->cpus == !st->cpus_nr);
	for (int i = 0; i < st->cpus_nr; i++) {
		FUZZ_CHECK(st->cpus[i].online == 0 || st->cpus[i].online == 1);
		if (!st->cpus[i].online)
			for (int k = 0; k < VMON_SYS_CPU_NR; k++)
				FUZZ_CHECK(BITTEST(st->cpus[i].unavailable, k));
	}
}

static bool any_changed(const vmon_sys_stat_t *st)
{
	if (vmon__bits_any(st->changed, VMON_SYS_STAT_NR))
		return true;
	for (int i = 0; i < st->cpus_nr; i++)
		if (vmon__bits_any(st->cpus[i].changed, VMON_SYS_CPU_NR))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_stat_t st;

	memset(&st, 0, sizeof(st));
	FUZZ_CHECK(vmon__parse_sys_stat(&st, (const char *)data, size) == 0);
	check(&st);
	FUZZ_CHECK(vmon__parse_sys_stat(&st, (const char *)data, size) == 0);
	FUZZ_CHECK(!any_changed(&st));
	FUZZ_CHECK(vmon__parse_sys_stat(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&st);
	vmon__free(st.cpus);
	return 0;
}
