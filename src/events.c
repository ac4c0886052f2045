/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * events.c - VMON_FLAG_EVENTS: the event source of an instance and the
 * queue between it and the tree.
 *
 * A source (the netlink proc connector with taskstats, ptrace, or none but
 * vmon_reap() for WAIT) posts what it learns, fork, exec and exit, to a
 * queue; vmon_sample() applies the queue to the tree before it samples
 * (event_apply.c), so a process born and gone between two samples still
 * becomes a node, and every node that ends gets an exit record.  The queue
 * is locked because the ptrace source posts from its own thread; every
 * other use is the sampling thread's.  The caller may read events between
 * samples (vmon_events_read()), so that the library reads what it wants of
 * a process (its cmdline at an exec) while the process still exists.
 *
 * The design, the sources' costs and what each one can and cannot see are
 * in docs/events.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* events held at most: a caller that stops sampling must not make the
 * library grow without end (the rest are counted lost) */
#define VMON__QUEUE_MAX (1u << 20)

struct vmon__events {
	vmon_event_source_t asked;	/* vmon_set_event_source() */
	vmon_event_source_t used;	/* in use: AUTO resolved */
	const struct vmon__source *src;	/* NULL for WAIT */
	void *state;
	pthread_mutex_t lock;		/* the queue */
	struct vmon__event *queue;
	size_t queue_nr, queue_alloc;
	unsigned long lost;		/* since the last sample */
	unsigned long applied;		/* by the last sample */
	int *pending;			/* pids a queued fork makes nodes of */
	size_t pending_nr, pending_alloc;
	list_head_t gone;		/* born-gone nodes not staled yet */
};

static const char *const source_names[VMON_EVENTS_SOURCE_NR] = {
	[VMON_EVENTS_NONE] = "none",
	[VMON_EVENTS_AUTO] = "auto",
	[VMON_EVENTS_WAIT] = "wait",
	[VMON_EVENTS_NETLINK] = "netlink",
	[VMON_EVENTS_PTRACE] = "ptrace",
};

VMON_EXPORT const char *vmon_event_source_name(vmon_event_source_t source)
{
	return (unsigned)source < VMON_EVENTS_SOURCE_NR ? source_names[source] : "unknown";
}

static const struct vmon__source *source_of(vmon_event_source_t id)
{
	switch (id) {
	case VMON_EVENTS_NETLINK: return &vmon__source_netlink;
	case VMON_EVENTS_PTRACE: return &vmon__source_ptrace;
	default: return NULL;
	}
}

static void close_source(vmon_t *vmon, struct vmon__events *ev)
{
	if (ev->src)
		ev->src->close(vmon, ev->state);
	ev->src = NULL;
	ev->state = NULL;
	ev->used = VMON_EVENTS_NONE;
}

/* The roots a source must be told of: the caller's top-level nodes. */
static void watch_roots(vmon_t *vmon, struct vmon__events *ev)
{
	vmon_proc_t *p;

	if (!ev->src || !ev->src->watch)
		return;
	list_for_each_entry(p, &vmon->processes, siblings)
		if (!p->is_stale && vmon__node_caller_refs(vmon__node(p)) > 0)
			(void)ev->src->watch(vmon, ev->state, p->pid);
}

/* Open id (AUTO: NETLINK, else WAIT): 0 or -errno (ev unchanged then). */
static int open_source(vmon_t *vmon, struct vmon__events *ev, vmon_event_source_t id)
{
	const struct vmon__source *src = source_of(id == VMON_EVENTS_AUTO ? VMON_EVENTS_NETLINK : id);
	void *state = NULL;
	int err;

	if (src) {
		err = src->open(vmon, &state);
		if (err < 0 && id != VMON_EVENTS_AUTO)
			return err;
		if (err < 0)	/* AUTO: not permitted here, or not built */
			src = NULL;
	}
	close_source(vmon, ev);
	ev->src = src;
	ev->state = state;
	ev->used = src ? src->id : VMON_EVENTS_WAIT;
	watch_roots(vmon, ev);
	return 0;
}

int vmon__events_init(vmon_t *vmon)
{
	struct vmon__events *ev = vmon__calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	pthread_mutex_init(&ev->lock, NULL);
	INIT_LIST_HEAD(&ev->gone);
	ev->asked = VMON_EVENTS_AUTO;
	vmon->internal->events = ev;
	return open_source(vmon, ev, VMON_EVENTS_AUTO);
}

