/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live_rows.c - the live view's process list (live.h): which processes it
 * lists and in what order, which columns fit the terminal, and one row per
 * process.
 *
 * The running processes come first: as a tree (siblings in birth order or
 * sorted; a folded process hides what is under it; an ended process stays
 * only as the parent of running ones) or flat, every running process
 * sorted, busiest first, as htop's F5 toggles.  A build ends dozens of
 * processes a second: listed for 5 s each, they filled the screen and
 * pushed the running compiler below the fold, so they are counted on the
 * status line and listed, most recent first, under the running ones only
 * when asked (e).
 *
 * The command is always shown: as the terminal narrows, the other columns
 * give way in the order of `priority` below, and a command too long for
 * what is left shows its program's base name instead of its path.
 */
#define NCURSES_WIDECHAR 1	/* addnwstr() */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "live_frame.h"

#define NEW_FOR (2 * US_PER_S)

void out(const char *fmt, ...)
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
	/* over the last second, or the part of it the process has lived:
	 * a compiler 0.1 s old that used 0.1 s of CPU runs at 100 % */
	int from = t->first > f->win0 ? t->first : f->win0;
	vt_us span = from > 0 ? m->samples[m->nsamples - 1].t - m->samples[from - 1].t : 0;

	track_cpu_range(t, from, m->nsamples, &u, &s);
	g->user = share(m, u, span);
	g->sys = share(m, s, span);
	for (int k = 0; k < SPARK; k++) {
		track_cpu_range(t, f->spark_at[k], f->spark_at[k + 1], &u, &s);
		g->spark[k] = share(m, u + s, SPARK_SPAN / SPARK);
	}
}

bool frame_recent_end(const struct frame *f, const struct track *t)
{
	return t->exited && f->now - t->death < GONE_FOR;
}

void frame_init(struct frame *f, struct live *l)
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
		if (!m->tracks[i]->exited || frame_recent_end(f, m->tracks[i]))
			figures(f, m->tracks[i]);
}

void frame_free(struct frame *f)
{
	free(f->fig);
}

bool live_folded(const struct live *l, int id)
{
	return id < l->folded_alloc && l->folded[id];
}

void live_fold(struct live *l, int id, bool fold)
{
	int old = l->folded_alloc;

	if (id >= old) {
		xgrow((void **)&l->folded, &l->folded_alloc, id + 1, 1);
		memset(l->folded + old, 0, l->folded_alloc - old);
	}
	l->folded[id] = fold;
}

/* --- which processes, in what order --- */

static struct frame *sort_frame;	/* for the qsort comparators */

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

/* most recent end first */
static int by_death(const void *a, const void *b)
{
	const struct track *x = *(struct track *const *)a, *y = *(struct track *const *)b;

	return x->death < y->death ? 1 : x->death > y->death ? -1 : y->id - x->id;
}

static bool matches(const struct live *l, const struct track *t)
{
	char args[1024];

	if (!l->filter[0])
		return true;
	join_args(t->argv, t->argc, args, sizeof(args));
	return strcasestr(args, l->filter) || strcasestr(t->comm, l->filter);
}

static bool running(const struct track *t, void *arg)
{
	const struct frame *f = arg;

	return !t->exited && matches(f->l, t);
}

/* the rows: tracks, NULL for the line that heads the ended ones */
struct list {
	struct track **t;
	int n, alloc;
	int ended;		/* ended in the last 5 s, not listed as parents */
};

static void add(struct list *v, struct track *t)
{
	xgrow((void **)&v->t, &v->alloc, v->n + 1, sizeof(*v->t));
	v->t[v->n++] = t;
}

/* take out what is under a folded row (tree order: the rows after it
 * that are deeper) */
static void fold(const struct live *l, struct list *v)
{
	int n = 0;

	for (int i = 0; i < v->n;) {
		struct track *t = v->t[i++];

		v->t[n++] = t;
		if (live_folded(l, t->id))
			while (i < v->n && v->t[i]->depth > t->depth)
				i++;
	}
	v->n = n;
}

static void build(struct live *l, struct frame *f, struct list *v)
{
	struct model *m = l->m;
	unsigned char *listed = xcalloc(m->ntracks + 1, 1);
	struct list ended = { 0 };

	sort_frame = f;
	if (!l->flat) {
		v->n = model_tree(m, &v->t, l->threads, l->sort == SORT_TREE ? NULL : by_key,
				  running, f);
		v->alloc = v->n;
		fold(l, v);
	} else {
		for (int i = 0; i < m->ntracks; i++) {
			struct track *t = m->tracks[i];

			if ((!t->is_thread || l->threads) && running(t, f)) {
				t->depth = 0;
				add(v, t);
			}
		}
		qsort(v->t, v->n, sizeof(*v->t), by_key);
	}
	for (int i = 0; i < v->n; i++)
		listed[v->t[i]->id] = 1;
	for (int i = 0; i < m->ntracks; i++) {
		struct track *t = m->tracks[i];

		if (!listed[t->id] && !t->is_thread && frame_recent_end(f, t) && matches(l, t))
			add(&ended, t);
	}
	v->ended = ended.n;
	if (l->show_ended && ended.n) {
		qsort(ended.t, ended.n, sizeof(*ended.t), by_death);
		add(v, NULL);
		for (int i = 0; i < ended.n; i++) {
			ended.t[i]->depth = 0;
			add(v, ended.t[i]);
		}
	}
	free(ended.t);
	free(listed);
}

