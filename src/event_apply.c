/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * event_apply.c - what a fork, an exec and an exit do to the tree
 * (VMON_FLAG_EVENTS), applied at the start of vmon_sample() in the order
 * the source saw them:
 *
 *  fork  a process forked by a followed process (any process under
 *        VMON_FLAG_PROC_ALL) becomes a node at once, under its parent,
 *        and is sampled in this sample, its stat store starting as its
 *        parent's (a child runs its parent's program until it execs) for
 *        what that sample cannot read; one already gone becomes a
 *        born-gone node, which keeps that store and whose figures come
 *        from its exit
 *  exec  a node takes the event's arguments and name, and its cmdline
 *        and exe are read again at its next sample (a born-gone node has
 *        no next sample)
 *  exit  the node gets an exit record (how it ended, final figures); a
 *        thread's figures are added to its process's
 *
 * Threads are not made nodes from events: a thread born and gone between
 * two samples is counted in its process's figures, which is what callers
 * chart.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"

static bool follows_children(const vmon_t *vmon, vmon_proc_t *p)
{
	return vmon__node_wants(vmon, p) & VMON_WANT_PROC_FOLLOW_CHILDREN;
}

/* A child starts with its parent's name and arguments: a born-gone one
 * keeps them, a live one until its first sample reads its own (one that
 * finds it exiting, or a zombie, reads no arguments and keeps these).  A
 * name or arguments the events gave the node already (an exec's) stand. */
static void inherit_stat(vmon_t *vmon, struct vmon__node *node, vmon_proc_t *parent)
{
	const vmon_proc_stat_t *from = parent ? parent->stores[VMON_STORE_PROC_STAT] : NULL;
	const char *comm = from && from->comm.len ? from->comm.array : "";
	size_t comm_len = from && from->comm.len ? from->comm.len - 1 : 0;
	const char *cmdline = from ? from->cmdline.array : NULL;
	size_t cmdline_len = from ? from->cmdline.len : 0;
	int ppid = parent ? parent->pid : 0, err;
	vmon_proc_stat_t *st;

	if (!(vmon__node_wants(vmon, &node->proc) & VMON_WANT_PROC_STAT))
		return;
	st = vmon__node_store(vmon, node, VMON_STORE_PROC_STAT);
	if (!st)
		return;
	if (st->comm.len)
		comm_len = 0;
	if (st->cmdline.len)
		cmdline = NULL;
	if (node->born_gone)
		err = vmon__proc_stat_from_events(vmon, st, node->proc.pid, ppid, comm, comm_len,
						  cmdline, cmdline_len, NULL);
	else
		err = vmon__proc_stat_hint(st, ppid, comm, comm_len, cmdline, cmdline_len);
	if (err < 0)
		vmon__sample_error(vmon, -ENOMEM);
}

/* Could two start times, in ticks, be one process's?  One read from /proc
 * or the kernel-side capture is exact, to the tick; one the events
 * estimate (the time the kernel sent an event, which comes after the
 * start) is never early, and is late by as long as the sender was held
 * up, several ticks on a loaded machine.  A quarter of a second: a pid is
 * not handed out again sooner than a fork storm goes round pid_max. */
static bool same_start(const vmon_t *vmon, unsigned long long a, bool a_late,
		       unsigned long long b, bool b_late)
{
	unsigned long long late = (unsigned long long)vmon->ticks_per_sec / 4 + 1;
	unsigned long long a_lo = a - (a_late ? (a < late ? a : late) : 0);
	unsigned long long b_lo = b - (b_late ? (b < late ? b : late) : 0);

	return a_lo <= b + 1 && b_lo <= a + 1;
}

/* The parent a node's process had when sampled (PROC_ALL's nodes are
 * top-level: their stat's), or 0 unknown. */
static int ppid_of(const vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];

	if (p->parent)
		return p->parent->pid;
	return st && !BITTEST(st->unavailable, VMON_PROC_STAT_PPID) ? (int)st->ppid : 0;
}

/* A node this sample found gone (out of the hash, still in the tree) that
 * is the process a fork event tells of: started (as read from /proc) by
 * the time of the event, and no fork event told of it before.  Sampling
 * can find a child and see it end before its fork event is applied; a
 * new node for it would count it twice. */
static vmon_proc_t *forked_and_gone(vmon_t *vmon, const struct vmon__event *ev)
{
	vmon_proc_t *p = vmon__proc_find_or_gone(vmon, ev->pid);
	struct vmon__node *node = p ? vmon__node(p) : NULL;

	if (!node || !ev->when_ns || !node->start || node->fork_start || node->born_gone ||
	    !same_start(vmon, node->start, false, vmon__ticks_of_ns(vmon, ev->when_ns), true))
		return NULL;
	node->fork_start = vmon__ticks_of_ns(vmon, ev->when_ns);
	return p;
}

