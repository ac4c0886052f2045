/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_values.c - a record line's values, checked (record_values.h).  A
 * record is input from anyone: every number is checked as the type it is
 * read into (a long long, an unsigned long long, a vt_us) before anything
 * narrows it or adds it up, so that 4294967297 does not become 1 nor a
 * time wrap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_values.h"

void rv_refuse(struct rline *l, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->err_size, "%s:%d: %s", l->path, l->line, why);
	longjmp(l->fail, 1);
}

/* the value at key, NULL when it is not there or null */
static const struct jval *value(const struct jval *obj, const char *key)
{
	const struct jval *v = json_get(obj, key);

	return v && v->type != J_NULL ? v : NULL;
}

bool rv_int(struct rline *l, const struct jval *obj, const char *key, long long lo,
	    long long hi, long long *out)
{
	const struct jval *v = value(obj, key);

	if (!v)
		return false;
	if (!json_ll(v, out))
		rv_refuse(l, "\"%s\" is not an integer", key);
	if (*out < lo || *out > hi)
		rv_refuse(l, "\"%s\" %lld is out of range (%lld to %lld)", key, *out, lo, hi);
	return true;
}

long long rv_need_int(struct rline *l, const struct jval *obj, const char *key, long long lo,
		      long long hi)
{
	long long v;

	if (!rv_int(l, obj, key, lo, hi, &v))
		rv_refuse(l, "\"%s\" is missing", key);
	return v;
}

bool rv_ull(struct rline *l, const struct jval *obj, const char *key, unsigned long long max,
	    unsigned long long *out)
{
	const struct jval *v = value(obj, key);
	unsigned long long x;

	if (!v)
		return false;
	if (!json_ull(v, &x) || x > max)
		rv_refuse(l, "\"%s\" is not an integer from 0 to %llu", key, max);
	*out = x;
	return true;
}

bool rv_time(struct rline *l, const struct jval *obj, const char *key, vt_us lo, vt_us *out)
{
	const struct jval *v = value(obj, key);
	vt_us t;

	if (!v)
		return false;
	if (!json_us(v, &t) || t < lo)
		rv_refuse(l, "\"%s\" is not a time in seconds from %s to %lld", key,
			  lo ? "-9223372036853" : "0", VT_US_MAX / US_PER_S - 1);
	*out = t;
	return true;
}

vt_us rv_need_time(struct rline *l, const struct jval *obj, const char *key)
{
	vt_us t;

	if (!rv_time(l, obj, key, 0, &t))
		rv_refuse(l, "\"%s\" is missing", key);
	return t;
}

void rv_add(struct rline *l, vt_us *sum, vt_us a, vt_us b, const char *what)
{
	if (__builtin_add_overflow(a, b, sum))
		rv_refuse(l, "%s to more than vmon can count", what);
}

char **rv_strv(const struct jval *a, int *n)
{
	char **v;

	*n = a && a->type == J_ARR ? a->n : 0;
	v = xcalloc(*n + 1, sizeof(*v));
	for (int i = 0; i < *n; i++)
		v[i] = xstrdup(json_text(&a->items[i]) ? json_text(&a->items[i]) : "");
	return v;
}

void rv_free_strv(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
