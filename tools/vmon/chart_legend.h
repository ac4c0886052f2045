/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_legend.h - the chart's legend: a swatch or an exit mark for each
 * colour, with its meaning, in lines that wrap rather than cut.
 */
#ifndef VMON_TOOL_CHART_LEGEND_H
#define VMON_TOOL_CHART_LEGEND_H

#include "canvas.h"

#define LEGEND_LINE_H 14	/* each line the legend wraps to */

/* the lines the legend takes in a width of w pixels */
int chart_legend_lines(int w);
/* Draw it from (x, y), in a width of w pixels. */
void chart_legend(struct canvas *c, int x, int y, int w);

#endif
