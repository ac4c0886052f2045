/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live_draw.c - painting the live view (live.h).  A title bar with the
 * keys; a cell per CPU and a memory line; the column heads; one row per
 * process (and thread when unfolded) in tree order with tree lines: PID,
 * CPU% user and system over the last second, RSS, read and write rates,
 * state (or how it ended), threads, age, a sparkline of the last minute of
 * CPU and the command line.  Rows first seen in the last 2 s are green;
 * rows of exited processes stay 5 s, dimmed, with their exit status.
 */
#define NCURSES_WIDECHAR 1	/* addnwstr() */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "capture.h"
#include "live.h"

#define NEW_FOR (2 * US_PER_S)
#define GONE_FOR (5 * US_PER_S)
#define SPARK 20		/* cells of the sparkline */
#define SPARK_SPAN (60 * US_PER_S)
#define OUTPUT_LINES 3

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

static struct frame *sort_frame;	/* for the qsort comparators */

/* out() that never writes past the last column: a line too long for
 * the terminal is cut, not wrapped onto the next row (nor scrolled).  The
 * text is counted in characters: tree lines may be UTF-8. */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	char buf[4096];
	wchar_t wide[4096];
	int room = COLS - 1 - getcurx(stdscr);
	size_t n;
	va_list ap;

	if (room <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = mbstowcs(wide, buf, sizeof(wide) / sizeof(*wide) - 1);
	if (n == (size_t)-1) {
		addnstr(buf, room);
		return;
	}
	wide[n] = L'\0';
	addnwstr(wide, room);
}

static double share(const struct model *m, unsigned long long ticks, vt_us span)
{
	return span > 0 ? ticks / (span / 1e6 * m->tps) : 0;
}

static void figures(struct frame *f, const struct track *t)
{
	const struct model *m = f->l->m;
	struct figures *g = &f->fig[t->id];
	unsigned long long u, s;
	vt_us span = f->win0 > 0 ? m->samples[m->nsamples - 1].t - m->samples[f->win0 - 1].t : 0;

	track_cpu_range(t, f->win0, m->nsamples, &u, &s);
	g->user = share(m, u, span);
	g->sys = share(m, s, span);
	for (int k = 0; k < SPARK; k++) {
		track_cpu_range(t, f->spark_at[k], f->spark_at[k + 1], &u, &s);
		g->spark[k] = share(m, u + s, SPARK_SPAN / SPARK);
	}
}

static bool shown(const struct track *t, void *arg)
{
	const struct frame *f = arg;

	return !t->exited || f->now - t->death < GONE_FOR;
}

static void frame_init(struct frame *f, struct live *l)
{
	const struct model *m = l->m;
	vt_us last = m->nsamples ? m->samples[m->nsamples - 1].t : 0;

	f->l = l;
	f->now = last;
	f->win0 = model_sample_at(m, last - US_PER_S);
	if (f->win0 >= m->nsamples - 1)
		f->win0 = m->nsamples - 1;
	for (int k = 0; k <= SPARK; k++)
		f->spark_at[k] = model_sample_at(m, last - SPARK_SPAN + k * (SPARK_SPAN / SPARK) + 1);
	f->fig = xcalloc(m->ntracks + 1, sizeof(*f->fig));
	for (int i = 0; i < m->ntracks; i++)
		if (shown(m->tracks[i], f))
			figures(f, m->tracks[i]);
}

static double key_of(const struct track *t, enum live_sort sort)
{
	const struct figures *g = &sort_frame->fig[t->id];

	switch (sort) {
	case SORT_CPU: return g->user + g->sys;
	case SORT_RSS: return (double)t->v.rss_kb;
	case SORT_IO: return t->rate_r + t->rate_w;
	default: return -t->id;
	}
}

static int by_key(const void *a, const void *b)
{
	const struct track *x = *(struct track *const *)a, *y = *(struct track *const *)b;
	enum live_sort sort = sort_frame->l->sort;
	double kx = key_of(x, sort), ky = key_of(y, sort);

	return kx < ky ? 1 : kx > ky ? -1 : x->id - y->id;
}

static void title_bar(struct live *l)
{
	const struct model *m = l->m;
	char cmd[256], line[512], d[32];
	static const char *sorts[] = { "tree", "cpu", "rss", "io" };

	join_args(m->cmd, m->cmdc, cmd, sizeof(cmd));
	snprintf(line, sizeof(line), " vmon %s  %-.60s  %s  %g Hz  sort:%s%s   q quit  p pause  "
		 "t threads  s sort  +/- rate  w png", VMON_TOOL_VERSION,
		 strcmp(m->mode, "all") ? cmd : "every process",
		 fmt_dur(m->nsamples ? m->samples[m->nsamples - 1].t / 1e6 : 0, d, sizeof(d)),
		 l->sched->hz, sorts[l->sort], l->paused ? "  PAUSED" : "");
	attron(l->colors ? COLOR_PAIR(6) : A_REVERSE);
	mvprintw(0, 0, "%-*.*s", COLS, COLS, line);
	attroff(l->colors ? COLOR_PAIR(6) : A_REVERSE);
}

