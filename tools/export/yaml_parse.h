/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * yaml_parse.h - what the two halves of the YAML subset reader share:
 * yaml.c cuts the text into lines and parses the blocks (mappings and
 * sequences by indentation), yaml_scalar.c the values written on one line
 * (plain, quoted and escaped scalars, flow sequences).
 */
#ifndef EXPORT_YAML_PARSE_H
#define EXPORT_YAML_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml.h"

struct line {
	int indent;	/* columns before the content */
	char *s;	/* the content: comment and trailing blanks removed */
	int no;		/* 1-based line number */
};

struct parser {
	struct line *lines;
	int n, i;
	int nodes;
	bool failed;
	char *err;
	size_t errsize;
};

/* Record the first error, "line N: ..."; later ones are dropped. */
void yaml_fail(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a node, counted against YAML_MAX_NODES; NULL (p->failed) when over or
 * out of memory */
struct yaml_node *yaml_node_new(struct parser *p, enum yaml_kind kind, int line);
/* A quoted scalar starting at *sp (at its quote): the value, *sp moved
 * past the closing quote; NULL (p->failed) when unterminated or bad. */
char *yaml_quoted(struct parser *p, const char **sp, int line);
/* a scalar node of the n bytes at v */
struct yaml_node *yaml_scalar(struct parser *p, const char *v, size_t n, int line);
/* The value written after "key: " or "- " on one line. */
struct yaml_node *yaml_inline_value(struct parser *p, const char *s, int line);

#endif
