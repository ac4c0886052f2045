/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_proc_stat.c - vmon__parse_proc_stat(), the parser of
 * /proc/PID/stat (proc_pid_stat(5)).
 *
 * Any user picks their process name, so comm must end at the *last* ')' of
 * the whole file (docs/design/kernel.md A1-A3, K1-K3); every field after it
 * is counted from there and checked here against its number in proc(5),
 * from a table written by hand rather than taken from proc_stat.def.  Old
 * and odd kernels print fewer or more fields (A4), and numbers reach the
 * edges of their types (A6): a missing or malformed field must be marked
 * unavailable, never shift the others or wrap silently.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test.h"

#define PID 1234
#define VAL(pos) (1000 + (pos))	/* the value of field pos in stat_line() */

/* symbol -> field number in proc_pid_stat(5), written from the man page */
static const struct {
	int sym;
	int pos;
} stat_pos[] = {
	{ VMON_PROC_STAT_STATE, 3 },	{ VMON_PROC_STAT_PPID, 4 },
	{ VMON_PROC_STAT_PGID, 5 },	{ VMON_PROC_STAT_SID, 6 },
	{ VMON_PROC_STAT_TTY_NR, 7 },	{ VMON_PROC_STAT_TPGID, 8 },
	{ VMON_PROC_STAT_FLAGS, 9 },	{ VMON_PROC_STAT_MINFLT, 10 },
	{ VMON_PROC_STAT_CMINFLT, 11 },	{ VMON_PROC_STAT_MAJFLT, 12 },
	{ VMON_PROC_STAT_CMAJFLT, 13 },	{ VMON_PROC_STAT_UTIME, 14 },
	{ VMON_PROC_STAT_STIME, 15 },	{ VMON_PROC_STAT_CUTIME, 16 },
	{ VMON_PROC_STAT_CSTIME, 17 },	{ VMON_PROC_STAT_PRIORITY, 18 },
	{ VMON_PROC_STAT_NICE, 19 },	{ VMON_PROC_STAT_NUM_THREADS, 20 },
	{ VMON_PROC_STAT_START, 22 },	{ VMON_PROC_STAT_VSIZE, 23 },
	{ VMON_PROC_STAT_RSS, 24 },	{ VMON_PROC_STAT_RSSLIM, 25 },
	{ VMON_PROC_STAT_WCHAN_ADDR, 35 }, { VMON_PROC_STAT_PROCESSOR, 39 },
	{ VMON_PROC_STAT_DELAY_BLKIO, 42 }, { VMON_PROC_STAT_GUEST_TIME, 43 },
	{ VMON_PROC_STAT_CGUEST_TIME, 44 }, { VMON_PROC_STAT_STARTCODE, 26 },
	{ VMON_PROC_STAT_ENDCODE, 27 },	{ VMON_PROC_STAT_STARTSTACK, 28 },
};

/* "1234 (COMM) S f4 ... fLAST\n" with field n = VAL(n); comm may hold any
 * byte but NUL.  Returns the length. */
static size_t stat_line(char *buf, size_t size, const char *comm, size_t comm_len, int last)
{
	size_t n = snprintf(buf, size, "%d (", PID);

	memcpy(buf + n, comm, comm_len);
	n += comm_len;
	n += snprintf(buf + n, size - n, ")");
	if (last >= 3)
		n += snprintf(buf + n, size - n, " S");
	for (int pos = 4; pos <= last; pos++)
		n += snprintf(buf + n, size - n, " %d", VAL(pos));
	n += snprintf(buf + n, size - n, "\n");
	ASSERT(n < size);
	return n;
}

/* the value of scalar field sym, whatever its type, as a long long */
static long long field_value(const vmon_proc_stat_t *st, int sym)
{
	const vmon_field_t *f = &vmon__proc_stat_info.fields[sym];
	const char *m = (const char *)st + f->offset;

	switch (f->type) {
	case VMON_FIELD_ULL: return (long long)*(const unsigned long long *)m;
	case VMON_FIELD_LL: return *(const long long *)m;
	case VMON_FIELD_INT: return *(const int *)m;
	case VMON_FIELD_CHAR: return *m;
	default: ASSERT_MSG(0, "field %d is not a scalar", sym);
	}
	return 0;
}

/* Check a parse of stat_line(..., last): fields up to last are right and
 * available, the others unavailable. */
