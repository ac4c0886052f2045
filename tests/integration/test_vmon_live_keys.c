/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live_keys.c - the live view's keys that act on processes, in
 * tmux at 80x24: / shows only the processes whose command has a text, k
 * sends the signal chosen once y confirms it (and nothing otherwise), n
 * sets the nice value, c folds and unfolds a subtree.  What happened to
 * the process is read from /proc, not from vmon.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_tmux.h"

/* the workload: two sleepers, a subshell with two more (their times in
 * variables, so that the title bar, which shows the command, does not
 * show them), and a burner whose two threads wait */
static void start(struct term *t)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "A=601 B=602 C=603 D=604 BURN=%s %s -- sh -c 'sleep $A & "
		 "sleep $B & sh -c \"sleep \\$C & sleep \\$D & wait\" & "
		 "sleep 605 | $BURN -t 2 -m 1 -W & wait'", vt_burn(), vt_vmon());
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "burn -t 2", 1);
	tmux_wait(t, "sleep 604", 1);
	tmux_wait(t, "sleep 601", 1);
	tmux_wait(t, "sleep 602", 1);
	tmux_wait(t, "sleep 603", 1);
}

/* the pid on the screen's row that shows what */
static int pid_on(struct term *t, const char *what)
{
	char line[512];

	tmux_wait(t, what, 1);
	ASSERT(screen_line(t->screen, what, line, sizeof(line)));
	ASSERT_MSG(atoi(line) > 0, "no pid on: %s", line);
	return atoi(line);
}

/* field n (1-based, as proc_pid_stat(5) counts) of /proc/pid/stat */
static long long stat_field(int pid, int n)
{
	char buf[64];

	if (!t_stat_field(pid, 0, n, buf, sizeof(buf)))
		return -1;
	return atoll(buf);
}

/* how many of pid's threads have that nice value (/proc/pid/task) */
static int threads_with_nice(int pid, int nice)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	ASSERT(d);
	while ((e = readdir(d))) {
		char buf[32];
		int tid = atoi(e->d_name);

		if (tid > 0 && t_stat_field(pid, tid, 19, buf, sizeof(buf)) && atoi(buf) == nice)
			n++;
	}
	closedir(d);
	return n;
}

/* /proc/pid/stat is gone or says zombie, within 20 s */
static bool ended(int pid)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char state[8];

	for (int i = 0; i < 400; i++) {
		if (!t_stat_field(pid, 0, 3, state, sizeof(state)) || state[0] == 'Z')
			return true;
		nanosleep(&pause, NULL);
	}
	return false;
}