static void free_queue(struct vmon__event *q, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		vmon__free(q[i].cmdline);
}

void vmon__events_destroy(vmon_t *vmon)
{
	struct vmon__events *ev = vmon->internal->events;

	if (!ev)
		return;
	close_source(vmon, ev);
	while (!list_empty(&ev->gone))	/* the nodes outlive the list */
		list_del(ev->gone.next);
	free_queue(ev->queue, ev->queue_nr);
	vmon__free(ev->queue);
	vmon__free(ev->pending);
	pthread_mutex_destroy(&ev->lock);
	vmon__free(ev);
	vmon->internal->events = NULL;
}

VMON_EXPORT int vmon_set_event_source(vmon_t *vmon, vmon_event_source_t source)
{
	struct vmon__events *ev;
	int err;

	if (!vmon || !vmon->internal || !(ev = vmon->internal->events) ||
	    (unsigned)source >= VMON_EVENTS_SOURCE_NR || source == VMON_EVENTS_NONE ||
	    vmon->internal->in_sample) {
		errno = EINVAL;
		return 0;
	}
	err = open_source(vmon, ev, source);
	if (err < 0) {
		errno = -err;
		return 0;
	}
	ev->asked = source;
	return 1;
}

VMON_EXPORT vmon_event_source_t vmon_event_source(const vmon_t *vmon)
{
	return vmon && vmon->internal && vmon->internal->events ?
	       vmon->internal->events->used : VMON_EVENTS_NONE;
}

VMON_EXPORT int vmon_event_fd(const vmon_t *vmon)
{
	struct vmon__events *ev = vmon && vmon->internal ? vmon->internal->events : NULL;

	return ev && ev->src ? ev->src->fd(ev->state) : -1;
}

/* the pids queued forks will make nodes of (few: those of followed trees) */
static bool pending_has(const struct vmon__events *ev, int pid)
{
	for (size_t i = ev->pending_nr; i-- > 0;)
		if (ev->pending[i] == pid)
			return true;
	return false;
}

bool vmon__event_wanted(vmon_t *vmon, int pid)
{
	struct vmon_internal *in = vmon->internal;

	return (vmon->flags & VMON_FLAG_PROC_ALL) || pending_has(in->events, pid) ||
	       vmon__proc_find_or_gone(vmon, pid);
}

int vmon__event_post(vmon_t *vmon, struct vmon__event *e)
{
	struct vmon__events *ev = vmon->internal->events;
	int err = 0;

	pthread_mutex_lock(&ev->lock);
	if (ev->queue_nr >= VMON__QUEUE_MAX ||
	    vmon__grow((void **)&ev->queue, &ev->queue_alloc, ev->queue_nr + 1,
		       sizeof(*ev->queue)) < 0) {
		ev->lost++;
		err = -ENOMEM;
	} else {
		ev->queue[ev->queue_nr++] = *e;
	}
	pthread_mutex_unlock(&ev->lock);
	if (err < 0)
		vmon__free(e->cmdline);
	e->cmdline = NULL;
	return err;
}

void vmon__events_lost(vmon_t *vmon, unsigned long n)
{
	struct vmon__events *ev = vmon->internal->events;

	pthread_mutex_lock(&ev->lock);
	ev->lost += n;
	pthread_mutex_unlock(&ev->lock);
}

/* A fork under a wanted parent makes its child wanted at once, so that
 * the source reads the child's cmdline at its exec, before the fork is
 * applied.  The sampling thread's sources only (the set is not locked). */
static void note_pending(vmon_t *vmon, const struct vmon__event *e)
{
	struct vmon__events *ev = vmon->internal->events;

	if (e->type != VMON__EV_FORK || e->pid != e->tgid || !vmon__event_wanted(vmon, e->ppid))
		return;
	if (vmon__grow((void **)&ev->pending, &ev->pending_alloc, ev->pending_nr + 1,
		       sizeof(int)) == 0)
		ev->pending[ev->pending_nr++] = e->pid;
}

/* Ask the source for what waits; events posted from the sampling thread
 * are noted as they come. */
