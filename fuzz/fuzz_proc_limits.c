/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_limits.c - libFuzzer target for vmon__parse_proc_limits(), the
 * /proc/PID/limits parser (lines found by their name, "unlimited" or a
 * number in two columns; truncated, repeated, reordered and missing lines).
 * Checks that vmon_proc_limits_get() agrees with the fields and their
 * unavailable bits.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_proc_limits_t *lim)
{
	for (int r = 0; r < VMON_RLIMIT_NR; r++) {
		unsigned long long soft, hard;
		bool ok = !BITTEST(lim->unavailable, 2 * r) && !BITTEST(lim->unavailable, 2 * r + 1);

		FUZZ_CHECK(vmon_proc_limits_get(lim, r, &soft, &hard) == ok);
		FUZZ_CHECK(ok || errno == ENOENT);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_limits_t lim;

	memset(&lim, 0, sizeof(lim));
	FUZZ_CHECK(vmon__parse_proc_limits(&lim, (const char *)data, size) == 0);
	check(&lim);
	FUZZ_CHECK(vmon__parse_proc_limits(&lim, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(lim.changed, VMON_PROC_LIMITS_NR));
	FUZZ_CHECK(vmon__parse_proc_limits(&lim, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&lim);
	return 0;
}
