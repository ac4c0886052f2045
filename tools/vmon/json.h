/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.h - just enough JSON for vmon's recordings and summaries: writing
 * strings escaped into a string buffer, and a small parser that turns one
 * line into a tree of values allocated from an arena (freed per line).
 * Numbers stay as their text, so integers and times convert exactly.
 */
#ifndef VMON_TOOL_JSON_H
#define VMON_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* writing */
void json_string(struct sbuf *b, const char *s);
void json_key(struct sbuf *b, const char *key);	/* "key": */
void json_strv(struct sbuf *b, char *const *v, int n);	/* ["a","b"] */

/* reading */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	const char *s;		/* J_NUM: its text; J_STR: the decoded string */
	size_t len;
	int n;			/* J_ARR, J_OBJ: members */
	struct jval *items;	/* J_ARR, J_OBJ: the values */
	const char **keys;	/* J_OBJ: their keys */
	bool b;
};

struct jarena {
	struct jblock *blocks;
};

/* Parse text (one value, blanks around it allowed) into values from a;
 * NULL with *err set when it is not JSON. */
struct jval *json_parse(struct jarena *a, const char *text, size_t len, const char **err);
void jarena_reset(struct jarena *a);

const struct jval *json_get(const struct jval *obj, const char *key);
bool json_ll(const struct jval *v, long long *out);
bool json_ull(const struct jval *v, unsigned long long *out);
bool json_us(const struct jval *v, vt_us *out);	/* seconds with 6 decimals */
bool json_num(const struct jval *v, double *out);	/* finite */
const char *json_text(const struct jval *v);	/* string value or NULL */

#endif
