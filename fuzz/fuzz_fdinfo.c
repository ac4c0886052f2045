/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_fdinfo.c - libFuzzer target for vmon__parse_fdinfo(), the parser of
 * /proc/PID/fdinfo/N (pos, flags, mnt_id, eventfd-id).  Checks that every
 * value is unknown or in its range, that parsing is a function of the
 * bytes, and that only complete lines count: the input cut anywhere parses
 * as the input cut after its last newline before that point, and what
 * such a prefix finds, the whole input finds too (the first line of a key
 * counts), so a read cut short never yields another value.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

static void check(const struct vmon__fdinfo *fi)
{
	FUZZ_CHECK(fi->flags >= -1 && fi->mnt_id >= -1);
	FUZZ_CHECK(!fi->has_eventfd_id || fi->eventfd_id <= 0x7fffffff);
	FUZZ_CHECK(fi->has_eventfd_id || fi->eventfd_id == 0);
}

static bool same(const struct vmon__fdinfo *a, const struct vmon__fdinfo *b)
{
	return a->pos == b->pos && a->flags == b->flags && a->mnt_id == b->mnt_id &&
	       a->has_eventfd_id == b->has_eventfd_id && a->eventfd_id == b->eventfd_id;
}

/* What a prefix found, the whole finds (unknown stays unknown or not). */
static void check_prefix(const struct vmon__fdinfo *part, const struct vmon__fdinfo *whole)
{
	FUZZ_CHECK(part->pos == -1 || part->pos == whole->pos);
	FUZZ_CHECK(part->flags == -1 || part->flags == whole->flags);
	FUZZ_CHECK(part->mnt_id == -1 || part->mnt_id == whole->mnt_id);
	FUZZ_CHECK(!part->has_eventfd_id ||
		   (whole->has_eventfd_id && part->eventfd_id == whole->eventfd_id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct vmon__fdinfo whole, again, cut, lines;
	size_t at = size / 2, complete = at;

	vmon__parse_fdinfo(buf, size, &whole);
	check(&whole);
	vmon__parse_fdinfo(buf, size, &again);
	FUZZ_CHECK(same(&whole, &again));
	/* cut in the middle, and after the last newline before it */
	while (complete > 0 && buf[complete - 1] != '\n')
		complete--;
	vmon__parse_fdinfo(buf, at, &cut);
	vmon__parse_fdinfo(buf, complete, &lines);
	check(&cut);
	FUZZ_CHECK(same(&cut, &lines));
	check_prefix(&cut, &whole);
	/* the second half alone, a document of its own */
	vmon__parse_fdinfo(FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size), &cut);
	check(&cut);
	return 0;
}
