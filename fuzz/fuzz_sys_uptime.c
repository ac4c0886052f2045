/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_uptime.c - libFuzzer target for vmon__parse_sys_uptime(), the
 * /proc/uptime parser.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_uptime_t up;

	memset(&up, 0, sizeof(up));
	FUZZ_CHECK(vmon__parse_sys_uptime(&up, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_sys_uptime(&up, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(up.changed, VMON_SYS_UPTIME_NR));
	FUZZ_CHECK(vmon__parse_sys_uptime(&up, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
