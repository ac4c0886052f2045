/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_cmdline.c - libFuzzer target for vmon__parse_cmdline(), which keeps
 * the raw /proc/PID/cmdline bytes and splits them into argv (titles
 * rewritten without NULs, padding NULs, empty command lines,
 * docs/design/kernel.md A7-A10).  The split is checked against a separate
 * reference: one argument per NUL-terminated run, plus the bytes after the
 * last NUL if any, argv[argc] NULL, every pointer into cmdline.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_proc_stat_t *st, const char *buf, size_t len)
{
	size_t start = 0;
	int argc = 0;

	FUZZ_CHECK(st->cmdline.len == len && st->cmdline.array);
	FUZZ_CHECK(!memcmp(st->cmdline.array, buf, len) && st->cmdline.array[len] == '\0');
	for (size_t i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\0')
			continue;
		if (i == len && start == len)	/* nothing after the last NUL */
			break;
		FUZZ_CHECK(argc < st->argc);
		FUZZ_CHECK(st->argv[argc] == st->cmdline.array + start);
		FUZZ_CHECK(strlen(st->argv[argc]) == i - start);
		argc++;
		start = i + 1;
	}
	FUZZ_CHECK(argc == st->argc);
	FUZZ_CHECK(st->argv && st->argv[argc] == NULL);
	FUZZ_CHECK(!BITTEST(st->unavailable, VMON_PROC_STAT_CMDLINE) &&
		   !BITTEST(st->unavailable, VMON_PROC_STAT_ARGC) &&
		   !BITTEST(st->unavailable, VMON_PROC_STAT_ARGV));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	vmon_proc_stat_t st;

	memset(&st, 0, sizeof(st));
	FUZZ_CHECK(vmon__parse_cmdline(&st, buf, size) == 0);
	check(&st, buf, size);
	memset(st.changed, 0, sizeof(st.changed));
	FUZZ_CHECK(vmon__parse_cmdline(&st, buf, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));
	FUZZ_CHECK(vmon__parse_cmdline(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	vmon__proc_stat_free(&st);
	return 0;
}
