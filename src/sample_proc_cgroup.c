/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_cgroup.c - VMON_WANT_PROC_CGROUP: /proc/PID/cgroup
 * (cgroups(7)), one "hierarchy-ID:controllers:path" line per hierarchy.
 *
 * The "0::" line is the cgroup v2 path; the others are v1 hierarchies,
 * kept in order in cgroup->v1[] (a hybrid system, or one with only v1,
 * prints both kinds).  A path may itself contain ':', so a line is split
 * at its first two colons only.  From the most specific path, the sampler
 * derives the container and systemd unit hints that htop shows (which
 * names are recognised is in proc_cgroup.def).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_cgroup_t
static const vmon_field_t proc_cgroup_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_cgroup.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_cgroup_info, "proc_cgroup", "/proc/PID/cgroup", vmon_proc_cgroup_t,
		 proc_cgroup_fields, VMON_PROC_CGROUP_NR);

#define VMON__HINT_MAX 256	/* a cgroup name is a file name: 255 bytes */

/* one parsed line: its id, controllers and path */
struct line {
	long long id;
	const char *ctl, *path;
	size_t ctl_len, path_len;
};

static bool split_line(const char *p, const char *eol, struct line *l)
{
	const char *c1 = memchr(p, ':', eol - p), *c2, *q = p;

	if (!c1 || !(c2 = memchr(c1 + 1, ':', eol - c1 - 1)))
		return false;
	if (vmon__parse_ll(&q, c1, &l->id) < 0 || q != c1 || l->id < 0 || l->id > 0x7fffffff)
		return false;
	l->ctl = c1 + 1;
	l->ctl_len = c2 - c1 - 1;
	l->path = c2 + 1;
	l->path_len = eol - c2 - 1;
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* the hints found so far: the last match wins (the innermost component) */
struct hints {
	char container[VMON__HINT_MAX + 16];
	size_t container_len;
	const char *unit;
	size_t unit_len;
};

static void set_container(struct hints *h, const char *kind, const char *id, size_t len,
			  size_t max)
{
	size_t k = strlen(kind);

	if (len > max)
		len = max;
	memcpy(h->container, kind, k);
	memcpy(h->container + k, id, len);
	h->container_len = k + len;
}

/* A component name[0 .. len) ending in ".scope": a container runtime's? */
static void scope_hint(struct hints *h, const char *name, size_t len)
{
	static const struct { const char *prefix, *skip, *kind; size_t max; } scopes[] = {
		{ "docker-", NULL, "docker:", 12 },
		{ "libpod-", "libpod-conmon-", "podman:", 12 },
		{ "cri-containerd-", NULL, "containerd:", 12 },
		{ "crio-", "crio-conmon-", "crio:", 12 },
		{ "machine-", NULL, "machine:", VMON__HINT_MAX },
	};

	len -= strlen(".scope");
	for (size_t i = 0; i < VMON__ARRAY_SIZE(scopes); i++) {
		size_t n = strlen(scopes[i].prefix);

		if (!has_prefix(name, len, scopes[i].prefix) || len == n ||
		    (scopes[i].skip && has_prefix(name, len, scopes[i].skip)))
			continue;
		set_container(h, scopes[i].kind, name + n, len - n, scopes[i].max);
		return;
	}
}

/* One component c (and the next one, next, or NULL). */
static void component_hint(struct hints *h, const char *c, size_t len, const char *next,
			   size_t next_len)
{
	if (has_suffix(c, len, ".scope") || has_suffix(c, len, ".service")) {
		h->unit = c;
		h->unit_len = len > VMON__HINT_MAX ? VMON__HINT_MAX : len;
	}
	if (has_suffix(c, len, ".scope"))
		scope_hint(h, c, len);
	else if (has_prefix(c, len, "lxc.payload.") && len > strlen("lxc.payload."))
		set_container(h, "lxc:", c + strlen("lxc.payload."), len - strlen("lxc.payload."),
			      VMON__HINT_MAX);
	else if (next && len == 6 && !memcmp(c, "docker", 6))
		set_container(h, "docker:", next, next_len, 12);
	else if (next && ((len == 3 && !memcmp(c, "lxc", 3)) ||
			  (len == 11 && !memcmp(c, "lxc.payload", 11))))
		set_container(h, "lxc:", next, next_len, VMON__HINT_MAX);
}

static void path_hints(struct hints *h, const char *p, size_t len)
{
	const char *end = p + len, *c, *c_end, *n, *n_end;

	for (c = p; c < end; c = c_end) {
		while (c < end && *c == '/')
			c++;
		if (c == end)
			break;
		c_end = memchr(c, '/', end - c);
		if (!c_end)
			c_end = end;
		for (n = c_end; n < end && *n == '/'; n++)
			;
		n_end = n < end ? memchr(n, '/', end - n) : NULL;
		if (!n_end)
			n_end = end;
		component_hint(h, c, c_end - c, n < end ? n : NULL, n_end - n);
	}
}

/* Resize v1[] to nr lines, freeing the strings of lines dropped; 0 or
 * -ENOMEM (unchanged). */
static int v1_resize(vmon_proc_cgroup_t *cg, int nr)
{
	if (nr > cg->v1_nr) {
		vmon_proc_cgroup_v1_t *v = vmon__realloc(cg->v1, (size_t)nr * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + cg->v1_nr, 0, (size_t)(nr - cg->v1_nr) * sizeof(*v));
		cg->v1 = v;
	}
	for (int i = nr; i < cg->v1_nr; i++) {
		vmon__chars_free(&cg->v1[i].controllers);
		vmon__chars_free(&cg->v1[i].path);
	}
	if (nr != cg->v1_nr)
		BITSET(cg->changed, VMON_PROC_CGROUP_V1_NR);
	cg->v1_nr = nr;
	return 0;
}

/* Store v1 line i; its changes count as v1_nr's. */
static int v1_set(vmon_proc_cgroup_t *cg, int i, const struct line *l)
{
	vmon_proc_cgroup_v1_t *v = &cg->v1[i];

	if (v->hierarchy != (int)l->id)
		BITSET(cg->changed, VMON_PROC_CGROUP_V1_NR);
	v->hierarchy = (int)l->id;
	if (vmon__chars_set(&v->controllers, l->ctl, l->ctl_len, cg->changed,
			    VMON_PROC_CGROUP_V1_NR) < 0 ||
	    vmon__chars_set(&v->path, l->path, l->path_len, cg->changed,
			    VMON_PROC_CGROUP_V1_NR) < 0)
		return -ENOMEM;
	return 0;
}

/* The path the hints come from (see proc_cgroup.def). */
static bool hint_source(const vmon_proc_cgroup_t *cg, bool has_v2, const char **p, size_t *len)
{
	if (has_v2 && !(cg->path.len == 1 && cg->path.array[0] == '/' && cg->v1_nr)) {
		*p = cg->path.array;
		*len = cg->path.len;
		return true;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < cg->v1_nr; i++) {
			const vmon_proc_cgroup_v1_t *v = &cg->v1[i];

			if (!v->controllers.array || !v->path.array)
				continue;	/* a line whose copy ran out of memory */
			if (pass == 0 ? strcmp(v->controllers.array, "name=systemd") :
			    (v->path.len == 1 && v->path.array[0] == '/'))
				continue;
			*p = v->path.array;
			*len = v->path.len;
			return true;
		}
	return false;
}

static int set_hints(vmon_proc_cgroup_t *cg, bool has_v2)
{
	struct hints h = { .container_len = 0 };
	const char *p;
	size_t len;
	int err = 0;

	if (hint_source(cg, has_v2, &p, &len))
		path_hints(&h, p, len);
	if (vmon__chars_set(&cg->container, h.container, h.container_len, cg->changed,
			    VMON_PROC_CGROUP_CONTAINER) < 0)
		err = -ENOMEM;
	if (vmon__chars_set(&cg->unit, h.unit ? h.unit : "", h.unit_len, cg->changed,
			    VMON_PROC_CGROUP_UNIT) < 0)
		err = -ENOMEM;
	BITCLEAR(cg->unavailable, VMON_PROC_CGROUP_CONTAINER);
	BITCLEAR(cg->unavailable, VMON_PROC_CGROUP_UNIT);
	if (err)	/* the hints no longer match the path */
		BITSET(cg->unavailable, VMON_PROC_CGROUP_CONTAINER);
	return err;
}

/* Walk the lines, calling v1_set for the v1 ones when fill; the count of
 * v1 lines, and the v2 line in *v2 (id -1 when there is none). */
static int scan(vmon_proc_cgroup_t *cg, const char *buf, size_t len, bool fill,
		struct line *v2, int *err)
{
	const char *p = buf, *end = buf + len;
	struct line l;
	int nr = 0;

	v2->id = -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if (split_line(p, eol, &l)) {
			if (l.id == 0 && l.ctl_len == 0)
				*v2 = l;
			else if (fill && v1_set(cg, nr++, &l) < 0)
				*err = -ENOMEM;
			else if (!fill)
				nr++;
		}
		p = eol + 1;
	}
	return nr;
}

