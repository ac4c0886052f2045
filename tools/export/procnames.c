/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * procnames.c - process-exporter's process_names rules (procnames.h):
 * read from the YAML tree, each name template cut once into literal and
 * field segments, each expression compiled once.  Matching runs on the
 * sampler thread only (a rule's match data is reused).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procnames.h"
#include "yaml.h"

/* bounds on what one file may ask for */
#define MAX_RULES	1000
#define MAX_ITEMS	1000	/* comm, exe or cmdline entries of one rule */
#define MATCH_LIMIT	100000	/* PCRE2 backtracking steps per expression */

enum field { F_LITERAL, F_COMM, F_EXEBASE, F_EXEFULL, F_USERNAME, F_PID, F_CGROUPS, F_MATCH };

static const char *const field_names[] = {
	[F_COMM] = "Comm", [F_EXEBASE] = "ExeBase", [F_EXEFULL] = "ExeFull",
	[F_USERNAME] = "Username", [F_PID] = "PID", [F_CGROUPS] = "Cgroups",
};

struct segment {
	enum field field;
	char *text;		/* F_LITERAL: the text; F_MATCH: the group's name */
};

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	bool matched;		/* md holds this process's match */
};

struct rule {
	struct segment *segs;
	int nsegs;
	char **comms, **exes;
	int ncomms, nexes;
	struct regex *res;
	int nres;
};

struct procnames {
	struct rule *rules;
	int nrules;
	pcre2_match_context *mctx;
	bool uses_username, uses_cgroup;
};

static void rule_free(struct rule *r)
{
	for (int i = 0; i < r->nsegs; i++)
		free(r->segs[i].text);
	for (int i = 0; i < r->ncomms; i++)
		free(r->comms[i]);
	for (int i = 0; i < r->nexes; i++)
		free(r->exes[i]);
	for (int i = 0; i < r->nres; i++) {
		pcre2_match_data_free(r->res[i].md);
		pcre2_code_free(r->res[i].code);
	}
	free(r->segs);
	free(r->comms);
	free(r->exes);
	free(r->res);
}

void procnames_free(struct procnames *pn)
{
	if (!pn)
		return;
	for (int i = 0; i < pn->nrules; i++)
		rule_free(&pn->rules[i]);
	free(pn->rules);
	pcre2_match_context_free(pn->mctx);
	free(pn);
}

static bool add_segment(struct rule *r, enum field f, const char *s, size_t n)
{
	struct segment *segs = realloc(r->segs, (r->nsegs + 1) * sizeof(*segs));

	if (!segs)
		return false;
	r->segs = segs;
	segs[r->nsegs].field = f;
	segs[r->nsegs].text = s ? strndup(s, n) : NULL;
	if (s && !segs[r->nsegs].text)
		return false;
	r->nsegs++;
	return true;
}

/* "Comm", "Matches.x": the field, and for Matches its group's name */
static int field_of(const char *s, size_t n, const char **arg, size_t *argn)
{
	if (n > 8 && !strncmp(s, "Matches.", 8)) {
		*arg = s + 8;
		*argn = n - 8;
		return F_MATCH;
	}
	for (int f = F_COMM; f < F_MATCH; f++)
		if (strlen(field_names[f]) == n && !strncmp(s, field_names[f], n))
			return f;
	return -1;
}

