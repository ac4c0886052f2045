/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_int.h - what the two halves of the chart share: its layout (where
 * each part goes, computed once in chart.c), its palette, and the helpers
 * that turn samples into pixel columns.
 *
 * Time runs left to right over the plot, from 0 (the start) to the end of
 * the run.  A sample's figures cover the interval since the previous
 * sample and are spread evenly over the bins of that interval, so each bin
 * shows the average over its own stretch of time, whether it holds many
 * samples or a part of one.  A bin is a pixel column, or longer when a
 * column is shorter than 4 clock ticks: CPU times count whole ticks, and
 * shorter bins would show their rounding rather than the load.
 */
#ifndef VMON_TOOL_CHART_INT_H
#define VMON_TOOL_CHART_INT_H

#include "canvas.h"
#include "chart.h"

#define C_BG 0xffffff
#define C_ZEBRA 0xf4f6f9
#define C_PANEL 0xf7f9fc
#define C_GRID 0xe2e6eb
#define C_FRAME 0xc9cfd6
#define C_TEXT 0x1d1f23
#define C_DIM 0x6b7079
#define C_FAINT 0x9aa0a8
#define C_TREE 0xc3c8cf
#define C_USER 0x2f6fb3
#define C_SYS 0xe8743b
#define C_IOWAIT 0x8e6bbf
#define C_IRQ 0xd1495b
#define C_MEM 0xa8d5b5
#define C_MEM_LINE 0x3f9e6a
#define C_RSS 0x2e7d4f
#define C_RSS_FILL 0x7fbf95
#define C_ALIVE 0xdce6f1
#define C_OVER 0x163a5f
#define C_EXIT_OK 0x4b4f56
#define C_EXIT_BAD 0xc0392b
#define C_BRIEF 0x17a398

#define MARGIN 12
#define ROW_H 12
#define ROW_H_MAX 36
#define INDENT 10

struct layout {
	int w, h;
	double bin_us;		/* CPU is summed per bin of this many microseconds */
	int nbins;
	int label_x, label_w;
	int plot_x, plot_w;
	int sys_y, cpu_h, mem_h, mem_y, rss_y;
	int rows_head_y, rows_y, row_h, nrows, shown;
	int axis_y, legend_y, legend_lines;
	vt_us t_end;
	struct track **rows;	/* tree order */
};

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

/* The process rows: their backgrounds (zebra, lifetime), or (fg) their
 * CPU bars, exit marks, labels and tree lines. */
void chart_rows(struct canvas *c, const struct layout *L, const struct model *m, bool fg);

#endif
