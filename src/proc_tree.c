/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_tree.c - the nodes of the monitored tree and their lifecycle.
 *
 * A node is held by references: one per vmon_proc_monitor() of the caller,
 * one while it is a followed child or thread (held_by_follow), one while
 * VMON_FLAG_PROC_ALL holds it (held_by_all).  When the process is gone the
 * node is staled (is_stale, out of the pid hash so a reused pid becomes a
 * new node); at the start of the next sample the library drops its own
 * holds, which frees the node unless the caller still holds it.
 *
 * Nothing is freed while vmon_sample() iterates: a node whose last
 * reference goes inside a sample (a callback unmonitoring) is "doomed" and
 * freed when the sample settles, and adoptions (a top-level node found as a
 * followed child) are applied then too, so no iterator is ever broken.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

int vmon__node_path(const struct vmon__node *node, char *path, size_t size)
{
	if (node->proc.is_thread)
		return snprintf(path, size, "%d/task/%d", node->tgid, node->proc.pid);
	return snprintf(path, size, "%d", node->proc.pid);
}

/* Open the node's /proc directory (O_PATH), holding it if the budget has
 * room: 0 with node->dirfd set, or -errno (-ESRCH: no such process). */
int vmon__node_dir_open(vmon_t *vmon, struct vmon__node *node)
{
	char path[48];
	int fd;

	vmon__node_path(node, path, sizeof(path));
	fd = vmon__openat(vmon->internal->proc_fd, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return (fd == -ENOENT || fd == -ENOTDIR) ? -ESRCH : fd;
	node->dirfd = fd;
	node->dir_held = vmon__dir_room(vmon);
	if (node->dir_held)
		vmon__fd_held(vmon, 1);
	return 0;
}

/* Close the node's directory descriptor, held or opened for a sample. */
void vmon__node_dir_close(vmon_t *vmon, struct vmon__node *node)
{
	if (node->dirfd < 0)
		return;
	close(node->dirfd);
	node->dirfd = -1;
	if (node->dir_held)
		vmon__fd_held(vmon, -1);
	node->dir_held = 0;
}

/* the lists of a node, empty */
static void node_lists_init(struct vmon__node *node)
{
	INIT_LIST_HEAD(&node->proc.bucket);
	INIT_LIST_HEAD(&node->proc.children);
	INIT_LIST_HEAD(&node->proc.siblings);
	INIT_LIST_HEAD(&node->proc.threads);
	INIT_LIST_HEAD(&node->proc.sample_callbacks);
	INIT_LIST_HEAD(&node->stale_node);
	INIT_LIST_HEAD(&node->move_node);
	INIT_LIST_HEAD(&node->fresh_node);
	INIT_LIST_HEAD(&node->gone_node);
	node->proc.array_hint_pos = -1;
	node->task_fd = -1;
}

struct vmon__node *vmon__node_new(vmon_t *vmon, int pid, int tgid, bool is_thread)
{
	struct vmon__node *node;
	int err;

	if (pid <= 0) {
		errno = ESRCH;
		return NULL;
	}
	node = vmon__calloc(1, sizeof(*node));
	if (!node)
		return NULL;
	node->proc.pid = pid;
	node->proc.is_thread = is_thread;
	node->tgid = tgid;
	/* opening the directory proves the process exists; without budget to
	 * hold it, it is opened again for each sample */
	err = vmon__node_dir_open(vmon, node);
	if (err < 0) {
		vmon__free(node);
		errno = -err;
		return NULL;
	}
	node_lists_init(node);
	/* a directory held tells the process apart from a later one with its
	 * pid (ESRCH); without one, its start time must */
	if (!node->dir_held) {
		ssize_t n = vmon__node_read_stat(vmon, node);

		if (n > 0)
			node->start = vmon__stat_ull(vmon->internal->ident.data, n, 22);
		vmon__node_dir_close(vmon, node);
	}
	return node;
}

struct vmon__node *vmon__node_new_known(vmon_t *vmon, int pid, unsigned long long start)
{
	struct vmon__node *node = vmon__calloc(1, sizeof(*node));

	(void)vmon;
	if (!node)
		return NULL;
	node->proc.pid = pid;
	node->tgid = pid;
	node->dirfd = -1;
	node->start = start;
	node_lists_init(node);
	return node;
}

struct vmon__node *vmon__node_new_gone(vmon_t *vmon, int pid)
{
	struct vmon__node *node = vmon__calloc(1, sizeof(*node));

	(void)vmon;
	if (!node)
		return NULL;
	node->proc.pid = pid;
	node->tgid = pid;
	node->dirfd = -1;
	node->born_gone = 1;
	node_lists_init(node);
	return node;
}

/* free what vmon__node_new() made, for a node never attached */
static void node_destroy(vmon_t *vmon, struct vmon__node *node)
{
	vmon__node_dir_close(vmon, node);
	vmon__free(node);
}

void vmon__note_children_changed(vmon_t *vmon, vmon_proc_t *parent, bool threads)
{
	if (!parent) {
		vmon->processes_changed = 1;
		if (!vmon->internal->in_sample)
			vmon->internal->top_pending = true;
		return;
	}
	if (threads)
		parent->threads_changed = 1;
	else
		parent->children_changed = 1;
	vmon__node(parent)->flags_gen = vmon->generation;
}

int vmon__node_attach(vmon_t *vmon, struct vmon__node *node,
		      struct vmon__node *parent, enum vmon__hold hold)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *proc = &node->proc;

	if ((vmon->flags & VMON_FLAG_PROC_ARRAY) && vmon__array_add(vmon, proc) < 0) {
		node_destroy(vmon, node);
		return -ENOMEM;
	}
	vmon__pidhash_add(proc->is_thread ? &in->threads : &in->procs, proc);
	node->in_hash = 1;
	proc->refcnt = 1;
	proc->is_new = 1;
	node->held_by_follow = hold == VMON__HOLD_FOLLOW;
	node->held_by_all = hold == VMON__HOLD_ALL;
	if (parent) {
		proc->parent = &parent->proc;
		if (proc->is_thread) {
			list_add_tail(&proc->threads, &parent->proc.threads);
			parent->proc.is_threaded = 1;
		} else {
			list_add_tail(&proc->siblings, &parent->proc.children);
		}
	} else {
		list_add_tail(&proc->siblings, &vmon->processes);
		if (hold == VMON__HOLD_CALLER)
			list_add_tail(&node->fresh_node, &in->fresh);
	}
	vmon__note_children_changed(vmon, proc->parent, proc->is_thread);
	if (vmon->proc_ctor_cb)
		vmon->proc_ctor_cb(vmon, proc);
	return 0;
}

