/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart.c - the chart: its frame (the title and the totals, the same as
 * the summary's: all the CPU, with what no sample saw, and the I/O; the
 * system rows: CPU of all cores stacked as user, system, iowait and irq;
 * the tree's own CPU in cores, under a line of the whole system's busy
 * cores; memory used, with the tree's own RSS; the time axis with its
 * ticks and grid), drawn by the layout (chart_layout.c) with the process
 * rows (chart_rows.c) and the legend (chart_legend.c), and written as a
 * PNG.
 *
 * The PNG also carries its layout in tEXt chunks ("vmon:layout" and one
 * "vmon:rows" line per row: id pid tid y height) so that tools and tests
 * can find a process's row without reading text off pixels, and the
 * totals' lines ("Description").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_layout.h"
#include "chart_legend.h"
#include "chart_palette.h"
#include "chart_rows.h"

/* the tree's I/O as the summary counts it: each process's own */
static void io_text(const struct model *m, char *buf, size_t size)
{
	unsigned long long r = 0, w = 0;
	int read = 0, unread = 0;
	char a[32], b[32];

	for (int i = 0; i < m->ntracks; i++) {
		struct io_vals own;

		if (m->tracks[i]->is_thread)
			continue;
		if (!track_io(m->tracks[i], &own)) {
			unread++;
			continue;
		}
		read++;
		r += own.rchar;
		w += own.wchar;
	}
	if (!read && unread)
		snprintf(buf, size, "I/O unavailable");
	else
		snprintf(buf, size, "I/O read %s, written %s%s", fmt_bytes(r, a, sizeof(a)),
			 fmt_bytes(w, b, sizeof(b)), unread ? " (some unavailable)" : "");
}

/* The totals under the title, as the summary gives them: all the CPU,
 * with the part no sample saw (the kernel's count of what it reaped, less
 * what the samples saw of the processes that exited: processes too short
 * to be sampled, and ends after a last sample), then the counts, memory,
 * I/O and the status. */
static void headline(const struct model *m, char *l1, char *l2, size_t size)
{
	char a[32], b[32], st[32], io[96];
	vt_us u, s, seen = model_cpu(m, &u, &s);
	vt_us unseen = model_every_exit_told(m) ? 0 : model_unseen_cpu(m);
	double wall = m->end / 1e6, all = (double)seen + (double)unseen;	/* each may be huge */

	if (unseen)
		snprintf(l1, size, "%s wall   CPU %.2f s in all (%.2f cores on average): %.2f s "
			 "sampled (%.2f s user + %.2f s system) + %.2f s no sample saw (too short "
			 "to sample; the kernel's count of reaped CPU)",
			 fmt_dur(wall, a, sizeof(a)), all / 1e6, wall > 0 ? all / 1e6 / wall : 0,
			 seen / 1e6, u / 1e6, s / 1e6, unseen / 1e6);
	else
		snprintf(l1, size, "%s wall   CPU %.2f s (%.2f cores on average): %.2f s user + "
			 "%.2f s system", fmt_dur(wall, a, sizeof(a)), all / 1e6,
			 wall > 0 ? all / 1e6 / wall : 0, u / 1e6, s / 1e6);
	io_text(m, io, sizeof(io));
	snprintf(l2, size, "%d processes, %d threads   peak RSS %s   %s%s%s", m->nprocs,
		 m->nthreads, fmt_bytes(m->peak_rss_kb * 1024.0, b, sizeof(b)), io,
		 strcmp(m->mode, "run") ? "" : "   ",
		 strcmp(m->mode, "run") ? "" : fmt_status(m->exit_status, st, sizeof(st)));
}

