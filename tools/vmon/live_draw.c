/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live_draw.c - painting the live view's frame (live.h): the title bar;
 * the meters (a cell per CPU with its user and system shares apart, or one
 * line for all when the terminal is short; memory and the tree's totals;
 * disk and network rates); the process list (live_rows.c); the status
 * line (vmon's own messages, a prompt, how many ended, the filter); the
 * command's last lines of output; and the keys on the last line.
 *
 * The lines are shared out by height: the list gets what the rest leaves,
 * and the rest shrinks first (one meter line, then no output pane) so
 * that a 40x10 terminal still lists processes.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "live_frame.h"

static const char *sort_names[] = { "birth order", "CPU", "RSS", "I/O" };

static void title_bar(struct live *l)
{
	const struct model *m = l->m;
	char cmd[256], d[32], view[64];

	join_args(m->cmd, m->cmdc, cmd, sizeof(cmd));
	snprintf(view, sizeof(view), "%s%s%s", l->flat ? "flat" : "tree",
		 l->sort != SORT_TREE || l->flat ? " by " : "",
		 l->sort != SORT_TREE || l->flat ? sort_names[l->sort] : "");
	attron(l->colors ? COLOR_PAIR(6) : A_REVERSE);
	move(0, 0);
	out(" vmon%s  %s  %g Hz  %s  %s", l->paused ? "  PAUSED" : "",
	    fmt_dur(m->nsamples ? m->samples[m->nsamples - 1].t / 1e6 : 0, d, sizeof(d)),
	    l->sched->hz, view, strcmp(m->mode, "all") ? cmd : "every process");
	while (getcurx(stdscr) < COLS - 1 && addch(' ') != ERR)
		;
	attroff(l->colors ? COLOR_PAIR(6) : A_REVERSE);
}

/* [|||###   ]: user share in |, system in # after it */
static void bar(struct live *l, int width, double user, double sys, int pair)
{
	int u = (int)(user * width + 0.5), s = (int)((user + sys) * width + 0.5) - u;

	u = u < 0 ? 0 : u > width ? width : u;
	s = s < 0 ? 0 : s > width - u ? width - u : s;
	out("[");
	if (l->colors)
		attron(COLOR_PAIR(pair));
	for (int i = 0; i < u; i++)
		out("|");
	if (l->colors)
		attroff(COLOR_PAIR(pair));
	if (l->colors)
		attron(COLOR_PAIR(4));
	for (int i = 0; i < s; i++)
		out("#");
	if (l->colors)
		attroff(COLOR_PAIR(4));
	for (int i = u + s; i < width; i++)
		out(" ");
	out("]");
}

/* the whole system's user and system shares over the frame's second */
static void cpu_total(const struct model *m, const struct frame *f, double *user, double *sys)
{
	const struct sys_vals *a, *b;
	unsigned long long u, s, all;

	*user = *sys = 0;
	if (m->nsamples < 2)
		return;
	a = &m->samples[f->win0 > 0 ? f->win0 - 1 : 0].sys;
	b = &m->samples[m->nsamples - 1].sys;
	u = (b->user + b->nice) - (a->user + a->nice);
	s = (b->system + b->irq + b->softirq) - (a->system + a->irq + a->softirq);
	all = u + s + (b->idle + b->iowait + b->steal) - (a->idle + a->iowait + a->steal);
	if (all > 0 && b->user >= a->user && b->system >= a->system && b->idle >= a->idle) {
		*user = (double)u / all;
		*sys = (double)s / all;
	}
}

static double mem_used(const struct sys_vals *sv)
{
	return sv && sv->mem_total_kb ? 1 - (double)sv->mem_avail_kb / sv->mem_total_kb : 0;
}

static void tree_totals(const struct model *m, const struct frame *f)
{
	char r[32];
	double cores = 0;

	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread && !m->tracks[i]->exited)
			cores += f->fig[m->tracks[i]->id].user + f->fig[m->tracks[i]->id].sys;
	out("   tree: %d processes, %d threads, %.2f cores, RSS %s", m->live_procs,
	    m->live_threads, cores, fmt_bytes(m->nsamples ? m->samples[m->nsamples - 1].rss_kb *
					       1024.0 : 0, r, sizeof(r)));
}

