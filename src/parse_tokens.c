/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_tokens.c - parsing primitives beside parse.c's: a
 * lookup of fields by key for the files whose lines carry several values
 * (status "Uid: 0 0 0 0", pressure "some avg10=..."), hexadecimal masks
 * (status), the two-decimal figures the kernel prints for load averages,
 * uptime and pressure (kept exactly, in hundredths: the kernel computes
 * them in fixed point and prints two digits, so nothing is lost), and the
 * fields of a stat line for the samplers that need one or two of them.
 * Pure functions of bytes, as in parse.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "internal.h"

/* the length of a source's key: the part before its first '.' */
static size_t key_len(const char *src)
{
	const char *dot = strchr(src, '.');

	return dot ? (size_t)(dot - src) : strlen(src);
}

const vmon_field_t *vmon__field_by_key(const vmon_store_info_t *info, int *hint,
				       const char *key, size_t len)
{
	for (int i = 0; i < info->fields_nr; i++) {
		int j = (*hint + i) % info->fields_nr;
		const char *src = info->fields[j].source;

		if (key_len(src) == len && !memcmp(src, key, len)) {
			/* the first row of the key, so a caller can walk its rows */
			while (j > 0 && key_len(info->fields[j - 1].source) == len &&
			       !memcmp(info->fields[j - 1].source, key, len))
				j--;
			*hint = j + 1;
			return &info->fields[j];
		}
	}
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vmon__parse_hex(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	int d;

	if (s >= end || hex_digit(*s) < 0)
		return -EINVAL;
	for (; s < end && (d = hex_digit(*s)) >= 0; s++) {
		if (v >> 60)
			return -EINVAL;	/* a 17th significant digit */
		v = v << 4 | (unsigned)d;
	}
	*p = s;
	*out = v;
	return 0;
}

int vmon__parse_x100(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long whole, frac = 0;
	int digits = 0;

	if (vmon__parse_ull(&s, end, &whole) < 0 || whole > ULLONG_MAX / 100)
		return -EINVAL;
	if (s < end && *s == '.') {
		for (s++; s < end && *s >= '0' && *s <= '9'; s++) {
			if (++digits > 2)
				return -EINVAL;
			frac = frac * 10 + (unsigned)(*s - '0');
		}
		if (!digits)
			return -EINVAL;
	}
	if (digits == 1)
		frac *= 10;
	if (whole * 100 > ULLONG_MAX - frac)
		return -EINVAL;
	*p = s;
	*out = whole * 100 + frac;
	return 0;
}

int vmon__stat_token(const char *buf, size_t len, int n, const char **tok,
		     const char **tok_end)
{
	const char *close = memrchr(buf, ')', len), *end = buf + len, *p;

	if (!close || n < 3)
		return -EINVAL;
	p = close + 1;
	for (int pos = 3; pos <= n; pos++) {
		*tok = vmon__next_token(&p, end, tok_end);
		if (!*tok)
			return -EINVAL;
	}
	return 0;
}

unsigned long long vmon__stat_ull(const char *buf, size_t len, int n)
{
	const char *tok, *tok_end;
	unsigned long long v;

	if (vmon__stat_token(buf, len, n, &tok, &tok_end) < 0 ||
	    vmon__parse_ull(&tok, tok_end, &v) < 0)
		return ~0ull;
	return v;
}
