/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_cgroup.c - libFuzzer target for vmon__parse_proc_cgroup(), the
 * /proc/PID/cgroup parser and its container and unit hints (paths any
 * process with cgroup write access chooses).  Checks that the v1 lines
 * are consistent and the hints bounded.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check_chars(const vmon_char_array_t *ca)
{
	FUZZ_CHECK(!ca->array ? !ca->len : ca->len < ca->alloc_len && !ca->array[ca->len]);
}

static void check(const vmon_proc_cgroup_t *cg)
{
	FUZZ_CHECK(cg->v1_nr >= 0 && (!cg->v1_nr || cg->v1));
	for (int i = 0; i < cg->v1_nr; i++) {
		check_chars(&cg->v1[i].controllers);
		check_chars(&cg->v1[i].path);
		FUZZ_CHECK(cg->v1[i].hierarchy >= 0);
	}
	check_chars(&cg->path);
	check_chars(&cg->container);
	check_chars(&cg->unit);
	FUZZ_CHECK(cg->container.len <= 256 + 16 && cg->unit.len <= 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_cgroup_t cg;

	memset(&cg, 0, sizeof(cg));
	FUZZ_CHECK(vmon__parse_proc_cgroup(&cg, (const char *)data, size) == 0);
	check(&cg);
	FUZZ_CHECK(vmon__parse_proc_cgroup(&cg, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(cg.changed, VMON_PROC_CGROUP_NR));
	FUZZ_CHECK(vmon__parse_proc_cgroup(&cg, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&cg);
	vmon__proc_cgroup_free(&cg);
	return 0;
}