static void mem_text(const struct sys_vals *sv)
{
	char a[32], b[32];

	out(" %s/%s", fmt_bytes(sv ? (sv->mem_total_kb - sv->mem_avail_kb) * 1024.0 : 0, a,
				sizeof(a)), fmt_bytes(sv ? sv->mem_total_kb * 1024.0 : 0, b, sizeof(b)));
}

static void per_s(double bytes)
{
	char b[32];

	out("%s/s", bytes < 1 ? "0 B" : fmt_bytes(bytes, b, sizeof(b)));
}

/* the machine's disk and network rates (sys_rates.c) */
static void io_text(const struct model *m)
{
	if (m->disk_known) {
		out("disk read ");
		per_s(m->disk_r);
		out(" write ");
		per_s(m->disk_w);
		out("   ");
	}
	if (m->net_known) {
		out("net rx ");
		per_s(m->net_rx);
		out(" tx ");
		per_s(m->net_tx);
	}
}

/* the meters on the lines from y; returns the next free line */
static int meters(struct live *l, const struct frame *f, bool compact)
{
	const struct model *m = l->m;
	const struct sys_vals *sv = m->nsamples ? &m->samples[m->nsamples - 1].sys : NULL;
	int n = m->cpu_busy_nr, cell = 26, per = COLS / cell > 0 ? COLS / cell : 1, y = 1;
	double u, s;

	if (compact) {
		int w = COLS / 5 > 4 ? COLS / 5 : 4;

		cpu_total(m, f, &u, &s);
		move(y, 0);
		out("cpu ");
		bar(l, w, u, s, 3);
		out(" %3.0f%%  mem ", (u + s) * 100);
		bar(l, w, mem_used(sv), 0, 2);
		mem_text(sv);
		out("   ");
		io_text(m);
		tree_totals(m, f);
		return y + 1;
	}
	for (int c = 0; c < n; c++) {
		bool off = m->cpu_busy[c] < 0;

		move(y + c / per, (c % per) * cell);
		out("%3d ", c);
		bar(l, cell - 12, off ? 0 : m->cpu_user[c], off ? 0 : m->cpu_sys[c], 3);
		if (off)
			out("  off");
		else
			out("%4.0f%%", m->cpu_busy[c] * 100);
	}
	y += (n + per - 1) / per;
	move(y, 0);
	out("mem ");
	bar(l, cell - 12, mem_used(sv), 0, 2);
	mem_text(sv);
	tree_totals(m, f);
	if (m->disk_known || m->net_known) {
		move(++y, 0);
		io_text(m);
	}
	return y + 1;
}

/* the status line: a prompt being answered, else vmon's message, else
 * what the list leaves out */
static void status_line(struct live *l, int y, int ended)
{
	static const char *asks[] = {
		[PROMPT_FILTER] = "show only commands with: %s_  (Enter: apply, Esc: show all)",
		[PROMPT_SIGNAL] = "signal to send to %d %s: %s_  (Enter: 15 SIGTERM; 9 SIGKILL, 2 SIGINT, "
				  "1 SIGHUP; Esc: cancel)",
		[PROMPT_CONFIRM] = "send signal %d to %d %s? (y: send, any other key: cancel)",
		[PROMPT_NICE] = "nice value for %d %s (-20 to 19): %s_  (Enter: set, Esc: cancel)",
	};

	move(y, 0);
	attron(A_BOLD);
	if (l->colors)
		attron(COLOR_PAIR(5));
	switch (l->prompt) {
	case PROMPT_FILTER: out(asks[PROMPT_FILTER], l->input); break;
	case PROMPT_SIGNAL: out(asks[PROMPT_SIGNAL], l->target_pid, l->target_name, l->input); break;
	case PROMPT_CONFIRM:
		out(asks[PROMPT_CONFIRM], l->target_sig, l->target_pid, l->target_name);
		break;
	case PROMPT_NICE: out(asks[PROMPT_NICE], l->target_pid, l->target_name, l->input); break;
	case PROMPT_NONE:
		if (l->msg[0]) {
			out("%s", l->msg);
			break;
		}
		if (l->notice[0] && mono_us() < l->notice_until) {
			out("%s", l->notice);
			break;
		}
		attroff(A_BOLD);
		if (l->colors)
			attroff(COLOR_PAIR(5));
		if (ended)
			out("%d ended in the last %d s (e: %s)  ", ended, (int)(GONE_FOR / US_PER_S),
			    l->show_ended ? "hide them" : "list them");
		if (l->filter[0])
			out("only \"%s\" (/ to change)", l->filter);
		break;
	}
	attroff(A_BOLD);
	if (l->colors)
		attroff(COLOR_PAIR(5));
}

