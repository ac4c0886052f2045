/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live_build.c - the live view during a real build, in tmux at
 * 80x24, 160x45 and 40x10: a scratch copy of some of this project's
 * sources is built over and over with make -j2 (niced), beside a
 * two-threaded CPU burner.  Each screen is compared with the processes
 * of vmon's tree read from /proc just before and just after it was
 * captured: every process running across the capture and old enough to
 * have been drawn must be on screen with its command.  The dozens of
 * processes a build ends each second are counted, not listed, until e
 * lists them below the running ones; the flat view (f) sorted by CPU puts
 * the burner first.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_tmux.h"

#define MAXP 512

struct pinfo {
	int pid, ppid;
	char comm[32], state;
	unsigned long long start;	/* ticks after boot */
};

static int read_procs(struct pinfo *v, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ASSERT(d);
	while ((e = readdir(d)) && n < max) {
		char path[300], *text, *close_paren;
		struct pinfo p = { 0 };

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(text = t_read_file(path, NULL)))
			continue;	/* gone */
		close_paren = strrchr(text, ')');
		p.pid = atoi(text);
		if (close_paren && strchr(text, '(')) {
			char *open_paren = strchr(text, '(');
			int len = (int)(close_paren - open_paren - 1);

			snprintf(p.comm, sizeof(p.comm), "%.*s", len, open_paren + 1);
			/* state ppid pgrp session tty tpgid flags minflt cminflt
			 * majflt cmajflt utime stime cutime cstime priority nice
			 * threads itrealvalue starttime */
			if (sscanf(close_paren + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
				   "%*d %*d %*d %*d %*d %*d %llu", &p.state, &p.ppid, &p.start) == 3)
				v[n++] = p;
		}
		free(text);
	}
	closedir(d);
	return n;
}

static double uptime_ticks(void)
{
	char *text = t_read_file("/proc/uptime", NULL);
	double up;

	ASSERT(text);
	up = atof(text);
	free(text);
	return up * sysconf(_SC_CLK_TCK);
}

/* the processes under root (root itself left out) */
static int tree_of(int root, const struct pinfo *all, int n, struct pinfo *out)
{
	int m = 0, grew = 1;
	char *in = calloc(n, 1);

	while (grew) {
		grew = 0;
		for (int i = 0; i < n; i++)
			if (!in[i]) {
				bool under = all[i].ppid == root;

				for (int j = 0; !under && j < m; j++)
					under = out[j].pid == all[i].ppid;
				if (under) {
					in[i] = 1;
					out[m++] = all[i];
					grew = 1;
				}
			}
	}
	free(in);
	return m;
}

/* vmon: the child of the pane's shell called vmon */
static int vmon_pid(struct term *t)
{
	static struct pinfo all[4096];
	int pane = tmux_pane_pid(t), n = read_procs(all, 4096);

	for (int i = 0; i < n; i++)
		if (all[i].ppid == pane && !strcmp(all[i].comm, "vmon"))
			return all[i].pid;
	ASSERT_MSG(0, "no vmon under the pane's shell %d", pane);
	return -1;
}

static int tree_now(int vmon, struct pinfo *out)
{
	static struct pinfo all[4096];
	int n = read_procs(all, 4096);

	return tree_of(vmon, all, n, out);
}

/* a process of vmon's tree called comm, once it runs (20 s at most) */
static int wait_for(int vmon, const char *comm)
{
	static struct pinfo tree[MAXP];
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	for (int k = 0; k < 400; k++) {
		int n = tree_now(vmon, tree);

		for (int i = 0; i < n; i++)
			if (!strcmp(tree[i].comm, comm))
				return tree[i].pid;
		nanosleep(&pause, NULL);
	}
	ASSERT_MSG(0, "no %s in vmon's tree", comm);
	return 0;
}

/* a line of the screen showing pid as a whole word and comm after it */
static bool shown(const char *screen, const struct pinfo *p)
{
	char word[32];
	const char *at = screen;
	int len = snprintf(word, sizeof(word), " %d ", p->pid);

	while ((at = strstr(at, word))) {
		const char *end = strchr(at, '\n');
		const char *name = strstr(at + len, p->comm);

		if (name && (!end || name < end))
			return true;
		at += len;
	}
	return false;
}

/* Capture the screen; every process of vmon's tree alive (and the same
 * process) before and after, not a zombie, and started at least 1 s
 * before must be on it (vmon draws 25 times a second).  Returns how many were checked. */
