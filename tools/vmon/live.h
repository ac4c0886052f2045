/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live.h - the live view on the terminal (ncurses): each CPU (user and
 * system apart), memory, disk and network at the top, then the processes,
 * as a tree (threads folded, t to unfold) or flat and sorted, one row per
 * process with CPU, RSS, I/O rates, state, threads, age, a sparkline of its
 * last minute of CPU and its command; processes that ended in the last
 * 5 s are counted on a status line and listed below the running ones on
 * request; the command's last lines of output and the keys at the bottom.
 *
 * live.c is its life and its keys, live_draw.c the screen's frame (title,
 * meters, status and key lines), live_rows.c the process list.
 */
#ifndef VMON_TOOL_LIVE_H
#define VMON_TOOL_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "schedule.h"

struct capture;

enum live_sort { SORT_TREE, SORT_CPU, SORT_RSS, SORT_IO, SORT_NR };

/* what the keys typed go to: the view's keys, or a line being entered */
enum live_prompt {
	PROMPT_NONE,
	PROMPT_FILTER,		/* /: the name to show only */
	PROMPT_SIGNAL,		/* k: the signal's number */
	PROMPT_CONFIRM,		/* k: y sends it */
	PROMPT_NICE,		/* n: the new nice value */
};

struct live {
	struct _win_st *win;	/* stdscr of its screen */
	void *screen;
	void *in;		/* the terminal it reads keys from */
	bool paused, threads, utf8, colors;
	bool flat;		/* f: a flat list, sorted, instead of the tree */
	bool show_ended;	/* e: list the ended processes below the running */
	bool help;		/* ?: the keys, in full */
	enum live_sort sort;
	int scroll;		/* rows scrolled off the top */
	int cursor;		/* the selected row */
	int sel_id;		/* the selected track, 0 none */
	int nrows;		/* rows in the last list drawn */
	int page;		/* rows the last list had room for */
	char filter[64];	/* show only the processes whose command has it */
	enum live_prompt prompt;
	char input[64];		/* what is being typed for the prompt */
	int target_pid, target_sig;	/* of the k and n prompts */
	char target_name[64];
	unsigned char *folded;	/* by track id: its subtree is folded */
	int folded_alloc;
	char msg[256];		/* the answer to the last key, until the next */
	char notice[256];	/* what vmon noticed, shown for a while */
	vt_us notice_until;
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
	LIVE_SIGNAL,		/* k: send sig to pid */
	LIVE_RENICE,		/* n: set pid's nice value to nice */
};

struct live_action {
	enum live_act act;
	double hz;		/* LIVE_SET_RATE */
	int pid, sig, nice;	/* LIVE_SIGNAL, LIVE_RENICE */
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
/* Lines for the status line (never into the command's output): the
 * answer to a key (the chart written, a signal sent), shown until the next
 * key; and what vmon noticed by itself (falling behind, a periodic chart
 * it could not write), shown 5 s where no answer is. */
void live_message(struct live *l, const char *msg);
void live_notice(struct live *l, const char *msg);

/* live_draw.c */
void live_paint(struct live *l);

/* live_rows.c: the process list between lines top and bottom
 * (inclusive); the ended processes of the last 5 s not listed are
 * counted into *ended */
struct frame;
void live_rows(struct live *l, struct frame *f, int top, int bottom, int *ended);
bool live_folded(const struct live *l, int id);
void live_fold(struct live *l, int id, bool fold);

#endif
