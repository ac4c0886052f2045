/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check.h - what the invariant checkers (check.c, check_stores.c) share:
 * the report of a violation and the check of character data.
 */
#ifndef VMON_CHECK_H
#define VMON_CHECK_H

#include "internal.h"

/* Print "vmon__check: <message>" to stderr; returns -EUCLEAN. */
int vmon__check_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...) do { \
	if (!(cond)) \
		return vmon__check_fail(__VA_ARGS__); \
} while (0)

/* Character data: no bytes and len 0, or NUL-terminated within its
 * allocation.  what (and pid, when above 0) name it in the report. */
int vmon__check_chars(const vmon_char_array_t *ca, int pid, const char *what);

#endif
