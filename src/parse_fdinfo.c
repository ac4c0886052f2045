/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_fdinfo.c - the parser of /proc/PID/fdinfo/N (pure): the file
 * position (pos), the open flags (flags, octal), the mount id (mnt_id),
 * which every descriptor has, and eventfd-id, the one line of the kinds'
 * own that names an open file rather than describing its contents (see
 * fobject.c for why the others do not).  Lines look like "pos:\t0" or
 * "eventfd-id: 1"; the key must begin its line, so that the keys inside
 * an epoll target's line ("tfd: 3 ... pos:0 ino:1a") never count.
 */
#include <string.h>

#include "internal.h"

enum key { KEY_POS, KEY_FLAGS, KEY_MNT_ID, KEY_EVENTFD_ID, KEY_NR };

static const struct {
	const char *name;
	unsigned base;
	bool sign;		/* may be negative */
	unsigned long long max;
} keys[KEY_NR] = {
	[KEY_POS] = { "pos", 10, true, 0x7fffffffffffffffull },
	[KEY_FLAGS] = { "flags", 8, false, 0x7fffffff },
	[KEY_MNT_ID] = { "mnt_id", 10, false, 0x7fffffff },
	[KEY_EVENTFD_ID] = { "eventfd-id", 10, false, 0x7fffffff },
};

/* The value of key k in [p, end), a number alone on its line after blanks:
 * 0 or -1. */
static int parse_value(enum key k, const char *p, const char *end, long long *out)
{
	unsigned long long v = 0;
	bool neg = false;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (keys[k].sign && p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end)
		return -1;
	for (; p < end; p++) {
		unsigned d = (unsigned char)*p - '0';

		if (d >= keys[k].base || v > (keys[k].max - d) / keys[k].base)
			return -1;
		v = v * keys[k].base + d;
	}
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

/* The key of line [p, eol) and where its value begins, or KEY_NR. */
static enum key key_of(const char *p, const char *eol, const char **value)
{
	const char *colon = memchr(p, ':', eol - p);

	if (!colon)
		return KEY_NR;
	for (int k = 0; k < KEY_NR; k++) {
		size_t n = strlen(keys[k].name);

		if ((size_t)(colon - p) == n && !memcmp(p, keys[k].name, n)) {
			*value = colon + 1;
			return k;
		}
	}
	return KEY_NR;
}

static void store(struct vmon__fdinfo *fi, enum key k, long long v)
{
	switch (k) {
	case KEY_POS: fi->pos = v; break;
	case KEY_FLAGS: fi->flags = (int)v; break;
	case KEY_MNT_ID: fi->mnt_id = (int)v; break;
	case KEY_EVENTFD_ID:
		fi->has_eventfd_id = true;
		fi->eventfd_id = (uint64_t)v;
		break;
	default: break;
	}
}

/*
 * Only lines ending in a newline count: the kernel ends every line so, and
 * a read cut short must not turn "eventfd-id: 12" into "eventfd-id: 1".  The
 * first line of a key counts, malformed or not: the generic lines come
 * first, before anything a kind prints of its own.
 */
void vmon__parse_fdinfo(const char *buf, size_t len, struct vmon__fdinfo *fi)
{
	const char *p = buf, *end = buf + len;
	bool seen[KEY_NR] = { false };

	*fi = (struct vmon__fdinfo){ .pos = -1, .flags = -1, .mnt_id = -1 };
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *value;
		enum key k;
		long long v;

		if (!eol)
			break;
		k = key_of(p, eol, &value);
		if (k < KEY_NR && !seen[k]) {
			seen[k] = true;
			if (parse_value(k, value, eol, &v) == 0)
				store(fi, k, v);
		}
		p = eol + 1;
	}
}