/* A followed child whose parent is gone: stale it with its parent, unless
 * the caller holds it too, in which case it goes on alone at the top
 * level. */
static void leave_parent(vmon_t *vmon, struct vmon__node *child)
{
	vmon_proc_t *proc = &child->proc;

	if (!child->held_by_follow)
		return;
	if (proc->refcnt <= 1 || proc->is_stale) {
		vmon__node_stale(vmon, child);
		return;
	}
	child->held_by_follow = 0;
	proc->refcnt--;
	proc->parent = NULL;
	if (!vmon->internal->in_sample) {
		list_move_tail(&proc->siblings, &vmon->orphans);
		vmon__tree_settle(vmon);
		return;
	}
	/* inside a sample its parent's subtree will not be walked any more:
	 * append it to the top level, as a new node is, so that this sample
	 * still reaches it and its data never lags a sample behind */
	list_move_tail(&proc->siblings, &vmon->processes);
	vmon__note_children_changed(vmon, NULL, false);
}

/* A process the library made a node of (a fork event, a listing) and no
 * sample has read yet is found gone: with events, it is born-gone and
 * waits for its exit, its stores from the events, instead of going with
 * nothing known (no name, no exit record: its exit finds no node). */
static bool gone_unread(vmon_t *vmon, struct vmon__node *node)
{
	vmon_proc_t *proc = &node->proc;
	const vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];

	if (!vmon->internal->events || !vmon->internal->in_sample || node->born_gone ||
	    node->doomed || proc->is_thread || !proc->is_new || (st && st->pid) ||
	    !(node->held_by_follow || node->held_by_all) ||
	    (proc->parent && proc->parent->is_stale))
		return false;
	vmon__event_gone_unsampled(vmon, node);
	return true;
}

void vmon__node_stale(vmon_t *vmon, struct vmon__node *node)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *proc = &node->proc, *child, *tmp;

	if (proc->is_stale || gone_unread(vmon, node))
		return;
	proc->is_stale = 1;
	/* sampled in an earlier sample: it was new then, not now (a node the
	 * next sample finds gone before reading it keeps no stale is_new) */
	if (proc->generation && proc->generation != vmon->generation)
		proc->is_new = 0;
	if (node->in_hash) {
		vmon__pidhash_del(proc->is_thread ? &in->threads : &in->procs, proc);
		node->in_hash = 0;
		vmon__backend_forget(vmon, node);
	}
	vmon__note_children_changed(vmon, proc->parent, proc->is_thread);
	vmon__node_stores_gone(vmon, node);	/* shared objects are let go now */
	/* a gone process takes its threads with it, and its followed children
	 * leave the tree with it (the kernel reparents them elsewhere); a child
	 * the caller also monitors is alive: it becomes top-level instead */
	if (!proc->is_thread) {
		list_for_each_entry(child, &proc->threads, threads)
			vmon__node_stale(vmon, vmon__node(child));
		list_for_each_entry_safe(child, tmp, &proc->children, siblings)
			leave_parent(vmon, vmon__node(child));
	}
	if ((node->held_by_follow || node->held_by_all) && !node->doomed)
		list_move_tail(&node->stale_node, &in->stale);
}

