/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_layout.c - the chart's layout (chart_layout.h): its width split
 * between the labels and the plot, the height of the process rows (roomier
 * when there are few, squeezed to fit --size or the automatic maximum),
 * the bins, and the place of each part from the title down to the legend.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart_layout.h"
#include "chart_legend.h"

#define ROW_H 12
#define ROW_H_MAX 36
#define TITLE_H 52
#define CPU_H 56
#define MEM_H 30
#define ROWS_HEAD_H 16
#define AXIS_H 24
#define LEGEND_H 18
#define AUTO_MAX_H 8000
#define FIXED_H (MARGIN + TITLE_H + 2 * (CPU_H + 8) + 2 * (MEM_H + 8) + 2 + ROWS_HEAD_H + \
		 AXIS_H + LEGEND_H + MARGIN)

double chart_col(const struct layout *L, vt_us t)
{
	return (double)t / L->t_end * L->plot_w;
}

double chart_bin(const struct layout *L, vt_us t)
{
	return t / L->bin_us;
}

double chart_bin_ticks(const struct layout *L, const struct model *m, int bin)
{
	double end = (bin + 1) * L->bin_us < L->t_end ? (bin + 1) * L->bin_us : L->t_end;

	return (end - bin * L->bin_us) / 1e6 * m->tps;
}

int chart_bin_at(const struct layout *L, int x)
{
	int b = (int)((x + 0.5) * L->t_end / L->plot_w / L->bin_us);

	return b < L->nbins ? b : L->nbins - 1;
}

void chart_spread(double *out, int w, double x0, double x1, double amount)
{
	int c0 = (int)floor(x0), c1 = (int)ceil(x1);

	if (x1 - x0 < 1e-9) {
		if (c0 >= 0 && c0 < w)
			out[c0] += amount;
		else if (c0 >= w && w > 0)
			out[w - 1] += amount;
		return;
	}
	for (int c = c0 < 0 ? 0 : c0; c < c1 && c < w; c++) {
		double a = x0 > c ? x0 : c, b = x1 < c + 1 ? x1 : c + 1;

		if (b > a)
			out[c] += amount * (b - a) / (x1 - x0);
	}
}

vt_us chart_interval_start(const struct model *m, int i)
{
	return i > 0 ? m->samples[i - 1].t : 0;
}

void chart_layout(struct layout *L, const struct model *m, const struct chart_opts *o)
{
	int avail, fixed_h;

	memset(L, 0, sizeof(*L));
	L->nrows = model_tree((struct model *)m, &L->rows, o->threads, NULL, NULL, NULL);

	L->w = o->width ? o->width : 1200;
	L->label_x = MARGIN;
	L->label_w = L->w * 3 / 10 < 200 ? 200 : L->w * 3 / 10 > 460 ? 460 : L->w * 3 / 10;
	L->plot_x = L->label_x + L->label_w + 8;
	L->plot_w = L->w - L->plot_x - MARGIN - 4;
	L->legend_lines = chart_legend_lines(L->plot_w);
	fixed_h = FIXED_H + (L->legend_lines - 1) * LEGEND_LINE_H;
	L->t_end = m->end > 0 ? m->end : 1;
	L->bin_us = (double)L->t_end / L->plot_w;
	if (L->bin_us < 4e6 / m->tps)
		L->bin_us = 4e6 / m->tps;
	L->nbins = (int)ceil(L->t_end / L->bin_us);
	/* roomier rows when there are few */
	L->row_h = L->nrows > 40 ? ROW_H : L->nrows > 16 ? ROW_H + 4 : ROW_H + 10;
	if (!o->height && fixed_h + L->nrows * ROW_H > AUTO_MAX_H)
		L->row_h = (AUTO_MAX_H - fixed_h) / (L->nrows ? L->nrows : 1);
	if (o->height) {
		avail = o->height - fixed_h;
		L->row_h = L->nrows ? avail / L->nrows : ROW_H;
		if (L->row_h > ROW_H_MAX)
			L->row_h = ROW_H_MAX;
	}
	if (L->row_h < 1)
		L->row_h = 1;
	L->shown = L->nrows;
	avail = (o->height ? o->height : AUTO_MAX_H) - fixed_h;
	if (L->shown * L->row_h > avail)
		L->shown = avail > 0 ? avail / L->row_h : 0;
	L->h = o->height ? o->height : fixed_h + L->shown * L->row_h;
	L->sys_y = MARGIN + TITLE_H;
	L->cpu_h = CPU_H;
	L->tree_y = L->sys_y + CPU_H + 8;
	L->mem_y = L->tree_y + CPU_H + 8;
	L->mem_h = MEM_H;
	L->rss_y = L->mem_y + MEM_H + 8;
	L->rows_head_y = L->rss_y + MEM_H + 10;
	L->rows_y = L->rows_head_y + ROWS_HEAD_H;
	L->axis_y = L->rows_y + L->shown * L->row_h;
	L->legend_y = L->axis_y + AXIS_H;
}

void chart_layout_free(struct layout *L)
{
	free(L->rows);
	L->rows = NULL;
}
