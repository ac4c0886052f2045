// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmon_events.bpf.c - the NETLINK source's kernel-side capture
 * (docs/events.md): what the proc connector cannot say and /proc may no
 * longer hold by the time the library reads it, taken in the kernel at
 * the moment it is exact, into a ring buffer (bpf/vmon_events.h).
 *
 * At sched_process_exec the new program's arguments: exec_binprm() fires
 * it once the new mm is in place, whose arg_start..arg_end hold the
 * argument strings the exec just copied onto the new stack (resident:
 * the copy faulted them in).  The task is current, its own memory readable.
 *
 * At a task's last switch off its CPU (sched_switch with prev in
 * TASK_DEAD) its own CPU time: sched_process_exit fires before exit_mm()
 * and the rest of the teardown, as early as taskstats_exit(), so its
 * figures miss the tens to hundreds of microseconds that follow; and
 * se.sum_exec_runtime is only brought up to date when the scheduler
 * charges the task (update_curr()), which the dequeue of the dead task
 * has just done here.  Each task's record is its own: a process's CPU is
 * its tasks' records added up, as its taskstats records are, which holds
 * for threads that end before, with or after their leader.
 *
 * Every exec and every task end on the machine is written: the library
 * drops those of processes it does not follow.  The sched_switch program
 * returns at once for any task that is not dead.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "vmon_events.h"
#include "vmon_ioac.h"

char LICENSE[] SEC("license") = "GPL";	/* bpf_probe_read_user() needs it */

#define TASK_DEAD 0x80
#define PF_KTHREAD 0x00200000

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vmon_bpf_exec);
} exec_scratch SEC(".maps");

static void header(struct vmon_bpf_ev *h, struct task_struct *t, __u32 kind)
{
	h->kind = kind;
	h->flags = 0;
	h->pid = t->pid;
	h->tgid = t->tgid;
	h->start_ns = t->start_boottime;
	h->when_ns = bpf_ktime_get_boot_ns();
	__builtin_memcpy(h->comm, t->comm, sizeof(h->comm));
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vmon_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct vmon_bpf_exec *r;
	struct mm_struct *mm;
	__u32 zero = 0;
	__u64 len, got = 0;

	r = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!r)
		return 0;
	header(&r->h, p, VMON_BPF_EV_EXEC);
	r->args_len = 0;
	r->pad = 0;
	mm = p->mm;
	if (mm) {
		len = mm->arg_end - mm->arg_start;
		if (len > VMON_BPF_EV_ARGS_MAX) {
			len = VMON_BPF_EV_ARGS_MAX;
			r->h.flags |= VMON_BPF_EV_TRUNCATED;
		}
		asm volatile("" : "+r"(len));
		if (len > VMON_BPF_EV_ARGS_MAX)
			return 0;
		if (len && bpf_probe_read_user(r->args, len, (void *)mm->arg_start) == 0)
			got = len;
	}
	r->args_len = got;
	/* (the size from the register the verifier has bounded, not from
	 * the record it would take for any value) */
	/* a full ring drops the record: the source reads /proc then */
	bpf_ringbuf_output(&events, r, sizeof(r->h) + 8 + got, 0);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(vmon_final, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	struct vmon_bpf_final *r;

	if (prev_state != TASK_DEAD || (prev->flags & PF_KTHREAD))
		return 0;
	/* a full ring drops the record: the exit keeps taskstats' figures */
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r)
		return 0;
	header(&r->h, prev, VMON_BPF_EV_FINAL);
	r->sum_exec_runtime = prev->se.sum_exec_runtime;
	r->utime = prev->utime;
	r->stime = prev->stime;
	r->min_flt = prev->min_flt;
	r->maj_flt = prev->maj_flt;
	vmon_ioac_copy(r->io, &prev->ioac);
	bpf_ringbuf_submit(r, 0);
	return 0;
}
