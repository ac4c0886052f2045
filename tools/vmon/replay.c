/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * replay.c - `vmon replay FILE`: read a recording back into the model
 * (record_read.c) and draw its chart or print its summary, without /proc.
 * A record cut short (no end line, or its last line cut within) replays
 * up to its last whole line, with a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "record_read.h"
#include "tool.h"

int replay_main(struct opts *o)
{
	struct record_info info;
	struct model m;
	struct chart_opts co = { o->width, o->height, o->threads };
	FILE *f = fopen(o->argv[0], "re");
	int code = 0;
	bool ok;

	if (!f)
		die(1, "cannot read %s: %s", o->argv[0], strerror(errno));
	ok = record_read(f, o->argv[0], &m, &info);
	fclose(f);
	if (!ok)
		die(1, "%s", info.err);
	if (info.cut)
		warnx_("%s:%d: the last line is cut short (no newline at its end): replaying the %d "
		       "whole lines before it", o->argv[0], info.cut, info.cut - 1);
	if (!info.ended)
		warnx_("%s: no end line: the run was cut short; replaying what is there",
		       o->argv[0]);
	model_end(&m, m.end);
	if (o->png && !chart_write(&m, o->png, &co)) {
		warnx_("could not write the chart %s", o->png);
		code = 1;
	}
	if (o->summary)
		summary_print(&m, stdout);
	if (o->summary_json && !summary_json(&m, o->summary_json)) {
		warnx_("could not write %s: %s", o->summary_json, strerror(errno));
		code = 1;
	}
	model_free(&m);
	return code;
}
