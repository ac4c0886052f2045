/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_children.c - libFuzzer target for vmon__parse_pids(), the parser of
 * /proc/PID/task/TID/children lists.  Differential: its pids must be
 * exactly those of a separate reference (each maximal run of digits, read
 * with strtoull, kept when it is 1 .. INT_MAX and does not overflow), in
 * order; and a callback that stops early must stop the parse there.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

struct pids {
	int *v;
	size_t nr, stop_at;	/* stop_at: return 1 from the callback at this count */
};

static int collect(void *ctx, int pid)
{
	struct pids *p = ctx;

	FUZZ_CHECK(pid > 0);
	p->v[p->nr++] = pid;
	return p->nr == p->stop_at;
}

/* the reference: digit runs by strtoull (leading zeros dropped first, so
 * that a long run of them still reads as its value) */
static size_t reference(const char *buf, size_t len, int *out)
{
	size_t nr = 0;

	for (size_t i = 0; i < len;) {
		char run[64];
		size_t j = i;

		if (buf[i] < '0' || buf[i] > '9') {
			i++;
			continue;
		}
		while (j < len && buf[j] >= '0' && buf[j] <= '9')
			j++;
		while (i + 1 < j && buf[i] == '0')
			i++;
		if (j - i < sizeof(run)) {
			unsigned long long v;

			memcpy(run, buf + i, j - i);
			run[j - i] = '\0';
			errno = 0;
			v = strtoull(run, NULL, 10);
			if (!errno && v >= 1 && v <= INT_MAX)
				out[nr++] = (int)v;
		}
		i = j;
	}
	return nr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	int *want = malloc((size / 2 + 1) * sizeof(int));
	struct pids got = { malloc((size / 2 + 1) * sizeof(int)), 0, 0 };
	size_t nr;

	FUZZ_CHECK(want && got.v);
	nr = reference(buf, size, want);
	FUZZ_CHECK(vmon__parse_pids(buf, size, collect, &got) == 0);
	FUZZ_CHECK(got.nr == nr);
	FUZZ_CHECK(!nr || !memcmp(got.v, want, nr * sizeof(int)));
	/* stop at the first byte's value, modulo the count */
	if (nr) {
		got.nr = 0;
		got.stop_at = 1 + (size_t)data[0] % nr;
		FUZZ_CHECK(vmon__parse_pids(buf, size, collect, &got) == 1);
		FUZZ_CHECK(got.nr == got.stop_at);
	}
	free(want);
	free(got.v);
	return 0;
}
