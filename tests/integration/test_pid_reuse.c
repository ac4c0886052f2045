/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_pid_reuse.c - a pid reused by another process between two samples
 * (docs/design/kernel.md K4, B2): a monitored child is killed and reaped,
 * and a new process is made with the same pid by clone3() with set_tid
 * (root only).  The old node must become stale (its held descriptors return
 * ESRCH) and keep the old process's figures, and the new process must be a
 * new node (proc_ctor_cb again, its own start time), in PROC_ALL mode, with
 * an explicit monitor, and with both at once; and again with a descriptor
 * budget of 0, where nothing is held and every file is opened by path from
 * the proc root: there the stat's start time tells the processes apart.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("PID REUSE NOT TESTED: clone3() with set_tid needs root (euid %d)",
		     (int)geteuid());
}

/* Kill and reap *pid, then make a new process with the same pid; when
 * another process took the pid first, start over with a fresh child (the
 * caller's setup runs again through redo). */
static pid_t reuse_pid(pid_t old)
{
	pid_t p;

	t_kill(old);
	p = t_clone3_with_pid(old);
	if (p < 0 && errno == ENOSYS)
		SKIP("PID REUSE NOT TESTED: clone3() is not available");
	if (p < 0)
		return -errno;
	ASSERT_EQ(p, old);
	return p;
}

/* Let the clock pass tick `start` (stat's start is in ticks since boot),
 * so a process made now has a later start time.  At most one tick: spin. */
static void pass_tick(unsigned long long start, long hz)
{
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_BOOTTIME, &ts);
		if ((unsigned long long)ts.tv_sec * hz +
		    (unsigned long long)ts.tv_nsec * hz / 1000000000ULL > start + 1)
			return;
	}
}

static int ctors_of_pid, dtors_of_pid;
static pid_t watched;

static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	ctors_of_pid += proc->pid == watched && !proc->is_thread;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	dtors_of_pid += proc->pid == watched && !proc->is_thread;
}

static const vmon_proc_stat_t *stat_of(vmon_proc_t *proc)
{
	return proc->stores[VMON_STORE_PROC_STAT];
}

static vmon_proc_t *live_top_node(vmon_t *vmon, int pid)
{
	vmon_proc_t *p;

	list_for_each_entry(p, &vmon->processes, siblings)
		if (p->pid == pid && !p->is_stale)
			return p;
	return NULL;
}

static int top_nodes_with_pid(vmon_t *vmon, int pid)
{
	vmon_proc_t *p;
	int n = 0;

	list_for_each_entry(p, &vmon->processes, siblings)
		n += p->pid == pid;
	return n;
}

enum mode { EXPLICIT, ALL, ALL_AND_EXPLICIT };