static void check_fields(const vmon_proc_stat_t *st, int last)
{
	ASSERT_EQ(st->pid, PID);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_PID));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_COMM));
	for (size_t i = 0; i < VMON__ARRAY_SIZE(stat_pos); i++) {
		int sym = stat_pos[i].sym, pos = stat_pos[i].pos;
		bool unavail = BITTEST(st->unavailable, sym) != 0;

		if (pos > last) {
			ASSERT_MSG(unavail, "last %d: field %d (%s) not unavailable", last, pos,
				   vmon__proc_stat_info.fields[sym].name);
			continue;
		}
		ASSERT_MSG(!unavail, "last %d: field %d (%s) unavailable", last, pos,
			   vmon__proc_stat_info.fields[sym].name);
		ASSERT_MSG(field_value(st, sym) == (pos == 3 ? 'S' : VAL(pos)),
			   "last %d: field %d (%s) = %lld", last, pos,
			   vmon__proc_stat_info.fields[sym].name, field_value(st, sym));
	}
}

/* parse a full 52-field line named comm[0 .. len) into a fresh store and
 * check comm and every field */
static void check_comm(const char *comm, size_t len)
{
	vmon_proc_stat_t st = { 0 };
	char buf[1024];
	size_t n = stat_line(buf, sizeof(buf), comm, len, 52);

	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	ASSERT_EQ(st.comm.len, len + 1);	/* the NUL counted, as the original */
	ASSERT(st.comm.array);
	ASSERT(!memcmp(st.comm.array, comm, len));
	ASSERT_EQ(st.comm.array[len], '\0');
	check_fields(&st, 52);
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_every_field_by_number)
{
	vmon_proc_stat_t st = { 0 };
	char buf[1024];
	size_t n = stat_line(buf, sizeof(buf), "cat", 3, 52);

	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	check_fields(&st, 52);
	/* the same, member by member, so a wrong .def source shows by name */
	ASSERT_EQ(st.state, 'S');
	ASSERT_EQ(st.ppid, VAL(4));
	ASSERT_EQ(st.pgrp, VAL(5));
	ASSERT_EQ(st.sid, VAL(6));
	ASSERT_EQ(st.tty_nr, VAL(7));
	ASSERT_EQ(st.tpgid, VAL(8));
	ASSERT_EQ(st.flags, VAL(9));
	ASSERT_EQ(st.minflt, VAL(10));
	ASSERT_EQ(st.cminflt, VAL(11));
	ASSERT_EQ(st.majflt, VAL(12));
	ASSERT_EQ(st.cmajflt, VAL(13));
	ASSERT_EQ(st.utime, VAL(14));
	ASSERT_EQ(st.stime, VAL(15));
	ASSERT_EQ(st.cutime, VAL(16));
	ASSERT_EQ(st.cstime, VAL(17));
	ASSERT_EQ(st.priority, VAL(18));
	ASSERT_EQ(st.nice, VAL(19));
	ASSERT_EQ(st.num_threads, VAL(20));
	ASSERT_EQ(st.start, VAL(22));
	ASSERT_EQ(st.vsize, VAL(23));
	ASSERT_EQ(st.rss, VAL(24));
	ASSERT_EQ(st.rsslim, VAL(25));
	ASSERT_EQ(st.wchan_addr, VAL(35));
	ASSERT_EQ(st.processor, VAL(39));
	ASSERT_EQ(st.delay_blkio, VAL(42));
	ASSERT_EQ(st.guest_time, VAL(43));
	ASSERT_EQ(st.cguest_time, VAL(44));
	ASSERT_EQ(st.startcode, VAL(26));
	ASSERT_EQ(st.endcode, VAL(27));
	ASSERT_EQ(st.startstack, VAL(28));
	/* and the table covers every scalar of the store */
	ASSERT_EQ(VMON__ARRAY_SIZE(stat_pos) + 1 /* pid */ + 6 /* companions */,
		  VMON_PROC_STAT_NR);
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_comm_spoofed_fields)
{
	check_comm("x) R 1 2 3", 10);		/* K1 */
	check_comm("a) Z 1 1 1\n", 11);		/* K2: a newline in the name */
	check_comm("x) (", 4);
	check_comm(") (", 3);
	check_comm("))))", 4);
	check_comm("((sd-pam))", 10);
	check_comm("a b", 3);
}