/* Tree lines for each row: walking the rows backwards, open[d] says a
 * later row at depth d has not yet been closed by a shallower one, which
 * is exactly "this row, or its ancestor at depth d, has a sibling below". */
static char **prefixes(const struct list *v, bool tree, bool utf8)
{
	const char *bar = utf8 ? "\u2502 " : "| ", *tee = utf8 ? "\u251c\u2500" : "|-";
	const char *elbow = utf8 ? "\u2514\u2500" : "`-";
	char **pre = xcalloc(v->n + 1, sizeof(*pre));
	bool open[64] = { false };

	for (int i = v->n - 1; i >= 0; i--) {
		int d = v->t[i] && tree ? (v->t[i]->depth < 63 ? v->t[i]->depth : 63) : 0;
		struct sbuf b = { 0 };

		if (!v->t[i]) {		/* the ended ones below: no tree lines */
			memset(open, 0, sizeof(open));
			pre[i] = xstrdup("");
			continue;
		}
		for (int k = 1; k < d; k++)
			sb_puts(&b, open[k] ? bar : "  ");
		if (d > 0)
			sb_puts(&b, open[d] ? tee : elbow);
		sb_puts(&b, "");
		pre[i] = b.s;
		open[d] = true;
		for (int k = d + 1; k < 64; k++)
			open[k] = false;
	}
	return pre;
}

/* --- columns --- */

enum col { C_PID, C_USER, C_SYS, C_RSS, C_READ, C_WRITE, C_STATE, C_THR, C_AGE, C_SPARK, C_NR };

static const struct {
	const char *head;
	int width;		/* negative: left-aligned */
} cols[C_NR] = {
	[C_PID] = { "PID", 7 },		[C_USER] = { "USER%", 6 },
	[C_SYS] = { "SYS%", 6 },	[C_RSS] = { "RSS", 8 },
	[C_READ] = { "READ/s", 8 },	[C_WRITE] = { "WRITE/s", 8 },
	[C_STATE] = { "STATE", -8 },	[C_THR] = { "THR", 4 },
	[C_AGE] = { "AGE", 7 },		[C_SPARK] = { "CPU, last minute", -SPARK },
};

/* the order columns are kept in as the terminal narrows */
static const enum col priority[C_NR] = {
	C_PID, C_USER, C_SYS, C_RSS, C_STATE, C_AGE, C_WRITE, C_READ, C_THR, C_SPARK,
};

/* the columns that fit beside a command of a fair width */
static void choose_columns(bool shown[C_NR])
{
	int command = COLS >= 100 ? 40 : COLS * 2 / 5, used = 0;

	for (int i = 0; i < C_NR; i++) {
		enum col c = priority[i];
		int w = abs(cols[c].width) + 1;

		shown[c] = used + w <= COLS - 1 - command;
		if (shown[c])
			used += w;
	}
}