static void title(struct canvas *c, const struct layout *L, const struct model *m,
		  const char *l1, const char *l2)
{
	char cmd[1024];
	int x;

	if (!strcmp(m->mode, "all"))
		snprintf(cmd, sizeof(cmd), "every process");
	else
		join_args(m->cmd, m->cmdc, cmd, sizeof(cmd));
	x = cv_text(c, MARGIN, MARGIN, "vmon", C_USER, 2, 0, true);
	cv_text(c, MARGIN + x + 12, MARGIN, cmd, C_TEXT, 2, L->w - 2 * MARGIN - x - 12, true);
	cv_text(c, MARGIN, MARGIN + 24, l1, C_DIM, 1, L->w - 2 * MARGIN, false);
	cv_text(c, MARGIN, MARGIN + 36, l2, C_DIM, 1, L->w - 2 * MARGIN, false);
}

/* a system row's label: a bold name and a grey detail line */
static void sys_label(struct canvas *c, const struct layout *L, int y, const char *name,
		      const char *detail)
{
	cv_text(c, L->label_x, y + 4, name, C_TEXT, 1, L->label_w, true);
	cv_text(c, L->label_x, y + 16, detail, C_DIM, 1, L->label_w, false);
}

/* stack the columns' shares (each 0..1) from the bottom of a panel */
static void stack(struct canvas *c, const struct layout *L, int y, int h, double **shares,
		  const rgb_t *colors, int n)
{
	for (int x = 0; x < L->plot_w; x++) {
		double acc = 0;
		int done = 0;

		for (int k = 0; k < n; k++) {
			int top;

			acc += shares[k][x];
			top = (int)lround((acc > 1 ? 1 : acc) * h);
			if (top > done)
				cv_vline(c, L->plot_x + x, y + h - top, top - done, colors[k]);
			done = top > done ? top : done;
		}
	}
}

/* col_busy: per column, the share of all cores busy (user, system, irq) */
static void cpu_row(struct canvas *c, const struct layout *L, const struct model *m,
		    double *col_busy)
{
	double *v[5], *col[4];
	static const rgb_t colors[4] = { C_USER, C_SYS, C_IOWAIT, C_IRQ };
	unsigned long long busy = 0, all = 0;
	char detail[64];

	for (int k = 0; k < 5; k++)
		v[k] = xcalloc(L->nbins, sizeof(double));
	for (int k = 0; k < 4; k++)
		col[k] = xcalloc(L->plot_w, sizeof(double));
	for (int i = 1; i < m->nsamples; i++) {
		const struct sys_vals *p = &m->samples[i - 1].sys, *s = &m->samples[i].sys;
		double b0 = chart_bin(L, m->samples[i - 1].t), b1 = chart_bin(L, m->samples[i].t);
		unsigned long long d[4] = { s->user + s->nice - p->user - p->nice,
			s->system - p->system, s->iowait - p->iowait,
			s->irq + s->softirq - p->irq - p->softirq };
		unsigned long long tot = d[0] + d[1] + d[2] + d[3] + s->idle - p->idle + s->steal -
					 p->steal;

		if (!p->user || tot > (1ULL << 40))
			continue;	/* no figures yet, or they went backwards */
		for (int k = 0; k < 4; k++)
			chart_spread(v[k], L->nbins, b0, b1, d[k]);
		chart_spread(v[4], L->nbins, b0, b1, tot);
		busy += d[0] + d[1] + d[3];
		all += tot;
	}
	for (int x = 0; x < L->plot_w; x++) {
		int b = chart_bin_at(L, x);

		for (int k = 0; k < 4; k++)
			col[k][x] = v[4][b] > 0 ? v[k][b] / v[4][b] : 0;
		col_busy[x] = col[0][x] + col[1][x] + col[3][x];
	}
	cv_hline(c, L->plot_x, L->sys_y + L->cpu_h / 2, L->plot_w, C_GRID);
	stack(c, L, L->sys_y, L->cpu_h, col, colors, 4);
	snprintf(detail, sizeof(detail), "%d cores, %.0f%% busy on average", m->ncpu,
		 all ? 100.0 * busy / all : 0);
	sys_label(c, L, L->sys_y, "CPU, whole system", detail);
	cv_text(c, L->plot_x - 8 - 4 * FONT_ADV, L->sys_y, "100%", C_FAINT, 1, 0, false);
	for (int k = 0; k < 5; k++)
		free(v[k]);
	for (int k = 0; k < 4; k++)
		free(col[k]);
}