static void bar(struct live *l, int width, double share, int pair)
{
	int fill = (int)(share * width + 0.5);

	fill = fill < 0 ? 0 : fill > width ? width : fill;
	out("[");
	if (l->colors)
		attron(COLOR_PAIR(pair));
	for (int i = 0; i < width; i++)
		out("%c", i < fill ? '|' : ' ');
	if (l->colors)
		attroff(COLOR_PAIR(pair));
	out("]");
}

/* the CPU cells and the memory line; returns the next free line */
static int header(struct live *l, const struct frame *f)
{
	const struct model *m = l->m;
	int n = m->cpu_busy_nr, cell = 26, per = COLS / cell > 0 ? COLS / cell : 1, y = 1;
	const struct sys_vals *sv = m->nsamples ? &m->samples[m->nsamples - 1].sys : NULL;
	char a[32], b[32], r[32];
	double u = 0, sy = 0;

	for (int c = 0; c < n; c++) {
		move(y + c / per, (c % per) * cell);
		out("%3d ", c);
		bar(l, cell - 12, m->cpu_busy[c] < 0 ? 0 : m->cpu_busy[c], 3);
		if (m->cpu_busy[c] < 0)
			out("  off");
		else
			out("%4.0f%%", m->cpu_busy[c] * 100);
	}
	y += (n + per - 1) / per;
	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread && !m->tracks[i]->exited) {
			u += f->fig[m->tracks[i]->id].user;
			sy += f->fig[m->tracks[i]->id].sys;
		}
	move(y, 0);
	out("mem ");
	bar(l, cell - 12, sv && sv->mem_total_kb ?
	    1 - (double)sv->mem_avail_kb / sv->mem_total_kb : 0, 2);
	out(" %s/%s", fmt_bytes(sv ? (sv->mem_total_kb - sv->mem_avail_kb) * 1024.0 : 0, a,
				   sizeof(a)), fmt_bytes(sv ? sv->mem_total_kb * 1024.0 : 0, b, sizeof(b)));
	out("   tree: %d processes, %d threads, %.2f cores, RSS %s", m->live_procs,
	       m->live_threads, u + sy, fmt_bytes(model_cur((struct model *)m) ?
						   model_cur((struct model *)m)->rss_kb * 1024.0 : 0,
						   r, sizeof(r)));
	return y + 2;
}

static const char *state_text(const struct track *t, char *buf, size_t size)
{
	static const struct { char c; const char *name; } names[] = {
		{ 'R', "run" }, { 'S', "sleep" }, { 'D', "disk" }, { 'Z', "zombie" },
		{ 'T', "stopped" }, { 't', "traced" }, { 'I', "idle" }, { 'X', "dead" },
	};

	if (t->exited)
		return t->status >= 0 ? fmt_status(t->status, buf, size) : "ended";
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (names[i].c == t->v.state)
			return names[i].name;
	snprintf(buf, size, "%c", t->v.state ? t->v.state : '?');
	return buf;
}

static void spark(struct live *l, const struct figures *g)
{
	static const char *blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
					"\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " _.-:=+*#";

	if (l->colors)
		attron(COLOR_PAIR(3));
	for (int k = 0; k < SPARK && getcurx(stdscr) < COLS - 1; k++) {
		int lv = (int)(g->spark[k] * 8 + 0.99);

		lv = lv < 0 ? 0 : lv > 8 ? 8 : lv;
		if (l->utf8)
			addstr(blocks[lv]);
		else
			addch(ascii[lv]);
	}
	if (l->colors)
		attroff(COLOR_PAIR(3));
}

static void rate(double bytes)
{
	char b[32];

	if (bytes < 1)
		out(" %8s", "0");
	else
		out(" %8s", fmt_bytes(bytes, b, sizeof(b)));
}

