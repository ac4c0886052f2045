/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_refresh.c - the cheap refresh of PROC_STAT's companions
 * (vmon_set_refresh(), every > 1) on a real process: exe is read on the
 * first sample and again at an exec, never in the periodic refresh (a title
 * rewrite cannot change it, and the readlink was a third of the cheap
 * mode's cost over the floor); cmdline is read again every N samples,
 * through a held descriptor while the budget has room for it, opened for
 * each read when it has not; wchan is opened for each read.  The link's target is checked against
 * /proc/PID/exe read directly.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "vmon/vmon.h"
#include "test.h"

#define EVERY 4

static const vmon_proc_stat_t *stat_of(const vmon_proc_t *p)
{
	ASSERT(p && p->stores[VMON_STORE_PROC_STAT]);
	return p->stores[VMON_STORE_PROC_STAT];
}

static void exe_is(pid_t pid, const vmon_proc_stat_t *st)
{
	char path[64], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, target, sizeof(target) - 1);
	ASSERT(n > 0);
	target[n] = '\0';
	ASSERT_MSG(st->exe.array && !strcmp(st->exe.array, target), "exe '%s', the link says '%s'",
		   st->exe.array ? st->exe.array : "(none)", target);
}

TEST(refresh_cheap_reads_exe_at_an_exec_not_every_n_samples)
{
	int go[2], execd[2];
	const vmon_proc_stat_t *st;
	unsigned long links, opens, reads, unrefreshed;
	vmon_proc_t *p;
	pid_t pid;
	vmon_t v;
	char c;

	/* execd's write end closes at the exec (O_CLOEXEC): EOF says "exec'd" */
	ASSERT(pipe(go) == 0 && pipe2(execd, O_CLOEXEC) == 0);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		close(execd[0]);
		if (read(go[0], &c, 1) == 1)
			execl("/bin/sleep", "sleep", "100", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(execd[1]);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, EVERY));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_WCHAN, EVERY));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	st = stat_of(p);
	exe_is(pid, st);
	/* the periodic refreshes: cmdline again, exe not; with room in the
	 * budget, cmdline is held, so never opened again; wchan (whose held
	 * descriptor would keep a page of kernel buffer) is, at each (on
	 * the BPF backend the process's directory too, which it holds only
	 * for such a read) */
	links = vmon_test_fault_calls(VMON__FAULT_READLINK);
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN);
	reads = vmon_test_fault_calls(VMON__FAULT_READ);
	for (int i = 0; i < 3 * EVERY; i++)
		ASSERT(vmon_sample(&v));
	ASSERT_MSG(vmon_test_fault_calls(VMON__FAULT_READLINK) == links,
		   "%lu readlinks of exe in %d samples without an exec",
		   vmon_test_fault_calls(VMON__FAULT_READLINK) - links, 3 * EVERY);
	ASSERT_EQ(vmon_test_fault_calls(VMON__FAULT_OPEN) - opens,
		  (vmon_backend(&v) == VMON_BACKEND_BPF ? 2 : 1) * 3);
	reads = vmon_test_fault_calls(VMON__FAULT_READ) - reads;
	/* three refreshes of each: three reads more than without refresh */
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, 0));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_WCHAN, 0));
	unrefreshed = vmon_test_fault_calls(VMON__FAULT_READ);
	for (int i = 0; i < 3 * EVERY; i++)
		ASSERT(vmon_sample(&v));
	unrefreshed = vmon_test_fault_calls(VMON__FAULT_READ) - unrefreshed;
	ASSERT_MSG(reads == unrefreshed + 2 * 3, "%lu reads refreshing, %lu without", reads,
		   unrefreshed);
	/* a budget without room for cmdline beside the node's directory and
	 * stat: let go, and opened for each read */
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, EVERY));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_WCHAN, EVERY));
	ASSERT(vmon_set_fd_budget(&v, 2));
	ASSERT(vmon_sample(&v));
	for (int i = 0; i < EVERY; i++)	/* what was shed is settled */
		ASSERT(vmon_sample(&v));
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN);
	for (int i = 0; i < 3 * EVERY; i++)
		ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_test_fault_calls(VMON__FAULT_OPEN) - opens, 2 * 3);
	ASSERT(vmon_set_fd_budget(&v, -1));
	/* the exec: seen in stat (comm, the code's addresses), exe read again */
	ASSERT(write(go[1], "x", 1) == 1);
	ASSERT(read(execd[0], &c, 1) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_EXE));
	exe_is(pid, st);
	ASSERT_EQ(st->argc, 2);
	ASSERT_STREQ(st->argv[1], "100");
	vmon_destroy(&v);
	close(go[1]);
	close(execd[0]);
	t_kill(pid);
}
