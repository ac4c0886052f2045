/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_tmux.h - driving vmon's live view in a real terminal for the
 * tests (test_vmon_live*.c): tmux runs a shell command in a detached
 * session of a given size, the tests press keys and read the screen with
 * capture-pane.  A terminal gives no event when it shows something, so
 * tmux_wait() polls the capture within a deadline; the end of the command
 * is seen through inotify on the file its exit status is written to.
 */
#ifndef TEST_VMON_TMUX_H
#define TEST_VMON_TMUX_H

#include <stdbool.h>
#include <sys/types.h>

#include "test_vmon_util.h"

struct term {
	struct vt_dir dir;	/* the socket, the config, the status file */
	char sock[256], conf[256], done[256];
	char screen[65536];	/* the last capture */
};

/* tmux is installed (else the test SKIPs, which CI turns into a failure) */
void tmux_need(void);
/* Start cmd (a shell command line) in a session of cols x rows, in a new
 * scratch directory t->dir; its exit status goes to t->done. */
void tmux_start(struct term *t, int cols, int rows, const char *cmd);
/* tmux ARGS... (NULL-terminated), asserting it succeeds */
void tmux_run(struct term *t, char *const args[]);
void tmux_keys(struct term *t, const char *keys);
void tmux_resize(struct term *t, int cols, int rows);
/* the screen into t->screen, one line per row */
void tmux_capture(struct term *t);
/* poll the screen (within 20 s) until it shows `what` at least n times */
void tmux_wait(struct term *t, const char *what, int n);
/* poll until it no longer shows `what` */
void tmux_wait_gone(struct term *t, const char *what);
/* the exit status the command wrote (waits for it, 20 s) */
int tmux_exit_status(struct term *t);
/* the pid of the pane's shell */
pid_t tmux_pane_pid(struct term *t);
/* end the server (and with it the pane), remove the scratch directory */
void tmux_end(struct term *t);

/* occurrences of what in s */
int count_of(const char *s, const char *what);
/* the screen line (copied into line) that holds what, or false */
bool screen_line(const char *screen, const char *what, char *line, size_t size);
/* the 0-based row of the first line holding what, or -1 */
int screen_row(const char *screen, const char *what);

#endif