int vmon__node_library_refs(const struct vmon__node *node)
{
	return node->held_by_follow + node->held_by_all;
}

int vmon__node_caller_refs(const struct vmon__node *node)
{
	return node->proc.refcnt - vmon__node_library_refs(node);
}

vmon_proc_t *vmon__proc_find_or_gone(vmon_t *vmon, int pid)
{
	vmon_proc_t *p = vmon__pidhash_find(&vmon->internal->procs, pid);
	struct vmon__node *node;

	if (p)
		return p;
	list_for_each_entry(node, &vmon->internal->stale, stale_node)
		if (node->proc.pid == pid && !node->proc.is_thread)
			return &node->proc;
	/* the caller's own processes are not library-held: top-level */
	list_for_each_entry(p, &vmon->processes, siblings)
		if (p->is_stale && p->pid == pid)
			return p;
	return NULL;
}

static void free_stores(vmon_t *vmon, struct vmon__node *node)
{
	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		vmon__node_store_release(vmon, node, i);	/* shared ones: a reference */
}

static void node_free(vmon_t *vmon, struct vmon__node *node);

/* A parent is going: its followed children lose that hold; those the caller
 * still holds become top-level (orphans), the rest go too. */
static void release_children(vmon_t *vmon, vmon_proc_t *proc)
{
	while (!list_empty(&proc->children)) {
		vmon_proc_t *child = list_first_entry(&proc->children, vmon_proc_t, siblings);
		struct vmon__node *cn = vmon__node(child);

		list_del(&child->siblings);
		child->parent = NULL;
		if (cn->held_by_follow) {
			cn->held_by_follow = 0;
			child->refcnt--;
		}
		if (child->refcnt > 0)
			list_add_tail(&child->siblings, &vmon->orphans);
		else
			node_free(vmon, cn);
	}
	while (!list_empty(&proc->threads) && !proc->is_thread) {
		vmon_proc_t *thread = list_first_entry(&proc->threads, vmon_proc_t, threads);

		list_del(&thread->threads);
		thread->parent = NULL;
		node_free(vmon, vmon__node(thread));
	}
}

static void node_free(vmon_t *vmon, struct vmon__node *node)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *proc = &node->proc;
	vmon_proc_callback_t *cb, *tmp;

	release_children(vmon, proc);
	if (node->in_hash)
		vmon__pidhash_del(proc->is_thread ? &in->threads : &in->procs, proc);
	vmon__backend_forget(vmon, node);
	list_del(&node->stale_node);
	list_del(&node->move_node);
	list_del(&node->fresh_node);
	list_del(&node->gone_node);
	/* a node leaving its list changes its parent's children (threads), or
	 * the top level, as its going stale did: the original libvmon set the
	 * flag both times, and its programs redraw their rows on either */
	if (proc->is_thread ? !list_empty(&proc->threads) : !list_empty(&proc->siblings))
		vmon__note_children_changed(vmon, proc->parent, proc->is_thread);
	if (proc->is_thread)
		list_del(&proc->threads);
	else
		list_del(&proc->siblings);
	vmon__array_del(vmon, proc);
	/* the caller sees the node whole one last time */
	if (vmon->proc_dtor_cb)
		vmon->proc_dtor_cb(vmon, proc);
	free_stores(vmon, node);
	list_for_each_entry_safe(cb, tmp, &proc->sample_callbacks, callbacks)
		vmon__free(cb);
	vmon__node_task_close(vmon, node);
	vmon__free(node->tids);
	vmon__free(node->exit);
	node_destroy(vmon, node);
}

void vmon__node_unref(vmon_t *vmon, struct vmon__node *node)
{
	if (--node->proc.refcnt > 0)
		return;
	if (vmon->internal->in_sample) {
		node->doomed = 1;
		list_move_tail(&node->stale_node, &vmon->internal->doomed);
		return;
	}
	node_free(vmon, node);
	vmon__tree_settle(vmon);
}