/* The tree's CPU in cores, user and system stacked, on the scale of all
 * the cores; over it, a line of how many cores the whole system kept
 * busy: the tree's parallelism, and what else ran. */
static void tree_row(struct canvas *c, const struct layout *L, const struct model *m,
		     const double *busy)
{
	double *u = xcalloc(L->nbins, sizeof(double)), *s = xcalloc(L->nbins, sizeof(double));
	double peak = 0;
	char detail[96], top[16];
	int h = L->cpu_h, y = L->tree_y, prev = -1;

	for (int i = 0; i < m->ntracks; i++) {
		const struct track *t = m->tracks[i];

		if (!t->is_thread)	/* a process's CPU has its threads' */
			chart_cpu_bins(L, m, t, u, s);
	}
	for (int k = 1; k < m->ncpu && m->ncpu <= 32; k++)
		cv_hline(c, L->plot_x, y + h - h * k / m->ncpu, L->plot_w, C_GRID);
	for (int x = 0; x < L->plot_w; x++) {
		int b = chart_bin_at(L, x);
		double ticks = chart_bin_ticks(L, m, b), cu = u[b] / ticks, cs = s[b] / ticks;
		int hu = (int)lround(fmin(cu / m->ncpu, 1) * h);
		int hs = (int)lround(fmin((cu + cs) / m->ncpu, 1) * h);
		int line = y + h - 1 - (int)lround(fmin(busy[x], 1) * (h - 1));

		peak = cu + cs > peak ? cu + cs : peak;
		if (hu)
			cv_vline(c, L->plot_x + x, y + h - hu, hu, C_USER);
		if (hs > hu)
			cv_vline(c, L->plot_x + x, y + h - hs, hs - hu, C_SYS);
		/* the system's line, joined from column to column */
		if (prev < 0)
			prev = line;
		cv_vline(c, L->plot_x + x, prev < line ? prev : line, abs(line - prev) + 1,
			 C_SYS_LINE);
		prev = line;
	}
	snprintf(detail, sizeof(detail), "peak %.1f of %d cores; line: whole system", peak,
		 m->ncpu);
	sys_label(c, L, y, "CPU of the tree, in cores", detail);
	snprintf(top, sizeof(top), "%d", m->ncpu);
	cv_text(c, L->plot_x - 8 - (int)strlen(top) * FONT_ADV, y, top, C_FAINT, 1, 0, false);
	free(u);
	free(s);
}

/* the sample shown at column x: memory is a level, not a rate */
static const struct sample *sample_at(const struct layout *L, const struct model *m, int x)
{
	int i = model_sample_at(m, (vt_us)((x + 0.5) * L->t_end / L->plot_w));

	return &m->samples[i < m->nsamples ? i : m->nsamples - 1];
}

/* an area of values[x] out of full, in a panel at y */
static void area(struct canvas *c, const struct layout *L, int y, const double *share,
		 rgb_t fill, rgb_t line)
{
	for (int x = 0; x < L->plot_w; x++) {
		int h = (int)lround((share[x] > 1 ? 1 : share[x]) * L->mem_h);

		if (!h && share[x] > 0)
			h = 1;	/* something shows as a line, not as nothing */
		cv_vline(c, L->plot_x + x, y + L->mem_h - h, h, fill);
		cv_vline(c, L->plot_x + x, y + L->mem_h - h, h ? 1 : 0, line);
	}
}