static void head_line(const struct live *l, const bool shown[C_NR])
{
	attron(A_BOLD);
	if (l->colors)
		attron(COLOR_PAIR(1));
	for (int c = 0; c < C_NR; c++)
		if (shown[c])
			out(" %*s", cols[c].width, cols[c].head);
	out(" COMMAND");
	if (l->colors)
		attroff(COLOR_PAIR(1));
	attroff(A_BOLD);
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

static void spark(const struct live *l, const struct figures *g)
{
	static const char *blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
					"\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " _.-:=+*#";

	out(" ");
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

/* an ended process's share of the last second would be a part of it */
static void percent(const struct track *t, double share)
{
	if (t->exited)
		out(" %6s", "");
	else
		out(" %6.1f", share * 100);
}

static void rate(double bytes)
{
	char b[32];

	out(" %8s", bytes < 1 ? "0" : fmt_bytes(bytes, b, sizeof(b)));
}

/* the command, or with its program's base name instead of its path when
 * the whole does not fit in room characters ("cc1 -quiet ...", not
 * "/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet ...") */
static void command(const struct track *t, const char *prefix, bool folded, int room)
{
	char args[1024];
	const char *text = args;
	int used = (int)mbstowcs(NULL, prefix, 0) + (folded ? 2 : 0) + (t->is_thread ? 2 : 0);

	if (t->is_thread || !t->argc) {
		text = t->comm;
	} else {
		const char *slash = strrchr(t->argv[0], '/');
		size_t skip = slash ? (size_t)(slash + 1 - t->argv[0]) : 0;

		/* args starts with argv[0] as is */
		join_args(t->argv, t->argc, args, sizeof(args));
		if (used + (int)strlen(args) > room && skip < strlen(args) && args[skip])
			text = args + skip;
	}
	out(" %s%s%s%s%s", prefix, folded ? "+ " : "", t->is_thread ? "{" : "", text,
	    t->is_thread ? "}" : "");
}

static void row(const struct live *l, const struct frame *f, const struct track *t,
		const char *prefix, const bool shown[C_NR], bool selected)
{
	const struct figures *g = &f->fig[t->id];
	char st[32], age[32], rss[32];
	attr_t attr = t->exited ? A_DIM : f->now - t->birth < NEW_FOR ? A_BOLD : A_NORMAL;
	int pair = t->exited && t->status > 0 ? 4 : !t->exited && f->now - t->birth < NEW_FOR ? 2 : 0;

	if (selected)
		attr = A_REVERSE;
	attron(attr);
	if (l->colors && pair && !selected)
		attron(COLOR_PAIR(pair));
	for (int c = 0; c < C_NR; c++) {
		if (!shown[c])
			continue;
		switch (c) {
		case C_PID: out(" %7d", t->pid); break;
		case C_USER: percent(t, g->user); break;
		case C_SYS: percent(t, g->sys); break;
		case C_RSS:
			out(" %8s", t->is_thread || t->exited ? "" :
			    fmt_bytes(t->v.rss_kb * 1024.0, rss, sizeof(rss)));
			break;
		case C_READ: rate(t->rate_r); break;
		case C_WRITE: rate(t->rate_w); break;
		case C_STATE: out(" %-8.8s", state_text(t, st, sizeof(st))); break;
		case C_THR: out(" %4d", t->is_thread ? 1 : t->v.threads); break;
		case C_AGE:
			out(" %7s", fmt_dur(((t->exited ? t->death : f->now) - t->birth) / 1e6, age,
					    sizeof(age)));
			break;
		case C_SPARK: spark(l, g); break;
		}
	}
	command(t, prefix, live_folded(l, t->id), COLS - 2 - getcurx(stdscr));
	if (selected)		/* the whole line */
		while (getcurx(stdscr) < COLS - 1 && addch(' ') != ERR)
			;
	if (l->colors && pair && !selected)
		attroff(COLOR_PAIR(pair));
	attroff(attr);
}

/* keep the selected process selected as the list moves, or the row the
 * keys moved to; the window on the list follows the selection */
static void place_cursor(struct live *l, const struct list *v, int room)
{
	int at = -1;

	for (int i = 0; l->sel_id && i < v->n; i++)
		if (v->t[i] && v->t[i]->id == l->sel_id)
			at = i;
	if (at >= 0)
		l->cursor = at;
	if (l->cursor >= v->n)
		l->cursor = v->n - 1;
	if (l->cursor < 0)
		l->cursor = 0;
	l->sel_id = v->n && v->t[l->cursor] ? v->t[l->cursor]->id : 0;
	if (l->scroll > l->cursor)
		l->scroll = l->cursor;
	if (room > 0 && l->cursor >= l->scroll + room)
		l->scroll = l->cursor - room + 1;
	if (l->scroll > v->n - room)
		l->scroll = v->n - room > 0 ? v->n - room : 0;
}

void live_rows(struct live *l, struct frame *f, int top, int bottom, int *ended)
{
	struct list v = { 0 };
	bool shown[C_NR];
	char **pre;
	int room = bottom - top, y = top + 1;	/* lines for rows */

	build(l, f, &v);
	*ended = v.ended;
	pre = prefixes(&v, !l->flat, l->utf8);
	choose_columns(shown);
	l->nrows = v.n;
	/* the last line says how many more when they do not all fit */
	if (v.n > room)
		room--;
	l->page = room > 0 ? room : 1;
	place_cursor(l, &v, room);
	move(top, 0);
	head_line(l, shown);
	for (int i = l->scroll; i < v.n && y <= bottom; i++, y++) {
		move(y, 0);
		if (y == bottom && i < v.n - 1) {
			out("  ... %d more rows (arrows, PgUp/PgDn)", v.n - i);
			break;
		}
		if (!v.t[i]) {
			attron(A_DIM);
			out("  -- %d ended in the last %d s --", v.ended, (int)(GONE_FOR / US_PER_S));
			attroff(A_DIM);
			continue;
		}
		row(l, f, v.t[i], pre[i], shown, i == l->cursor);
	}
	for (int i = 0; i < v.n; i++)
		free(pre[i]);
	free(pre);
	free(v.t);
}
