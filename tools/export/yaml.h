/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * yaml.h - the subset of YAML that vmon-export's two configuration files
 * are written in (process-exporter's process_names file and Prometheus's
 * web configuration file): block mappings and sequences by indentation,
 * "- key: value" items, flow sequences of scalars ([a, 'b', "c"]), plain,
 * single- and double-quoted scalars, comments and a leading "---".
 * Anything else (anchors, aliases, tags, block scalars, flow mappings,
 * tabs in indentation, multi-line scalars) is refused with its line
 * number rather than guessed at.  The input is outside input: the parser
 * bounds its depth, node count and input size, and is fuzzed
 * (fuzz/fuzz_export_yaml.c).
 */
#ifndef EXPORT_YAML_H
#define EXPORT_YAML_H

#include <stddef.h>

enum yaml_kind { YAML_SCALAR, YAML_MAP, YAML_SEQ };

struct yaml_node {
	enum yaml_kind kind;
	char *key;		/* an entry of a mapping: its key; else NULL */
	char *value;		/* YAML_SCALAR: the value ("" for an empty one) */
	int line;		/* 1-based line where the node starts */
	struct yaml_node *child;	/* MAP, SEQ: the first entry or item */
	struct yaml_node *next;		/* the next entry or item of the parent */
};

#define YAML_MAX_BYTES	(1 << 20)
#define YAML_MAX_DEPTH	16
#define YAML_MAX_NODES	100000

/* Parse len bytes (NUL bytes refused).  The document's root node, or NULL
 * with a message "line N: ..." in err (an empty document is an empty
 * mapping). */
struct yaml_node *yaml_parse(const char *text, size_t len, char *err, size_t errsize);
void yaml_free(struct yaml_node *n);
/* "line N: " and the message, into err: the readers of a parsed document
 * (procnames.c, webconfig.c) report a node they refuse as the parser
 * reports a line it cannot read. */
void yaml_error(char *err, size_t size, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The entry of mapping map with key, or NULL. */
const struct yaml_node *yaml_get(const struct yaml_node *map, const char *key);

#endif