static void mem_rows(struct canvas *c, const struct layout *L, const struct model *m)
{
	unsigned long long total = 0, peak = 0;
	double *used = xcalloc(L->plot_w, sizeof(double)), *rss = xcalloc(L->plot_w, sizeof(double));
	char detail[96], a[32], b[32];

	for (int i = 0; i < m->nsamples; i++) {
		const struct sys_vals *s = &m->samples[i].sys;

		total = s->mem_total_kb > total ? s->mem_total_kb : total;
		if (s->mem_total_kb >= s->mem_avail_kb && s->mem_total_kb - s->mem_avail_kb > peak)
			peak = s->mem_total_kb - s->mem_avail_kb;
	}
	for (int x = 0; m->nsamples && x < L->plot_w; x++) {
		const struct sample *s = sample_at(L, m, x);

		if (total && s->sys.mem_total_kb >= s->sys.mem_avail_kb)
			used[x] = (double)(s->sys.mem_total_kb - s->sys.mem_avail_kb) / total;
		if (m->peak_rss_kb)
			rss[x] = (double)s->rss_kb / m->peak_rss_kb;
	}
	area(c, L, L->mem_y, used, C_MEM, C_MEM_LINE);
	area(c, L, L->rss_y, rss, C_RSS_FILL, C_RSS);
	snprintf(detail, sizeof(detail), "peak %s of %s", fmt_bytes(peak * 1024.0, a, sizeof(a)),
		 fmt_bytes(total * 1024.0, b, sizeof(b)));
	sys_label(c, L, L->mem_y, "memory used, whole system", detail);
	snprintf(detail, sizeof(detail), "peak %s (full height)",
		 fmt_bytes(m->peak_rss_kb * 1024.0, a, sizeof(a)));
	sys_label(c, L, L->rss_y, "RSS of the tree", detail);
	free(used);
	free(rss);
}

static double tick_step(const struct layout *L)
{
	static const double steps[] = { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
		2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400 };
	double span = L->t_end / 1e6, step = 86400 * 7;

	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++)
		if (L->plot_w / (span / steps[i]) >= 70)
			return steps[i];
	/* then weeks, doubled until the ticks fit: a replayed record may span
	 * millennia, and a tick a week would be millions */
	while (step < span && L->plot_w / (span / step) < 70)
		step *= 2;
	return step;
}

static void tick_label(double t, double step, char *buf, size_t size)
{
	if (step < 1)
		snprintf(buf, size, "%.*fs", step < 0.01 ? 3 : step < 0.1 ? 2 : 1, t);
	else if (t < 120 && step < 60)
		snprintf(buf, size, "%.0fs", t);
	else if (t < 3600)
		snprintf(buf, size, "%d:%02d", (int)t / 60, (int)t % 60);
	else	/* a replayed record's hours need not fit an int */
		snprintf(buf, size, "%lld:%02lld:%02lld", (long long)t / 3600,
			 (long long)t / 60 % 60, (long long)t % 60);
}

static void axis(struct canvas *c, const struct layout *L, bool grid)
{
	double step = tick_step(L), span = L->t_end / 1e6;
	char label[32];

	for (int k = 0; k * step <= span + 1e-9; k++) {
		int x = L->plot_x + (int)lround(k * step / span * L->plot_w);

		if (grid) {
			cv_vline(c, x, L->sys_y, L->cpu_h, C_GRID);
			cv_vline(c, x, L->tree_y, L->cpu_h, C_GRID);
			cv_vline(c, x, L->mem_y, L->mem_h, C_GRID);
			cv_vline(c, x, L->rss_y, L->mem_h, C_GRID);
			cv_vline(c, x, L->rows_y, L->shown * L->row_h, C_GRID);
			continue;
		}
		cv_vline(c, x, L->axis_y, 4, C_DIM);
		tick_label(k * step, step, label, sizeof(label));
		cv_text(c, x - text_width(label, 1) / 2, L->axis_y + 7, label, C_DIM, 1, 0, false);
	}
	if (!grid)
		cv_hline(c, L->plot_x, L->axis_y, L->plot_w, C_FRAME);
}

/* the legend, and what the axis under the labels measures */
static void legend(struct canvas *c, const struct layout *L)
{
	chart_legend(c, L->plot_x, L->legend_y + 4, L->plot_w);
	cv_text(c, L->label_x, L->legend_y + 4, "time since start", C_FAINT, 1, L->label_w, false);
}