TEST(parse_stat_comm_empty_and_all_parens)
{
	check_comm("", 0);
	check_comm("(((( ))))", 9);
}

TEST(parse_stat_comm_kthread_63_bytes)
{
	char name[64];

	memset(name, 'k', 63);
	memcpy(name, "kworker/u8:0-ext4-rsv-conversion", 32);
	check_comm(name, 63);
}

TEST(parse_stat_comm_control_bytes)
{
	static const char name[] = "\x1b[2J\x01\xff\x7f\t";

	check_comm(name, sizeof(name) - 1);
}

TEST(parse_stat_truncated_after_each_field)
{
	char buf[1024];

	/* a fresh store each time, then one store reused: a missing field is
	 * unavailable and keeps its last value */
	for (int last = 3; last <= 52; last++) {
		vmon_proc_stat_t st = { 0 };
		size_t n = stat_line(buf, sizeof(buf), "t", 1, last);

		ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
		check_fields(&st, last);
		/* the same, without the newline */
		ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n - 1), 0);
		check_fields(&st, last);
		vmon__proc_stat_free(&st);
	}
	vmon_proc_stat_t st = { 0 };
	size_t n = stat_line(buf, sizeof(buf), "t", 1, 52);

	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	n = stat_line(buf, sizeof(buf), "t", 1, 10);
	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	check_fields(&st, 10);
	ASSERT_EQ(st.utime, VAL(14));	/* kept, but marked unavailable */
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_not_a_stat_line)
{
	static const char *bad[] = { "", "1234", "1234 (x", "1234 )x( S 1", "\n" };
	vmon_proc_stat_t st = { 0 };

	for (size_t i = 0; i < VMON__ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(vmon__parse_proc_stat(&st, bad[i], strlen(bad[i])), 0);
		ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_COMM));
		ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_PID));
		ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_STATE));
		ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_CGUEST_TIME));
	}
	/* only "(x)": comm is there, nothing after it */
	ASSERT_EQ(vmon__parse_proc_stat(&st, "1234 (x)", 8), 0);
	ASSERT_EQ(st.comm.len, 2);
	ASSERT_EQ(st.pid, PID);
	check_fields(&st, 2);
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_60_fields_and_junk)
{
	vmon_proc_stat_t st = { 0 };
	char buf[1024];
	size_t n = stat_line(buf, sizeof(buf), "many", 4, 60);

	/* replace the newline with junk tokens after field 60 (no ')': the
	 * kernel prints none after comm, and one would be the last) */
	n += snprintf(buf + n - 1, sizeof(buf) - n + 1, " junk -x 0x12 ((( \xff\n") - 1;
	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	check_fields(&st, 52);
	vmon__proc_stat_free(&st);
}

/* parse "1234 (e) S" + the given fields 4 onwards */
static void parse_tail(vmon_proc_stat_t *st, const char *tail)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%d (e) S %s\n", PID, tail);

	ASSERT_EQ(vmon__parse_proc_stat(st, buf, n), 0);
}

