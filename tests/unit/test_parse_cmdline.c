/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_cmdline.c - vmon__parse_cmdline(): /proc/PID/cmdline's raw
 * bytes into cmdline, argc and argv.
 *
 * The seed built argv without its terminating NULL and without argc == 0
 * (defect 9 of docs/design/defects.md); kernel threads and zombies read 0
 * bytes (docs/design/kernel.md A9); setproctitle users leave no trailing
 * NUL or pad with NULs (A7, K11); a title that gets shorter must leave none
 * of the old bytes (A10).  An allocation failure must leave a store that
 * the next parse makes right (D5).
 */
#include <errno.h>
#include <string.h>

#include "fault.h"
#include "parse.h"
#include "test.h"

/* parse len bytes, then check argc, every argument and the raw bytes */
static void parse_check(vmon_proc_stat_t *st, const char *buf, size_t len,
			int argc, const char *const *args)
{
	ASSERT_EQ(vmon__parse_cmdline(st, buf, len), 0);
	ASSERT_EQ(st->cmdline.len, len);
	ASSERT(st->cmdline.array);
	ASSERT(!memcmp(st->cmdline.array, buf, len));
	ASSERT_EQ(st->cmdline.array[len], '\0');
	ASSERT_EQ(st->argc, argc);
	ASSERT(st->argv);
	for (int i = 0; i < argc; i++) {
		ASSERT(st->argv[i]);
		ASSERT_STREQ(st->argv[i], args[i]);
		/* pointers into cmdline, not copies */
		ASSERT(st->argv[i] >= st->cmdline.array &&
		       st->argv[i] <= st->cmdline.array + len);
	}
	ASSERT(st->argv[argc] == NULL);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_CMDLINE));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_ARGC));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_ARGV));
}

