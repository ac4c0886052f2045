/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_status.c - libFuzzer target for vmon__parse_proc_status(), the
 * /proc/PID/status parser (keys in any order, several values per key,
 * hexadecimal masks, the groups list, the NSpid list and the Cpus_allowed
 * bitmap).  Checks that the lists and the text field stay consistent (the
 * innermost pid is NSpid's last, the CPU count the mask's bits) and that
 * kthread, which status does not set, is left alone.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_proc_status_t *st)
{
	FUZZ_CHECK(st->ngroups >= 0 && (!st->ngroups || st->groups));
	FUZZ_CHECK(!st->cpus_allowed_list.array ||
		   st->cpus_allowed_list.array[st->cpus_allowed_list.len] == '\0');
	FUZZ_CHECK(st->kthread == 0 && !BITTEST(st->changed, VMON_PROC_STATUS_KTHREAD));
	FUZZ_CHECK(st->nspid_nr >= 0 && (!st->nspid_nr || st->nspid));
	if (!BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_INNER))
		FUZZ_CHECK(st->nspid_nr && st->nspid_inner == st->nspid[st->nspid_nr - 1]);
	for (int i = 0; i < st->nspid_nr; i++)
		FUZZ_CHECK(st->nspid[i] > 0);
	FUZZ_CHECK(st->cpus_allowed_nr >= 0 && st->cpus_allowed_nr % 4 == 0 &&
		   (!st->cpus_allowed_nr || st->cpus_allowed));
	if (!BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT)) {
		int count = 0;

		for (int cpu = 0; cpu < st->cpus_allowed_nr; cpu++)
			count += !!BITTEST(st->cpus_allowed, cpu);
		FUZZ_CHECK(count == st->cpus_allowed_count);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_status_t st;

	memset(&st, 0, sizeof(st));
	FUZZ_CHECK(vmon__parse_proc_status(&st, (const char *)data, size) == 0);
	check(&st);
	FUZZ_CHECK(vmon__parse_proc_status(&st, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(st.changed, VMON_PROC_STATUS_NR));
	FUZZ_CHECK(vmon__parse_proc_status(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&st);
	vmon__proc_status_free(&st);
	return 0;
}
