/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_pressure.c - libFuzzer target for vmon__parse_sys_pressure(),
 * the parser of /proc/pressure/{cpu,memory,io} ("some"/"full" lines of
 * key=value pairs).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_pressure_t ps;

	memset(&ps, 0, sizeof(ps));
	FUZZ_CHECK(vmon__parse_sys_pressure(&ps, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_sys_pressure(&ps, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(ps.changed, VMON_SYS_PRESSURE_NR));
	FUZZ_CHECK(vmon__parse_sys_pressure(&ps, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
