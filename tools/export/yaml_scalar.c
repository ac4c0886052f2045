/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * yaml_scalar.c - the values of the YAML subset that are written on one
 * line (yaml_parse.h): plain scalars, single-quoted ('' for a quote) and
 * double-quoted ones (with YAML's escapes; one that would put a NUL in a
 * C string is refused), and flow sequences of scalars.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml_parse.h"

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

/* Append code point cp as UTF-8 to out (room for 4 bytes). */
static int put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | cp >> 12);
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* One escape of a double-quoted scalar at s (after the backslash): the
 * bytes written to out, or -1; *used: the bytes of s consumed. */
static int unescape(const char *s, char *out, int *used)
{
	static const char from[] = "\\\"/ntr0abefv", to[] = "\\\"/\n\t\r\0\a\b\033\f\v";
	const char *f = *s ? strchr(from, *s) : NULL;
	int digits = *s == 'x' ? 2 : *s == 'u' ? 4 : 0;
	unsigned long cp = 0;

	if (f && *s != '0') {
		*out = to[f - from];
		*used = 1;
		return 1;
	}
	if (!digits)
		return -1;
	for (int k = 1; k <= digits; k++) {
		int v = hexval(s[k]);

		if (v < 0)
			return -1;
		cp = cp << 4 | (unsigned long)v;
	}
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;	/* a NUL cannot be in a C string; no surrogates */
	*used = digits + 1;
	return put_utf8(out, cp);
}

/* A quoted scalar starting at *sp (at its quote): the value, *sp moved
 * past the closing quote; NULL (p->failed) when unterminated or bad. */
char *yaml_quoted(struct parser *p, const char **sp, int line)
{
	const char *s = *sp;
	char q = *s++;
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out) {
		yaml_fail(p, line, "out of memory");
		return NULL;
	}
	for (;; s++) {
		if (!*s) {
			yaml_fail(p, line, "unterminated quoted string");
			free(out);
			return NULL;
		}
		if (*s == q && q == '\'' && s[1] == '\'') {
			*o++ = *s++;
		} else if (*s == q) {
			break;
		} else if (*s == '\\' && q == '"') {
			int used, k = unescape(s + 1, o, &used);

			if (k < 0) {
				yaml_fail(p, line, "a bad escape in a double-quoted string");
				free(out);
				return NULL;
			}
			o += k;
			s += used;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	*sp = s + 1;
	return out;
}

struct yaml_node *yaml_scalar(struct parser *p, const char *v, size_t n, int line)
{
	struct yaml_node *node = yaml_node_new(p, YAML_SCALAR, line);

	if (!node)
		return NULL;
	node->value = strndup(v, n);
	if (!node->value) {
		free(node);
		yaml_fail(p, line, "out of memory");
		return NULL;
	}
	return node;
}

/* A flow sequence of scalars, s at its '['. */
static struct yaml_node *flow_seq(struct parser *p, const char *s, int line)
{
	struct yaml_node *seq = yaml_node_new(p, YAML_SEQ, line), **tail;

	if (!seq)
		return NULL;
	tail = &seq->child;
	s++;
	for (;;) {
		struct yaml_node *item;

		while (*s == ' ')
			s++;
		if (*s == ']' && !seq->child)
			break;
		if (*s == '"' || *s == '\'') {
			char *v = yaml_quoted(p, &s, line);

			item = v ? yaml_node_new(p, YAML_SCALAR, line) : NULL;
			if (!item) {
				free(v);
				goto fail;
			}
			item->value = v;
		} else {
			size_t n = strcspn(s, ",]");

			if (memchr(s, '[', n) || memchr(s, '{', n)) {
				yaml_fail(p, line, "nested flow collections are not supported");
				goto fail;
			}
			while (n && s[n - 1] == ' ')
				n--;
			item = yaml_scalar(p, s, n, line);
			if (!item)
				goto fail;
			s += n;
		}
		*tail = item;
		tail = &item->next;
		while (*s == ' ')
			s++;
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == ']')
			break;
		yaml_fail(p, line, "expected , or ] in a flow sequence");
		goto fail;
	}
	if (s[1]) {
		yaml_fail(p, line, "text after a flow sequence");
		goto fail;
	}
	return seq;
fail:
	yaml_free(seq);
	return NULL;
}

/* The value written after "key: " or "- " on one line. */
struct yaml_node *yaml_inline_value(struct parser *p, const char *s, int line)
{
	if (*s == '[')
		return flow_seq(p, s, line);
	if (!strcmp(s, "{}"))
		return yaml_node_new(p, YAML_MAP, line);
	if (*s && strchr("{|>&*!%@`", *s)) {
		yaml_fail(p, line, "'%c' (flow mappings, block scalars, anchors, aliases, tags) "
		     "is not supported", *s);
		return NULL;
	}
	if (*s == '"' || *s == '\'') {
		const char *c = s;
		char *v = yaml_quoted(p, &c, line);
		struct yaml_node *n;

		if (!v)
			return NULL;
		if (*c) {
			free(v);
			yaml_fail(p, line, "text after a quoted string");
			return NULL;
		}
		n = yaml_node_new(p, YAML_SCALAR, line);
		if (!n) {
			free(v);
			return NULL;
		}
		n->value = v;
		return n;
	}
	return yaml_scalar(p, s, strlen(s), line);
}
