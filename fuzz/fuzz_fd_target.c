/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_fd_target.c - libFuzzer target for the descriptor link targets of
 * /proc/PID/fd/N: vmon__fobject_parse_target() (pure) and the shared
 * object table behind vmon__fobject_get() and vmon__fobject_put().  Each
 * line of the input is one link target.  Its classification is checked
 * against a separate reference ("pipe:[N]" and "socket:[N]" with N a
 * decimal u64, "anon_inode:" and a name); then every line takes a reference
 * on its object twice (identical targets must share one object, different
 * ones must not: each anon inode line says it is eventfd-id 7, which only
 * anon_inode:[eventfd] lines may share), an anon inode line once more
 * without an identity (an object of its own), every reference is dropped,
 * and the table must be empty.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

#define MAX_LINES 4096
#define PAIRS_CHECKED 256	/* lines compared pairwise */

/* the reference classification */
static bool reference(const char *s, size_t len, vmon_fobject_type_t *type, uint64_t *inum)
{
	static const char *const prefix[] = { "pipe:[", "socket:[" };

	for (int k = 0; k < 2; k++) {
		size_t n = strlen(prefix[k]), i;
		uint64_t v = 0;

		if (len < n + 2 || memcmp(s, prefix[k], n) || s[len - 1] != ']')
			continue;
		for (i = n; i < len - 1; i++) {
			if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (s[i] - '0')) / 10)
				return false;
			v = v * 10 + (s[i] - '0');
		}
		*type = k ? VMON_FOBJECT_TYPE_SOCKET : VMON_FOBJECT_TYPE_PIPE;
		*inum = v;
		return true;
	}
	if (len > 11 && !memcmp(s, "anon_inode:", 11)) {
		*type = VMON_FOBJECT_TYPE_ANON;
		*inum = 0;
		return true;
	}
	return false;
}

struct line {
	const char *s;
	size_t len;
	vmon_fobject_t *obj;
};

/* what every line's fdinfo says: eventfd-id 7 (used for eventfds only) */
static const struct vmon__fdinfo fdinfo_7 = { .pos = 0, .flags = 2, .mnt_id = 17,
	.has_eventfd_id = true, .eventfd_id = 7 };
static const struct vmon__fobj_holder eventfd_7 = { NULL, 0, &fdinfo_7 };

static bool is_eventfd(const struct line *l)
{
	return l->len == 20 && !memcmp(l->s, "anon_inode:[eventfd]", 20);
}

/* Same target: same object, but for anon inodes other than eventfds,
 * which have no identity here: an object each. */
static bool shared(const struct line *a, const struct line *b)
{
	return a->len == b->len && !memcmp(a->s, b->s, a->len) &&
	       (a->obj->type != VMON_FOBJECT_TYPE_ANON || is_eventfd(a));
}

/* An anon inode taken without what its fdinfo says: an object of its own. */
static void take_alone(vmon_t *vmon, const struct line *l)
{
	vmon_fobject_t *obj = vmon__fobject_get(vmon, l->s, l->len, NULL);

	FUZZ_CHECK(obj && obj != l->obj && obj->refcnt == 1 &&
		   obj->match == VMON_FOBJECT_MATCH_NONE && !obj->anon_id);
	vmon__fobject_put(vmon, obj);
}

static size_t split(const char *buf, size_t size, struct line *lines)
{
	size_t nr = 0;

	for (const char *p = buf, *end = buf + size; p < end && nr < MAX_LINES;) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		lines[nr++] = (struct line){ p, eol - p, NULL };
		p = eol + 1;
	}
	return nr;
}

static void take_refs(vmon_t *vmon, struct line *lines, size_t nr, bool again)
{
	for (size_t i = 0; i < nr; i++) {
		vmon_fobject_type_t type, rtype;
		uint64_t inum, rinum;
		bool is_obj = vmon__fobject_parse_target(lines[i].s, lines[i].len, &type, &inum);
		vmon_fobject_t *obj;

		FUZZ_CHECK(is_obj == reference(lines[i].s, lines[i].len, &rtype, &rinum));
		FUZZ_CHECK(!is_obj || (type == rtype && inum == rinum));
		errno = 0;
		obj = vmon__fobject_get(vmon, lines[i].s, lines[i].len, &eventfd_7);
		FUZZ_CHECK(!obj == !is_obj && errno == 0);
		if (!obj)
			continue;
		FUZZ_CHECK(obj->type == type && obj->inum == inum);
		FUZZ_CHECK(obj->match == (type != VMON_FOBJECT_TYPE_ANON ? VMON_FOBJECT_MATCH_INODE :
			   is_eventfd(&lines[i]) ? VMON_FOBJECT_MATCH_FDINFO :
			   VMON_FOBJECT_MATCH_NONE));
		FUZZ_CHECK(obj->name.len == lines[i].len &&
			   !memcmp(obj->name.array, lines[i].s, lines[i].len));
		FUZZ_CHECK(obj->anon_id == (is_eventfd(&lines[i]) ? 7u : 0u));
		FUZZ_CHECK(!again || obj == lines[i].obj || !shared(&lines[i], &lines[i]));
		if (!again)
			lines[i].obj = obj;
		else if (obj != lines[i].obj)	/* an object each: drop this one */
			vmon__fobject_put(vmon, obj);
		if (again && type == VMON_FOBJECT_TYPE_ANON)
			take_alone(vmon, &lines[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line *lines = malloc(MAX_LINES * sizeof(*lines));
	size_t nr;
	vmon_t v;

	/* a real instance (no wants: nothing is sampled), so the table is
	 * set up as the library sets it up */
	FUZZ_CHECK(lines && vmon_init(&v, VMON_FLAG_NONE, 0, 0));
	nr = split((const char *)data, size, lines);
	take_refs(&v, lines, nr, false);
	take_refs(&v, lines, nr, true);
	for (size_t i = 0; i < nr && i < PAIRS_CHECKED; i++) {
		for (size_t j = 0; j < i; j++) {
			if (lines[i].obj && lines[j].obj)
				FUZZ_CHECK((lines[i].obj == lines[j].obj) ==
					   shared(&lines[i], &lines[j]));
		}
	}
	for (size_t i = 0; i < nr; i++) {
		if (lines[i].obj) {
			bool twice = shared(&lines[i], &lines[i]);

			vmon__fobject_put(&v, lines[i].obj);
			if (twice)
				vmon__fobject_put(&v, lines[i].obj);
		}
	}
	FUZZ_CHECK(v.fobjects_nr == 0 && list_empty(&v.fobjects) &&
		   v.internal->fobjects.count == 0);
	vmon_destroy(&v);
	free(lines);
	return 0;
}
