/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live_frame.h - what one frame of the live view computes once and its
 * parts share (live_draw.c, live_rows.c): the time it shows, the samples
 * of its last second and last minute, each shown track's CPU shares, and
 * out(), the text writer that cuts at the right edge.
 */
#ifndef VMON_TOOL_LIVE_FRAME_H
#define VMON_TOOL_LIVE_FRAME_H

#include "live.h"

#define SPARK 20		/* cells of the sparkline */
#define SPARK_SPAN (60 * US_PER_S)
#define GONE_FOR (5 * US_PER_S)	/* an ended process is counted that long */

/* what a row shows, computed once per frame */
struct figures {
	double user, sys;	/* shares of one core over the last second */
	double spark[SPARK];	/* shares of one core per 3 s of the last minute */
};

struct frame {
	struct live *l;
	vt_us now;
	int win0;		/* first sample of the last second */
	int spark_at[SPARK + 1];	/* first sample of each sparkline cell */
	struct figures *fig;	/* by track id */
};

void frame_init(struct frame *f, struct live *l);
void frame_free(struct frame *f);
/* ended in the last GONE_FOR */
bool frame_recent_end(const struct frame *f, const struct track *t);

/* printf at the cursor, cut at the last column: never wrapped onto the
 * next row (nor scrolled); counted in characters (tree lines may be
 * UTF-8) */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
