/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_layout.h - where each part of the chart goes, computed once per
 * chart, and the helpers that turn times and samples into pixel columns
 * and bins; the frame (chart.c) and the rows (chart_rows.c) draw by it.
 *
 * Time runs left to right over the plot, from 0 (the start) to the end of
 * the run.  A sample's figures cover the interval since the previous
 * sample and are spread evenly over the bins of that interval, so each bin
 * shows the average over its own stretch of time, whether it holds many
 * samples or a part of one.  A bin is a pixel column, or longer when a
 * column is shorter than 4 clock ticks: CPU times count whole ticks, and
 * shorter bins would show their rounding rather than the load.
 */
#ifndef VMON_TOOL_CHART_LAYOUT_H
#define VMON_TOOL_CHART_LAYOUT_H

#include "chart.h"

#define MARGIN 12	/* around the chart, in pixels */

struct layout {
	int w, h;
	double bin_us;		/* CPU is summed per bin of this many microseconds */
	int nbins;
	int label_x, label_w;
	int plot_x, plot_w;
	int sys_y, cpu_h, tree_y, mem_h, mem_y, rss_y;
	int rows_head_y, rows_y, row_h, nrows, shown;
	int axis_y, legend_y, legend_lines;
	vt_us t_end;
	struct track **rows;	/* tree order */
};

/* The layout of m's chart: its rows (tree order) and the place of each
 * part; chart_layout_free() frees the rows. */
void chart_layout(struct layout *L, const struct model *m, const struct chart_opts *o);
void chart_layout_free(struct layout *L);

/* the column (in pixels from plot_x, fractional) of time t */
double chart_col(const struct layout *L, vt_us t);
/* the bin (fractional) of time t, and the ticks a bin lasts */
double chart_bin(const struct layout *L, vt_us t);
double chart_bin_ticks(const struct layout *L, const struct model *m, int bin);
/* the bin shown at column x */
int chart_bin_at(const struct layout *L, int x);
/* spread amount evenly over bins [b0, b1) of out (n bins) */
void chart_spread(double *out, int n, double b0, double b1, double amount);
/* the start of sample i's interval */
vt_us chart_interval_start(const struct model *m, int i);

#endif
