/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_io.c - libFuzzer target for vmon__parse_proc_io(), the
 * /proc/PID/io parser (keyed lines, like meminfo).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_io_t io;

	memset(&io, 0, sizeof(io));
	FUZZ_CHECK(vmon__parse_proc_io(&io, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_proc_io(&io, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(io.changed, VMON_PROC_IO_NR));
	FUZZ_CHECK(vmon__parse_proc_io(&io, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
