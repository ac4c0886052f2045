/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_smaps_rollup.c - libFuzzer target for
 * vmon__parse_proc_smaps_rollup() (keyed lines, and USS derived from
 * them).  Checks that USS is the sum of the private fields whenever all
 * three are available.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_proc_smaps_rollup_t *sr)
{
	if (!BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_USS_KB))
		FUZZ_CHECK(sr->uss_kb == sr->private_clean_kb + sr->private_dirty_kb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_smaps_rollup_t sr;

	memset(&sr, 0, sizeof(sr));
	FUZZ_CHECK(vmon__parse_proc_smaps_rollup(&sr, (const char *)data, size) == 0);
	check(&sr);
	FUZZ_CHECK(vmon__parse_proc_smaps_rollup(&sr, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(sr.changed, VMON_PROC_SMAPS_ROLLUP_NR));
	FUZZ_CHECK(vmon__parse_proc_smaps_rollup(&sr, FUZZ_TAIL(data, size),
						 FUZZ_TAIL_LEN(size)) == 0);
	check(&sr);
	return 0;
}