/* budget: vmon_set_fd_budget()'s, -1 for the default */
static void run_reuse(enum mode mode, int budget)
{
	vmon_flags_t flags = mode == EXPLICIT ? VMON_FLAG_NONE : VMON_FLAG_PROC_ALL;
	unsigned long long old_start, new_start;
	vmon_proc_t *old, *fresh;
	pid_t a, b = -1;
	char old_comm[64];
	vmon_t v;

	need_root();
	for (int attempt = 0; attempt < 5; attempt++) {
		ctors_of_pid = dtors_of_pid = 0;
		a = watched = t_fork(t_sleeper, NULL);
		ASSERT(vmon_init(&v, flags, VMON_WANT_SYS_NONE,
				 VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM));
		v.proc_ctor_cb = ctor_cb;
		v.proc_dtor_cb = dtor_cb;
		ASSERT(vmon_set_fd_budget(&v, budget));
		if (mode != ALL)
			ASSERT(vmon_proc_monitor(&v, a, 0, NULL, NULL));
		ASSERT(vmon_sample(&v));
		old = live_top_node(&v, a);
		ASSERT(old);
		ASSERT_EQ(old->refcnt, mode == ALL_AND_EXPLICIT ? 2 : 1);
		ASSERT_EQ(ctors_of_pid, 1);
		old_start = stat_of(old)->start;
		ASSERT_ULL_EQ(old_start, t_stat_ull(a, 0, 22));
		snprintf(old_comm, sizeof(old_comm), "%s", stat_of(old)->comm.array);

		pass_tick(old_start, v.ticks_per_sec);
		b = reuse_pid(a);
		if (b > 0)
			break;
		ASSERT_MSG(b == -EEXIST, "clone3(set_tid=%d): %s", a, strerror(-b));
		vmon_destroy(&v);	/* someone took the pid: try another */
	}
	ASSERT_MSG(b > 0, "pid never free for reuse in 5 attempts");
	/* the kernel's side (K4): a new process, a new start time */
	ASSERT_EQ(kill(a, 0), 0);
	new_start = t_stat_ull(b, 0, 22);
	ASSERT(new_start > old_start);

	/* the first sample after the reuse: the old node's reads fail with
	 * ESRCH, it is stale, and it shows nothing of the new process */
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(old->is_stale, "node of the reaped pid %d not stale after its reuse", a);
	if (budget == 0) {
		vmon_sample_cost_t cost;

		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_MSG(cost.fds_held == 1 && cost.fallback_nodes > 0,
			   "budget 0: %d descriptors held, %d nodes read by path",
			   cost.fds_held, cost.fallback_nodes);
	}
	ASSERT_ULL_EQ(stat_of(old)->start, old_start);
	ASSERT_STREQ(stat_of(old)->comm.array, old_comm);

	if (mode != ALL) {
		/* the caller's monitor of the pid now is a new node */
		fresh = vmon_proc_monitor(&v, a, 0, NULL, NULL);
		ASSERT(fresh);
		ASSERT(fresh != old);
	}
	/* (PROC_ALL: the scan of this sample finds the pid free in its hash) */
	ASSERT(vmon_sample(&v));
	fresh = live_top_node(&v, a);
	ASSERT_MSG(fresh, "the new process %d has no live node", a);
	ASSERT_EQ(ctors_of_pid, 2);
	ASSERT(!fresh->is_stale);
	ASSERT_ULL_EQ(stat_of(fresh)->start, new_start);
	ASSERT(stat_of(fresh)->start != old_start);
	ASSERT_EQ(stat_of(fresh)->ppid, getpid());

	if (mode == ALL) {
		/* PROC_ALL freed the old node when it saw it gone */
		ASSERT_EQ(dtors_of_pid, 1);
		ASSERT_EQ(top_nodes_with_pid(&v, a), 1);
	} else {
		/* the caller still holds the old node: stale, kept, its figures
		 * frozen; unmonitoring it frees it and only it */
		ASSERT_EQ(dtors_of_pid, 0);
		ASSERT(old->is_stale);
		ASSERT_ULL_EQ(stat_of(old)->start, old_start);
		ASSERT_EQ(top_nodes_with_pid(&v, a), 2);
		vmon_proc_unmonitor(&v, old, NULL, NULL);
		ASSERT_EQ(dtors_of_pid, 1);
		ASSERT(live_top_node(&v, a) == fresh);
		ASSERT_EQ(top_nodes_with_pid(&v, a), 1);
	}
	ASSERT(vmon_sample(&v));
	ASSERT(live_top_node(&v, a) == fresh && !fresh->is_stale);
	vmon_destroy(&v);
	ASSERT_EQ(dtors_of_pid, 2);
	t_kill(b);
}

TEST(pid_reuse_explicit_monitor)
{
	run_reuse(EXPLICIT, -1);
}

TEST(pid_reuse_proc_all)
{
	run_reuse(ALL, -1);
}

TEST(pid_reuse_proc_all_and_explicit_monitor)
{
	run_reuse(ALL_AND_EXPLICIT, -1);
}

TEST(pid_reuse_read_by_path_explicit_monitor)
{
	run_reuse(EXPLICIT, 0);
}

TEST(pid_reuse_read_by_path_proc_all)
{
	run_reuse(ALL, 0);
}
