/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_export_yaml.c - libFuzzer target for yaml_parse(), the YAML subset
 * reader of vmon-export's configuration files (tools/export/yaml.h).  A
 * document is parsed or refused with a message; a parsed tree is
 * well-formed (every mapping entry has a key, every scalar a value, depth
 * within the bound), parsing the same bytes again gives the same tree,
 * and the second half of the input is parsed too.
 */
#include <string.h>

#include "fuzz.h"
#include "yaml.h"

static void check_tree(const struct yaml_node *n, int depth)
{
	FUZZ_CHECK(depth <= YAML_MAX_DEPTH + 2);
	for (const struct yaml_node *c = n->child; c; c = c->next) {
		FUZZ_CHECK(n->kind != YAML_SCALAR);
		FUZZ_CHECK((c->key != NULL) == (n->kind == YAML_MAP));
		check_tree(c, depth + 1);
	}
	FUZZ_CHECK((n->value != NULL) == (n->kind == YAML_SCALAR));
	FUZZ_CHECK(n->line >= 0);
}

static int same(const struct yaml_node *a, const struct yaml_node *b)
{
	for (; a && b; a = a->next, b = b->next)
		if (a->kind != b->kind || a->line != b->line || !a->key != !b->key ||
		    (a->key && strcmp(a->key, b->key)) || !a->value != !b->value ||
		    (a->value && strcmp(a->value, b->value)) || !same(a->child, b->child))
			return 0;
	return !a && !b;
}

static void one(const char *text, size_t len)
{
	char err[256], err2[256];
	struct yaml_node *a = yaml_parse(text, len, err, sizeof(err));
	struct yaml_node *b = yaml_parse(text, len, err2, sizeof(err2));

	FUZZ_CHECK(!a == !b);
	if (!a) {
		FUZZ_CHECK(err[0] && !strcmp(err, err2));
		return;
	}
	check_tree(a, 0);
	FUZZ_CHECK(same(a, b));
	yaml_free(a);
	yaml_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size);
	one(FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