void vmon__node_free_all(vmon_t *vmon)
{
	for (;;) {
		list_splice_init(&vmon->orphans, vmon->processes.prev);
		if (list_empty(&vmon->processes))
			break;
		node_free(vmon, vmon__node(list_first_entry(&vmon->processes,
							    vmon_proc_t, siblings)));
	}
}

void vmon__tree_reap(vmon_t *vmon)
{
	list_head_t *stale = &vmon->internal->stale;

	/* pop one at a time: freeing a node frees its subtree, which may hold
	 * the next entries of this list */
	while (!list_empty(stale)) {
		struct vmon__node *node = list_first_entry(stale, struct vmon__node, stale_node);
		vmon_proc_t *proc = &node->proc;

		list_del(&node->stale_node);
		proc->refcnt -= vmon__node_library_refs(node);
		node->held_by_all = 0;
		if (proc->refcnt <= 0) {
			node_free(vmon, node);
			continue;
		}
		/* the caller still holds it: it stays, stale, at the top level */
		node->held_by_follow = 0;
		if (proc->parent && !proc->is_thread) {
			list_move_tail(&proc->siblings, &vmon->processes);
			proc->parent = NULL;
		}
	}
}

void vmon__node_adopt(vmon_t *vmon, struct vmon__node *node, struct vmon__node *parent)
{
	node->move_to = parent;
	list_move_tail(&node->move_node, &vmon->internal->moves);
}

static bool is_ancestor(vmon_proc_t *a, vmon_proc_t *p)
{
	for (; p; p = p->parent)
		if (p == a)
			return true;
	return false;
}

static void apply_move(vmon_t *vmon, struct vmon__node *node)
{
	struct vmon__node *parent = node->move_to;
	vmon_proc_t *proc = &node->proc;

	node->move_to = NULL;
	if (node->doomed || proc->is_stale || parent->doomed || parent->proc.is_stale ||
	    proc->parent == &parent->proc || is_ancestor(proc, &parent->proc))
		return;
	vmon__note_children_changed(vmon, proc->parent, false);
	list_move_tail(&proc->siblings, &parent->proc.children);
	proc->parent = &parent->proc;
	if (!node->held_by_follow) {
		node->held_by_follow = 1;
		proc->refcnt++;
	}
	vmon__note_children_changed(vmon, proc->parent, false);
}

void vmon__tree_settle(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;

	while (!list_empty(&in->moves)) {
		struct vmon__node *node = list_first_entry(&in->moves, struct vmon__node, move_node);

		list_del(&node->move_node);
		apply_move(vmon, node);
	}
	while (!list_empty(&in->doomed))
		node_free(vmon, list_first_entry(&in->doomed, struct vmon__node, stale_node));
	if (!list_empty(&vmon->orphans)) {
		list_splice_init(&vmon->orphans, vmon->processes.prev);
		vmon__note_children_changed(vmon, NULL, false);
	}
}

/* A node the library finds (a followed child or thread, a process under
 * VMON_FLAG_PROC_ALL) keeps is_new until its next sample, so a caller
 * walking the tree after vmon_sample() sees every birth.  One the caller
 * monitored itself loses it when its first sample ends, after its
 * callbacks, as the original libvmon did (docs/compat.md). */
void vmon__fresh_age(vmon_t *vmon)
{
	list_head_t *fresh = &vmon->internal->fresh;
	struct vmon__node *node, *tmp;

	list_for_each_entry_safe(node, tmp, fresh, fresh_node) {
		if (node->proc.generation != vmon->generation && !node->proc.is_stale)
			continue;	/* monitored during this sample: not sampled yet */
		node->proc.is_new = 0;
		list_del(&node->fresh_node);
	}
}

vmon_proc_wants_t vmon__node_wants(const vmon_t *vmon, const vmon_proc_t *proc)
{
	vmon_proc_wants_t wants = proc->wants ? proc->wants : vmon->proc_wants;

	/* threads follow nothing, their process does it for all its tasks;
	 * their files store is their process's, shared (node_sample.c) */
	if (proc->is_thread)
		wants &= ~VMON__PROC_FOLLOW_WANTS;
	return wants;
}

bool vmon__proc_gone(vmon_proc_t *proc)
{
	/* every live task, zombies and kernel threads included, has a stat
	 * that opens; a task/TID directory of an exited thread says ENOENT */
	int fd = vmon__openat(vmon__node(proc)->dirfd, "stat", O_RDONLY);

	if (fd == -ESRCH || fd == -ENOENT)
		return true;
	if (fd >= 0)
		close(fd);
	return false;
}
