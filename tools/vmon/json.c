/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.c - JSON writing helpers and a recursive-descent parser (json.h).
 * The parser accepts RFC 8259 JSON; a \u escape (four hex digits) below
 * 0x100 decodes to that byte, others to UTF-8.  Nesting is limited to 64 levels, enough
 * for vmon's records, and a guard against hostile input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void json_string(struct sbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, c);
		} else if (c < 0x20) {
			sb_printf(b, "\\u%04x", c);
		} else {
			sb_putc(b, c);
		}
	}
	sb_putc(b, '"');
}

void json_key(struct sbuf *b, const char *key)
{
	json_string(b, key);
	sb_putc(b, ':');
}

void json_strv(struct sbuf *b, char *const *v, int n)
{
	sb_putc(b, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_putc(b, ',');
		json_string(b, v[i]);
	}
	sb_putc(b, ']');
}

struct jblock {
	struct jblock *next;
	size_t used, size;
	char data[];
};

static void *arena_alloc(struct jarena *a, size_t size)
{
	struct jblock *b = a->blocks;

	size = (size + 15) & ~(size_t)15;
	if (!b || b->used + size > b->size) {
		size_t bs = size > 65536 ? size : 65536;

		b = xmalloc(sizeof(*b) + bs);
		b->size = bs;
		b->used = 0;
		b->next = a->blocks;
		a->blocks = b;
	}
	b->used += size;
	return b->data + b->used - size;
}

void jarena_reset(struct jarena *a)
{
	while (a->blocks) {
		struct jblock *n = a->blocks->next;

		free(a->blocks);
		a->blocks = n;
	}
}

struct parser {
	struct jarena *a;
	const char *p, *end;
	const char *err;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				   *ps->p == '\r'))
		ps->p++;
}

static bool fail(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return false;
}

static bool parse_value(struct parser *ps, struct jval *v);

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the four hex digits of a \u escape at p: their code, or -1 */
static long hex4(const char *p, const char *end)
{
	long c = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		c = c * 16 + h;
	}
	return c;
}

static char *put_code(char *o, long c)
{
	if (c < 0x100 && c >= 0) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | (c >> 6));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xe0 | (c >> 12));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

static bool parse_string(struct parser *ps, const char **out, size_t *len)
{
	const char *p = ++ps->p;
	char *buf, *o;

	while (p < ps->end && *p != '"')
		p += *p == '\\' ? 2 : 1;
	if (p >= ps->end)
		return fail(ps, "unterminated string");
	o = buf = arena_alloc(ps->a, p - ps->p + 1);
	for (p = ps->p; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return fail(ps, "control character in string");
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case '"': case '\\': case '/': *o++ = *p; break;
		case 'u': {
			long c = hex4(p + 1, ps->end);

			if (c < 0)
				return fail(ps, "bad \\u escape");
			o = put_code(o, c);
			p += 4;
			break;
		}
		default:
			return fail(ps, "bad escape");
		}
	}
	*o = '\0';
	*out = buf;
	*len = o - buf;
	ps->p = p + 1;
	return true;
}

static bool parse_number(struct parser *ps, struct jval *v)
{
	const char *p = ps->p;

	if (p < ps->end && *p == '-')
		p++;
	if (p >= ps->end || *p < '0' || *p > '9')
		return fail(ps, "bad value");
	while (p < ps->end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
			       *p == 'E' || *p == '+' || *p == '-'))
		p++;
	v->type = J_NUM;
	v->s = ps->p;
	v->len = p - ps->p;
	ps->p = p;
	return true;
}

/* members of an array or object until close, into v */
static bool parse_members(struct parser *ps, struct jval *v, char close, bool keyed)
{
	int alloc = 0;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return true;
	}
	for (;;) {
		struct jval item;
		const char *key = NULL;
		size_t klen;

		skip_ws(ps);
		if (keyed) {
			if (ps->p >= ps->end || *ps->p != '"' || !parse_string(ps, &key, &klen))
				return fail(ps, "expected a key");
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return fail(ps, "expected ':'");
		}
		memset(&item, 0, sizeof(item));
		if (!parse_value(ps, &item))
			return false;
		if (v->n == alloc) {
			int na = alloc ? alloc * 2 : 8;
			struct jval *items = arena_alloc(ps->a, na * sizeof(*items));
			const char **keys = arena_alloc(ps->a, na * sizeof(*keys));

			if (v->n) {
				memcpy(items, v->items, v->n * sizeof(*items));
				memcpy(keys, v->keys, v->n * sizeof(*keys));
			}
			v->items = items;
			v->keys = keys;
			alloc = na;
		}
		v->items[v->n] = item;
		v->keys[v->n++] = key;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return true;
		}
		return fail(ps, keyed ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "bad value");
	ps->p += n;
	return true;
}

static bool parse_value(struct parser *ps, struct jval *v)
{
	bool ok;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	if (++ps->depth > 64)
		return fail(ps, "nested too deeply");
	switch (*ps->p) {
	case '{': v->type = J_OBJ; ok = parse_members(ps, v, '}', true); break;
	case '[': v->type = J_ARR; ok = parse_members(ps, v, ']', false); break;
	case '"': v->type = J_STR; ok = parse_string(ps, &v->s, &v->len); break;
	case 't': v->type = J_BOOL; v->b = true; ok = literal(ps, "true"); break;
	case 'f': v->type = J_BOOL; ok = literal(ps, "false"); break;
	case 'n': v->type = J_NULL; ok = literal(ps, "null"); break;
	default: ok = parse_number(ps, v); break;
	}
	ps->depth--;
	return ok;
}

struct jval *json_parse(struct jarena *a, const char *text, size_t len, const char **err)
{
	struct parser ps = { a, text, text + len, NULL, 0 };
	struct jval *v = arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	if (parse_value(&ps, v)) {
		skip_ws(&ps);
		if (ps.p == ps.end)
			return v;
		fail(&ps, "trailing characters");
	}
	*err = ps.err;
	return NULL;
}

const struct jval *json_get(const struct jval *obj, const char *key)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

bool json_ll(const struct jval *v, long long *out)
{
	char buf[32], *end;
	long long n;

	if (!v || v->type != J_NUM || v->len >= sizeof(buf))
		return false;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	errno = 0;
	n = strtoll(buf, &end, 10);
	if (*end || errno)
		return false;
	*out = n;
	return true;
}

bool json_ull(const struct jval *v, unsigned long long *out)
{
	char buf[32], *end;
	unsigned long long n;

	if (!v || v->type != J_NUM || v->len >= sizeof(buf) || v->s[0] == '-')
		return false;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	errno = 0;
	n = strtoull(buf, &end, 10);
	if (*end || errno)
		return false;
	*out = n;
	return true;
}

bool json_num(const struct jval *v, double *out)
{
	char buf[64], *end;
	double d;

	if (!v || v->type != J_NUM || v->len >= sizeof(buf))
		return false;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	d = strtod(buf, &end);
	if (*end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

bool json_us(const struct jval *v, vt_us *out)
{
	return v && v->type == J_NUM && parse_us(v->s, v->len, out);
}

const char *json_text(const struct jval *v)
{
	return v && v->type == J_STR ? v->s : NULL;
}
