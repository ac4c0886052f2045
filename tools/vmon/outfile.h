/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * outfile.h - how vmon writes the files it is asked to write (--png,
 * --summary-json, --record, -o): checked before the run starts, and
 * written so that nothing but a regular file is ever replaced
 * (outfile.c says what each kind of path gets).
 */
#ifndef VMON_TOOL_OUTFILE_H
#define VMON_TOOL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether path can be written, as out_write_whole() (whole) or
 * out_open_stream() write it, without truncating anything or leaving
 * anything created: 0, or -errno. */
int out_check(const char *path, bool whole);

/* Print "vmon: cannot write WHAT PATH: REASON" for the -errno err. */
void out_error(const char *what, const char *path, int err);

/* Open path for a stream of writes (the record, -o): a regular file is
 * created or truncated (*own_file set: vmon may cut it back), anything
 * else is written into.  A descriptor, or -errno. */
int out_open_stream(const char *path, bool *own_file);

/* Make buf the whole content of path: a regular file (or a new one) is
 * replaced whole or left as it was; anything else is written into.
 * 0, or -errno. */
int out_write_whole(const char *path, const void *buf, size_t len);

/* Write all of buf to fd: the bytes written (len, or fewer with errno
 * set). */
size_t out_write_all(int fd, const void *buf, size_t len);

#endif
