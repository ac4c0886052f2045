/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * defs_gen.h - the library's private expansion of .def rows: each row
 * becomes the vmon_field_t describing it.  Include this, with
 * VMON__STORE_TYPE defined as the store's struct, right before each
 * #include of a .def table; the table's _end.def undefines the macros
 * again, so this file has no include guard on purpose.
 */
/* a row's source is made a string where the row names it, before any
 * expansion: a source that is also a macro (CLOCK_BOOTTIME) stays its name */
#define VMON__FIELD(_m, _sym, _src, _label, _desc, _type) \
	[VMON_ ## _sym] = { #_m, _label, _desc, _src, _type, \
			    offsetof(VMON__STORE_TYPE, _m), VMON_ ## _sym },

#define vmon_row_ull(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_ULL)
#define vmon_row_ll(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_LL)
#define vmon_row_ulong(_m, _sym, _src, _l, _d) \
	VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_ULONG)
#define vmon_row_ulong_aka(_m, _aka, _sym, _src, _l, _d) \
	VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_ULONG)
#define vmon_row_int(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_INT)
#define vmon_row_char(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_CHAR)
#define vmon_row_str(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_STR)
#define vmon_row_strz(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_STRZ)
#define vmon_row_argv(_m, _sym, _src, _l, _d) VMON__FIELD(_m, _sym, #_src, _l, _d, VMON_FIELD_ARGV)
