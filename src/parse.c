/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse.c - the parsing primitives every store's parser is made of.  They
 * are pure functions of bytes: no descriptors, no global state, so the
 * tests and fuzzers can feed them anything.  Numbers are parsed strictly:
 * an overflowing or malformed token is an error (the field becomes
 * unavailable), never a silently wrapped value.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int vmon__parse_ull(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = *s - '0';

		if (v > (ULLONG_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

int vmon__parse_ll(const char **p, const char *end, long long *out)
{
	const char *s = *p;
	unsigned long long v;
	int neg = 0;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	if (vmon__parse_ull(&s, end, &v) < 0)
		return -EINVAL;
	if (v > (unsigned long long)LLONG_MAX + neg)
		return -EINVAL;
	*p = s;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

void vmon__field_set_ull(const vmon_field_t *f, void *store, char *changed,
			 char *unavailable, unsigned long long v)
{
	char *m = (char *)store + f->offset;
	unsigned long long old;

	if (f->type == VMON_FIELD_ULONG) {	/* the original's meminfo members */
		if (v > ULONG_MAX) {
			BITSET(unavailable, f->sym);
			return;
		}
		old = *(unsigned long *)m;
		*(unsigned long *)m = (unsigned long)v;
	} else {
		old = *(unsigned long long *)m;
		*(unsigned long long *)m = v;
	}
	if (old != v)
		BITSET(changed, f->sym);
	BITCLEAR(unavailable, f->sym);
}

void vmon__field_set_ll(const vmon_field_t *f, void *store, char *changed,
			char *unavailable, long long v)
{
	char *m = (char *)store + f->offset;
	long long old;

	switch (f->type) {
	case VMON_FIELD_LL:
		old = *(long long *)m;
		*(long long *)m = v;
		break;
	case VMON_FIELD_INT:
		if (v < INT_MIN || v > INT_MAX) {
			BITSET(unavailable, f->sym);
			return;
		}
		old = *(int *)m;
		*(int *)m = (int)v;
		break;
	default:	/* VMON_FIELD_CHAR */
		old = *m;
		*m = (char)v;
		break;
	}
	if (old != v)
		BITSET(changed, f->sym);
	BITCLEAR(unavailable, f->sym);
}

int vmon__field_parse(const vmon_field_t *f, void *store, char *changed,
		      char *unavailable, const char *tok, const char *end)
{
	unsigned long long u;
	long long l;
	const char *p = tok;

	switch (f->type) {
	case VMON_FIELD_ULL:
	case VMON_FIELD_ULONG:
		if (vmon__parse_ull(&p, end, &u) < 0 || p != end)
			break;
		vmon__field_set_ull(f, store, changed, unavailable, u);
		return 0;
	case VMON_FIELD_LL:
	case VMON_FIELD_INT:
		if (vmon__parse_ll(&p, end, &l) < 0 || p != end)
			break;
		vmon__field_set_ll(f, store, changed, unavailable, l);
		return 0;
	case VMON_FIELD_CHAR:
		if (end - tok != 1)
			break;
		vmon__field_set_ll(f, store, changed, unavailable, *tok);
		return 0;
	default:
		break;
	}
	BITSET(unavailable, f->sym);
	return -EINVAL;
}

int vmon__chars_set(vmon_char_array_t *ca, const char *src, size_t len,
		    char *changed, int sym)
{
	if (ca->array && ca->len == len && !memcmp(ca->array, src, len))
		return 0;
	if (len + 1 > ca->alloc_len) {
		char *p = vmon__realloc(ca->array, len + 1);

		if (!p)
			return -ENOMEM;
		ca->array = p;
		ca->alloc_len = len + 1;
	}
	memcpy(ca->array, src, len);
	ca->array[len] = '\0';
	ca->len = len;
	BITSET(changed, sym);
	return 0;
}

int vmon__chars_setz(vmon_char_array_t *ca, const char *src, size_t len,
		     char *changed, int sym)
{
	if (ca->array && ca->len == len + 1 && !memcmp(ca->array, src, len))
		return 0;
	if (len + 2 > ca->alloc_len) {
		char *p = vmon__realloc(ca->array, len + 2);

		if (!p)
			return -ENOMEM;
		ca->array = p;
		ca->alloc_len = len + 2;
	}
	memcpy(ca->array, src, len);
	ca->array[len] = ca->array[len + 1] = '\0';
	ca->len = len + 1;
	BITSET(changed, sym);
	return 0;
}

void vmon__chars_free(vmon_char_array_t *ca)
{
	vmon__free(ca->array);
	ca->array = NULL;
	ca->len = ca->alloc_len = 0;
}

/* Find the field whose source is key[0 .. len), trying *hint first: the
 * kernel prints keys in a fixed order, so the row after the last match is
 * almost always the next one and the lookup is O(1). */
static const vmon_field_t *keyed_find(const vmon_store_info_t *info, int *hint,
				      const char *key, size_t len)
{
	for (int i = 0; i < info->fields_nr; i++) {
		int j = (*hint + i) % info->fields_nr;
		const char *src = info->fields[j].source;

		/* compare lengths first: a key may hold a NUL byte (strncmp()
		 * would stop there and src[len] lie past the source's end) */
		if (strnlen(src, len + 1) == len && !memcmp(src, key, len)) {
			*hint = j + 1;
			return &info->fields[j];
		}
	}
	return NULL;
}

/* the keyed stores fit the "seen" bitmaps below (512 bits) */
_Static_assert(VMON_SYS_VM_NR <= 512 && VMON_PROC_IO_NR <= 512 &&
	       VMON_PROC_SMAPS_ROLLUP_NR <= 512, "keyed stores");

void vmon__parse_keyed(const vmon_store_info_t *info, void *store,
		       char *changed, char *unavailable,
		       const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char seen[64] = { 0 };	/* BITNSLOTS of the largest keyed store */
	char met[64] = { 0 };	/* keys met so far, valid or not */
	int hint = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *colon, *v;
		const vmon_field_t *f;

		if (!eol)
			eol = end;
		colon = memchr(p, ':', eol - p);
		/* a repeated key is ignored, the first one counts (as for the
		 * cpu rows of /proc/stat): the same bytes then always give the
		 * same values, and no change is reported where there is none */
		if (colon && (f = keyed_find(info, &hint, p, colon - p)) && !BITTEST(met, f->sym)) {
			BITSET(met, f->sym);
			for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
				;
			const char *t = v;

			while (t < eol && *t >= '0' && *t <= '9')
				t++;
			/* what may follow the number: nothing, or " kB" */
			if (t == eol || *t == ' ')
				vmon__field_parse(f, store, changed, unavailable, v, t);
			else
				BITSET(unavailable, f->sym);
			if (!BITTEST(unavailable, f->sym))
				BITSET(seen, f->sym);
		}
		p = eol + 1;
	}
	for (int i = 0; i < info->fields_nr; i++)
		if (!BITTEST(seen, i))
			BITSET(unavailable, i);
}

int vmon__parse_pids(const char *buf, size_t len,
		     int (*fn)(void *ctx, int pid), void *ctx)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		unsigned long long v;
		int ret;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		if (vmon__parse_ull(&p, end, &v) < 0) {
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			continue;
		}
		if (v == 0 || v > INT_MAX)
			continue;
		ret = fn(ctx, (int)v);
		if (ret)
			return ret;
	}
	return 0;
}

bool vmon__bits_any(const char *bits, int nr)
{
	int full = nr / CHAR_BIT;

	for (int i = 0; i < full; i++)	/* a byte at a time: this runs per store */
		if (bits[i])
			return true;
	return nr % CHAR_BIT && (bits[full] & ((1 << nr % CHAR_BIT) - 1));
}

void vmon__bits_fill(char *bits, int nr)
{
	for (int i = 0; i < nr; i++)
		BITSET(bits, i);
}

const char *vmon__next_token(const char **p, const char *end, const char **tok_end)
{
	const char *s = *p, *t;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (t = s; t < end && *t != ' ' && *t != '\t' && *t != '\n'; t++)
		;
	*p = t;
	*tok_end = t;
	return t > s ? s : NULL;
}

void vmon__parse_columns(const vmon_store_info_t *info, int first, int nr,
			 void *store, char *changed, char *unavailable,
			 const char *p, const char *end)
{
	for (int i = first; i < first + nr; i++) {
		const char *t_end, *t = vmon__next_token(&p, end, &t_end);

		if (!t) {	/* an older kernel prints fewer columns */
			BITSET(unavailable, i);
			continue;
		}
		vmon__field_parse(&info->fields[i], store, changed, unavailable, t, t_end);
	}
}

/* The number at *p: digits with an optional '-', ending at a blank, a
 * newline or end.  0 with *p past it, or -1 (then *p is past the token).
 * This runs for every column of every process: up to 19 digits cannot
 * overflow, so only a longer number takes the checked path. */
static int scan_number(const char **p, const char *end, unsigned long long *v, bool *neg)
{
	const char *s = *p, *digits;
	unsigned long long n = 0;
	int ret = 0;

	*neg = s < end && *s == '-';
	s += *neg;
	digits = s;
	while (s < end && (unsigned)(*s - '0') < 10)
		n = n * 10 + (unsigned)(*s++ - '0');
	if (s == digits || (s < end && (unsigned char)*s > ' '))
		ret = -1;
	else if (s - digits > 19 && (vmon__parse_ull(&digits, s, &n) < 0))
		ret = -1;	/* overflow */
	while (s < end && (unsigned char)*s > ' ')
		s++;
	*p = s;
	*v = n;
	return ret;
}

/* Store a scanned number in field f (any scalar type but char). */
static void store_number(const vmon_field_t *f, void *store, char *changed, char *unavailable,
			 unsigned long long v, bool neg)
{
	if (f->type == VMON_FIELD_ULL || f->type == VMON_FIELD_ULONG) {
		if (neg && v)
			BITSET(unavailable, f->sym);
		else
			vmon__field_set_ull(f, store, changed, unavailable, v);
	} else if (v <= (unsigned long long)LLONG_MAX + neg) {
		vmon__field_set_ll(f, store, changed, unavailable,
				   neg ? (long long)(0 - v) : (long long)v);
	} else {
		BITSET(unavailable, f->sym);
	}
}

void vmon__parse_positions(const vmon_store_info_t *info, const signed char *syms,
			   int nr, void *store, char *changed, char *unavailable,
			   const char *p, const char *end)
{
	int i;

	for (i = 0; i < nr; i++) {
		const vmon_field_t *f;
		unsigned long long v;
		bool neg;

		if (p < end && *p == ' ')	/* the kernel's one blank */
			p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p == '\n')
			break;
		if (syms[i] < 0) {	/* a column nobody wants: step over it */
			while (p < end && (unsigned char)*p > ' ')
				p++;
			continue;
		}
		f = &info->fields[syms[i]];
		if (f->type == VMON_FIELD_CHAR) {
			const char *t = p;

			while (p < end && (unsigned char)*p > ' ')
				p++;
			vmon__field_parse(f, store, changed, unavailable, t, p);
		} else if (scan_number(&p, end, &v, &neg) == 0) {
			store_number(f, store, changed, unavailable, v, neg);
		} else {
			BITSET(unavailable, f->sym);
		}
	}
	for (; i < nr; i++)	/* an older kernel prints fewer columns */
		if (syms[i] >= 0)
			BITSET(unavailable, syms[i]);
}

int vmon__positions_build(const vmon_store_info_t *info, int first, signed char *syms, int nr)
{
	int used = 0;

	for (int i = 0; i < nr; i++)
		syms[i] = -1;
	for (int i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];
		int pos = atoi(f->source) - first;

		if (pos >= 0 && pos < nr && f->type != VMON_FIELD_STR &&
		    f->type != VMON_FIELD_STRZ && f->type != VMON_FIELD_ARGV &&
		    f->source[0] >= '0' && f->source[0] <= '9') {
			syms[pos] = (signed char)f->sym;
			if (pos + 1 > used)
				used = pos + 1;
		}
	}
	return used;
}
