/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live.h - the live view on the terminal (ncurses): each CPU and memory
 * at the top, then the tree, one row per process (threads folded, t to
 * unfold) with CPU, RSS, I/O rates, state, threads, age and a sparkline of
 * its last minute of CPU; the command's last lines of output below.
 */
#ifndef VMON_TOOL_LIVE_H
#define VMON_TOOL_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "schedule.h"

struct capture;

enum live_sort { SORT_TREE, SORT_CPU, SORT_RSS, SORT_IO, SORT_NR };

struct live {
	struct _win_st *win;	/* stdscr of its screen */
	void *screen;
	void *in;		/* the terminal it reads keys from */
	bool paused, threads, utf8, colors;
	enum live_sort sort;
	int scroll;		/* rows scrolled off the top */
	char msg[256];
	vt_us msg_until;
	vt_us drawn;		/* when last drawn */
	bool keyed;		/* keys were read since the last paint */
	struct model *m;	/* what it shows */
	const struct schedule *sched;	/* the rate, in the title */
	struct capture *cap;	/* the command's output, or NULL */
};

/* What a key asks of the sampling loop, which does it: the view reads
 * keys and draws, and acts on nothing but itself. */
enum live_act {
	LIVE_NONE,		/* no key left */
	LIVE_QUIT,		/* q */
	LIVE_SET_RATE,		/* + and -: sample at hz */
	LIVE_SNAPSHOT,		/* w: a chart now */
};

struct live_action {
	enum live_act act;
	double hz;		/* LIVE_SET_RATE */
};

/* Whether the terminal TERM names can show the view: false with why
 * (one line) when TERM is unset, empty, unknown or cannot address the
 * cursor, and vmon runs without the view. */
bool live_usable(char *why, size_t size);
/* Take over the terminal to show m; NULL after a message. */
struct live *live_start(struct model *m, const struct schedule *sc);
/* Show the last lines of cap under the tree. */
void live_show_output(struct live *l, struct capture *cap);
/* Give the terminal back. */
void live_stop(struct live *l);
void live_draw(struct live *l);
void live_draw_output(struct live *l);
/* The next key pressed that asks something of the loop, once the keys
 * before it that the view handles itself (pause, threads, sort, scroll)
 * are handled; LIVE_NONE when no key is left, and then the view is
 * drawn again if any key came. */
struct live_action live_key(struct live *l);
void live_resize(struct live *l);
void live_message(struct live *l, const char *msg);

/* live_draw.c */
void live_paint(struct live *l);

#endif