/* Cut a template into segments: {{ .Field }} and the text between. */
static bool parse_template(struct rule *r, const char *t, int line, char *err, size_t esz)
{
	while (*t) {
		const char *open = strstr(t, "{{"), *close, *s, *arg = NULL;
		size_t n, argn = 0;
		int f;

		if (!open)
			return add_segment(r, F_LITERAL, t, strlen(t)) ||
			       (yaml_error(err, esz, line, "out of memory"), false);
		if (open > t && !add_segment(r, F_LITERAL, t, (size_t)(open - t)))
			goto oom;
		close = strstr(open + 2, "}}");
		if (!close) {
			yaml_error(err, esz, line, "an unclosed {{ in the name template");
			return false;
		}
		for (s = open + 2; *s == ' '; s++)
			;
		n = (size_t)(close - s);
		while (n && s[n - 1] == ' ')
			n--;
		f = n > 1 && *s == '.' ? field_of(s + 1, n - 1, &arg, &argn) : -1;
		if (f < 0) {
			yaml_error(err, esz, line, "the name template field \"%.*s\" is not one of "
				".Comm .ExeBase .ExeFull .Username .PID .Cgroups .Matches.NAME",
				(int)n, s);
			return false;
		}
		if (!add_segment(r, (enum field)f, arg, argn))
			goto oom;
		t = close + 2;
	}
	return true;
oom:
	yaml_error(err, esz, line, "out of memory");
	return false;
}

/* a sequence of strings (or one string) into a new array */
static bool string_list(const struct yaml_node *n, char ***out, int *nout,
			char *err, size_t esz)
{
	const struct yaml_node *single = n->kind == YAML_SCALAR ? n : NULL;
	const struct yaml_node *it = single ? single : n->child;

	if (n->kind == YAML_MAP) {
		yaml_error(err, esz, n->line, "\"%s\" must be a list of strings", n->key);
		return false;
	}
	for (; it; it = single ? NULL : it->next) {
		char **a;

		if (it->kind != YAML_SCALAR) {
			yaml_error(err, esz, it->line, "\"%s\" must be a list of strings", n->key);
			return false;
		}
		if (*nout >= MAX_ITEMS) {
			yaml_error(err, esz, it->line, "more than %d entries", MAX_ITEMS);
			return false;
		}
		a = realloc(*out, (*nout + 1) * sizeof(*a));
		if (!a)
			goto oom;
		*out = a;
		a[*nout] = strdup(it->value);
		if (!a[*nout])
			goto oom;
		(*nout)++;
	}
	return true;
oom:
	yaml_error(err, esz, n->line, "out of memory");
	return false;
}

static bool compile_regexes(struct rule *r, char **pats, int npats, int line,
			    char *err, size_t esz)
{
	r->res = calloc(npats ? npats : 1, sizeof(*r->res));
	if (!r->res) {
		yaml_error(err, esz, line, "out of memory");
		return false;
	}
	for (int i = 0; i < npats; i++) {
		struct regex *re = &r->res[r->nres];
		PCRE2_SIZE off;
		int code;

		re->code = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
		if (!re->code) {
			PCRE2_UCHAR msg[160];

			pcre2_get_error_message(code, msg, sizeof(msg));
			yaml_error(err, esz, line, "cmdline expression \"%s\": %s at offset %zu",
				pats[i], (char *)msg, (size_t)off);
			return false;
		}
		re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
		r->nres++;
		if (!re->md) {
			yaml_error(err, esz, line, "out of memory");
			return false;
		}
	}
	return true;
}

/* every {{.Matches.x}} must name a group of one of the rule's expressions */
static bool check_matches(const struct rule *r, int line, char *err, size_t esz)
{
	for (int s = 0; s < r->nsegs; s++) {
		bool found = false;

		if (r->segs[s].field != F_MATCH)
			continue;
		for (int i = 0; i < r->nres && !found; i++)
			found = pcre2_substring_number_from_name(r->res[i].code,
						(PCRE2_SPTR)r->segs[s].text) >= 0;
		if (!found) {
			yaml_error(err, esz, line, "{{.Matches.%s}}: no cmdline expression of the "
				"rule has a group (?P<%s>...)", r->segs[s].text, r->segs[s].text);
			return false;
		}
	}
	return true;
}

