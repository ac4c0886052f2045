/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_vmon_record.c - libFuzzer target for the record reader of
 * `vmon replay` (tools/vmon/record_read.c): a record is input from anyone.
 * Linked with the tool's reader, model, summary and chart objects
 * (mk/vmon.mk), not png.c: png_write() below draws nothing to disk.
 *
 * The input is read as a record.  One refused says where and why; one
 * accepted lists every track in its tree (no parent loops), and is then
 * everything a replay makes of it: the summary and the chart, drawn.  The
 * same bytes read again give the same summary.  And a record cut within
 * its last line (its final newline dropped) replays as the record without
 * that line: both refused, or both accepted with the same summary.
 */
#include <ctype.h>
#include <string.h>

#include "chart.h"
#include "canvas.h"
#include "fuzz.h"
#include "record_read.h"
#include "tool.h"

/* chart_write()'s last step: the canvas is drawn, nothing is written */
bool png_write(const struct canvas *c, const char *path, const char *const *keys,
	       const char *const *vals, int n)
{
	(void)c, (void)path, (void)keys, (void)vals, (void)n;
	return true;
}

/* Read size bytes as a record; its summary (malloc'd) when accepted,
 * else NULL after checking the message.  With draw, the rest of a
 * replay too. */
static char *replay(const uint8_t *data, size_t size, bool draw)
{
	struct chart_opts co = { 400, 0, true };
	struct record_info info;
	struct track **rows;
	struct model m;
	char *text = NULL;
	size_t len = 0;
	FILE *f, *out;
	bool ok;

	/* fmemopen() refuses an empty buffer; an empty record is read from
	 * /dev/null */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	FUZZ_CHECK(f);
	ok = record_read(f, "in", &m, &info);
	fclose(f);
	if (!ok) {
		/* "in:LINE: what", one line */
		FUZZ_CHECK(!strncmp(info.err, "in:", 3) && isdigit((unsigned char)info.err[3]));
		FUZZ_CHECK(!strchr(info.err, '\n'));
		return NULL;
	}
	FUZZ_CHECK(model_tree(&m, &rows, true, NULL, NULL, NULL) == m.ntracks);
	free(rows);
	model_end(&m, m.end);
	out = open_memstream(&text, &len);
	FUZZ_CHECK(out);
	summary_print(&m, out);
	FUZZ_CHECK(!fclose(out));
	if (draw)
		FUZZ_CHECK(chart_write(&m, "unused.png", &co));
	model_free(&m);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *first = replay(data, size, true), *again = replay(data, size, false);
	size_t at;

	FUZZ_CHECK(!first == !again && (!first || !strcmp(first, again)));
	free(first);
	free(again);
	if (size < 2 || data[size - 1] != '\n')
		return 0;
	/* the last line starts at data[at]; without it, and cut short */
	for (at = size - 1; at > 0 && data[at - 1] != '\n'; at--)
		;
	if (at == 0 || at == size - 1)
		return 0;
	first = replay(data, at, false);
	again = replay(data, size - 1, false);
	FUZZ_CHECK(!first == !again && (!first || !strcmp(first, again)));
	free(first);
	free(again);
	return 0;
}
