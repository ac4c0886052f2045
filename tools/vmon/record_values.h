/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_values.h - a record line's values, read and checked for the
 * record reader (record_read.c): integers within a range before they are
 * narrowed, counts, times in seconds, sums that must fit, strings.  What
 * is wrong is reported as "PATH:LINE: what" by a jump back to the reader's
 * start (rv_refuse()), so a check can be made inside an expression.
 */
#ifndef VMON_TOOL_RECORD_VALUES_H
#define VMON_TOOL_RECORD_VALUES_H

#include <setjmp.h>
#include <stdbool.h>

#include "json.h"

/* the line being read, and where a refusal goes */
struct rline {
	const char *path;
	int line;
	char *err;		/* the message, err_size bytes */
	size_t err_size;
	jmp_buf fail;		/* set by the reader */
};

void rv_refuse(struct rline *l, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* The value at key when it is there and not null: whether it is; a value
 * of another kind, or out of [lo, hi], is refused.  The need_ forms
 * refuse a value missing too. */
bool rv_int(struct rline *l, const struct jval *obj, const char *key, long long lo,
	    long long hi, long long *out);
long long rv_need_int(struct rline *l, const struct jval *obj, const char *key, long long lo,
		      long long hi);
bool rv_ull(struct rline *l, const struct jval *obj, const char *key, unsigned long long max,
	    unsigned long long *out);
/* seconds with six decimals (util.c parse_us()), from lo: 0, or RV_EARLIEST */
bool rv_time(struct rline *l, const struct jval *obj, const char *key, vt_us lo, vt_us *out);
vt_us rv_need_time(struct rline *l, const struct jval *obj, const char *key);
#define RV_EARLIEST (-(VT_US_MAX / US_PER_S - 1) * US_PER_S)

/* a + b into *sum, or "<what> to more than vmon can count" */
void rv_add(struct rline *l, vt_us *sum, vt_us a, vt_us b, const char *what);

/* an array's strings (others as ""), malloc'd, *n of them */
char **rv_strv(const struct jval *a, int *n);
void rv_free_strv(char **v, int n);

#endif