static bool parse_rule(struct procnames *pn, struct rule *r, const struct yaml_node *item,
		       char *err, size_t esz)
{
	const char *tmpl = "{{.ExeBase}}";
	char **pats = NULL;
	int npats = 0;
	bool ok = false;

	if (item->kind != YAML_MAP) {
		yaml_error(err, esz, item->line, "a process_names entry must be a mapping");
		return false;
	}
	for (const struct yaml_node *e = item->child; e; e = e->next) {
		if (!strcmp(e->key, "name") && e->kind == YAML_SCALAR)
			tmpl = e->value;
		else if (!strcmp(e->key, "comm"))
			ok = string_list(e, &r->comms, &r->ncomms, err, esz);
		else if (!strcmp(e->key, "exe"))
			ok = string_list(e, &r->exes, &r->nexes, err, esz);
		else if (!strcmp(e->key, "cmdline"))
			ok = string_list(e, &pats, &npats, err, esz);
		else {
			yaml_error(err, esz, e->line, "unknown or malformed key \"%s\" (name, comm, exe, "
				"cmdline)", e->key);
			ok = false;
			goto out;
		}
		if (strcmp(e->key, "name") && !ok)
			goto out;
	}
	ok = false;
	if (!r->ncomms && !r->nexes && !npats) {
		yaml_error(err, esz, item->line, "a rule needs comm, exe or cmdline");
		goto out;
	}
	if (!compile_regexes(r, pats, npats, item->line, err, esz) ||
	    !parse_template(r, tmpl, item->line, err, esz) ||
	    !check_matches(r, item->line, err, esz))
		goto out;
	for (int s = 0; s < r->nsegs; s++) {
		pn->uses_username |= r->segs[s].field == F_USERNAME;
		pn->uses_cgroup |= r->segs[s].field == F_CGROUPS;
	}
	ok = true;
out:
	for (int i = 0; i < npats; i++)
		free(pats[i]);
	free(pats);
	return ok;
}

static struct procnames *procnames_new(char *err, size_t esz)
{
	struct procnames *pn = calloc(1, sizeof(*pn));