TEST(parse_cmdline_nul_separated)
{
	static const char *const args[] = { "a", "b" };
	vmon_proc_stat_t st = { 0 };

	parse_check(&st, "a\0b\0", 4, 2, args);
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_empty)
{
	vmon_proc_stat_t st = { 0 };

	parse_check(&st, "", 0, 0, NULL);
	ASSERT(st.argv[0] == NULL);
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_no_trailing_nul)
{
	static const char *const one[] = { "a b c" };
	static const char *const two[] = { "a", "b c" };
	static const char *const spaced[] = { "a b " };
	vmon_proc_stat_t st = { 0 };

	parse_check(&st, "a b c", 5, 1, one);
	/* the bytes after the last NUL are one more argument */
	parse_check(&st, "a\0b c", 5, 2, two);
	/* setproctitle with spaces as separators */
	parse_check(&st, "a b ", 4, 1, spaced);
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_padded_nuls)
{
	static const char *const args[] = { "t", "", "" };
	vmon_proc_stat_t st = { 0 };

	parse_check(&st, "t\0\0\0", 4, 3, args);
	/* stable: the same bytes again change nothing */
	memset(st.changed, 0, sizeof(st.changed));
	parse_check(&st, "t\0\0\0", 4, 3, args);
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_long_to_short_no_stale_bytes)
{
	static const char long_title[] = "a-rather-long-process-title\0--with\0--arguments\0";
	static const char *const long_args[] = { "a-rather-long-process-title", "--with",
						 "--arguments" };
	static const char *const short_args[] = { "short" };
	vmon_proc_stat_t st = { 0 };
	char out[128];

	parse_check(&st, long_title, sizeof(long_title) - 1, 3, long_args);
	parse_check(&st, "short\0", 6, 1, short_args);
	ASSERT_EQ(strlen(st.cmdline.array), 5);
	ASSERT_EQ(strlen(st.argv[0]), 5);
	ASSERT(!memmem(st.cmdline.array, st.cmdline.len, "title", 5));
	ASSERT_EQ(vmon_field_format(&vmon__proc_stat_info, &st, VMON_PROC_STAT_ARGV,
				    out, sizeof(out)), 5);
	ASSERT_STREQ(out, "short");
	ASSERT_EQ(vmon_field_format(&vmon__proc_stat_info, &st, VMON_PROC_STAT_CMDLINE,
				    out, sizeof(out)), 9);
	ASSERT_STREQ(out, "short\\x00");
	/* and a title without a NUL, shorter again */
	parse_check(&st, "sh", 2, 1, (const char *const[]){ "sh" });
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_short_to_long_reallocates)
{
	static const char *const args[] = { "x" };
	vmon_proc_stat_t st = { 0 };
	char big[8192];
	const char *bigargs[4];

	parse_check(&st, "x\0", 2, 1, args);
	/* four 2047-byte arguments: cmdline grows, argv points into the new
	 * bytes */
	for (int i = 0; i < 4; i++) {
		memset(big + i * 2048, 'a' + i, 2047);
		big[i * 2048 + 2047] = '\0';
		bigargs[i] = big + i * 2048;
	}
	parse_check(&st, big, sizeof(big), 4, bigargs);
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_changed_bits)
{
	vmon_proc_stat_t st = { 0 };
	static const int syms[] = { VMON_PROC_STAT_CMDLINE, VMON_PROC_STAT_ARGC,
				    VMON_PROC_STAT_ARGV };

	ASSERT_EQ(vmon__parse_cmdline(&st, "a\0b\0", 4), 0);
	for (size_t i = 0; i < VMON__ARRAY_SIZE(syms); i++)
		ASSERT(BITTEST(st.changed, syms[i]));

	/* the same bytes: no bit at all */
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_cmdline(&st, "a\0b\0", 4), 0);
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));

	/* other bytes, same count: cmdline and argv, not argc */
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_cmdline(&st, "a\0c\0", 4), 0);
	ASSERT(BITTEST(st.changed, VMON_PROC_STAT_CMDLINE));
	ASSERT(BITTEST(st.changed, VMON_PROC_STAT_ARGV));
	ASSERT(!BITTEST(st.changed, VMON_PROC_STAT_ARGC));
	ASSERT_STREQ(st.argv[1], "c");

	/* one argument more: all three, and nothing else */
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_cmdline(&st, "a\0c\0d\0", 6), 0);
	ASSERT_EQ(st.argc, 3);
	for (int sym = 0; sym < VMON_PROC_STAT_NR; sym++)
		ASSERT_MSG(!BITTEST(st.changed, sym) ==
			   (sym != VMON_PROC_STAT_CMDLINE && sym != VMON_PROC_STAT_ARGC &&
			    sym != VMON_PROC_STAT_ARGV),
			   "changed bit of %s", vmon__proc_stat_info.fields[sym].name);

	/* down to nothing (the process became a zombie): argc 0 */
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_cmdline(&st, "", 0), 0);
	ASSERT_EQ(st.argc, 0);
	ASSERT(st.argv[0] == NULL);
	for (size_t i = 0; i < VMON__ARRAY_SIZE(syms); i++)
		ASSERT(BITTEST(st.changed, syms[i]));
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_clears_unavailable)
{
	vmon_proc_stat_t st = { 0 };

	BITSET(st.unavailable, VMON_PROC_STAT_CMDLINE);
	BITSET(st.unavailable, VMON_PROC_STAT_ARGC);
	BITSET(st.unavailable, VMON_PROC_STAT_ARGV);
	BITSET(st.unavailable, VMON_PROC_STAT_EXE);
	ASSERT_EQ(vmon__parse_cmdline(&st, "x\0", 2), 0);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_CMDLINE));
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_ARGC));
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_ARGV));
	/* a field of another file is not its business */
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_EXE));
	vmon__proc_stat_free(&st);
}

TEST(parse_cmdline_nomem_then_retry)
{
	static const char longer[] = "a-much-longer-first-argument\0second\0";
	static const char *const args[] = { "a-much-longer-first-argument", "second" };
	struct vmon_fault_plan fail_2nd = { .armed = 1, .countdown = 2, .err = ENOMEM };
	vmon_proc_stat_t st = { 0 };

	parse_check(&st, "a\0", 2, 1, (const char *const[]){ "a" });
	/* cmdline grows (allocation 1), then argv cannot (allocation 2) */
	vmon_test_fault_set(VMON__FAULT_ALLOC, &fail_2nd);
	ASSERT_EQ(vmon__parse_cmdline(&st, longer, sizeof(longer) - 1), -ENOMEM);
	ASSERT_EQ(vmon_test_fault_fired(), 1);
	vmon_test_fault_clear();
	/* the next sample reads the same bytes: argc and argv must follow */
	memset(st.changed, 0, sizeof(st.changed));
	parse_check(&st, longer, sizeof(longer) - 1, 2, args);
	vmon__proc_stat_free(&st);
}