static int check_screen(struct term *t, int vmon)
{
	static struct pinfo before[MAXP], after[MAXP];
	double now = uptime_ticks();
	int nb = tree_now(vmon, before), na, checked = 0;

	tmux_capture(t);
	na = tree_now(vmon, after);
	for (int i = 0; i < nb; i++) {
		const struct pinfo *p = &before[i];
		bool still = false;

		for (int j = 0; j < na; j++)
			still |= after[j].pid == p->pid && after[j].start == p->start &&
				 after[j].state != 'Z';
		if (!still || p->state == 'Z' || now - p->start < sysconf(_SC_CLK_TCK))
			continue;
		ASSERT_MSG(shown(t->screen, p), "running process %d (%s) is not on the screen:\n%s",
			   p->pid, p->comm, t->screen);
		checked++;
	}
	return checked;
}

/* a scratch copy of a dozen of this project's sources and a Makefile
 * that builds them; the command that builds them over and over */
static void scratch_build(struct vt_dir *d, char *cmd, size_t size, bool burner)
{
	static const char *srcs[] = {
		"source_netlink.c", "ptrace_tracer.c", "fobject.c", "check.c",
		"sample_proc_stat.c", "proc_tree.c", "parse_netlink.c", "sample_proc_status.c",
		"io.c", "sample_proc_files.c", "sample_sys_sockets.c", "parse_net.c",
	};
	char top[512], path[700], from[700];
	static char vmon[PATH_MAX], burn[PATH_MAX];
	FILE *f;

	vt_mkdir(d);
	ASSERT(getcwd(top, sizeof(top)));
	/* the build runs in the scratch folder */
	ASSERT(realpath(vt_vmon(), vmon) && realpath(vt_burn(), burn));
	for (size_t i = 0; i < sizeof(srcs) / sizeof(*srcs); i++) {
		size_t len;
		char *text;

		snprintf(from, sizeof(from), "%s/src/%s", top, srcs[i]);
		ASSERT_MSG(text = t_read_file(from, &len), "cannot read %s", from);
		f = fopen(vt_file(d, srcs[i], path, sizeof(path)), "w");
		ASSERT(f && fwrite(text, 1, len, f) == len);
		fclose(f);
		free(text);
	}
	f = fopen(vt_file(d, "Makefile", path, sizeof(path)), "w");
	ASSERT(f);
	/* each recipe's shell outlives its compiler by a second, so that
	 * however fast the machine compiles, processes old enough to be
	 * checked (make, the recipes' shells) are on every screen: on a
	 * quiet machine a whole build took about a second, and only the
	 * loop's shell was checked */
	fprintf(f, "OBJ := $(patsubst %%.c,%%.o,$(wildcard *.c))\nall: $(OBJ)\n"
		"%%.o: %%.c\n\tcc -O2 -std=gnu11 -D_GNU_SOURCE -I%s/include -I%s/src -c -o $@ $< "
		"&& sleep 1\n"
		"clean:\n\trm -f *.o\n", top, top);
	fclose(f);
	snprintf(cmd, size, "cd %s && BURN=%s %s -z 20 -- sh -c '%swhile :; do make -s clean; "
		 "nice -n 10 make -s -j2 >/dev/null 2>&1; done'", d->path, burn, vmon,
		 burner ? "sleep 600 | \"$BURN\" -t 2 -m 600000 & " : "");
}

/* the run's time on the screen's title bar, or -1 */
static double run_time(const char *screen)
{
	const char *at = strstr(screen, " vmon ");
	char *unit;
	double secs;

	if (!at)
		return -1;
	secs = strtod(at + 6, &unit);
	return !strncmp(unit, " s ", 3) ? secs : !strncmp(unit, " ms ", 4) ? secs / 1000 : -1;
}

/* until the screen shows the run at least secs old */
static void wait_run_time(struct term *t, double secs)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	for (int k = 0; k < 400; k++) {
		tmux_capture(t);
		if (run_time(t->screen) >= secs)
			return;
		nanosleep(&pause, NULL);
	}
	ASSERT_MSG(0, "the run never reached %g s:\n%s", secs, t->screen);
}

/* n screens half a second of the run apart, each with every running
 * process on it; returns how many processes were checked in all */