int vmon__parse_proc_cgroup(vmon_proc_cgroup_t *cg, const char *buf, size_t len)
{
	struct line v2;
	int err = 0, nr;

	memset(cg->changed, 0, sizeof(cg->changed));
	nr = scan(cg, buf, len, false, &v2, &err);
	if (v1_resize(cg, nr) < 0) {
		BITSET(cg->unavailable, VMON_PROC_CGROUP_V1_NR);
		return -ENOMEM;
	}
	scan(cg, buf, len, true, &v2, &err);
	if (err)
		BITSET(cg->unavailable, VMON_PROC_CGROUP_V1_NR);
	else
		BITCLEAR(cg->unavailable, VMON_PROC_CGROUP_V1_NR);
	if (v2.id < 0) {
		BITSET(cg->unavailable, VMON_PROC_CGROUP_PATH);
	} else if (vmon__chars_set(&cg->path, v2.path, v2.path_len, cg->changed,
				   VMON_PROC_CGROUP_PATH) < 0) {
		BITSET(cg->unavailable, VMON_PROC_CGROUP_PATH);
		err = -ENOMEM;
	} else {
		BITCLEAR(cg->unavailable, VMON_PROC_CGROUP_PATH);
	}
	if (set_hints(cg, v2.id >= 0 && !BITTEST(cg->unavailable, VMON_PROC_CGROUP_PATH)) < 0)
		err = -ENOMEM;
	return err;
}

void vmon__proc_cgroup_free(vmon_proc_cgroup_t *cg)
{
	v1_resize(cg, 0);
	vmon__free(cg->v1);
	cg->v1 = NULL;
	vmon__chars_free(&cg->path);
	vmon__chars_free(&cg->container);
	vmon__chars_free(&cg->unit);
}

VMON__FILE_PROC_SAMPLER(vmon__sampler_proc_cgroup, vmon__proc_cgroup_info, vmon_proc_cgroup_t,
			"cgroup", vmon__parse_proc_cgroup, vmon__proc_cgroup_free, true);
