/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live.c - the live view, driven in a real terminal: tmux runs
 * vmon on a workload (a shell, a sleeper and a two-threaded burner that
 * waits on it); the test waits for the tree to show the workload's
 * processes, presses t and checks the threads unfold under their process,
 * narrows the terminal and checks the view is drawn again to its size,
 * presses q and checks that the run ends (SIGTERM: exit 143) and that the
 * summary follows the view.  The view during a build is
 * test_vmon_live_build.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_vmon_tmux.h"

/* the shell, two sleepers and a two-threaded burner waiting on one */
static void start(struct term *t, const char *options)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "BURN=%s %s -z 20 %s -- sh -c 'sleep 600 | \"$BURN\" -t 2 -m 20 "
		 "-W & sleep 600 & wait'", vt_burn(), vt_vmon(), options);
	tmux_start(t, 160, 40, cmd);
}

TEST(vmon_live_view_in_tmux)
{
	struct term *t = calloc(1, sizeof(*t));

	tmux_need();
	start(t, "");
	/* the tree: the shell, two sleepers and the burner */
	tmux_wait(t, "sleep 600", 2);
	tmux_wait(t, "workloads/burn -t 2", 1);
	ASSERT_MSG(strstr(t->screen, "vmon ") && strstr(t->screen, "PID") &&
		   strstr(t->screen, "USER%") && strstr(t->screen, "CPU, last minute") &&
		   strstr(t->screen, "mem "), "no header:\n%s", t->screen);
	ASSERT_MSG(!strstr(t->screen, "{burn-1}"), "threads shown before t:\n%s", t->screen);
	tmux_keys(t, "t");
	tmux_wait(t, "{burn-", 2);
	ASSERT(strstr(t->screen, "{burn-1}") && strstr(t->screen, "{burn-2}"));
	/* threads are drawn under their process, with tree lines */
	ASSERT(strstr(t->screen, "workloads/burn -t 2") < strstr(t->screen, "{burn-1}"));
	ASSERT_MSG(strstr(t->screen, "\u251c\u2500") || strstr(t->screen, "|-"), "no tree:\n%s",
		   t->screen);
	/* narrower: drawn again, the lines cut at the new edge (the key
	 * line loses its last keys), the rows still there */
	ASSERT(strstr(t->screen, "w png"));
	tmux_resize(t, 80, 24);
	tmux_wait_gone(t, "w png");
	tmux_wait(t, "{burn-2}", 1);
	ASSERT_MSG(strstr(t->screen, "COMMAND") && !strstr(t->screen, "w png"),
		   "not redrawn at 80 columns:\n%s", t->screen);
	/* room for the summary */
	tmux_resize(t, 160, 40);
	tmux_wait(t, "w png", 1);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);	/* the command ended by SIGTERM */
	tmux_wait(t, "wall time", 1);
	ASSERT_MSG(strstr(t->screen, "status      SIGTERM"), "no summary:\n%s", t->screen);
	tmux_end(t);
	free(t);
}