static void rows_head(struct canvas *c, const struct layout *L)
{
	char text[96];

	cv_hline(c, L->label_x, L->rows_head_y + 2, L->w - 2 * MARGIN, C_FRAME);
	cv_text(c, L->label_x, L->rows_head_y + 5, "PID  COMMAND", C_DIM, 1, L->label_w, true);
	snprintf(text, sizeof(text), "CPU of each process and thread, row height = one core");
	cv_text(c, L->plot_x, L->rows_head_y + 5, text, C_DIM, 1, L->plot_w, false);
	if (L->shown < L->nrows) {
		snprintf(text, sizeof(text), "(%d more rows not shown)", L->nrows - L->shown);
		cv_text(c, L->label_x, L->axis_y + 7, text, C_EXIT_BAD, 1, L->label_w, false);
	}
}

/* the layout, as text for the tEXt chunks */
static void layout_text(const struct layout *L, struct sbuf *lay, struct sbuf *rows)
{
	sb_printf(lay, "version=1 width=%d height=%d plot_x=%d plot_w=%d rows_y=%d row_h=%d "
		  "rows=%d shown=%d t_end_us=%lld cpu_y=%d cpu_h=%d mem_y=%d rss_y=%d mem_h=%d "
		  "tree_y=%d", L->w, L->h, L->plot_x, L->plot_w, L->rows_y, L->row_h, L->nrows,
		  L->shown, L->t_end, L->sys_y, L->cpu_h, L->mem_y, L->rss_y, L->mem_h, L->tree_y);
	for (int i = 0; i < L->shown; i++) {
		const struct track *t = L->rows[i];

		sb_printf(rows, "%d %d %d %d %d\n", t->id, t->tgid, t->is_thread ? t->pid : 0,
			  L->rows_y + i * L->row_h, L->row_h);
	}
}

bool chart_write(const struct model *m, const char *path, const struct chart_opts *o)
{
	struct layout L;
	struct canvas c;
	struct sbuf lay = { 0 }, rows = { 0 };
	char title_text[600], cmd[512], l1[512], l2[512], desc[1100];
	const char *keys[] = { "Title", "Software", "vmon:layout", "vmon:rows", "Description" };
	const char *vals[5];
	double *busy;
	bool ok;

	chart_layout(&L, m, o);
	busy = xcalloc(L.plot_w, sizeof(*busy));
	cv_init(&c, L.w, L.h, C_BG);
	headline(m, l1, l2, sizeof(l1));
	title(&c, &L, m, l1, l2);
	cv_fill(&c, L.plot_x, L.sys_y, L.plot_w, L.cpu_h, C_PANEL);
	cv_fill(&c, L.plot_x, L.tree_y, L.plot_w, L.cpu_h, C_PANEL);
	cv_fill(&c, L.plot_x, L.mem_y, L.plot_w, L.mem_h, C_PANEL);
	cv_fill(&c, L.plot_x, L.rss_y, L.plot_w, L.mem_h, C_PANEL);
	chart_rows(&c, &L, m, false);
	axis(&c, &L, true);
	cpu_row(&c, &L, m, busy);
	tree_row(&c, &L, m, busy);
	mem_rows(&c, &L, m);
	rows_head(&c, &L);
	chart_rows(&c, &L, m, true);
	axis(&c, &L, false);
	legend(&c, &L);
	layout_text(&L, &lay, &rows);
	snprintf(title_text, sizeof(title_text), "vmon: %s", join_args(m->cmd, m->cmdc, cmd,
									  sizeof(cmd)));
	vals[0] = title_text;
	vals[1] = "vmon " VMON_TOOL_VERSION;
	vals[2] = lay.s;
	vals[3] = rows.s ? rows.s : "";
	snprintf(desc, sizeof(desc), "%s\n%s", l1, l2);
	vals[4] = desc;
	ok = png_write(&c, path, keys, vals, 5);
	free(busy);
	cv_free(&c);
	sb_free(&lay);
	sb_free(&rows);
	chart_layout_free(&L);
	return ok;
}
