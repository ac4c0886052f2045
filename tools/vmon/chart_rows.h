/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_rows.h - the chart's process rows, drawn by the layout.
 */
#ifndef VMON_TOOL_CHART_ROWS_H
#define VMON_TOOL_CHART_ROWS_H

#include <stdbool.h>

#include "canvas.h"
#include "chart_layout.h"

/* The process rows: their backgrounds (zebra, lifetime), or (fg) their
 * CPU bars, exit marks, labels and tree lines. */
void chart_rows(struct canvas *c, const struct layout *L, const struct model *m, bool fg);

/* the track's user and system ticks added to the bins u and s (nbins
 * each), spread over the time each sample's ticks were used */
void chart_cpu_bins(const struct layout *L, const struct model *m, const struct track *t,
		    double *u, double *s);

/* the mark of a process a signal killed: a bar h high at x, crossed */
void chart_kill_mark(struct canvas *c, int x, int y, int h);

#endif