/* the keys, as many as fit, most needed first */
static void key_line(struct live *l, int y)
{
	const char *keys[] = {
		"q quit", l->paused ? "p resume" : "p pause", l->flat ? "f tree" : "f flat",
		"s sort", "e ended", "/ find", "k kill", "n nice", "c fold", "t threads",
		"+- rate", "w png",
	};
	const char *last = "? keys";
	int x = 0;

	move(y, 0);
	attron(l->colors ? COLOR_PAIR(6) : A_REVERSE);
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		int w = (int)strlen(keys[i]) + 2;

		if (x + w + (int)strlen(last) + 1 > COLS - 1)
			break;
		out(" %s ", keys[i]);
		x += w;
	}
	out(" %s", last);
	while (getcurx(stdscr) < COLS - 1 && addch(' ') != ERR)
		;
	attroff(l->colors ? COLOR_PAIR(6) : A_REVERSE);
}

static int output_pane(struct capture *cap, int bottom, int lines)
{
	size_t len;
	const char *line;

	if (!cap || lines <= 0)
		return bottom;
	for (int k = 0; k < lines; k++) {
		line = capture_line(cap, k, &len);
		move(bottom - k, 0);
		clrtoeol();
		if (line)
			out("%.*s", (int)(len < (size_t)COLS ? len : (size_t)COLS), line);
	}
	bottom -= lines;
	move(bottom, 0);
	clrtoeol();
	attron(A_DIM);
	out("-- output of the command --");
	attroff(A_DIM);
	return bottom - 1;
}

/* every key of the view, over the list (?) */
static void help(int top, int bottom)
{
	static const char *lines[] = {
		"q         quit (run: SIGTERM to the run's processes; q again: SIGKILL)",
		"p, space  pause the display (keys still redraw it)",
		"f, F5     flat list sorted busiest first / tree",
		"s         sort by CPU, RSS, I/O, or birth order (tree: siblings only)",
		"e         list the processes ended in the last 5 s below the running ones",
		"/         show only the processes whose command has a text (Esc: all)",
		"k         send a signal to the selected process (asks which, then y)",
		"n         set the selected process's nice value",
		"c, Enter  fold or unfold the selected process's subtree",
		"t         show threads",
		"+ -       sample faster or slower",
		"w         write the chart now (--png, else vmon.png)",
		"arrows, PgUp, PgDn, Home, End   select a process",
		"?         this list (any key closes it)",
	};
	int y = top;

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines) && y <= bottom; i++, y++) {
		move(y, 0);
		clrtoeol();
		out("  %s", lines[i]);
	}
	for (; y <= bottom; y++) {
		move(y, 0);
		clrtoeol();
	}
}

void live_paint(struct live *l)
{
	struct frame f;
	int top, bottom = LINES - 1, out_lines, ended = 0, cpu_lines;
	int per = COLS / 26 > 0 ? COLS / 26 : 1;
	bool compact;

	erase();
	frame_init(&f, l);
	cpu_lines = (l->m->cpu_busy_nr + per - 1) / per;
	compact = LINES < 16 || cpu_lines > (LINES - 8) / 3 || !l->m->cpu_user;
	title_bar(l);
	top = meters(l, &f, compact);
	if (LINES >= 30)
		top++;		/* room to breathe */
	key_line(l, bottom--);
	out_lines = LINES >= 24 ? 3 : LINES >= 16 ? 1 : 0;
	bottom = output_pane(l->cap, bottom, out_lines);
	if (l->help) {
		help(top, bottom - 1);
	} else if (bottom - 1 > top) {
		live_rows(l, &f, top, bottom - 1, &ended);
	}
	status_line(l, bottom, ended);
	refresh();
	frame_free(&f);
}
