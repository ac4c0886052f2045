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

#include "tool.h"

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
};

/* Take over the terminal; false after a message. */
bool live_start(struct session *s);
/* Give the terminal back, then print the command's captured output. */
void live_stop(struct session *s);
void live_draw(struct session *s);
void live_draw_output(struct session *s);
void live_input(struct session *s);
void live_resize(struct session *s);
void live_message(struct live *l, const char *msg);

/* live_draw.c */
void live_paint(struct session *s);

#endif