static void apply_fork(vmon_t *vmon, const struct vmon__event *ev, bool after_walk)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *parent = vmon__pidhash_find(&in->procs, ev->ppid);
	enum vmon__hold hold = VMON__HOLD_FOLLOW;
	vmon_proc_t *found = vmon__pidhash_find(&in->procs, ev->pid);
	struct vmon__node *node;

	if (ev->pid != ev->tgid)
		return;		/* a thread */
	/* a node sampling found first, maybe seen gone since (its exit, if
	 * it comes, is that node's): a sample that read no arguments, the
	 * child exiting by then, has its parent's, which it ran (an exec's
	 * come after this) */
	if (found || (found = forked_and_gone(vmon, ev))) {
		if (parent && ppid_of(found) == ev->ppid)
			inherit_stat(vmon, vmon__node(found), parent);
		return;
	}
	if (parent && (parent->is_stale || !follows_children(vmon, parent)))
		parent = NULL;
	if (!parent && !(vmon->flags & VMON_FLAG_PROC_ALL))
		return;		/* not in a followed tree */
	if (!parent)
		hold = VMON__HOLD_ALL;
	node = vmon__node_new(vmon, ev->pid, ev->pid, false);
	if (!node && errno == ESRCH)	/* already gone */
		node = vmon__node_new_gone(vmon, ev->pid);
	if (!node) {	/* out of memory or descriptors: sampling finds it */
		if (errno == ENOMEM)
			vmon__sample_error(vmon, -ENOMEM);
		return;
	}
	node->proc.wants = parent ? parent->wants : 0;
	if (vmon__node_attach(vmon, node, parent ? vmon__node(parent) : NULL, hold) < 0) {
		vmon__sample_error(vmon, -ENOMEM);
		return;
	}
	/* listed or not, it is there now: the follow samplers of this sample
	 * must not take it for gone */
	node->seen = vmon->generation;
	/* the event's time is when the kernel sent it, a little after the
	 * child started, and in ticks may be the next one: a start time for
	 * a node no sample can read, never one to tell processes apart by
	 * (a live node's first read sets its own) */
	if (ev->when_ns)
		node->fork_start = vmon__ticks_of_ns(vmon, ev->when_ns);
	if (node->born_gone && !node->start)
		node->start = node->fork_start;
	if (node->born_gone)
		vmon__events_gone(vmon, node);
	inherit_stat(vmon, node, parent);
	/* one unsampled would be is_new again at its first sample, and miss
	 * what an exec before then changed (callers skip is_new nodes' change
	 * bits) */
	if (after_walk && !node->born_gone)
		vmon__node_sample(vmon, node);
}

/* A node whose process was gone before a sample could read it (a fork
 * event made it while the process ran, and it ended before the samplers
 * came to it): born-gone, its stores from the events. */
void vmon__event_gone_unsampled(vmon_t *vmon, struct vmon__node *node)
{
	node->born_gone = 1;
	vmon__events_gone(vmon, node);
	inherit_stat(vmon, node, node->proc.parent);
}

static void apply_exec(vmon_t *vmon, const struct vmon__event *ev)
{
	/* one found gone already: its last name and arguments are the exec's */
	vmon_proc_t *p = vmon__proc_find_or_gone(vmon, ev->tgid);
	struct vmon__node *node;
	vmon_proc_stat_t *st;

	if (!p)
		return;
	node = vmon__node(p);
	/* a node no sample has read yet has no store: made now, so that the
	 * exec's name and arguments are there for the children it forks
	 * before its first sample */
	st = vmon__node_wants(vmon, p) & VMON_WANT_PROC_STAT ?
	     vmon__node_store(vmon, node, VMON_STORE_PROC_STAT) : NULL;
	if (!node->born_gone) {
		node->exec_seen = 1;	/* read cmdline and exe again */
		/* the event's name and arguments stand until then: a node
		 * sampled before its exec (or mid-exec) that ends before its
		 * next sample would otherwise keep its parent's */
		if (st && (ev->comm[0] || ev->cmdline) &&
		    vmon__proc_stat_hint(st, p->parent ? p->parent->pid : 0, ev->comm,
					 strlen(ev->comm), ev->cmdline, ev->cmdline_len) < 0)
			vmon__sample_error(vmon, -ENOMEM);
		return;
	}
	if (st && vmon__proc_stat_from_events(vmon, st, p->pid, p->parent ? p->parent->pid : 0,
					      ev->comm, strlen(ev->comm), ev->cmdline,
					      ev->cmdline_len, NULL) < 0)
		vmon__sample_error(vmon, -ENOMEM);
}

