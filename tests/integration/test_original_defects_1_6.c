/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_original_defects_1_6.c - one named test for each defect of the
 * original libvmon (docs/design/defects.md) that the core covers: 1-6
 * here, 7-11 and 14 in test_original_defects_7_14.c.  Each test is
 * the smallest real situation in which the seed implementation went wrong,
 * so a reader can see that it no longer does.  (13, descriptor exhaustion,
 * belongs to the hardening work.)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

static pid_t spawn_idle(void)
{
	struct t_sync ready;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	t_sync_close(&ready);
	return pid;
}

static vmon_proc_stat_t *stat_of(vmon_proc_t *p)
{
	return p->stores[VMON_STORE_PROC_STAT];
}

static int ctors, dtors;
static void count_ctor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; ctors++; }
static void count_dtor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; dtors++; }

/* 1: vmon_destroy() was empty: everything leaked and /proc stayed open. */
TEST(defect_01_destroy_frees_and_closes_everything)
{
	int fds = t_count_fds();
	pid_t kids[3];
	vmon_t v;

	for (int i = 0; i < 3; i++)
		kids[i] = spawn_idle();
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS |
			 VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM |
			 VMON_WANT_PROC_IO));
	v.proc_ctor_cb = count_ctor;
	v.proc_dtor_cb = count_dtor;
	ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
	for (int i = 0; i < 3; i++)
		ASSERT(vmon_sample(&v));
	ASSERT_MSG(ctors >= 4, "self and three children: %d nodes", ctors);
	ASSERT(t_count_fds() > fds);
	vmon_destroy(&v);
	ASSERT_EQ(dtors, ctors);
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT(v.internal == NULL && v.proc_dir == NULL);
	for (int i = 0; i < 3; i++)
		t_kill(kids[i]);
}

/* 2: meminfo was parsed as a fixed sequence of labels. */
TEST(defect_02_meminfo_parsed_by_key)
{
	static const char text[] =
		"MemFree:         1000 kB\n"
		"Zswap:             12 kB\n"
		"MemTotal:        4000 kB\n"
		"HugePages_Total:    3\n"
		"Active(anon):     200 kB\n";
	vmon_sys_vm_t vm = { 0 };
	unsigned long long total;
	vmon_t v;

	vmon__parse_sys_vm(&vm, text, sizeof(text) - 1);
	ASSERT_ULL_EQ(vm.total_kb, 4000);
	ASSERT_ULL_EQ(vm.free_kb, 1000);
	ASSERT_ULL_EQ(vm.hugepages_total, 3);
	ASSERT_ULL_EQ(vm.anon_active_kb, 200);
	ASSERT(BITTEST(vm.unavailable, VMON_SYS_VM_AVAILABLE_KB));
	ASSERT(!BITTEST(vm.unavailable, VMON_SYS_VM_TOTAL_KB));
	vmon__sys_vm_free(&vm);	/* its keys by name */
	/* and the real file, whatever this kernel prints */
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	ASSERT(vmon_sample(&v));
	ASSERT(t_keyed_value("/proc/meminfo", "MemTotal", &total));
	ASSERT_ULL_EQ(((vmon_sys_vm_t *)v.stores[VMON_STORE_SYS_VM])->total_kb, total);
	ASSERT(t_keyed_value("/proc/meminfo", "SwapTotal", &total));
	ASSERT_ULL_EQ(((vmon_sys_vm_t *)v.stores[VMON_STORE_SYS_VM])->swap_total_kb, total);
	vmon_destroy(&v);
}

/* 3: only the aggregate cpu line of /proc/stat was parsed. */
TEST(defect_03_proc_stat_per_cpu_and_counters)
{
	unsigned long long btime, forks;
	vmon_sys_stat_t *st;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, 0));
	ASSERT(vmon_sample(&v));
	st = v.stores[VMON_STORE_SYS_STAT];
	ASSERT_EQ(v.num_cpus, online);
	ASSERT(st->cpus_nr >= online);
	for (int i = 0, n = 0; i < st->cpus_nr; i++) {
		n += st->cpus[i].online;
		if (i == st->cpus_nr - 1)
			ASSERT_EQ(n, online);
	}
	ASSERT(st->cpus[0].online && st->cpus[0].user + st->cpus[0].system > 0);
	ASSERT(st->ctxt > 0 && st->forks > 0 && st->n_runnable >= 1 && st->softirq_total > 0);
	ASSERT(st->intr > 0);
	ASSERT(t_keyed_value("/proc/stat", "btime", &btime) || true);
	{
		char *s = t_read_file("/proc/stat", NULL), *b = strstr(s, "btime "), *f = strstr(s, "processes ");

		btime = strtoull(b + 6, NULL, 10);
		forks = strtoull(f + 10, NULL, 10);
		free(s);
	}
	ASSERT_NEAR(st->boot_time, btime, 1);
	ASSERT(st->forks <= forks && st->forks + 1000 > forks);
	vmon_destroy(&v);
}

