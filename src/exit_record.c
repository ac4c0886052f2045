/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exit_record.c - a node's exit record (proc->exit): how the process ended
 * and its final figures, put together from what the event sources said.
 *
 * Sources disagree in kind: taskstats reports each task's own figures when
 * it exits (a process's are its threads' added up, the leader's included),
 * while ptrace and vmon_reap() read a process's totals from /proc.  So a
 * task's own figures add up, and a process's totals fill what is not known
 * yet: the first source to know a figure gives it, and taskstats, whose
 * events come first (at the exit, before any reap), gives the exact ones.
 */
#include <errno.h>

#include "internal.h"

#define ADDITIVE (VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT | VMON_EXIT_IO | VMON_EXIT_FAULTS | \
		  VMON_EXIT_PEAK_RSS)

static void add(vmon_exit_t *x, const vmon_exit_t *e)
{
	if (e->known & VMON_EXIT_CPU)
		x->cpu_ns += e->cpu_ns;
	if (e->known & VMON_EXIT_CPU_SPLIT) {
		x->utime_us += e->utime_us;
		x->stime_us += e->stime_us;
	}
	if (e->known & VMON_EXIT_IO) {
		x->rchar += e->rchar;
		x->wchar += e->wchar;
		x->read_bytes += e->read_bytes;
		x->write_bytes += e->write_bytes;
	}
	if (e->known & VMON_EXIT_FAULTS) {
		x->minflt += e->minflt;
		x->majflt += e->majflt;
	}
	/* threads share the memory: the peak is the process's */
	if ((e->known & VMON_EXIT_PEAK_RSS) && e->peak_rss_kb > x->peak_rss_kb)
		x->peak_rss_kb = e->peak_rss_kb;
}

/* the fields of e whose bits are in want and not yet known to x */
static void fill(vmon_exit_t *x, const vmon_exit_t *e, unsigned want)
{
	unsigned take = e->known & want & ~x->known;

	if (take & VMON_EXIT_STATUS)
		x->status = e->status;
	if (take & VMON_EXIT_CPU)
		x->cpu_ns = e->cpu_ns;
	if (take & VMON_EXIT_CPU_SPLIT) {
		x->utime_us = e->utime_us;
		x->stime_us = e->stime_us;
	}
	if (take & VMON_EXIT_PEAK_RSS)
		x->peak_rss_kb = e->peak_rss_kb;
	if (take & VMON_EXIT_IO) {
		x->rchar = e->rchar;
		x->wchar = e->wchar;
		x->read_bytes = e->read_bytes;
		x->write_bytes = e->write_bytes;
	}
	if (take & VMON_EXIT_FAULTS) {
		x->minflt = e->minflt;
		x->majflt = e->majflt;
	}
	if (take & VMON_EXIT_START)
		x->start = e->start;
	if (take & VMON_EXIT_END)
		x->end_ns = e->end_ns;
	if (take & VMON_EXIT_PPID)
		x->ppid = e->ppid;
	x->known |= take;
}

/* A process's whole CPU time read later than its tasks' records (from its
 * zombie) is more exact than their sum: it has their last moments.  The
 * split is scaled to it, as the kernel scales its own. */
static void group_cpu(vmon_exit_t *x, unsigned long long cpu_ns)
{
	unsigned long long ut = x->utime_us, st = x->stime_us, us = cpu_ns / 1000;

	if (!(x->known & VMON_EXIT_CPU) || cpu_ns <= x->cpu_ns)
		return;
	x->cpu_ns = cpu_ns;
	if ((x->known & VMON_EXIT_CPU_SPLIT) && ut + st) {
		x->utime_us = (unsigned long long)((double)us * (double)ut / (double)(ut + st) + 0.5);
		x->stime_us = us > x->utime_us ? us - x->utime_us : 0;
	}
}

int vmon__exit_merge(struct vmon__node *node, const struct vmon__event *ev)
{
	const vmon_exit_t *e = &ev->exit;
	bool thread = ev->pid != ev->tgid;
	vmon_exit_t *x = node->exit;

	if (!x) {
		x = vmon__calloc(1, sizeof(*x));
		if (!x)
			return -ENOMEM;
		node->exit = x;
	}
	if (thread) {	/* a thread's own figures, waiting for its process's */
		add(x, e);
		return 0;
	}
	/* the caller sees it from the process's own record on: a thread's
	 * end is not its process's (proc->exit is NULL while it runs) */
	node->proc.exit = x;
	if (!x->known)
		x->source = e->source;
	if (ev->per_task) {	/* the leader's own: its threads' added to it */
		add(x, e);
		x->known |= e->known & ADDITIVE;
		fill(x, e, ~ADDITIVE);
	} else {
		fill(x, e, ~0u);
	}
	group_cpu(x, ev->group_cpu_ns);
	return 0;
}
