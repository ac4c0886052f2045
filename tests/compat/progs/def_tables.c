/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * def_tables.c - a program that builds its own field tables from the
 * library's .def tables, the way the original's tables were meant to be
 * used: the name, description and offset tables of its modes, and its own
 * four-argument vmon_datum_<kind>() macros, one per kind, called for
 * every row.  It prints every field of its own process's stat store
 * through them and checks a few against what it knows of itself.  (The
 * original's _end.def left the table modes defined, so its programs undid
 * them: the #undefs below, harmless here.)
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libvmon/vmon.h"

static const char *const names[] = {
#define VMON_INITIALIZE_NAME_TABLE
#include "libvmon/defs/proc_stat.def"
};
#undef VMON_INITIALIZE_NAME_TABLE

static const char *const descs[] = {
#define VMON_INITIALIZE_DESC_TABLE
#include "libvmon/defs/proc_stat.def"
};
#undef VMON_INITIALIZE_DESC_TABLE

static const size_t offsets[] = {
#define VMON_OFFSET_TABLE_STRUCT vmon_proc_stat_t
#define VMON_INITIALIZE_OFFSET_TABLE
#include "libvmon/defs/proc_stat.def"
};
#undef VMON_INITIALIZE_OFFSET_TABLE

_Static_assert(sizeof(names) / sizeof(*names) == VMON_PROC_STAT_NR, "a name per field");
_Static_assert(sizeof(offsets) / sizeof(*offsets) == VMON_PROC_STAT_NR, "an offset per field");

static int failed;

#define CHECK(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "def_tables: FAIL: %s\n", what); \
		failed = 1; \
	} \
} while (0)

/* print one store with the program's own row macros */
static void print_store(const vmon_proc_stat_t *st)
{
	int rows = 0;

#define M(name) ((const char *)st + offsetof(vmon_proc_stat_t, name))
#define vmon_datum_int(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %d\n", label, *(const int *)M(n));
#define vmon_datum_char(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %c\n", label, *M(n));
#define vmon_datum_ulonglong(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %llu\n", label, *(const unsigned long long *)M(n));
#define vmon_datum_longlong(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %lld\n", label, *(const long long *)M(n));
#define vmon_datum_char_array(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %zu bytes\n", label, ((const vmon_char_array_t *)M(n))->len);
#define vmon_datum_str_array(n, sym, label, desc) \
	rows++, printf("def_tables: %-12s %s...\n", label, (*(char *const *const *)M(n))[0]);
#include "libvmon/defs/proc_stat.def"
#undef M
	CHECK(rows == VMON_PROC_STAT_NR, "a call per row");
}

int main(void)
{
	vmon_proc_stat_t *st;
	vmon_proc_t *self;
	vmon_t vmon;

	CHECK(vmon_init(&vmon, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT), "vmon_init");
	self = vmon_proc_monitor(&vmon, getpid(), 0, NULL, NULL);
	CHECK(self && vmon_sample(&vmon), "vmon_sample");
	st = self->stores[VMON_STORE_PROC_STAT];
	print_store(st);
	CHECK(!strcmp(names[VMON_PROC_STAT_PID], "pid") && !strcmp(names[VMON_PROC_STAT_COMM], "comm"),
	      "the name table");
	CHECK(descs[VMON_PROC_STAT_UTIME] && descs[VMON_PROC_STAT_UTIME][0], "the description table");
	CHECK(*(const int *)((const char *)st + offsets[VMON_PROC_STAT_PID]) == getpid(),
	      "pid through the offset table");
	CHECK(*((const char *)st + offsets[VMON_PROC_STAT_STATE]) == 'R', "state through the offset table");
	CHECK(!strcmp(((const vmon_char_array_t *)((const char *)st + offsets[VMON_PROC_STAT_COMM]))->array,
		      "def_tables"), "comm through the offset table");
	vmon_destroy(&vmon);
	if (!failed)
		printf("def_tables: ok\n");
	return failed;
}
