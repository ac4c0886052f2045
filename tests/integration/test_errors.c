/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_errors.c - the documented errors and the unusual processes, against
 * real ones: vmon_init() refusing VMON_FLAG_PROC_ALL with
 * VMON_WANT_PROC_FOLLOW_CHILDREN (EINVAL), vmon_proc_monitor() of a pid
 * that does not exist (ESRCH), a kernel thread (kthreadd: no cmdline, argc
 * 0, argv[0] NULL, exe unavailable, and the sample still succeeds) and a
 * zombie child (state Z, statm all zeros, empty cmdline; stale once reaped).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define PF_KTHREAD 0x00200000ULL

static int dtor_pids[64], dtor_pids_nr;

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (!proc->is_thread && dtor_pids_nr < 64)
		dtor_pids[dtor_pids_nr++] = proc->pid;
}

static int dtors_of(int pid)
{
	int n = 0;

	for (int i = 0; i < dtor_pids_nr; i++)
		n += dtor_pids[i] == pid;
	return n;
}

TEST(errors_init_proc_all_with_follow_children)
{
	vmon_t v;

	errno = 0;
	ASSERT_EQ(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE,
			    VMON_WANT_PROC_FOLLOW_CHILDREN), 0);
	ASSERT_EQ(errno, EINVAL);
	errno = 0;
	ASSERT_EQ(vmon_init(&v, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY, VMON_WANT_SYS_NONE,
			    VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT), 0);
	ASSERT_EQ(errno, EINVAL);

	/* nor can a single process ask for it under PROC_ALL */
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	errno = 0;
	ASSERT(vmon_proc_monitor(&v, getpid(), VMON_WANT_PROC_FOLLOW_CHILDREN, NULL, NULL) == NULL);
	ASSERT_EQ(errno, EINVAL);
	vmon_destroy(&v);
}

TEST(errors_monitor_nonexistent_pid)
{
	int fds = t_count_fds();
	pid_t gone = t_fork(t_sleeper, NULL);
	vmon_t v;

	t_kill(gone);
	ASSERT(kill(gone, 0) < 0 && errno == ESRCH);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	errno = 0;
	ASSERT(vmon_proc_monitor(&v, gone, 0, NULL, NULL) == NULL);
	ASSERT_EQ(errno, ESRCH);
	errno = 0;
	ASSERT(vmon_proc_monitor(&v, 0x7ffffff0, 0, NULL, NULL) == NULL);	/* above pid_max */
	ASSERT_EQ(errno, ESRCH);
	ASSERT(list_empty(&v.processes));
	ASSERT(vmon_sample(&v));
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
}

TEST(errors_kernel_thread_kthreadd)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_proc_stat_t *st;
	char comm[64];
	vmon_proc_t *n;
	vmon_t v;

	if (!t_stat_field(2, 0, 2, comm, sizeof(comm)) || strcmp(comm, "kthreadd") ||
	    !(t_stat_ull(2, 0, 9) & PF_KTHREAD))
		SKIP("pid 2 is not kthreadd here (a pid namespace?): no kernel thread to test");
	ASSERT(info);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO));
	n = vmon_proc_monitor(&v, 2, 0, NULL, NULL);
	ASSERT(n);
	ASSERT_EQ(vmon_sample(&v), 1);
	ASSERT(!n->is_stale);
	st = n->stores[VMON_STORE_PROC_STAT];
	ASSERT(st);
	ASSERT_EQ(st->pid, 2);
	ASSERT_STREQ(st->comm.array, "kthreadd");
	ASSERT(st->flags & PF_KTHREAD);
	ASSERT_EQ(st->ppid, 0);
	ASSERT_EQ(st->cmdline.len, 0);
	ASSERT_EQ(st->argc, 0);
	ASSERT(st->argv != NULL);
	ASSERT(st->argv[0] == NULL);
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STAT_EXE));
	ASSERT(vmon_field_unavailable(info, st, VMON_PROC_STAT_EXE));
	ASSERT(!vmon_field_unavailable(info, st, VMON_PROC_STAT_CMDLINE));
	ASSERT(!vmon_field_unavailable(info, st, VMON_PROC_STAT_STATE));
	ASSERT(n->unavailable & VMON_WANT_PROC_STAT);
	/* statm of a task without mm is all zeros */
	ASSERT_EQ(((vmon_proc_vm_t *)n->stores[VMON_STORE_PROC_VM])->size_pages, 0);
	ASSERT_EQ(vmon_sample(&v), 1);
	ASSERT(!n->is_stale);
	vmon_destroy(&v);
}

TEST(errors_zombie_child)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_proc_stat_t *st;
	const vmon_proc_vm_t *vm;
	pid_t z = t_fork(t_sleeper, NULL);
	vmon_proc_t *n;
	siginfo_t si;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM));
	v.proc_dtor_cb = dtor_cb;
	n = vmon_proc_monitor(&v, z, 0, NULL, NULL);
	ASSERT(n);
	ASSERT(vmon_sample(&v));
	st = n->stores[VMON_STORE_PROC_STAT];
	vm = n->stores[VMON_STORE_PROC_VM];
	ASSERT(st->cmdline.len > 0 && st->argc > 0);
	ASSERT(vm->size_pages > 0 && vm->resident_pages > 0);
	size_t cmdline_len = st->cmdline.len;
	int argc = st->argc;

	/* it dies and stays unreaped: a zombie */
	kill(z, SIGKILL);
	ASSERT(waitid(P_PID, z, &si, WEXITED | WNOWAIT) == 0);
	ASSERT_EQ(vmon_sample(&v), 1);
	ASSERT(!n->is_stale);
	ASSERT_EQ(st->state, 'Z');
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_STATE));
	ASSERT_EQ(vm->size_pages, 0);
	ASSERT_EQ(vm->resident_pages, 0);
	ASSERT_EQ(vm->shared_pages, 0);
	ASSERT_EQ(vm->text_pages, 0);
	ASSERT_EQ(vm->data_pages, 0);
	ASSERT_EQ(st->vsize, 0);
	ASSERT_EQ(st->rss, 0);
	/* its cmdline reads empty now; the last one read stays, as in the
	 * original libvmon, so the exited process still shows what it ran */
	ASSERT_EQ(st->cmdline.len, cmdline_len);
	ASSERT_EQ(st->argc, argc);
	ASSERT(st->argv && st->argv[argc] == NULL && st->argv[0] == st->cmdline.array);
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_ARGV));
	ASSERT(!vmon_field_unavailable(info, st, VMON_PROC_STAT_CMDLINE));
	ASSERT(vmon_field_unavailable(info, st, VMON_PROC_STAT_EXE));
	ASSERT_EQ(st->ppid, getpid());

	/* reaped: the caller's node is stale, and stays until unmonitored */
	t_wait(z);
	ASSERT_EQ(vmon_sample(&v), 1);
	ASSERT(n->is_stale);
	ASSERT_EQ(st->state, 'Z');	/* its last values, not another process's */
	ASSERT_EQ(vmon_sample(&v), 1);
	ASSERT(n->is_stale);
	ASSERT_EQ(dtors_of(z), 0);
	vmon_proc_unmonitor(&v, n, NULL, NULL);
	ASSERT_EQ(dtors_of(z), 1);
	vmon_destroy(&v);
}
