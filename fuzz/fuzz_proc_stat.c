/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_stat.c - libFuzzer target for vmon__parse_proc_stat(), the
 * /proc/PID/stat parser, whose comm field any user chooses (names such as
 * "x) R 1 2 3" or with newlines, docs/design/kernel.md A1-A6).  Checks that
 * comm is exactly the bytes between the first '(' and the last ')', or
 * unavailable when the document has no such pair.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check_comm(const vmon_proc_stat_t *st, const char *buf, size_t len)
{
	const char *open = memchr(buf, '(', len), *close = memrchr(buf, ')', len);

	if (!open || !close || close < open) {
		FUZZ_CHECK(BITTEST(st->unavailable, VMON_PROC_STAT_COMM));
		return;
	}
	FUZZ_CHECK(!BITTEST(st->unavailable, VMON_PROC_STAT_COMM));
	FUZZ_CHECK(st->comm.len == (size_t)(close - open));	/* its NUL counted */
	FUZZ_CHECK(!memcmp(st->comm.array, open + 1, st->comm.len - 1));
	FUZZ_CHECK(st->comm.array[st->comm.len - 1] == '\0');
	FUZZ_CHECK(st->comm.array[st->comm.len] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	vmon_proc_stat_t st;

	memset(&st, 0, sizeof(st));
	FUZZ_CHECK(vmon__parse_proc_stat(&st, buf, size) == 0);
	check_comm(&st, buf, size);
	memset(st.changed, 0, sizeof(st.changed));
	FUZZ_CHECK(vmon__parse_proc_stat(&st, buf, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));
	memset(st.changed, 0, sizeof(st.changed));
	FUZZ_CHECK(vmon__parse_proc_stat(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check_comm(&st, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	vmon__proc_stat_free(&st);
	return 0;
}
