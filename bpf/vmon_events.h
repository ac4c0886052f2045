/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon_events.h - the records the NETLINK source's kernel-side capture
 * (bpf/vmon_events.bpf.c) writes into its ring buffer, read by
 * src/netlink_bpf.c and checked by src/parse_bpf_event.c.  Shared by both
 * sides: naturally aligned, only fixed-width types.
 *
 * Every record starts with struct vmon_bpf_ev; an exec record carries the
 * new program's argument bytes after it (args_len of them), an exit record
 * the task's final counters.  Times are CLOCK_BOOTTIME nanoseconds (the
 * library's start times are these divided into clock ticks), pids those of
 * the initial pid namespace (the proc connector's).
 */
#ifndef VMON_BPF_EVENTS_H
#define VMON_BPF_EVENTS_H

#define VMON_BPF_EV_COMM_LEN 16
#define VMON_BPF_EV_ARGS_MAX 4096	/* argument bytes kept of an exec */

/* vmon_bpf_ev.kind */
#define VMON_BPF_EV_EXEC 1	/* sched_process_exec: the new program */
#define VMON_BPF_EV_FINAL 2	/* a task's last switch off its CPU */

/* vmon_bpf_ev.flags */
#define VMON_BPF_EV_TRUNCATED 0x1u	/* exec: more arguments than kept */

struct vmon_bpf_ev {
	__u32 kind;
	__u32 flags;
	__s32 pid;		/* the task */
	__s32 tgid;		/* its process */
	__u64 start_ns;		/* the task's start_boottime */
	__u64 when_ns;		/* the moment of the record */
	char comm[VMON_BPF_EV_COMM_LEN];
};

struct vmon_bpf_exec {
	struct vmon_bpf_ev h;
	__u32 args_len;		/* bytes in args */
	__u32 pad;
	char args[VMON_BPF_EV_ARGS_MAX];	/* mm->arg_start..arg_end */
};

/* A task's own counters once it can no longer run: its CPU time
 * (sum_exec_runtime, exact: the scheduler has just charged its last
 * slice) and the tick-sampled utime and stime that split it, in ns; its
 * faults and /proc/PID/io counters (task_io_accounting order: rchar,
 * wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes). */
struct vmon_bpf_final {
	struct vmon_bpf_ev h;
	__u64 sum_exec_runtime;
	__u64 utime, stime;
	__u64 min_flt, maj_flt;
	__u64 io[7];
};

#endif