TEST(parse_stat_numeric_edges)
{
	vmon_proc_stat_t st = { 0 };

	/* fields 4..25: ppid pgrp sid tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice threads 0 start vsize
	 * rss rsslim */
	parse_tail(&st, "7 -0 1 0 -1 18446744073709551615 0 0 0 0 0 0 -9223372036854775808 "
		   "9223372036854775807 -100 -20 1 0 0 0 0 18446744073709551615");
	ASSERT_EQ(st.ppid, 7);
	ASSERT_EQ(st.pgrp, 0);		/* "-0" */
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_PGID));
	ASSERT_EQ(st.tpgid, -1);
	ASSERT_ULL_EQ(st.flags, ULLONG_MAX);
	ASSERT_EQ(st.cutime, LLONG_MIN);
	ASSERT_EQ(st.cstime, LLONG_MAX);
	ASSERT_EQ(st.priority, -100);
	ASSERT_EQ(st.nice, -20);
	ASSERT_ULL_EQ(st.rsslim, ULLONG_MAX);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_RSSLIM));

	/* u64 max + 1, a 20-digit overflow, a sign on an unsigned value, a
	 * leading '+', ll overflow on both sides, a trailing letter: each of
	 * these fields is unavailable and keeps its last value */
	parse_tail(&st, "+5 1 1 0 -1 18446744073709551616 -1 99999999999999999999 0 0 7x 0 "
		   "-9223372036854775809 9223372036854775808 -100 -20 1 0 0 0 0 "
		   "18446744073709551616");
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_PPID));
	ASSERT_EQ(st.ppid, 7);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_FLAGS));
	ASSERT_ULL_EQ(st.flags, ULLONG_MAX);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_MINFLT));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_CMINFLT));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_UTIME));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_CUTIME));
	ASSERT_EQ(st.cutime, LLONG_MIN);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_CSTIME));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_RSSLIM));
	ASSERT_ULL_EQ(st.rsslim, ULLONG_MAX);
	/* the fields between them are still found in place */
	ASSERT_EQ(st.pgrp, 1);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_PGID));
	ASSERT_EQ(st.tpgid, -1);
	ASSERT_EQ(st.majflt, 0);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_MAJFLT));
	ASSERT_EQ(st.stime, 0);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_STIME));
	ASSERT_EQ(st.priority, -100);
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_bad_pid_and_state)
{
	vmon_proc_stat_t st = { 0 };
	const char line[] = "2147483648 (big) RS 1\n";

	/* pid beyond int, a two-letter state */
	ASSERT_EQ(vmon__parse_proc_stat(&st, line, sizeof(line) - 1), 0);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_PID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_STATE));
	ASSERT_EQ(st.ppid, 1);
	ASSERT_EQ(st.comm.len, 4);
	vmon__proc_stat_free(&st);
}

TEST(parse_stat_empty_token)
{
	vmon_proc_stat_t st = { 0 };
	const vmon_field_t *f = &vmon__proc_stat_info.fields[VMON_PROC_STAT_TPGID];
	const char *tok = "-1";

	ASSERT_EQ(vmon__field_parse(f, &st, st.changed, st.unavailable, tok, tok + 2), 0);
	ASSERT_EQ(st.tpgid, -1);
	ASSERT(!BITTEST(st.unavailable, VMON_PROC_STAT_TPGID));
	ASSERT_EQ(vmon__field_parse(f, &st, st.changed, st.unavailable, tok, tok), -EINVAL);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_TPGID));
	ASSERT_EQ(st.tpgid, -1);
	/* "-" alone is no number either */
	ASSERT_EQ(vmon__field_parse(f, &st, st.changed, st.unavailable, tok, tok + 1), -EINVAL);
}

TEST(parse_stat_changed_bits_exact)
{
	vmon_proc_stat_t st = { 0 };
	char buf[1024];
	size_t n = stat_line(buf, sizeof(buf), "c", 1, 52);
	char *utime;

	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	/* every value differs from the zeroed store */
	for (size_t i = 0; i < VMON__ARRAY_SIZE(stat_pos); i++)
		ASSERT(BITTEST(st.changed, stat_pos[i].sym));
	ASSERT(BITTEST(st.changed, VMON_PROC_STAT_COMM));
	ASSERT(BITTEST(st.changed, VMON_PROC_STAT_PID));

	/* the same line again: nothing changed (the sampler clears changed[]
	 * before each sample: stat is one of several files of this store) */
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	ASSERT(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));

	/* utime (field 14) 1014 -> 1015: only its bit */
	utime = strstr(buf, " 1014 ");
	ASSERT(utime);
	utime[4] = '5';
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	ASSERT_EQ(st.utime, 1015);
	for (int sym = 0; sym < VMON_PROC_STAT_NR; sym++)
		ASSERT_MSG(!BITTEST(st.changed, sym) == (sym != VMON_PROC_STAT_UTIME),
			   "changed bit of %s", vmon__proc_stat_info.fields[sym].name);

	/* a new comm of the same length: only comm */
	n = stat_line(buf, sizeof(buf), "d", 1, 52);
	utime = strstr(buf, " 1014 ");
	utime[4] = '5';
	memset(st.changed, 0, sizeof(st.changed));
	ASSERT_EQ(vmon__parse_proc_stat(&st, buf, n), 0);
	for (int sym = 0; sym < VMON_PROC_STAT_NR; sym++)
		ASSERT_MSG(!BITTEST(st.changed, sym) == (sym != VMON_PROC_STAT_COMM),
			   "changed bit of %s", vmon__proc_stat_info.fields[sym].name);
	ASSERT_EQ(st.comm.array[0], 'd');
	vmon__proc_stat_free(&st);
}
