/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_read.h - reading a record (record.h's format) back into the
 * model, as `vmon replay` and the record's fuzz target do.  A record is
 * input from anyone: what is not a record vmon can replay is refused with
 * a message naming the line and what is wrong, never by exiting, so that
 * a fuzzer can drive the reader.
 */
#ifndef VMON_TOOL_RECORD_READ_H
#define VMON_TOOL_RECORD_READ_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

/* what the reader says of a record besides the model */
struct record_info {
	bool ended;		/* it has its end line */
	int cut;		/* its last line, cut short (no newline) and left out;
				 * 0 when it has none */
	char err[256];		/* why it was refused: "PATH:LINE: what" */
};

/* Read the record in f (path names it in messages) into m, initialised
 * here.  False with info->err set when it is refused; m is then freed. */
bool record_read(FILE *f, const char *path, struct model *m, struct record_info *info);

#endif