static int read_source(vmon_t *vmon)
{
	struct vmon__events *ev = vmon->internal->events;
	size_t from;
	int n;

	if (!ev->src)
		return 0;
	pthread_mutex_lock(&ev->lock);
	from = ev->queue_nr;
	pthread_mutex_unlock(&ev->lock);
	n = ev->src->read(vmon, ev->state);
	pthread_mutex_lock(&ev->lock);
	for (size_t i = from; i < ev->queue_nr; i++)
		note_pending(vmon, &ev->queue[i]);
	pthread_mutex_unlock(&ev->lock);
	return n;
}

VMON_EXPORT int vmon_events_read(vmon_t *vmon)
{
	int n;

	if (!vmon || !vmon->internal || !vmon->internal->events || vmon->internal->in_sample) {
		errno = EINVAL;
		return -1;
	}
	n = read_source(vmon);
	if (n < 0) {
		errno = -n;
		return -1;
	}
	return n;
}

/* Take the queue (the source may post to a new one meanwhile) and apply it
 * in order. */
static void apply_queue(vmon_t *vmon, bool after_walk)
{
	struct vmon__events *ev = vmon->internal->events;
	struct vmon__event *q;
	size_t nr;

	pthread_mutex_lock(&ev->lock);
	q = ev->queue;
	nr = ev->queue_nr;
	ev->queue = NULL;
	ev->queue_nr = ev->queue_alloc = 0;
	ev->pending_nr = 0;
	pthread_mutex_unlock(&ev->lock);
	for (size_t i = 0; i < nr; i++)
		vmon__event_apply(vmon, &q[i], after_walk);
	ev->applied += nr;
	free_queue(q, nr);
	vmon__free(q);
}

void vmon__events_apply(vmon_t *vmon)
{
	struct vmon__events *ev = vmon->internal->events;

	if (!ev)
		return;
	ev->applied = 0;
	(void)read_source(vmon);
	apply_queue(vmon, false);
}

bool vmon__events_own_task(const vmon_t *vmon, int pid)
{
	const struct vmon__events *ev = vmon->internal->events;

	return ev && ev->src && ev->src->own_task && ev->src->own_task(ev->state) == pid;
}

void vmon__events_watch(vmon_t *vmon, int pid)
{
	struct vmon__events *ev = vmon->internal->events;

	if (ev && ev->src && ev->src->watch)
		(void)ev->src->watch(vmon, ev->state, pid);
}

void vmon__events_gone(vmon_t *vmon, struct vmon__node *node)
{
	list_add_tail(&node->gone_node, &vmon->internal->events->gone);
}

/* Born-gone nodes go stale when their exit is known, or two samples after
 * their fork at the latest (an exit the source lost).  The exits that came
 * during the sample are applied first when a node waits for one: a
 * born-gone node, or a node the sample found gone, which is freed at the
 * start of the next sample, before that sample applies the queue. */
void vmon__events_settle(vmon_t *vmon)
{
	struct vmon__events *ev = vmon->internal->events;
	struct vmon__node *node, *tmp;

	if (!ev)
		return;
	if (!list_empty(&ev->gone) || !list_empty(&vmon->internal->stale)) {
		(void)read_source(vmon);
		apply_queue(vmon, true);
	}
	list_for_each_entry_safe(node, tmp, &ev->gone, gone_node) {
		if ((!node->exit || !(node->exit->known & VMON_EXIT_STATUS)) &&
		    vmon->generation - node->seen < 2 && !node->proc.is_stale)
			continue;
		list_del(&node->gone_node);
		vmon__event_gone_stale(vmon, node);
	}
}

void vmon__events_cost(vmon_t *vmon, vmon_sample_cost_t *cost)
{
	struct vmon__events *ev = vmon->internal->events;

	cost->event_source = ev ? (int)ev->used : VMON_EVENTS_NONE;
	cost->event_capture = ev && ev->src && ev->state && ev->src->in_kernel &&
			      ev->src->in_kernel(ev->state);
	cost->events = ev ? ev->applied : 0;
	if (ev) {
		pthread_mutex_lock(&ev->lock);
		cost->events_lost = ev->lost;
		ev->lost = 0;
		pthread_mutex_unlock(&ev->lock);
	} else {
		cost->events_lost = 0;
	}
}
