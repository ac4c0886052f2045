/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_file_digest.c - vmon__file_unchanged(), which lets a sample skip
 * parsing a file whose bytes did not change, keeping a length and a digest
 * instead of a copy: every one-byte change of a real stat line, at every
 * position and to every other byte value, must read as changed (the
 * digest's promise for a change within one 8-byte word); so must a change
 * of length, a change spread over words, and anything after a forget.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "test.h"

static size_t self_stat(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;

	ASSERT(f);
	n = fread(buf, 1, size, f);
	fclose(f);
	ASSERT(n > 100 && n < size);
	return n;
}

TEST(file_digest_every_one_byte_change_is_seen)
{
	struct vmon__file f;
	char line[1024], copy[1024];
	size_t n = self_stat(line, sizeof(line));
	unsigned long tried = 0;

	vmon__digest_init();
	vmon__file_init(&f);
	ASSERT(!vmon__file_unchanged(&f, line, n));	/* nothing parsed yet */
	ASSERT(vmon__file_unchanged(&f, line, n));
	for (size_t i = 0; i < n; i++) {
		for (int v = 0; v < 256; v++) {
			if ((unsigned char)line[i] == v)
				continue;
			memcpy(copy, line, n);
			copy[i] = (char)v;
			ASSERT_MSG(!vmon__file_unchanged(&f, copy, n),
				   "byte %zu set to %d read as unchanged", i, v);
			/* and back: the original is now the change */
			ASSERT(!vmon__file_unchanged(&f, line, n));
			tried++;
		}
	}
	ASSERT_EQ(tried, n * 255);
	printf("    %lu one-byte changes of a %zu-byte stat line, each seen\n", tried, n);
}

TEST(file_digest_length_words_and_forget)
{
	struct vmon__file f;
	char a[64] = "1 (sh) S 0 1 1 0 -1 4194560 100 0 0 0 5 7 0 0 20 0 1 0 9\n";
	char b[64];
	size_t n = strlen(a);

	vmon__digest_init();
	vmon__file_init(&f);
	ASSERT(!vmon__file_unchanged(&f, a, n));
	ASSERT(vmon__file_unchanged(&f, a, n));
	/* a prefix, and the same bytes with a zero byte more */
	ASSERT(!vmon__file_unchanged(&f, a, n - 1));
	ASSERT(!vmon__file_unchanged(&f, a, n));
	ASSERT(!vmon__file_unchanged(&f, a, n + 1));
	ASSERT(!vmon__file_unchanged(&f, a, n));
	/* counters moving in two words at once (utime and stime ticking) */
	memcpy(b, a, sizeof(b));
	b[38] = '6';
	b[40] = '8';
	ASSERT(!vmon__file_unchanged(&f, b, n));
	ASSERT(vmon__file_unchanged(&f, b, n));
	/* the empty content is content too */
	ASSERT(!vmon__file_unchanged(&f, a, 0));
	ASSERT(vmon__file_unchanged(&f, a, 0));
	/* a forget (a failed read or parse) makes the next content new */
	ASSERT(!vmon__file_unchanged(&f, a, n));
	vmon__file_forget(&f);
	ASSERT(!vmon__file_unchanged(&f, a, n));
	ASSERT(vmon__file_unchanged(&f, a, n));
	vmon__file_close(&f);
}
