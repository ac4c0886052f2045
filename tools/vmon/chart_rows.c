/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_rows.c - one chart row per process and thread, in tree order: on
 * the left its label (pid, comm and arguments, indented by depth, with
 * tree lines to its parent), on the right its life (a tint from first
 * sight to exit), its CPU in each column as a bar of user time with system
 * time stacked on it (the row's height is one core; a darker cap marks a
 * process using more), and a mark where it ended: grey when it exited 0,
 * red with its exit code when it failed, and a cross with the signal's
 * name when a signal killed it (chart_kill_mark(), which the legend draws
 * too).  A process born and gone between two samples
 * (known from libvmon's events) is drawn as a mark where it lived: it
 * used too little CPU for any bar to show it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "chart_palette.h"
#include "chart_rows.h"

#define INDENT 10

static int row_y(const struct layout *L, int i)
{
	return L->rows_y + i * L->row_h;
}

static void background(struct canvas *c, const struct layout *L, const struct model *m, int i)
{
	const struct track *t = L->rows[i];
	int y = row_y(L, i), x0, x1;

	if (i % 2)
		cv_fill(c, L->label_x, y, L->plot_x + L->plot_w - L->label_x, L->row_h, C_ZEBRA);
	/* born after the previous sample: its CPU at first sight is spread
	 * over that interval, and so is its life, unless its exit record
	 * said when it lived */
	x0 = (int)floor(chart_col(L, t->preexisting || track_brief(m, t) ? t->birth
						      : chart_interval_start(m, t->first)));
	x1 = (int)ceil(chart_col(L, t->exited ? t->death : L->t_end));
	if (x1 <= x0)
		x1 = x0 + 1;
	cv_fill(c, L->plot_x + x0, y + (L->row_h > 3), x1 - x0, L->row_h - 2 * (L->row_h > 3),
		C_ALIVE);
}

static int bar_height(double share, int h)
{
	int px = (int)lround(share * h);

	return px == 0 && share > 0.02 ? 1 : px > h ? h : px;
}

void chart_cpu_bins(const struct layout *L, const struct model *m, const struct track *t,
		    double *u, double *s)
{
	for (int k = 0; k < t->npoints; k++) {
		const struct cpu_point *p = &t->points[k];
		double b0 = chart_bin(L, chart_interval_start(m, p->sample));
		double b1 = chart_bin(L, m->samples[p->sample].t);

		chart_spread(u, L->nbins, b0, b1, p->du);
		chart_spread(s, L->nbins, b0, b1, p->ds);
	}
}

static void bars(struct canvas *c, const struct layout *L, const struct model *m, int i,
		 double *u, double *s)
{
	int pad = L->row_h > 3, ih = L->row_h - 2 * pad, base = row_y(L, i) + pad + ih;

	memset(u, 0, L->nbins * sizeof(*u));
	memset(s, 0, L->nbins * sizeof(*s));
	chart_cpu_bins(L, m, L->rows[i], u, s);
	for (int x = 0; x < L->plot_w; x++) {
		int b = chart_bin_at(L, x);
		double ticks = chart_bin_ticks(L, m, b), fu = u[b] / ticks, fs = s[b] / ticks;
		int hu = bar_height(fu, ih), hs = bar_height(fu + fs, ih);

		if (hu)
			cv_vline(c, L->plot_x + x, base - hu, hu, C_USER);
		if (hs > hu)
			cv_vline(c, L->plot_x + x, base - hs, hs - hu, C_SYS);
		if (fu + fs > 1.05 && ih > 4)
			cv_vline(c, L->plot_x + x, base - ih, 2, C_OVER);
	}
}

static bool failed(int status)
{
	return status > 0;	/* a non-zero exit code, or a signal */
}

static bool killed(int status)
{
	return status > 0 && WIFSIGNALED(status);
}

void chart_kill_mark(struct canvas *c, int x, int y, int h)
{
	int arm = (h < 9 ? h : 9) / 2, mid = y + h / 2;

	cv_fill(c, x, y, 2, h, C_KILL);
	for (int k = -arm; k <= arm; k++) {	/* a cross over the bar, 2 pixels thick */
		cv_fill(c, x + k, mid + k, 2, 1, C_KILL);
		cv_fill(c, x + k, mid - k, 2, 1, C_KILL);
	}
}

static void exit_mark(struct canvas *c, const struct layout *L, int i)
{
	const struct track *t = L->rows[i];
	int x = L->plot_x + (int)lround(chart_col(L, t->death)), y = row_y(L, i);
	rgb_t color = killed(t->status) ? C_KILL : failed(t->status) ? C_EXIT_BAD : C_EXIT_OK;
	char st[32];
	int w;

	if (!t->exited)
		return;
	if (x > L->plot_x + L->plot_w - 2)
		x = L->plot_x + L->plot_w - 2;
	if (killed(t->status))
		chart_kill_mark(c, x, y, L->row_h);
	else
		cv_fill(c, x, y, 2, L->row_h, color);
	if (!failed(t->status) || L->row_h < FONT_H)
		return;
	fmt_status(t->status, st, sizeof(st));
	w = text_width(st, 1);
	x = x + 7 + w <= L->plot_x + L->plot_w ? x + 7 : x - 6 - w;
	cv_text(c, x, y + (L->row_h - FONT_H) / 2 + 1, st, color, 1, 0, false);
}

/* at least 3 pixels wide, centred on its life */
static void brief_mark(struct canvas *c, const struct layout *L, const struct model *m, int i)
{
	const struct track *t = L->rows[i];
	int pad = L->row_h > 3, x0, x1;

	if (!track_brief(m, t))
		return;
	x0 = (int)floor(chart_col(L, t->birth));
	x1 = (int)ceil(chart_col(L, t->death));
	if (x1 - x0 < 3) {
		x0 = (x0 + x1) / 2 - 1;
		x1 = x0 + 3;
	}
	if (x0 < 0)
		x0 = 0;
	if (x1 > L->plot_w)
		x1 = L->plot_w;
	cv_fill(c, L->plot_x + x0, row_y(L, i) + pad, x1 - x0, L->row_h - 2 * pad, C_BRIEF);
}

static int indent(const struct layout *L, int depth)
{
	int x = depth * INDENT;

	return x > L->label_w / 2 ? L->label_w / 2 : x;
}

static void label(struct canvas *c, const struct layout *L, int i)
{
	const struct track *t = L->rows[i];
	int x = L->label_x + indent(L, t->depth), right = L->label_x + L->label_w;
	int y = row_y(L, i) + (L->row_h - FONT_H) / 2 + 1;
	char pid[16], args[1024];

	if (L->row_h < FONT_H - 1)
		return;
	snprintf(pid, sizeof(pid), "%d", t->pid);
	x += cv_text(c, x, y, pid, C_FAINT, 1, right - x, false) + 5;
	if (x >= right)
		return;
	x += cv_text(c, x, y, t->comm, t->is_thread ? C_DIM : C_TEXT, 1, right - x,
		     !t->is_thread) + 6;
	/* the arguments after argv[0], which comm already names */
	if (t->argc > 1 && x < right) {
		join_args(t->argv + 1, t->argc - 1, args, sizeof(args));
		cv_text_mid(c, x, y, args, C_DIM, right - x);
	}
}

/* an elbow from the parent's row down to this one */
static void tree_line(struct canvas *c, const struct layout *L, int i, const int *row_of)
{
	const struct track *t = L->rows[i];
	int p, x, top, mid = row_y(L, i) + L->row_h / 2;

	if (!t->parent || t->depth == 0 || L->row_h < 4)
		return;
	p = row_of[t->parent->id];
	x = L->label_x + indent(L, t->depth - 1) + 2;
	top = row_y(L, p) + L->row_h - 1;
	cv_vline(c, x, top, mid - top + 1, C_TREE);
	cv_hline(c, x, mid, indent(L, t->depth) - indent(L, t->depth - 1) - 3, C_TREE);
}

void chart_rows(struct canvas *c, const struct layout *L, const struct model *m, bool fg)
{
	double *u, *s;
	int *row_of;

	if (!fg) {
		for (int i = 0; i < L->shown; i++)
			background(c, L, m, i);
		return;
	}
	u = xmalloc(L->nbins * sizeof(*u));
	s = xmalloc(L->nbins * sizeof(*s));
	row_of = xcalloc(m->ntracks + 1, sizeof(*row_of));
	for (int i = 0; i < L->shown; i++)
		row_of[L->rows[i]->id] = i;
	for (int i = 0; i < L->shown; i++) {
		bars(c, L, m, i, u, s);
		brief_mark(c, L, m, i);
		exit_mark(c, L, i);
		tree_line(c, L, i, row_of);
		label(c, L, i);
	}
	free(u);
	free(s);
	free(row_of);
}