static int exit_name(struct vmon__node *node, vmon_proc_stat_t *st, const char *comm)
{
	size_t len = strlen(comm);
	vmon_proc_t *p = &node->proc;

	if (st->comm.len && st->comm.len - 1 == len && !memcmp(st->comm.array, comm, len))
		return 0;
	if (node->born_gone)
		return vmon__chars_setz(&st->comm, comm, len, st->changed, VMON_PROC_STAT_COMM);
	return vmon__proc_stat_hint(st, p->parent ? p->parent->pid : 0, comm, len, NULL, 0);
}

static void apply_exit(vmon_t *vmon, const struct vmon__event *ev)
{
	/* a node this sample found gone has left the hash, not the tree: its
	 * exit may come after (a source posts it while the sample runs) */
	vmon_proc_t *p = vmon__proc_find_or_gone(vmon, ev->tgid);
	bool thread = ev->pid != ev->tgid, late;
	unsigned long long start;
	struct vmon__node *node;
	vmon_proc_stat_t *st;

	if (!p)
		return;
	node = vmon__node(p);
	/* a born-gone node's start is its fork event's */
	late = node->born_gone || !node->start;
	start = node->start ? node->start : node->fork_start;
	/* a record of another process that had the pid (they arrive late
	 * and out of order across CPUs): never pid alone */
	if ((ev->exit.known & VMON_EXIT_START) && start &&
	    !same_start(vmon, start, late, ev->exit.start, ev->start_late))
		return;
	if (vmon__exit_merge(node, ev) < 0) {
		vmon__sample_error(vmon, -ENOMEM);
		return;
	}
	if (thread)
		return;
	/* the name it ended with: an exec's may have been read too late (or
	 * never, by a sample that came before the exec) */
	st = node->proc.stores[VMON_STORE_PROC_STAT];
	if (ev->comm[0] && st && exit_name(node, st, ev->comm) < 0)
		vmon__sample_error(vmon, -ENOMEM);
	if (node->proc.is_stale)
		return;
	/* an exit followed by a fork that reuses the pid: the old node must
	 * leave the hash first; a zombie stays until it is reaped */
	if (!node->born_gone && vmon__node_gone(vmon, node, 0))
		vmon__node_stale(vmon, node);
}

void vmon__event_apply(vmon_t *vmon, const struct vmon__event *ev, bool after_walk)
{
	switch (ev->type) {
	case VMON__EV_FORK:
		apply_fork(vmon, ev, after_walk);
		break;
	case VMON__EV_EXEC:
		apply_exec(vmon, ev);
		break;
	case VMON__EV_EXIT:
		apply_exit(vmon, ev);
		break;
	}
}

/* A born-gone node's last figures come from its exit record. */
void vmon__event_gone_stale(vmon_t *vmon, struct vmon__node *node)
{
	vmon_proc_t *p = &node->proc;
	vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	vmon_proc_io_t *io;

	if (st && node->exit &&
	    vmon__proc_stat_from_events(vmon, st, p->pid, p->parent ? p->parent->pid : 0,
					NULL, 0, NULL, 0, node->exit) < 0)
		vmon__sample_error(vmon, -ENOMEM);
	if (node->exit && (node->exit->known & VMON_EXIT_IO) &&
	    (vmon__node_wants(vmon, p) & VMON_WANT_PROC_IO) &&
	    (io = vmon__node_store(vmon, node, VMON_STORE_PROC_IO))) {
		io->rchars = node->exit->rchar;
		io->wchars = node->exit->wchar;
		io->read_bytes = node->exit->read_bytes;
		io->write_bytes = node->exit->write_bytes;
		vmon__bits_fill(io->changed, VMON_PROC_IO_NR);
		vmon__bits_fill(io->unavailable, VMON_PROC_IO_NR);
		BITCLEAR(io->unavailable, VMON_PROC_IO_RCHAR);
		BITCLEAR(io->unavailable, VMON_PROC_IO_WCHAR);
		BITCLEAR(io->unavailable, VMON_PROC_IO_READBYTES);
		BITCLEAR(io->unavailable, VMON_PROC_IO_WRITEBYTES);
	}
	p->activity = p->stores[VMON_STORE_PROC_STAT] ? VMON_WANT_PROC_STAT : 0;
	if (!p->is_stale)
		vmon__node_stale(vmon, node);
}
