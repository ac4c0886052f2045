/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon_task.h - the record the BPF task iterator (bpf/vmon_task.bpf.c)
 * writes for each process, read by src/backend_bpf.c.  Shared by both
 * sides: fixed-size, naturally aligned, only fixed-width types.
 *
 * Everything is raw kernel state, in the kernel's units (nanoseconds,
 * pages); the library turns it into what /proc/PID/stat, statm and io
 * print (docs/design/backend.md says how, field by field).
 */
#ifndef VMON_BPF_TASK_H
#define VMON_BPF_TASK_H

#define VMON_BPF_COMM_LEN 16
#define VMON_BPF_MAX_CPUS 1024	/* per-CPU counters summed for statm */
#define VMON_BPF_MAX_WANTED (1 << 20)	/* pids in the filter of a followed tree */

/* vmon_bpf_task.flags */
#define VMON_BPF_HAS_MM		0x1u	/* get_task_mm() would give an mm */
#define VMON_BPF_HAS_SIGHAND	0x2u	/* lock_task_sighand() would succeed */
#define VMON_BPF_HAS_TTY	0x4u	/* a controlling terminal */
#define VMON_BPF_KTHREAD	0x8u	/* PF_KTHREAD (no memory of its own) */
#define VMON_BPF_PROC_COMM	0x10u	/* /proc names it otherwise than comm (a
					 * workqueue worker, a kernel thread
					 * with a longer name): its stat is read
					 * from procfs */

struct vmon_bpf_task {
	__s32 pid;		/* in the reader's pid namespace */
	__s32 ppid;		/* tgid of real_parent, 0 if not visible */
	__s32 pgid, sid;	/* 0 if not visible */
	__s32 tty_nr;		/* new_encode_dev(tty_devnum()) */
	__s32 tty_pgrp;		/* 0 if not visible */
	__s32 nr_threads;	/* signal->nr_threads */
	__s32 prio, static_prio;
	__s32 cpu;		/* task_cpu() */
	__u32 task_flags;	/* task->flags (PF_*) */
	__u32 state;		/* task->__state */
	__u32 exit_state;
	__u32 flags;		/* VMON_BPF_* */
	char comm[VMON_BPF_COMM_LEN];
	/* CPU: the thread group's sums as thread_group_cputime() takes
	 * them, and the signal's prev_cputime (ns) */
	__u64 utime, stime, sum_exec_runtime;
	__u64 prev_utime, prev_stime;
	__u64 cutime, cstime, gtime, cgtime;
	__u64 min_flt, maj_flt, cmin_flt, cmaj_flt;
	__u64 start_boottime;	/* ns */
	__u64 blkio_delay;	/* ns, the leader's */
	__u64 rsslim;
	/* memory (pages, except the addresses) */
	__u64 total_vm, data_vm, stack_vm;
	__u64 start_code, end_code, start_stack;
	__s64 rss_approx[3];	/* file, anon, shmem: percpu_counter_read() */
	__s64 rss_sum[3];	/* file, anon, shmem: percpu_counter_sum() */
	/* /proc/PID/io: signal->ioac plus every live thread's */
	__u64 io[7];
};

#endif
