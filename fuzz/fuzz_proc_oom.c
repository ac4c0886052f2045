/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_oom.c - libFuzzer target for vmon__parse_proc_oom(), the
 * parser of oom_score and oom_score_adj (one number per line).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_oom_t oom;

	memset(&oom, 0, sizeof(oom));
	FUZZ_CHECK(vmon__parse_proc_oom(&oom, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_proc_oom(&oom, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(oom.changed, VMON_PROC_OOM_NR));
	FUZZ_CHECK(vmon__parse_proc_oom(&oom, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