static int check_screens(struct term *t, int vmon, int n)
{
	int checked = 0;
	double t0;

	tmux_capture(t);
	t0 = run_time(t->screen);
	for (int i = 0; i < n; i++) {
		wait_run_time(t, t0 + 0.5 * i);
		checked += check_screen(t, vmon);
		/* the build's ended processes are counted, not listed (as
		 * root the events give their status: exit 0) */
		ASSERT_MSG(!strstr(t->screen, "exit 0") && !strstr(t->screen, "ended in the last 5 s --"),
			   "ended rows listed before e:\n%s", t->screen);
	}
	return checked;
}

TEST(vmon_live_build_every_running_command_on_screen)
{
	struct term *t = calloc(1, sizeof(*t));
	struct vt_dir build;
	char cmd[3 * PATH_MAX], line[512];
	int vmon, checked;

	tmux_need();
	scratch_build(&build, cmd, sizeof(cmd), false);
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "cc1", 1);
	vmon = vmon_pid(t);
	/* 80x24: the command column, the keys, the running processes */
	wait_run_time(t, 2);
	tmux_wait(t, "ended in the last 5 s", 1);
	checked = check_screens(t, vmon, 10);
	ASSERT_MSG(checked >= 15, "only %d processes checked:\n%s", checked, t->screen);
	ASSERT_MSG(strstr(t->screen, "COMMAND"), "no command column at 80 columns:\n%s", t->screen);
	ASSERT_MSG(screen_line(t->screen, "q quit", line, sizeof(line)) &&
		   strstr(line, "? keys") && strstr(line, "p pause"), "no keys:\n%s", t->screen);
	/* e: the ended ones, below every running one, under a heading */
	tmux_keys(t, "e");
	tmux_wait(t, "ended in the last 5 s --", 1);
	{
		int root = screen_row(t->screen, "sh -c while");
		int head = screen_row(t->screen, "ended in the last 5 s --");
		const char *below = strstr(t->screen, "ended in the last 5 s --");

		below = below ? strchr(below, '\n') : NULL;
		ASSERT_MSG(root >= 0 && root < head && below && atoi(below + 1) > 0,
			   "ended rows not below the running ones:\n%s", t->screen);
	}
	tmux_keys(t, "e");
	tmux_wait_gone(t, "ended in the last 5 s --");
	/* 160x45: the same, with every column */
	tmux_resize(t, 160, 45);
	tmux_wait(t, "CPU, last minute", 1);
	checked = check_screens(t, vmon, 10);
	ASSERT_MSG(checked >= 15, "only %d processes checked:\n%s", checked, t->screen);
	ASSERT(strstr(t->screen, "READ/s") && strstr(t->screen, "w png"));
	/* 40x10: the rows are still there, the command first of all */
	tmux_resize(t, 40, 10);
	tmux_wait_gone(t, "CPU, last minute");
	tmux_wait(t, "sh -c while", 1);
	ASSERT_MSG(strstr(t->screen, "PID") && strstr(t->screen, "COMMAND") &&
		   strstr(t->screen, "q quit"), "40x10:\n%s", t->screen);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	vt_cleanup(&build);
	free(t);
}

/* the pid on the first row under the column heads, or 0 */
static int first_row_pid(const char *screen)
{
	const char *head = strstr(screen, " PID "), *next;

	if (!head || !(next = strchr(head, '\n')))
		return 0;
	return atoi(next + 1);
}

TEST(vmon_live_flat_view_puts_the_busiest_first)
{
	struct term *t = calloc(1, sizeof(*t));
	struct vt_dir build;
	char cmd[3 * PATH_MAX];
	int vmon, burner, first = 0, in_a_row = 0;

	tmux_need();
	scratch_build(&build, cmd, sizeof(cmd), true);
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "cc1", 1);
	vmon = vmon_pid(t);
	burner = wait_for(vmon, "burn");
	wait_run_time(t, 2);
	/* the tree: the shell that started it all comes first */
	ASSERT(first_row_pid(t->screen) != burner);
	tmux_keys(t, "f");
	tmux_wait(t, "flat by CPU", 1);
	/* the burner's two threads against a build at nice 10: first, and
	 * first again on three screens in a row */
	for (int i = 0; i < 400 && in_a_row < 4; i++) {
		tmux_capture(t);
		first = first_row_pid(t->screen);
		in_a_row = first == burner ? in_a_row + 1 : 0;
	}
	ASSERT_MSG(in_a_row >= 4, "the burner %d is not first (%d is):\n%s", burner, first,
		   t->screen);
	/* f again: the tree, its root first */
	tmux_keys(t, "f");
	tmux_wait_gone(t, "flat by");
	ASSERT(first_row_pid(t->screen) != burner);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	vt_cleanup(&build);
	free(t);
}
