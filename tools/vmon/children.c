/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * children.c - vmon as a parent: a child subreaper (so that orphans of the
 * monitored tree are reparented to vmon rather than to init, and stay in
 * view), reaping its children into the reap table (reap_table.c), where
 * their statuses wait for their exits to be recorded, and forwarding
 * signals.
 *
 * Reaping order matters: a child is reaped only after a sample has read it
 * as a zombie (observe.c), so that its last figures are its final ones.
 * vmon_reap() reaps, so that the library gives the node its status.
 * Children vmon never saw (gone before any sample) are reaped here as
 * strays.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tool.h"

void become_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		warnx_("cannot become a child subreaper (%s): orphans will leave the tree",
		       strerror(errno));
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

bool command_is_zombie(const struct watched *w)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return w->command && !w->command_exited &&
	       waitid(P_PID, w->command, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid;
}

void forward_signal(const struct watched *w, int sig)
{
	vmon_proc_t *c;

	if (w->command && !w->command_exited) {
		kill(w->command, sig);
		return;
	}
	if (!w->root)
		return;
	list_for_each_entry(c, &w->root->children, siblings)
		if (!c->is_stale)
			kill(c->pid, sig);
}
