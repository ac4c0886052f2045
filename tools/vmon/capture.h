/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * capture.h - the command's output while the live view owns the terminal:
 * read from a pipe as it comes, its last lines shown under the tree, and
 * written out (the last MiB of it) once the view is closed, so nothing the
 * command said is lost.
 */
#ifndef VMON_TOOL_CAPTURE_H
#define VMON_TOOL_CAPTURE_H

#include <stdio.h>

struct capture;

/* NULL (after a message) if no pipe could be made */
struct capture *capture_new(void);
int capture_write_fd(struct capture *c);	/* the child's end */
void capture_close_write(struct capture *c);	/* in vmon, after the fork */
int capture_read_fd(const struct capture *c);	/* -1 once at EOF */
/* read what is there without blocking */
void capture_read(struct capture *c);
/* the n-th line from the end (0: the last), or NULL */
const char *capture_line(struct capture *c, int n, size_t *len);
/* write what was kept to out, then free */
void capture_finish(struct capture *c, FILE *out);

#endif
