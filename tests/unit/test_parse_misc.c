/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_misc.c - the small pieces every parser and caller relies on:
 * the number parsers (strict: an overflow is an error, never a wrapped
 * value, docs/design/kernel.md A6), the pid-list parser of the children
 * files, the field reflection API (its tables must describe the structs
 * exactly, or every generic printer and exporter reads the wrong bytes),
 * and the public companion headers list.h and bitmap.h (one small test per
 * operation, in the style of the kernel's lib/list-test.c).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "internal.h"
#include "test.h"

/* ---- vmon__parse_ull / vmon__parse_ll ---- */

static const struct {
	const char *s;
	int ok;			/* parses whole, else -EINVAL with *p and *out kept */
	unsigned long long u;
	long long l;
	int ll_ok;
} numbers[] = {
	{ "0", 1, 0, 0, 1 },
	{ "00042", 1, 42, 42, 1 },
	{ "18446744073709551615", 1, ULLONG_MAX, 0, 0 },
	{ "9223372036854775807", 1, LLONG_MAX, LLONG_MAX, 1 },
	{ "9223372036854775808", 1, 9223372036854775808ULL, 0, 0 },
	{ "18446744073709551616", 0, 0, 0, 0 },
	{ "99999999999999999999", 0, 0, 0, 0 },
	{ "-0", 0, 0, 0, 1 },
	{ "-1", 0, 0, -1, 1 },
	{ "-9223372036854775808", 0, 0, LLONG_MIN, 1 },
	{ "-9223372036854775809", 0, 0, 0, 0 },
	{ "-18446744073709551616", 0, 0, 0, 0 },
	{ "", 0, 0, 0, 0 },
	{ "-", 0, 0, 0, 0 },
	{ "--1", 0, 0, 0, 0 },
	{ "+1", 0, 0, 0, 0 },
	{ " 1", 0, 0, 0, 0 },
};

TEST(misc_parse_ull_ll_edges)
{
	for (size_t i = 0; i < VMON__ARRAY_SIZE(numbers); i++) {
		const char *s = numbers[i].s, *end = s + strlen(s), *p = s;
		unsigned long long u = 7;
		long long l = 7;

		ASSERT_MSG(vmon__parse_ull(&p, end, &u) == (numbers[i].ok ? 0 : -EINVAL), "ull %s", s);
		ASSERT_MSG(p == (numbers[i].ok ? end : s), "ull %s: end", s);
		ASSERT_MSG(u == (numbers[i].ok ? numbers[i].u : 7), "ull %s: %llu", s, u);
		p = s;
		ASSERT_MSG(vmon__parse_ll(&p, end, &l) == (numbers[i].ll_ok ? 0 : -EINVAL), "ll %s", s);
		ASSERT_MSG(p == (numbers[i].ll_ok ? end : s), "ll %s: end", s);
		ASSERT_MSG(l == (numbers[i].ll_ok ? numbers[i].l : 7), "ll %s: %lld", s, l);
	}
}

TEST(misc_parse_ull_stops)
{
	const char *s = "123abc", *p = s;
	unsigned long long v;

	/* at the first non-digit, and at end */
	ASSERT_EQ(vmon__parse_ull(&p, s + 6, &v), 0);
	ASSERT_ULL_EQ(v, 123);
	ASSERT(p == s + 3);
	p = s;
	ASSERT_EQ(vmon__parse_ull(&p, s + 2, &v), 0);
	ASSERT_ULL_EQ(v, 12);
	ASSERT(p == s + 2);
}

/* ---- vmon__parse_pids ---- */

struct pids {
	int pid[16];
	int nr;
	int stop_at;	/* return 99 when this pid is seen */
};

static int collect(void *ctx, int pid)
{
	struct pids *p = ctx;

	ASSERT(p->nr < 16);
	p->pid[p->nr++] = pid;
	return pid == p->stop_at ? 99 : 0;
}

static struct pids pids(const char *s)
{
	struct pids p = { .nr = 0 };

	ASSERT_EQ(vmon__parse_pids(s, strlen(s), collect, &p), 0);
	return p;
}

TEST(misc_parse_pids)
{
	struct pids p = pids("12 34 56 ");

	ASSERT_EQ(p.nr, 3);
	ASSERT_EQ(p.pid[0], 12);
	ASSERT_EQ(p.pid[1], 34);
	ASSERT_EQ(p.pid[2], 56);
	p = pids("7\n8");		/* other separators, no trailing one */
	ASSERT_EQ(p.nr, 2);
	ASSERT_EQ(p.pid[1], 8);
	ASSERT_EQ(pids("").nr, 0);
	ASSERT_EQ(pids(" \n ").nr, 0);
	/* never 0, never beyond int, never a wrapped overflow */
	ASSERT_EQ(pids("abc\n").nr, 0);
	ASSERT_EQ(pids("0 2147483648 99999999999999999999999 ").nr, 0);
	p = pids("2147483647 ");
	ASSERT_EQ(p.nr, 1);
	ASSERT_EQ(p.pid[0], INT_MAX);
	/* only the length given is read */
	p = (struct pids){ .nr = 0 };
	ASSERT_EQ(vmon__parse_pids("12 34", 4, collect, &p), 0);
	ASSERT_EQ(p.nr, 2);
	ASSERT_EQ(p.pid[1], 3);
}

TEST(misc_parse_pids_stops_early)
{
	struct pids p = { .nr = 0, .stop_at = 34 };

	ASSERT_EQ(vmon__parse_pids("12 34 56 ", 9, collect, &p), 99);
	ASSERT_EQ(p.nr, 2);
}

/* ---- reflection ---- */

/* what each .def row says, expanded here independently of fields.c */
struct expect {
	int sym;
	const char *name, *source;
	vmon_field_type_t type;
	size_t offset, size;
};

#define EXPECT(_m, _sym, _src, _type) \
	{ VMON_ ## _sym, #_m, #_src, _type, offsetof(EXPECT_T, _m), sizeof(((EXPECT_T *)0)->_m) },
/* each table's _end.def undefines the vmon_row_* macros: define again
 * the kinds the next table uses */
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define vmon_row_ll(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_LL)
#define vmon_row_int(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_INT)
#define vmon_row_char(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_CHAR)
#define vmon_row_str(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_STR)
#define vmon_row_strz(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_STRZ)
#define vmon_row_argv(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ARGV)
#define EXPECT_T vmon_proc_stat_t
static const struct expect proc_stat_expect[] = {
#include "vmon/defs/proc_stat.def"
};
#undef EXPECT_T
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define EXPECT_T vmon_proc_vm_t
static const struct expect proc_vm_expect[] = {
#include "vmon/defs/proc_vm.def"
};
#undef EXPECT_T
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define EXPECT_T vmon_proc_io_t
static const struct expect proc_io_expect[] = {
#include "vmon/defs/proc_io.def"
};
#undef EXPECT_T
#define vmon_row_int(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_INT)
#define vmon_row_str(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_STR)
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define vmon_row_ll(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_LL)
#define EXPECT_T vmon_proc_fd_t
static const struct expect proc_files_expect[] = {
#include "vmon/defs/proc_files.def"
};
#undef EXPECT_T
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define EXPECT_T vmon_sys_stat_t
static const struct expect sys_stat_expect[] = {
#include "vmon/defs/sys_stat.def"
};
#undef EXPECT_T
#define vmon_row_ulong(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULONG)
#define vmon_row_ulong_aka(m, aka, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULONG)
#define EXPECT_T vmon_sys_vm_t
static const struct expect sys_vm_expect[] = {
#include "vmon/defs/sys_vm.def"
};
#undef EXPECT_T
#define vmon_row_ull(m, s, src, l, d) EXPECT(m, s, src, VMON_FIELD_ULL)
#define EXPECT_T vmon_sys_cpu_t
static const struct expect sys_cpu_expect[] = {
#include "vmon/defs/sys_cpu.def"
};
#undef EXPECT_T

static void check_info(const vmon_store_info_t *info, const char *name, size_t size,
		       int nr, const struct expect *exp, size_t exp_nr, int bitmaps)
{
	ASSERT(info);
	ASSERT_STREQ(info->name, name);
	ASSERT(info->source && info->source[0]);
	ASSERT_EQ(info->size, size);
	ASSERT_EQ(info->fields_nr, nr);
	ASSERT_EQ(exp_nr, (size_t)nr);
	ASSERT_EQ(info->bitmaps, bitmaps);
	for (int i = 0; i < nr; i++) {
		const vmon_field_t *f = &info->fields[i];
		const struct expect *e = &exp[i];

		ASSERT_EQ(e->sym, i);	/* the .def rows are in symbol order */
		ASSERT_EQ(f->sym, i);
		ASSERT_STREQ(f->name, e->name);
		ASSERT_STREQ(f->source, e->source);
		ASSERT_MSG(f->type == e->type, "%s.%s: type", name, f->name);
		ASSERT_MSG(f->offset == e->offset, "%s.%s: offset %zu, member at %zu",
			   name, f->name, f->offset, e->offset);
		ASSERT(f->offset + e->size <= size);
		/* after the two bitmaps, when the store has them */
		ASSERT(f->offset >= (bitmaps ? 2 * (size_t)BITNSLOTS(nr) : 0));
		ASSERT_MSG(f->label && f->label[0] && f->desc && f->desc[0],
			   "%s.%s: label and description", name, f->name);
	}
}

TEST(misc_reflection_tables_match_structs)
{
#define CHECK(_info, _name, _type, _nr, _exp, _bm) \
	check_info(_info, _name, sizeof(_type), _nr, _exp, VMON__ARRAY_SIZE(_exp), _bm)
	CHECK(vmon_proc_store_info(VMON_STORE_PROC_STAT), "proc_stat", vmon_proc_stat_t,
	      VMON_PROC_STAT_NR, proc_stat_expect, 1);
	CHECK(vmon_proc_store_info(VMON_STORE_PROC_VM), "proc_vm", vmon_proc_vm_t,
	      VMON_PROC_VM_NR, proc_vm_expect, 1);
	CHECK(vmon_proc_store_info(VMON_STORE_PROC_IO), "proc_io", vmon_proc_io_t,
	      VMON_PROC_IO_NR, proc_io_expect, 1);
	CHECK(vmon_proc_store_info(VMON_STORE_PROC_FILES), "proc_files", vmon_proc_fd_t,
	      VMON_PROC_FILES_NR, proc_files_expect, 0);
	CHECK(vmon_sys_store_info(VMON_STORE_SYS_STAT), "sys_stat", vmon_sys_stat_t,
	      VMON_SYS_STAT_NR, sys_stat_expect, 1);
	CHECK(vmon_sys_store_info(VMON_STORE_SYS_VM), "sys_vm", vmon_sys_vm_t,
	      VMON_SYS_VM_NR, sys_vm_expect, 1);
	CHECK(vmon_sys_cpu_info(), "sys_cpu", vmon_sys_cpu_t, VMON_SYS_CPU_NR, sys_cpu_expect, 1);
#undef CHECK
	/* the bitmaps lead each store, as vmon_field_changed() assumes */
	ASSERT_EQ(offsetof(vmon_proc_stat_t, changed), 0);
	ASSERT_EQ(offsetof(vmon_proc_stat_t, unavailable), BITNSLOTS(VMON_PROC_STAT_NR));
	ASSERT_EQ(offsetof(vmon_sys_vm_t, unavailable), BITNSLOTS(VMON_SYS_VM_NR));
	ASSERT_EQ(offsetof(vmon_sys_cpu_t, unavailable), BITNSLOTS(VMON_SYS_CPU_NR));
}

TEST(misc_reflection_by_name)
{
	const vmon_store_info_t *ps = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_store_info_t *vm = vmon_sys_store_info(VMON_STORE_SYS_VM);
	const vmon_store_info_t *io = vmon_proc_store_info(VMON_STORE_PROC_IO);
	const vmon_store_info_t *ss = vmon_sys_store_info(VMON_STORE_SYS_STAT);

	ASSERT_EQ(ps->fields[VMON_PROC_STAT_UTIME].offset, offsetof(vmon_proc_stat_t, utime));
	ASSERT_STREQ(ps->fields[VMON_PROC_STAT_UTIME].source, "14");
	ASSERT_STREQ(ps->fields[VMON_PROC_STAT_UTIME].name, "utime");
	ASSERT(ps->fields[VMON_PROC_STAT_UTIME].type == VMON_FIELD_ULL);
	ASSERT(ps->fields[VMON_PROC_STAT_COMM].type == VMON_FIELD_STRZ);
	ASSERT(ps->fields[VMON_PROC_STAT_CMDLINE].type == VMON_FIELD_STR);
	ASSERT(ps->fields[VMON_PROC_STAT_ARGV].type == VMON_FIELD_ARGV);
	ASSERT(ps->fields[VMON_PROC_STAT_STATE].type == VMON_FIELD_CHAR);
	ASSERT(ps->fields[VMON_PROC_STAT_PID].type == VMON_FIELD_INT);
	ASSERT_EQ(ps->fields[VMON_PROC_STAT_ARGV].offset, offsetof(vmon_proc_stat_t, argv));
	ASSERT_STREQ(vm->fields[VMON_SYS_VM_TOTAL_KB].source, "MemTotal");
	ASSERT_EQ(vm->fields[VMON_SYS_VM_TOTAL_KB].offset, offsetof(vmon_sys_vm_t, total_kb));
	ASSERT_STREQ(vm->fields[VMON_SYS_VM_ANON_ACTIVE_KB].source, "Active(anon)");
	ASSERT_STREQ(io->fields[VMON_PROC_IO_RCHARS].source, "rchar");
	ASSERT_STREQ(ss->fields[VMON_SYS_STAT_BOOT_TIME].source, "btime");
	ASSERT_STREQ(ss->fields[VMON_SYS_STAT_BOOTTIME].source, "CLOCK_BOOTTIME");
	ASSERT_EQ(ss->fields[VMON_SYS_STAT_BOOTTIME].offset, offsetof(vmon_sys_stat_t, boottime));
	/* meminfo is unsigned long, as the original's; Committed_AS has both
	 * spellings, reflected under the right one */
	ASSERT(vm->fields[VMON_SYS_VM_TOTAL_KB].type == VMON_FIELD_ULONG);
	ASSERT_STREQ(vm->fields[VMON_SYS_VM_COMMITTED_AS_KB].name, "committed_as_kb");
	ASSERT_EQ(vm->fields[VMON_SYS_VM_COMMITTED_AS_KB].offset,
		  offsetof(vmon_sys_vm_t, commited_as_kb));
	ASSERT_EQ(ss->fields[VMON_SYS_STAT_CTXT].offset, offsetof(vmon_sys_stat_t, ctxt));
	/* the stores without fields, and the want names */
#define vmon_want(_sym, _name, _func) \
	ASSERT_STREQ(vmon_proc_store_info(VMON_STORE_ ## _sym)->name, #_name);
#include "vmon/defs/proc_wants.def"
#define vmon_want(_sym, _name, _func) \
	ASSERT_STREQ(vmon_sys_store_info(VMON_STORE_ ## _sym)->name, #_name);
#include "vmon/defs/sys_wants.def"
	ASSERT_EQ(vmon_proc_store_info(VMON_STORE_PROC_FOLLOW_CHILDREN)->fields_nr, 0);
	ASSERT_EQ(vmon_proc_store_info(VMON_STORE_PROC_FOLLOW_THREADS)->fields_nr, 0);
	errno = 0;
	ASSERT(!vmon_proc_store_info(VMON_STORE_PROC_NR));
	ASSERT_EQ(errno, EINVAL);
	errno = 0;
	ASSERT(!vmon_sys_store_info((vmon_sys_store_t)-1));
	ASSERT_EQ(errno, EINVAL);
}

TEST(misc_field_changed_unavailable)
{
	const vmon_store_info_t *info = &vmon__proc_stat_info;
	vmon_proc_stat_t st = { 0 };
	vmon_proc_fd_t fd = { 0 };

	BITSET(st.changed, VMON_PROC_STAT_CGUEST_TIME);
	BITSET(st.unavailable, VMON_PROC_STAT_EXE);
	for (int sym = 0; sym < VMON_PROC_STAT_NR; sym++) {
		ASSERT_EQ(vmon_field_changed(info, &st, sym), sym == VMON_PROC_STAT_CGUEST_TIME);
		ASSERT_EQ(vmon_field_unavailable(info, &st, sym), sym == VMON_PROC_STAT_EXE);
	}
	errno = 0;
	ASSERT_EQ(vmon_field_changed(info, &st, VMON_PROC_STAT_NR), 0);
	ASSERT_EQ(errno, EINVAL);
	errno = 0;
	ASSERT_EQ(vmon_field_unavailable(info, &st, -1), 0);
	ASSERT_EQ(errno, EINVAL);
	errno = 0;	/* no bitmaps in a vmon_proc_fd_t */
	ASSERT_EQ(vmon_field_changed(&vmon__proc_files_info, &fd, 0), 0);
	ASSERT_EQ(errno, EINVAL);
}

/* format into a buffer of every size up to the full length + 1: the
 * return is always the full length and the text its prefix, as snprintf() */
static void check_format(const vmon_store_info_t *info, const void *store, int sym,
			 const char *want)
{
	size_t len = strlen(want);
	char buf[256];

	ASSERT(len + 2 < sizeof(buf));
	for (size_t size = 0; size <= len + 1; size++) {
		memset(buf, '#', sizeof(buf));
		ASSERT_EQ(vmon_field_format(info, store, sym, buf, size), len);
		if (!size) {
			ASSERT_EQ(buf[0], '#');
			continue;
		}
		ASSERT_EQ(strlen(buf), size - 1 < len ? size - 1 : len);
		ASSERT(!strncmp(buf, want, strlen(buf)));
		ASSERT_EQ(buf[size], '#');	/* nothing written past size */
	}
}

TEST(misc_field_format)
{
	const vmon_store_info_t *info = &vmon__proc_stat_info;
	static const char comm[] = "a\x1b[2J\x01\xff z";
	vmon_proc_stat_t st = { 0 };
	char buf[8];

	st.rsslim = ULLONG_MAX;
	st.cutime = LLONG_MIN;
	st.pid = -42;
	st.state = 'R';
	ASSERT_EQ(vmon__chars_setz(&st.comm, comm, sizeof(comm) - 1, st.changed,
				   VMON_PROC_STAT_COMM), 0);
	ASSERT_EQ(vmon__parse_cmdline(&st, "ls\0-l\0/tmp dir\0", 15), 0);
	check_format(info, &st, VMON_PROC_STAT_RSSLIM, "18446744073709551615");
	check_format(info, &st, VMON_PROC_STAT_CUTIME, "-9223372036854775808");
	check_format(info, &st, VMON_PROC_STAT_PID, "-42");
	check_format(info, &st, VMON_PROC_STAT_STATE, "R");
	check_format(info, &st, VMON_PROC_STAT_COMM, "a\\x1b[2J\\x01\\xff z");
	check_format(info, &st, VMON_PROC_STAT_ARGV, "ls -l /tmp dir");
	check_format(info, &st, VMON_PROC_STAT_ARGC, "3");
	check_format(info, &st, VMON_PROC_STAT_EXE, "");	/* never set */
	st.state = '\n';
	check_format(info, &st, VMON_PROC_STAT_STATE, "\\x0a");
	ASSERT_EQ(vmon_field_format(info, &st, VMON_PROC_STAT_NR, buf, sizeof(buf)), -1);
	ASSERT_EQ(vmon_field_format(info, NULL, 0, buf, sizeof(buf)), -1);
	vmon__proc_stat_free(&st);
	/* an argv of nothing */
	ASSERT_EQ(vmon__parse_cmdline(&st, "", 0), 0);
	check_format(info, &st, VMON_PROC_STAT_ARGV, "");
	vmon__proc_stat_free(&st);
	/* the original's unsigned long meminfo members */
	vmon_sys_vm_t vm = { 0 };

	vm.total_kb = ULONG_MAX;
	check_format(&vmon__sys_vm_info, &vm, VMON_SYS_VM_TOTAL_KB, "18446744073709551615");
	vm.commited_as_kb = 7;
	check_format(&vmon__sys_vm_info, &vm, VMON_SYS_VM_COMMITTED_AS_KB, "7");
}