static bool rename_and_wait(void *arg)
{
	prctl(PR_SET_NAME, "x) Z 1 1");
	return t_sleeper(arg);
}

/* 4: comm's end was found with /proc/PID/comm's length (racy, spoofable). */
TEST(defect_04_comm_ends_at_last_paren)
{
	struct t_sync ready;
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	pid_t pid;
	vmon_t v;

	t_sync_init(&ready);
	pid = t_fork(rename_and_wait, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	p = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	st = stat_of(p);
	ASSERT_STREQ(st->comm.array, "x) Z 1 1");
	ASSERT_EQ(st->comm.len, 9);	/* 8 bytes and the NUL */
	ASSERT_EQ(st->ppid, getpid());
	ASSERT_MSG(st->state == 'S' || st->state == 'R', "state %c, not the spoofed Z", st->state);
	vmon_destroy(&v);
	t_kill(pid);
}

/* Start a process with pid `want` (root: clone3 set_tid).  0 if taken. */
static pid_t fork_with_pid(pid_t want)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	pid_t pid;

	args.set_tid = (unsigned long)&want;
	args.set_tid_size = 1;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid > 0 ? pid : 0;
}

/* 5: in PROC_ALL mode a reused pid kept the dead process's descriptors. */
TEST(defect_05_reused_pid_is_a_new_node)
{
	vmon_proc_t *old, *now;
	unsigned long long old_start;
	pid_t pid, again = 0;
	vmon_t v;

	if (geteuid() != 0)
		SKIP("clone3 set_tid needs root");
	pid = spawn_idle();
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_sample(&v));
	old = vmon__pidhash_find(&v.internal->procs, pid);
	ASSERT(old);
	old_start = stat_of(old)->start;
	t_kill(pid);
	/* the start times must differ: let a tick pass */
	for (int i = 0; i < 1000 && !again; i++) {
		usleep(20000);
		again = fork_with_pid(pid);
	}
	ASSERT_MSG(again == pid, "could not reuse pid %d", pid);
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(old->is_stale, "the old node must see ESRCH and be stale");
	ASSERT(vmon_sample(&v));
	now = vmon__pidhash_find(&v.internal->procs, pid);
	ASSERT(now && !now->is_stale && now->is_new);
	ASSERT_NE(stat_of(now)->start, old_start);
	ASSERT_ULL_EQ(stat_of(now)->start, t_stat_ull(pid, 0, 22));
	t_check_tree(&v);
	vmon_destroy(&v);
	t_kill(again);
}

/* 6: a sampler whose open failed (EACCES) was never tried again. */
TEST(defect_06_unavailable_store_is_retried_with_backoff)
{
	struct vmon_fault_plan eacces = { .armed = 1, .countdown = 1, .err = EACCES };
	unsigned long opens;
	vmon_proc_io_t *io;
	vmon_proc_t *p, *p2;
	pid_t pid = spawn_idle(), pid2;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_IO));
	/* io's file (under VMON_BACKEND=bpf the record would fill it) */
	ASSERT(vmon_set_backend(&v, VMON_BACKEND_PROCFS));
	p = vmon_proc_monitor(&v, pid, 0, NULL, NULL);	/* opens the pid dir */
	ASSERT(p);
	vmon_test_fault_set(VMON__FAULT_OPEN, &eacces);	/* the io open is refused */
	ASSERT(vmon_sample(&v));
	io = p->stores[VMON_STORE_PROC_IO];
	ASSERT(p->unavailable & VMON_WANT_PROC_IO);
	ASSERT(BITTEST(io->unavailable, VMON_PROC_IO_RCHARS));
	ASSERT(vmon_sample(&v));	/* retried after one sample: allowed now */
	ASSERT(!(p->unavailable & VMON_WANT_PROC_IO));
	ASSERT(!BITTEST(io->unavailable, VMON_PROC_IO_RCHARS));
	/* a persistent refusal is retried after 1, 2, 4 ... samples, not each:
	 * another process, whose io is refused from the start */
	vmon_test_fault_clear();
	pid2 = spawn_idle();
	p2 = vmon_proc_monitor(&v, pid2, 0, NULL, NULL);
	ASSERT(p2);
	eacces.persistent = 1;
	vmon_test_fault_set(VMON__FAULT_OPEN, &eacces);
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN);
	for (int i = 0; i < 32; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(p2->unavailable & VMON_WANT_PROC_IO);
		ASSERT(!(p->unavailable & VMON_WANT_PROC_IO));
	}
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN) - opens;
	ASSERT_MSG(opens >= 3 && opens <= 7, "%lu opens in 32 samples", opens);
	vmon_test_fault_clear();
	vmon_destroy(&v);
	t_kill(pid);
	t_kill(pid2);
}
