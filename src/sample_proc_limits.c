/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_limits.c - VMON_WANT_PROC_LIMITS: /proc/PID/limits
 * (proc_pid_limits(5)), the soft and hard limit of every resource, as
 * psutil's Process.rlimit() reads them with prlimit(2) (which needs the
 * right to change the target's limits; the file is world-readable).
 *
 * The file is a header and a line per resource, "Max open files" padded
 * to 25 columns, the soft and the hard limit, and the units:
 *
 *   Max open files            1024                 1048576              files
 *
 * A line is found by its name (the source of its rows up to the '.'),
 * never by position, so a line missing, repeated or reordered changes
 * nothing for the others; "unlimited" is VMON_RLIM_INFINITY.  The units
 * are the kernel's fixed ones per resource and are not parsed.  Limits
 * seldom change: an unchanged file is told by its digest, not parsed.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_limits_t
static const vmon_field_t proc_limits_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_limits.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_limits_info, "proc_limits", "/proc/PID/limits", vmon_proc_limits_t,
		 proc_limits_fields, VMON_PROC_LIMITS_NR);

/* the store's layout is the resources' numbering (vmon.h) */
_Static_assert(VMON_PROC_LIMITS_NR == 2 * VMON_RLIMIT_NR, "proc_limits.def: two rows a resource");
_Static_assert(VMON_PROC_LIMITS_NOFILE_SOFT == 2 * VMON_RLIMIT_NOFILE &&
	       VMON_PROC_LIMITS_RTTIME_HARD == 2 * VMON_RLIMIT_RTTIME + 1,
	       "proc_limits.def: rows in resource order, soft then hard");
#define SAME(_r) ((int)VMON_RLIMIT_ ## _r == (int)RLIMIT_ ## _r)
_Static_assert(SAME(CPU) && SAME(FSIZE) && SAME(DATA) && SAME(STACK) && SAME(CORE) &&
	       SAME(RSS) && SAME(NPROC) && SAME(NOFILE) && SAME(MEMLOCK) && SAME(AS) &&
	       SAME(LOCKS) && SAME(SIGPENDING) && SAME(MSGQUEUE) && SAME(NICE) && SAME(RTPRIO) &&
	       SAME(RTTIME) && (int)VMON_RLIMIT_NR == (int)RLIMIT_NLIMITS,
	       "vmon_rlimit_t: Linux's RLIMIT_* numbers");
#undef SAME

/* The length of field f's line name ("Max open files"), its source up to
 * the column. */
static size_t name_len(const vmon_field_t *f)
{
	return strcspn(f->source, ".");
}

/* The resource whose name starts line [p, eol) and is followed by a blank,
 * trying *hint (the one after the last found) first; -1 for none. */
static int resource_of(const char *p, const char *eol, int *hint)
{
	const vmon_field_t *fields = vmon__proc_limits_info.fields;

	for (int i = 0; i < VMON_RLIMIT_NR; i++) {
		int r = (*hint + i) % VMON_RLIMIT_NR;
		size_t n = name_len(&fields[2 * r]);

		if ((size_t)(eol - p) > n && !memcmp(p, fields[2 * r].source, n) &&
		    (p[n] == ' ' || p[n] == '\t')) {
			*hint = r + 1;
			return r;
		}
	}
	return -1;
}

/* A limit: "unlimited" or a decimal number; anything else (a sign,
 * trailing bytes, more than 64 bits) leaves its field unavailable. */
static void parse_limit(vmon_proc_limits_t *lim, int sym, const char *t, const char *t_end)
{
	const vmon_field_t *f = &vmon__proc_limits_info.fields[sym];
	unsigned long long v;

	if (!t) {
		BITSET(lim->unavailable, sym);
	} else if (t_end - t == 9 && !memcmp(t, "unlimited", 9)) {
		vmon__field_set_ull(f, lim, lim->changed, lim->unavailable, VMON_RLIM_INFINITY);
	} else if (vmon__parse_ull(&t, t_end, &v) == 0 && t == t_end) {
		vmon__field_set_ull(f, lim, lim->changed, lim->unavailable, v);
	} else {
		BITSET(lim->unavailable, sym);
	}
}

int vmon__parse_proc_limits(vmon_proc_limits_t *lim, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char seen[BITNSLOTS(VMON_RLIMIT_NR)] = { 0 };
	int hint = 0;

	memset(lim->changed, 0, sizeof(lim->changed));
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *q, *t, *t_end;
		int r;

		if (!eol)
			eol = end;
		/* a repeated line: the first counts, so the same bytes always
		 * give the same values */
		if ((r = resource_of(p, eol, &hint)) >= 0 && !BITTEST(seen, r)) {
			BITSET(seen, r);
			q = p + name_len(&vmon__proc_limits_info.fields[2 * r]);
			t = vmon__next_token(&q, eol, &t_end);
			parse_limit(lim, 2 * r, t, t_end);
			t = t ? vmon__next_token(&q, eol, &t_end) : NULL;
			parse_limit(lim, 2 * r + 1, t, t_end);
		}
		p = eol + 1;
	}
	for (int r = 0; r < VMON_RLIMIT_NR; r++) {
		if (!BITTEST(seen, r)) {
			BITSET(lim->unavailable, 2 * r);
			BITSET(lim->unavailable, 2 * r + 1);
		}
	}
	return 0;
}

static unsigned long long value_of(const vmon_proc_limits_t *lim, int sym)
{
	return *(const unsigned long long *)((const char *)lim +
					     vmon__proc_limits_info.fields[sym].offset);
}

VMON_EXPORT int vmon_proc_limits_get(const vmon_proc_limits_t *lim, int resource,
				     unsigned long long *soft, unsigned long long *hard)
{
	if (!lim || resource < 0 || resource >= VMON_RLIMIT_NR) {
		errno = EINVAL;
		return 0;
	}
	if ((soft && BITTEST(lim->unavailable, 2 * resource)) ||
	    (hard && BITTEST(lim->unavailable, 2 * resource + 1))) {
		errno = ENOENT;
		return 0;
	}
	if (soft)
		*soft = value_of(lim, 2 * resource);
	if (hard)
		*hard = value_of(lim, 2 * resource + 1);
	return 1;
}

VMON__FILE_PROC_SAMPLER(vmon__sampler_proc_limits, vmon__proc_limits_info, vmon_proc_limits_t,
			"limits", vmon__parse_proc_limits, VMON__NO_FREE, true);
