/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_loadavg.c - libFuzzer target for vmon__parse_sys_loadavg(), the
 * /proc/loadavg parser (two-decimal figures kept in hundredths).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_loadavg_t la;

	memset(&la, 0, sizeof(la));
	FUZZ_CHECK(vmon__parse_sys_loadavg(&la, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_sys_loadavg(&la, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(la.changed, VMON_SYS_LOADAVG_NR));
	FUZZ_CHECK(vmon__parse_sys_loadavg(&la, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