	if (pn)
		pn->mctx = pcre2_match_context_create(NULL);
	if (!pn || !pn->mctx) {
		free(pn);
		yaml_error(err, esz, 0, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(pn->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(pn->mctx, MATCH_LIMIT / 10);
	return pn;
}

static struct rule *rule_add(struct procnames *pn, int line, char *err, size_t esz)
{
	struct rule *rules;

	if (pn->nrules >= MAX_RULES) {
		yaml_error(err, esz, line, "more than %d rules", MAX_RULES);
		return NULL;
	}
	rules = realloc(pn->rules, (pn->nrules + 1) * sizeof(*rules));
	if (!rules) {
		yaml_error(err, esz, line, "out of memory");
		return NULL;
	}
	pn->rules = rules;
	memset(&rules[pn->nrules], 0, sizeof(*rules));
	return &rules[pn->nrules++];
}

struct procnames *procnames_parse(const char *text, size_t len, char *err, size_t esz)
{
	struct yaml_node *root = yaml_parse(text, len, err, esz);
	const struct yaml_node *names;
	struct procnames *pn = NULL;

	if (!root)
		return NULL;
	names = yaml_get(root, "process_names");
	if (!names || names->kind != YAML_SEQ) {
		yaml_error(err, esz, names ? names->line : 1, "expected a process_names list");
		goto out;
	}
	for (const struct yaml_node *e = root->child; e; e = e->next)
		if (strcmp(e->key, "process_names")) {
			yaml_error(err, esz, e->line, "unknown key \"%s\"", e->key);
			goto out;
		}
	pn = procnames_new(err, esz);
	for (const struct yaml_node *it = names->child; pn && it; it = it->next) {
		struct rule *r = rule_add(pn, it->line, err, esz);

		if (!r || !parse_rule(pn, r, it, err, esz)) {
			procnames_free(pn);
			pn = NULL;
		}
	}
out:
	yaml_free(root);
	return pn;
}

struct procnames *procnames_from_list(const char *list, char *err, size_t esz)
{
	struct procnames *pn = procnames_new(err, esz);
	struct rule *r = pn ? rule_add(pn, 0, err, esz) : NULL;
	struct yaml_node fake = { .kind = YAML_SEQ, .key = "procnames" };
	struct yaml_node *items = NULL, **tail = &items;
	char *copy = strdup(list), *save = NULL;
	bool ok = r && copy;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; ok && t;
	     t = strtok_r(NULL, ",", &save)) {
		struct yaml_node *n = calloc(1, sizeof(*n));

		ok = n != NULL;
		if (n) {
			n->kind = YAML_SCALAR;
			n->value = t;
			*tail = n;
			tail = &n->next;
		}
	}
	fake.child = items;
	ok = ok && items && string_list(&fake, &r->comms, &r->ncomms, err, esz) &&
	     compile_regexes(r, NULL, 0, 0, err, esz) &&
	     parse_template(r, "{{.Comm}}", 0, err, esz);
	while (items) {
		struct yaml_node *next = items->next;

		free(items);
		items = next;
	}
	free(copy);
	if (!ok) {
		if (pn && !*err)
			yaml_error(err, esz, 0, "an empty or unusable list of names");
		procnames_free(pn);
		return NULL;
	}
	return pn;
}

static bool in_list(char **list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool exe_matches(const struct rule *r, const struct proc_info *pi)
{
	for (int i = 0; i < r->nexes; i++)
		if (!strcmp(r->exes[i], strchr(r->exes[i], '/') ? pi->exe_full : pi->exe_base))
			return true;
	return false;
}

static bool rule_matches(struct procnames *pn, struct rule *r, const struct proc_info *pi)
{
	if (r->ncomms && !in_list(r->comms, r->ncomms, pi->comm))
		return false;
	if (r->nexes && !exe_matches(r, pi))
		return false;
	for (int i = 0; i < r->nres; i++) {
		int rc = pcre2_match(r->res[i].code, (PCRE2_SPTR)pi->cmdline, strlen(pi->cmdline),
				     0, 0, r->res[i].md, pn->mctx);

		r->res[i].matched = rc >= 0;
		if (rc < 0)
			return false;
	}
	return true;
}

static void expand_match(const struct rule *r, const char *name, struct buf *out)
{
	for (int i = 0; i < r->nres; i++) {
		PCRE2_UCHAR *s;
		PCRE2_SIZE n;

		if (!r->res[i].matched)
			continue;
		if (pcre2_substring_get_byname(r->res[i].md, (PCRE2_SPTR)name, &s, &n) == 0) {
			buf_add(out, s, n);
			pcre2_substring_free(s);
			return;
		}
	}
}

bool procnames_match(struct procnames *pn, const struct proc_info *pi, struct buf *out)
{
	out->len = 0;
	if (out->data)
		out->data[0] = '\0';
	for (int k = 0; k < pn->nrules; k++) {
		struct rule *r = &pn->rules[k];

		if (!rule_matches(pn, r, pi))
			continue;
		for (int s = 0; s < r->nsegs; s++) {
			const struct segment *g = &r->segs[s];

			switch (g->field) {
			case F_LITERAL:	buf_puts(out, g->text); break;
			case F_COMM:	buf_puts(out, pi->comm); break;
			case F_EXEBASE:	buf_puts(out, pi->exe_base); break;
			case F_EXEFULL:	buf_puts(out, pi->exe_full); break;
			case F_USERNAME: buf_puts(out, pi->username); break;
			case F_PID:	buf_printf(out, "%d", pi->pid); break;
			case F_CGROUPS:	buf_puts(out, pi->cgroup); break;
			case F_MATCH:	expand_match(r, g->text, out); break;
			}
		}
		return true;
	}
	return false;
}

bool procnames_uses_username(const struct procnames *pn)
{
	return pn->uses_username;
}

bool procnames_uses_cgroup(const struct procnames *pn)
{
	return pn->uses_cgroup;
}
