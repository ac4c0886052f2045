/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * yaml.c - the YAML subset of yaml.h.  The text is cut into lines (each
 * with its indentation, comment stripped), then parsed by recursive
 * descent over the lines: a block is a mapping, a sequence or one scalar
 * at one indentation.  A "- key: value" item is parsed by moving the
 * line's start past the dash, so that the item's mapping continues at the
 * column of its first key, as YAML says.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml.h"
#include "yaml_parse.h"

static void line_error(char *err, size_t size, int line, const char *fmt, va_list ap)
{
	int n = snprintf(err, size, "line %d: ", line);

	if (n < 0 || (size_t)n >= size)
		return;
	vsnprintf(err + n, size - n, fmt, ap);
}

void yaml_error(char *err, size_t size, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_error(err, size, line, fmt, ap);
	va_end(ap);
}

void yaml_fail(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	line_error(p->err, p->errsize, line, fmt, ap);
	va_end(ap);
}

struct yaml_node *yaml_node_new(struct parser *p, enum yaml_kind kind, int line)
{
	struct yaml_node *n;

	if (p->failed)
		return NULL;
	if (++p->nodes > YAML_MAX_NODES) {
		yaml_fail(p, line, "more than %d nodes", YAML_MAX_NODES);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		yaml_fail(p, line, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = line;
	return n;
}

void yaml_free(struct yaml_node *n)
{
	while (n) {
		struct yaml_node *next = n->next;

		yaml_free(n->child);
		free(n->key);
		free(n->value);
		free(n);
		n = next;
	}
}

const struct yaml_node *yaml_get(const struct yaml_node *map, const char *key)
{
	if (!map || map->kind != YAML_MAP)
		return NULL;
	for (const struct yaml_node *e = map->child; e; e = e->next)
		if (e->key && !strcmp(e->key, key))
			return e;
	return NULL;
}

/* Remove a comment (a # at the start or after a blank, outside quotes that
 * open a token) and trailing blanks, in place. */
static void strip_comment(char *s)
{
	char quote = 0, prev = ' ';
	char *end;

	for (char *c = s; *c; prev = *c, c++) {
		if (quote == '\'') {
			if (*c == '\'' && c[1] == '\'')
				c++;
			else if (*c == '\'')
				quote = 0;
		} else if (quote == '"') {
			if (*c == '\\' && c[1])
				c++;
			else if (*c == '"')
				quote = 0;
		} else if ((*c == '\'' || *c == '"') && strchr(" \t[,:-", prev)) {
			quote = *c;
		} else if (*c == '#' && (prev == ' ' || prev == '\t')) {
			*c = '\0';
			break;
		}
	}
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
}

/* Cut the copy of the text into p->lines; false (p->failed) on a tab in
 * the indentation or a directive. */
static bool split_lines(struct parser *p, char *text)
{
	int no = 0, cap = 0;
	char *next;

	for (char *s = text; s; s = next) {
		struct line l;

		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		no++;
		l.no = no;
		l.indent = 0;
		while (s[l.indent] == ' ')
			l.indent++;
		l.s = s + l.indent;
		if (*l.s == '\t') {
			yaml_fail(p, no, "a tab in the indentation");
			return false;
		}
		strip_comment(l.s);
		if (!*l.s)
			continue;
		if (!strcmp(l.s, "---") && l.indent == 0) {
			if (p->n) {
				yaml_fail(p, no, "more than one document");
				return false;
			}
			continue;
		}
		if (!strcmp(l.s, "...") && l.indent == 0)
			break;
		if (*l.s == '%') {
			yaml_fail(p, no, "directives are not supported");
			return false;
		}
		if (p->n == cap) {
			struct line *nl;

			cap = cap ? cap * 2 : 64;
			nl = realloc(p->lines, cap * sizeof(*nl));
			if (!nl) {
				yaml_fail(p, no, "out of memory");
				return false;
			}
			p->lines = nl;
		}
		p->lines[p->n++] = l;
	}
	return true;
}

static bool is_dash(const char *s)
{
	return s[0] == '-' && (s[1] == '\0' || s[1] == ' ');
}

/* If s is "key: rest" or "key:", the key (allocated) and *rest; NULL
 * otherwise (p->failed only on a bad quoted key). */
static char *split_key(struct parser *p, char *s, char **rest, int line)
{
	const char *c = s;
	char *key;

	if (*s == '"' || *s == '\'') {
		key = yaml_quoted(p, &c, line);
		if (!key)
			return NULL;
		while (*c == ' ')
			c++;
		if (*c != ':' || (c[1] && c[1] != ' ')) {
			free(key);
			return NULL;
		}
	} else {
		size_t n;

		if (*s == '[' || *s == '{' || is_dash(s))
			return NULL;
		for (; *c; c++)
			if (*c == ':' && (c[1] == ' ' || c[1] == '\0'))
				break;
		if (!*c)
			return NULL;
		n = (size_t)(c - s);
		while (n && s[n - 1] == ' ')
			n--;
		if (!n)
			return NULL;
		key = strndup(s, n);
		if (!key) {
			yaml_fail(p, line, "out of memory");
			return NULL;
		}
	}
	c++;
	while (*c == ' ')
		c++;
	*rest = (char *)c;
	return key;
}

static struct yaml_node *block(struct parser *p, int indent, int depth);

/* the lines after a "key:" or "-" with nothing after it: its value */
static struct yaml_node *nested(struct parser *p, int indent, int depth, bool seq_ok, int line)
{
	if (p->i < p->n && p->lines[p->i].indent > indent)
		return block(p, p->lines[p->i].indent, depth + 1);
	if (seq_ok && p->i < p->n && p->lines[p->i].indent == indent &&
	    is_dash(p->lines[p->i].s))
		return block(p, indent, depth + 1);
	return yaml_scalar(p, "", 0, line);
}

static struct yaml_node *sequence(struct parser *p, int indent, int depth)
{
	struct yaml_node *seq = yaml_node_new(p, YAML_SEQ, p->lines[p->i].no), **tail;

	if (!seq)
		return NULL;
	tail = &seq->child;
	while (p->i < p->n && p->lines[p->i].indent == indent && is_dash(p->lines[p->i].s)) {
		struct line *l = &p->lines[p->i];
		char *rest = l->s + 1;
		struct yaml_node *item;

		while (*rest == ' ')
			rest++;
		if (!*rest) {
			p->i++;
			item = nested(p, indent, depth, false, l->no);
		} else {
			l->indent += (int)(rest - l->s);
			l->s = rest;
			item = block(p, l->indent, depth + 1);
		}
		if (!item)
			goto fail;
		*tail = item;
		tail = &item->next;
	}
	if (p->i < p->n && p->lines[p->i].indent > indent) {
		yaml_fail(p, p->lines[p->i].no, "unexpected indentation");
		goto fail;
	}
	return seq;
fail:
	yaml_free(seq);
	return NULL;
}

static struct yaml_node *mapping(struct parser *p, int indent, int depth)
{
	struct yaml_node *map = yaml_node_new(p, YAML_MAP, p->lines[p->i].no), **tail;

	if (!map)
		return NULL;
	tail = &map->child;
	while (p->i < p->n && p->lines[p->i].indent == indent) {
		struct line *l = &p->lines[p->i];
		struct yaml_node *value;
		char *rest, *key = split_key(p, l->s, &rest, l->no);

		if (!key) {
			yaml_fail(p, l->no, "expected \"key: value\"");
			goto fail;
		}
		if (yaml_get(map, key)) {
			yaml_fail(p, l->no, "duplicate key \"%s\"", key);
			free(key);
			goto fail;
		}
		p->i++;
		value = *rest ? yaml_inline_value(p, rest, l->no) : nested(p, indent, depth, true, l->no);
		if (!value) {
			free(key);
			goto fail;
		}
		value->key = key;
		*tail = value;
		tail = &value->next;
	}
	if (p->i < p->n && p->lines[p->i].indent > indent) {
		yaml_fail(p, p->lines[p->i].no, "unexpected indentation");
		goto fail;
	}
	return map;
fail:
	yaml_free(map);
	return NULL;
}

/* The block whose first line is p->lines[p->i], at indent. */
static struct yaml_node *block(struct parser *p, int indent, int depth)
{
	struct line *l = &p->lines[p->i];
	char *rest, *key;
	struct yaml_node *n;

	if (depth > YAML_MAX_DEPTH) {
		yaml_fail(p, l->no, "nested deeper than %d", YAML_MAX_DEPTH);
		return NULL;
	}
	if (is_dash(l->s))
		return sequence(p, indent, depth);
	key = split_key(p, l->s, &rest, l->no);
	if (key) {
		free(key);
		return mapping(p, indent, depth);
	}
	if (p->failed)
		return NULL;
	p->i++;
	n = yaml_inline_value(p, l->s, l->no);
	if (n && p->i < p->n && p->lines[p->i].indent > indent) {
		yaml_fail(p, p->lines[p->i].no, "multi-line scalars are not supported");
		yaml_free(n);
		return NULL;
	}
	return n;
}

struct yaml_node *yaml_parse(const char *text, size_t len, char *err, size_t errsize)
{
	struct parser p = { .err = err, .errsize = errsize };
	struct yaml_node *root = NULL;
	char *copy;

	if (errsize)
		err[0] = '\0';
	if (len > YAML_MAX_BYTES) {
		yaml_fail(&p, 0, "larger than %d bytes", YAML_MAX_BYTES);
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		yaml_fail(&p, 0, "a NUL byte");
		return NULL;
	}
	copy = strndup(text, len);
	if (!copy) {
		yaml_fail(&p, 0, "out of memory");
		return NULL;
	}
	if (split_lines(&p, copy)) {
		if (!p.n) {
			root = yaml_node_new(&p, YAML_MAP, 1);
		} else {
			root = block(&p, p.lines[0].indent, 0);
			if (root && p.i < p.n) {
				yaml_fail(&p, p.lines[p.i].no, "unexpected indentation");
				yaml_free(root);
				root = NULL;
			}
		}
	}
	free(p.lines);
	free(copy);
	return root;
}