TEST(vmon_live_filter_shows_only_the_commands_with_the_text)
{
	struct term *t = calloc(1, sizeof(*t));

	tmux_need();
	start(t);
	tmux_keys(t, "/");
	tmux_wait(t, "show only commands with", 1);
	tmux_keys(t, "602");
	tmux_keys(t, "Enter");
	tmux_wait(t, "only \"602\"", 1);
	tmux_wait_gone(t, "sleep 601");
	ASSERT_MSG(strstr(t->screen, "sleep 602") && !strstr(t->screen, "sleep 603") &&
		   !strstr(t->screen, "sleep 604"), "filtered:\n%s", t->screen);
	/* Esc: every process again */
	tmux_keys(t, "Escape");
	tmux_wait(t, "sleep 601", 1);
	ASSERT(strstr(t->screen, "sleep 604") && !strstr(t->screen, "only \""));
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

/* the flat list of the processes with text: the one wanted is selected */
static void select_only(struct term *t, const char *text)
{
	char filter[64];

	tmux_keys(t, "/");
	tmux_wait(t, "show only commands with", 1);
	tmux_keys(t, text);
	snprintf(filter, sizeof(filter), "show only commands with: %s_", text);
	tmux_wait(t, filter, 1);
	tmux_keys(t, "Enter");
	/* drawn again with the filter (the status line may show a message
	 * rather than the filter) */
	tmux_wait_gone(t, "show only commands with");
}

TEST(vmon_live_k_sends_the_signal_chosen_once_confirmed)
{
	struct term *t = calloc(1, sizeof(*t));
	int pid;

	tmux_need();
	start(t);
	tmux_keys(t, "f");
	tmux_wait(t, "flat by CPU", 1);
	select_only(t, "sleep 602");
	pid = pid_on(t, "sleep 602");
	/* 9, then anything but y: nothing is sent */
	tmux_keys(t, "k");
	tmux_wait(t, "signal to send to", 1);
	tmux_keys(t, "9");
	tmux_keys(t, "Enter");
	tmux_wait(t, "send signal 9 to", 1);
	tmux_keys(t, "n");
	tmux_wait(t, "no signal sent", 1);
	ASSERT_MSG(stat_field(pid, 1) == pid, "%d ended without a y", pid);
	/* Enter alone: SIGTERM, and y sends it */
	tmux_keys(t, "k");
	tmux_wait(t, "signal to send to", 1);
	tmux_keys(t, "Enter");
	tmux_wait(t, "send signal 15 to", 1);
	tmux_keys(t, "y");
	tmux_wait(t, "sent signal 15", 1);
	ASSERT_MSG(ended(pid), "%d still runs after SIGTERM", pid);
	/* its siblings live on */
	tmux_keys(t, "Escape");
	tmux_wait(t, "sleep 601", 1);
	ASSERT(strstr(t->screen, "sleep 603"));
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

/* n on the selected row, with the value typed */
static void renice_key(struct term *t, int nice)
{
	char value[16], said[32];

	snprintf(value, sizeof(value), "%d", nice);
	snprintf(said, sizeof(said), "set to %d", nice);
	tmux_keys(t, "n");
	tmux_wait(t, "nice value for", 1);
	tmux_keys(t, value);
	tmux_keys(t, "Enter");
	tmux_wait(t, said, 1);
}

TEST(vmon_live_n_sets_the_nice_value)
{
	struct term *t = calloc(1, sizeof(*t));
	long long before;
	int pid;

	tmux_need();
	start(t);
	tmux_keys(t, "f");
	tmux_wait(t, "flat by CPU", 1);
	select_only(t, "sleep 601");
	pid = pid_on(t, "sleep 601");
	/* higher than the nice value it inherited (the suite may run under
	 * nice): anyone may raise it */
	before = stat_field(pid, 19);
	if (before > 17)
		SKIP("the workload already runs at nice %lld", before);
	renice_key(t, (int)before + 1);
	ASSERT_EQ(stat_field(pid, 19), before + 1);
	/* out of range: said, and nothing done */
	tmux_keys(t, "n");
	tmux_wait(t, "nice value for", 1);
	tmux_keys(t, "99");
	tmux_keys(t, "Enter");
	tmux_wait(t, "is not a nice value", 1);
	ASSERT_EQ(stat_field(pid, 19), before + 1);
	/* every thread of a process */
	tmux_keys(t, "Escape");
	tmux_wait(t, "sleep 602", 1);
	select_only(t, "burn -t");
	pid = pid_on(t, "burn -t 2");
	renice_key(t, (int)before + 2);
	ASSERT_EQ(threads_with_nice(pid, (int)before + 2), 3);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

TEST(vmon_live_c_folds_a_subtree)
{
	struct term *t = calloc(1, sizeof(*t));
	/* in one burst: c acts on the row the arrows reached */
	char *down3_c[] = { "send-keys", "-t", "0", "Down", "Down", "Down", "c", NULL };

	tmux_need();
	start(t);
	/* the tree: the shell, sleep 601, sleep 602, the subshell (its
	 * children under it): three steps down is the subshell */
	tmux_run(t, down3_c);
	tmux_wait(t, "+ sh -c sleep $C", 1);
	tmux_wait_gone(t, "sleep 604");
	ASSERT_MSG(strstr(t->screen, "sleep 601") && strstr(t->screen, "sleep 602") &&
		   !strstr(t->screen, "sleep 603"), "folded:\n%s", t->screen);
	tmux_keys(t, "c");
	tmux_wait(t, "sleep 604", 1);
	ASSERT(!strstr(t->screen, "+ sh -c"));
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}
