/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_ns.c - libFuzzer target for vmon__parse_proc_ns(), the parser
 * of the /proc/PID/ns link targets ("TYPE:[INODE]" lines).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_ns_t ns;

	memset(&ns, 0, sizeof(ns));
	FUZZ_CHECK(vmon__parse_proc_ns(&ns, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_proc_ns(&ns, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(ns.changed, VMON_PROC_NS_NR));
	FUZZ_CHECK(vmon__parse_proc_ns(&ns, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
