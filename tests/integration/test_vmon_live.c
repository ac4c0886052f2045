/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live.c - the live view, driven in a real terminal: tmux runs
 * vmon on a workload (a shell, a sleeper and a two-threaded burner that
 * waits on it); the test waits for the tree to show the workload's
 * processes, presses t and checks the threads unfold under their process,
 * narrows the terminal and checks the view is drawn again to its size,
 * presses q and checks that the run ends (SIGTERM: exit 143) and that the
 * summary follows the view.
 *
 * A terminal screen gives no event when it shows something, so the test
 * polls tmux's capture of it, within a deadline; the end of vmon is seen
 * through inotify on the file its exit status is written to.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

struct term {
	struct vt_dir dir;
	char sock[256], conf[256], done[256];
	char screen[65536];
};

static int tmux(struct term *t, char *const args[])
{
	char *argv[16] = { "tmux", "-S", t->sock, "-f", t->conf };
	char err[4096];
	struct vt_proc p;
	int n = 5, status;

	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	/* vt_start wants a path */
	argv[0] = access("/usr/bin/tmux", X_OK) == 0 ? "/usr/bin/tmux" : "/bin/tmux";
	vt_start(&p, argv, NULL, -1, -1);
	status = vt_finish(&p, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "tmux %s: %#x %s", argv[5],
		   status, err);
	return status;
}

static void capture(struct term *t)
{
	char cmd[600];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tmux -S %s capture-pane -p -t 0", t->sock);
	f = popen(cmd, "r");
	ASSERT(f);
	n = fread(t->screen, 1, sizeof(t->screen) - 1, f);
	t->screen[n] = '\0';
	pclose(f);
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* poll the screen (within 20 s) until it shows `what` at least n times */
static void wait_screen(struct term *t, const char *what, int n)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	for (int i = 0; i < 400; i++) {
		capture(t);
		if (count(t->screen, what) >= n)
			return;
		nanosleep(&pause, NULL);
	}
	ASSERT_MSG(0, "the screen never showed %d x \"%s\":\n%s", n, what, t->screen);
}

static void start(struct term *t)
{
	char cmd[2048];
	FILE *f;
	char *args[] = { "new-session", "-d", "-x", "160", "-y", "40", cmd, NULL };

	vt_mkdir(&t->dir);
	vt_file(&t->dir, "sock", t->sock, sizeof(t->sock));
	vt_file(&t->dir, "tmux.conf", t->conf, sizeof(t->conf));
	vt_file(&t->dir, "status", t->done, sizeof(t->done));
	f = fopen(t->conf, "w");
	ASSERT(f);
	/*
	 * tmux runs the pane's command with the user's login shell when
	 * SHELL is unset: nobody's is nologin, so name the shell
	 */
	fputs("set -g remain-on-exit on\nset -g status off\nset -g default-shell /bin/sh\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "BURN=%s %s -z 20 -- sh -c 'sleep 600 | \"$BURN\" -t 2 -m 20 -W "
		 "& sleep 600 & wait'; echo $? > %s.tmp; mv %s.tmp %s", vt_burn(), vt_vmon(),
		 t->done, t->done, t->done);
	tmux(t, args);
}

/* wait (inotify) for vmon's exit status, written by the pane's shell */
static int exit_status(struct term *t)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd p;
	char *text = NULL;
	int in = inotify_init1(IN_CLOEXEC), code;

	ASSERT(in >= 0);
	ASSERT(inotify_add_watch(in, t->dir.path, IN_MOVED_TO) >= 0);
	p = (struct pollfd){ .fd = in, .events = POLLIN };
	while (!(text = t_read_file(t->done, NULL))) {
		ASSERT_MSG(poll(&p, 1, 20000) == 1, "vmon did not end after q");
		ASSERT(read(in, buf, sizeof(buf)) > 0);
	}
	close(in);
	code = atoi(text);
	free(text);
	return code;
}

TEST(vmon_live_view_in_tmux)
{
	char *kill_server[] = { "kill-server", NULL };
	char *press_t[] = { "send-keys", "-t", "0", "t", NULL };
	char *press_q[] = { "send-keys", "-t", "0", "q", NULL };
	char *narrow[] = { "resize-window", "-t", "0", "-x", "120", "-y", "24", NULL };
	struct term *t = calloc(1, sizeof(*t));

	if (access("/usr/bin/tmux", X_OK) && access("/bin/tmux", X_OK))
		SKIP("tmux is not installed (apt-get install tmux)");
	start(t);
	/* the tree: the shell, two sleepers and the burner */
	wait_screen(t, "sleep 600", 2);
	wait_screen(t, "workloads/burn -t 2", 1);
	ASSERT_MSG(strstr(t->screen, "vmon ") && strstr(t->screen, "PID") &&
		   strstr(t->screen, "USER%") && strstr(t->screen, "CPU, last minute") &&
		   strstr(t->screen, "mem "), "no header:\n%s", t->screen);
	ASSERT_MSG(!strstr(t->screen, "{burn-1}"), "threads shown before t:\n%s", t->screen);
	tmux(t, press_t);
	wait_screen(t, "{burn-", 2);
	ASSERT(strstr(t->screen, "{burn-1}") && strstr(t->screen, "{burn-2}"));
	/* threads are drawn under their process, with tree lines */
	ASSERT(strstr(t->screen, "workloads/burn -t 2") < strstr(t->screen, "{burn-1}"));
	ASSERT_MSG(strstr(t->screen, "\u251c\u2500") || strstr(t->screen, "|-"), "no tree:\n%s",
		   t->screen);
	/* narrower: drawn again, the lines cut at the new edge (the title bar
	 * loses its last keys), the rows still there */
	ASSERT(strstr(t->screen, "w png"));
	tmux(t, narrow);
	capture(t);
	for (int i = 0; i < 400 && strstr(t->screen, "w png"); i++) {
		struct timespec pause = { 0, 50 * 1000 * 1000 };

		nanosleep(&pause, NULL);
		capture(t);
	}
	ASSERT_MSG(!strstr(t->screen, "w png") && strstr(t->screen, "COMMAND") &&
		   strstr(t->screen, "{burn-2}"), "not redrawn at 120 columns:\n%s", t->screen);
	tmux(t, press_q);
	ASSERT_EQ(exit_status(t), 143);	/* the command ended by SIGTERM */
	wait_screen(t, "wall time", 1);
	ASSERT(strstr(t->screen, "status      SIGTERM"));
	tmux(t, kill_server);
	vt_cleanup(&t->dir);
	free(t);
}
