/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * children.c - vmon as a parent: a child subreaper (so that orphans of the
 * monitored tree are reparented to vmon rather than to init, and stay in
 * view), reaping its children into the reap table (reap_table.c), where
 * their statuses wait for their exits to be recorded, forwarding signals,
 * and its descriptor limit.
 *
 * Reaping order matters: a child is reaped only after a sample has read it
 * as a zombie (observe.c), so that its last figures are its final ones.
 * vmon_reap() reaps, so that the library gives the node its status.
 * Children vmon never saw (gone before any sample) are reaped here as
 * strays.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

void become_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		warnx_("cannot become a child subreaper (%s): orphans will leave the tree",
		       strerror(errno));
}

static struct rlimit fd_orig;
static int fd_orig_saved;

/* The descriptors libvmon needs for `nodes` processes and threads (about
 * eight each), and vmon's own. */
static rlim_t fds_needed(int nodes)
{
	return (rlim_t)nodes * 8 + 64;
}

static rlim_t nr_open(void)
{
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	unsigned long long n = 1024 * 1024;

	if (f) {
		if (fscanf(f, "%llu", &n) != 1)
			n = 1024 * 1024;
		fclose(f);
	}
	return n;
}

void raise_fd_limit(int nodes)
{
	static int warned;
	rlim_t need = fds_needed(nodes);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (!fd_orig_saved) {
		fd_orig = rl;
		fd_orig_saved = 1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		/* only a privileged vmon may raise the hard limit */
		struct rlimit up = { need * 2, need * 2 };

		if (up.rlim_max > nr_open())
			up.rlim_cur = up.rlim_max = nr_open();
		if (up.rlim_max > rl.rlim_max && !setrlimit(RLIMIT_NOFILE, &up))
			return;
	}
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need * 2 ? need * 2
									     : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= need)
		return;
	if (!warned++)
		warnx_("the tree needs about %llu descriptors but the limit is %llu: libvmon "
		       "will sample some files less often", (unsigned long long)need,
		       (unsigned long long)rl.rlim_cur);
}

void restore_fd_limit_in_child(void)
{
	if (fd_orig_saved)
		setrlimit(RLIMIT_NOFILE, &fd_orig);
}

int take_status(vmon_t *v, struct reap_table *rt, int pid, bool child)
{
	int status = reap_table_take(rt, pid);

	if (status >= 0)
		return status;
	if (child && vmon_reap(v, pid, &status, WNOHANG) == pid)
		return status;
	return -1;
}

void reap_children(vmon_t *v, struct model *m, struct reap_table *rt)
{
	for (;;) {
		siginfo_t si;
		int status;
		pid_t pid;

		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) || !si.si_pid)
			return;
		pid = si.si_pid;
		/* a live track: reaped once a sample has read it as a zombie */
		if (model_find(m, pid, false))
			return;
		if (vmon_reap(v, pid, &status, WNOHANG) != pid)
			return;
		reap_table_keep(rt, pid, status);
	}
}

void forward_signal(struct session *s, int sig)
{
	vmon_proc_t *c;

	if (s->command && !s->command_exited) {
		kill(s->command, sig);
		return;
	}
	if (!s->root)
		return;
	list_for_each_entry(c, &s->root->children, siblings)
		if (!c->is_stale)
			kill(c->pid, sig);
}