static void row(struct live *l, const struct frame *f, const struct track *t,
		const char *prefix)
{
	const struct figures *g = &f->fig[t->id];
	char st[32], age[32], rss[32], args[1024];
	attr_t attr = t->exited ? A_DIM : f->now - t->birth < NEW_FOR ? A_BOLD : A_NORMAL;
	int pair = t->exited && t->status > 0 ? 4 : !t->exited && f->now - t->birth < NEW_FOR ? 2 : 0;

	attron(attr);
	if (l->colors && pair)
		attron(COLOR_PAIR(pair));
	out("%7d", t->pid);
	if (t->exited)
		out(" %6s %6s", "", "");
	else
		out(" %6.1f %6.1f", g->user * 100, g->sys * 100);
	out(" %7s", t->is_thread ? "" : fmt_bytes(t->v.rss_kb * 1024.0, rss, sizeof(rss)));
	rate(t->rate_r);
	rate(t->rate_w);
	out(" %-8.8s %4d %7s ", state_text(t, st, sizeof(st)), t->is_thread ? 1 : t->v.threads,
	       fmt_dur(((t->exited ? t->death : f->now) - t->birth) / 1e6, age, sizeof(age)));
	spark(l, g);
	join_args(t->argv, t->argc, args, sizeof(args));
	out(" %s%s%s%s", prefix, t->is_thread ? "{" : "", t->is_thread || !args[0] ? t->comm : args,
	       t->is_thread ? "}" : "");
	if (l->colors && pair)
		attroff(COLOR_PAIR(pair));
	attroff(attr);
}

/* Tree lines for each row: walking the rows backwards, open[d] says a
 * later row at depth d has not yet been closed by a shallower one, which
 * is exactly "this row, or its ancestor at depth d, has a sibling below". */
static char **prefixes(struct track **rows, int n, bool utf8)
{
	const char *bar = utf8 ? "\u2502 " : "| ", *tee = utf8 ? "\u251c\u2500" : "|-";
	const char *elbow = utf8 ? "\u2514\u2500" : "`-";
	char **out = xcalloc(n + 1, sizeof(*out));
	bool open[64] = { false };

	for (int i = n - 1; i >= 0; i--) {
		int d = rows[i]->depth < 63 ? rows[i]->depth : 63;
		struct sbuf b = { 0 };

		for (int k = 1; k < d; k++)
			sb_puts(&b, open[k] ? bar : "  ");
		if (d > 0)
			sb_puts(&b, open[d] ? tee : elbow);
		sb_puts(&b, "");
		out[i] = b.s;
		open[d] = true;
		for (int k = d + 1; k < 64; k++)
			open[k] = false;
	}
	return out;
}

static int output_pane(struct capture *cap, int bottom)
{
	size_t len;
	const char *line;

	if (!cap)
		return bottom;
	for (int k = 0; k < OUTPUT_LINES; k++) {
		line = capture_line(cap, k, &len);
		move(bottom - k, 0);
		clrtoeol();
		if (line)
			out("%.*s", (int)(len < (size_t)COLS ? len : (size_t)COLS), line);
	}
	bottom -= OUTPUT_LINES;
	move(bottom, 0);
	clrtoeol();
	attron(A_DIM);
	out("-- output of the command --");
	attroff(A_DIM);
	return bottom - 1;
}

static void rows(struct live *l, struct frame *f, int top, int bottom)
{
	struct track **list;
	int n, y = top + 1;
	char **pre;

	sort_frame = f;
	n = model_tree(l->m, &list, l->threads, l->sort == SORT_TREE ? NULL : by_key, shown, f);
	pre = prefixes(list, n, l->utf8);
	if (l->scroll > n - 1)
		l->scroll = n > 0 ? n - 1 : 0;
	move(top, 0);
	attron(A_BOLD);
	if (l->colors)
		attron(COLOR_PAIR(1));
	out("%7s %6s %6s %7s %8s %8s %-8s %4s %7s %-*s %s", "PID", "USER%", "SYS%", "RSS",
	       "READ/s", "WRITE/s", "STATE", "THR", "AGE", SPARK, "CPU, last minute", "COMMAND");
	if (l->colors)
		attroff(COLOR_PAIR(1));
	attroff(A_BOLD);
	for (int i = l->scroll; i < n && y <= bottom; i++, y++) {
		move(y, 0);
		row(l, f, list[i], pre[i]);
	}
	if (n - l->scroll > bottom - top) {
		move(bottom, 0);
		clrtoeol();
		out("  ... %d more rows (arrows, PgUp/PgDn)", n - l->scroll - (bottom - top - 1));
	}
	for (int i = 0; i < n; i++)
		free(pre[i]);
	free(pre);
	free(list);
}

void live_paint(struct live *l)
{
	struct frame f;
	int top, bottom = LINES - 1;

	if (l->paused) {
		title_bar(l);
		refresh();
		return;
	}
	erase();
	frame_init(&f, l);
	title_bar(l);
	top = header(l, &f);
	if (l->msg[0] && mono_us() < l->msg_until) {
		move(bottom--, 0);
		if (l->colors)
			attron(COLOR_PAIR(5));
		out("%.*s", COLS, l->msg);
		if (l->colors)
			attroff(COLOR_PAIR(5));
	}
	bottom = output_pane(l->cap, bottom);
	rows(l, &f, top, bottom);
	refresh();
	free(f.fig);
}
