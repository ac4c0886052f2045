/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_sched.c - libFuzzer target for vmon__parse_proc_sched() and
 * vmon__parse_proc_sched_stat(): the input is read as a schedstat line
 * and as a stat line (fields 40-42 after the last ')').
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void parse(vmon_proc_sched_t *sc, const char *buf, size_t len)
{
	FUZZ_CHECK(vmon__parse_proc_sched(sc, buf, len) == 0);
	FUZZ_CHECK(vmon__parse_proc_sched_stat(sc, buf, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_sched_t sc;

	memset(&sc, 0, sizeof(sc));
	parse(&sc, (const char *)data, size);
	parse(&sc, (const char *)data, size);
	FUZZ_CHECK(!vmon__bits_any(sc.changed, VMON_PROC_SCHED_NR));
	parse(&sc, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
