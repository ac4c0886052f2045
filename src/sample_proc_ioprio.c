/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_ioprio.c - VMON_WANT_PROC_IOPRIO: the I/O priority of a task,
 * from ioprio_get(2), as psutil's Process.ionice() and ionice(1) read it.
 *
 * It is the one store no /proc file holds: a system call per node per
 * sample, on a want of its own that callers opt into, and that
 * vmon_set_want_interval() can make rarer.  The call is cheap (it locks
 * the task and reads one word), and counted in vmon_sample_cost()'s reads.
 *
 * ioprio_get() names the task by its number in the caller's pid
 * namespace, not by a descriptor: it is made only when the proc root
 * numbers pids as the caller's namespace does (its "self" is getpid()),
 * so that a container's procfs or a fixture root never gets another
 * process's priority; else the store is unavailable.  Another user's task needs no privilege, unless a security
 * module refuses (EPERM, EACCES: unavailable, retried after the back-off).
 * ESRCH means the task is gone, which its directory confirms.
 */
#include <errno.h>
#include <linux/ioprio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_ioprio_t
static const vmon_field_t proc_ioprio_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_ioprio.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_ioprio_info, "proc_ioprio", "ioprio_get(2)", vmon_proc_ioprio_t,
		 proc_ioprio_fields, VMON_PROC_IOPRIO_NR);

/* bits 0-2 of a priority's data: the level; bits 3-12 (6.5+): the hint */
#define VMON__IOPRIO_LEVEL_BITS 3

struct proc_ioprio_state {
	vmon_proc_ioprio_t pub;
	struct vmon__file call;		/* only its back-off is used */
	bool sampled;
	int last_gen;			/* vmon_set_want_interval() */
};

/* Does the proc root number pids as the caller's pid namespace does?  Its
 * "self" link says: the caller's pid, once read, is so for the instance's
 * life; anything else (another pid, no link: a namespace the caller is not
 * in, plain files; a read that failed) is asked again at the next sample,
 * one readlink a sample, never one a node. */
static bool same_pid_ns(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;
	ssize_t n;

	if (!in->pidns_same && in->pidns_checked != vmon->generation) {
		in->pidns_checked = vmon->generation;
		n = vmon__readlink(in->proc_fd, "self", &in->link);
		in->pidns_same = n > 0 && atoi(in->link.data) == getpid();
	}
	return in->pidns_same;
}

static void set_fields(vmon_proc_ioprio_t *io, int prio)
{
	const vmon_field_t *f = vmon__proc_ioprio_info.fields;
	int data = IOPRIO_PRIO_DATA(prio);

	vmon__field_set_ll(&f[VMON_PROC_IOPRIO_CLASS], io, io->changed, io->unavailable,
			   IOPRIO_PRIO_CLASS(prio));
	vmon__field_set_ll(&f[VMON_PROC_IOPRIO_LEVEL], io, io->changed, io->unavailable,
			   data & ((1 << VMON__IOPRIO_LEVEL_BITS) - 1));
	vmon__field_set_ll(&f[VMON_PROC_IOPRIO_HINT], io, io->changed, io->unavailable,
			   data >> VMON__IOPRIO_LEVEL_BITS);
}

static void proc_ioprio_init(void *state)
{
	vmon__file_init(&((struct proc_ioprio_state *)state)->call);
}

static enum vmon__outcome proc_ioprio_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_ioprio_state *s = state;
	vmon_proc_ioprio_t *io = &s->pub;
	struct vmon__io_counters *count = vmon__io_counting();
	long prio = -1;
	int err = EAGAIN;

	memset(io->changed, 0, sizeof(io->changed));
	if (same_pid_ns(vmon) && vmon__file_may_retry(vmon, &s->call)) {
		prio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, proc->pid);
		err = prio < 0 ? errno : 0;
		if (count)
			count->reads++;
	}
	if (err == ESRCH && vmon__proc_gone(proc))
		return VMON__GONE;
	if (err == EPERM || err == EACCES)
		vmon__file_refused(vmon, &s->call);
	if (prio < 0) {
		vmon__bits_fill(io->unavailable, VMON_PROC_IOPRIO_NR);
	} else {
		s->call.backoff = 0;
		s->call.retry_gen = 0;
		set_fields(io, (int)prio);
		if (!s->sampled)
			vmon__bits_fill(io->changed, VMON_PROC_IOPRIO_NR);
		s->sampled = true;
	}
	return vmon__store_changed(&vmon__proc_ioprio_info, io);
}

static void proc_ioprio_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	(void)state;	/* it holds nothing */
}

VMON__PROC_SAMPLER(vmon__sampler_proc_ioprio, vmon__proc_ioprio_info, struct proc_ioprio_state,
		   VMON__INTERVAL(struct proc_ioprio_state), proc_ioprio_init, proc_ioprio_sample,
		   proc_ioprio_close, NULL);
