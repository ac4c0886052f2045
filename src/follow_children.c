/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * follow_children.c - VMON_WANT_PROC_FOLLOW_CHILDREN: keep the process's
 * children list equal to the union of /proc/PID/task/TID/children over
 * every task TID of the process.  A child forked by a non-main thread is
 * listed only in that thread's file (docs/design/kernel.md K8); the seed
 * read the main thread's alone and missed such children.
 *
 * Each task's children file is held open and read until EOF (it returns
 * about a page per read, K7).  Listed pids are found in the pid hash (O(1)):
 * a new pid becomes a new node, a top-level node (monitored by the caller)
 * is adopted when the sample settles, and a followed child no longer listed
 * is staled once its own stat confirms that it is gone: a children file is
 * read a page at a time, and when a child printed on one page exits before
 * the next read the kernel resumes by position and skips live children, so
 * an absence alone proves nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const vmon_store_info_t follow_children_info = {
	"proc_follow_children", "/proc/PID/task/TID/children",
	sizeof(vmon_proc_follow_children_t), 0, NULL, 0
};

struct child_task {
	int tid;
	struct vmon__file file;		/* task/TID/children */
};

struct follow_children_state {
	vmon_proc_follow_children_t pub;
	struct child_task *tasks;	/* sorted by tid */
	size_t tasks_alloc;
	int tasks_nr;
	bool changed;			/* during a sample: the children changed */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Make tasks[] match the sorted tids: keep the files of tasks still there,
 * close those of tasks gone, add the new ones (opened when first read). */
static int sync_tasks(struct follow_children_state *s, const int *tids, int n)
{
	int kept = 0, i = 0, j = 0, old_nr = s->tasks_nr;

	if (vmon__grow((void **)&s->tasks, &s->tasks_alloc, old_nr + n, sizeof(*s->tasks)) < 0)
		return -ENOMEM;
	/* merge two sorted lists; the kept and new entries go after the old
	 * ones, then move down */
	while (i < n || j < old_nr) {
		if (j < old_nr && (i == n || s->tasks[j].tid < tids[i])) {
			vmon__file_close(&s->tasks[j++].file);
		} else if (i < n && (j == old_nr || tids[i] < s->tasks[j].tid)) {
			struct child_task *t = &s->tasks[old_nr + kept++];

			t->tid = tids[i++];
			vmon__file_init(&t->file);
		} else {
			s->tasks[old_nr + kept++] = s->tasks[j++];
			i++;
		}
	}
	memmove(s->tasks, s->tasks + old_nr, kept * sizeof(*s->tasks));
	s->tasks_nr = kept;
	return 0;
}

struct child_ctx {
	vmon_t *vmon;
	struct vmon__node *node;
	struct follow_children_state *s;
};

/* One listed child pid: mark it seen, adopt it, or follow it anew. */
static int keep_child(void *ctx, int pid)
{
	struct child_ctx *c = ctx;
	vmon_t *vmon = c->vmon;
	vmon_proc_t *p = vmon__pidhash_find(&vmon->internal->procs, pid);
	struct vmon__node *cn;

	if (p) {
		cn = vmon__node(p);
		if (cn->seen == vmon->generation)
			return 0;
		cn->seen = vmon->generation;
		if (p->parent != &c->node->proc && !cn->held_by_all && p != &c->node->proc)
			vmon__node_adopt(vmon, cn, c->node);
		return 0;
	}
	if (vmon__events_own_task(vmon, pid))
		return 0;	/* the library's tracer, a child of a thread here */
	cn = vmon__node_new(vmon, pid, pid, false);
	if (!cn) {
		if (errno == ENOMEM)
			vmon__sample_error(vmon, -ENOMEM);
		return 0;	/* exited since the listing, or tried next sample */
	}
	cn->proc.wants = c->node->proc.wants;
	if (vmon__node_attach(vmon, cn, c->node, VMON__HOLD_FOLLOW) < 0) {
		vmon__sample_error(vmon, -ENOMEM);
		return 0;
	}
	cn->seen = vmon->generation;
	c->s->changed = true;
	return 0;
}

/* Read every task's children file.  *complete is false when a file could
 * not be read although its task is there (EACCES, EIO, EAGAIN...): then
 * the children it lists are unknown, not gone. */
static enum vmon__outcome read_children(vmon_t *vmon, struct vmon__node *node,
					struct follow_children_state *s, bool *complete)
{
	struct child_ctx ctx = { vmon, node, s };
	char name[40];

	*complete = true;
	for (int i = 0; i < s->tasks_nr; i++) {
		struct child_task *t = &s->tasks[i];
		ssize_t n;

		snprintf(name, sizeof(name), "task/%d/children", t->tid);
		n = vmon__file_read_records(vmon, node->dirfd, name, &t->file,
					    &vmon->internal->buf);
		if (n == -ENOMEM)
			return VMON__NOMEM;
		if (n == -ESRCH || n == -ENOENT)	/* that thread exited since the listing */
			continue;
		if (n < 0) {
			*complete = false;
			continue;
		}
		vmon__parse_pids(vmon->internal->buf.data, n, keep_child, &ctx);
	}
	return VMON__UNCHANGED;
}

static enum vmon__outcome follow_children_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct follow_children_state *s = state;
	struct vmon__node *node = vmon__node(proc);
	int n = vmon__node_tasks(vmon, node), nr = 0;
	vmon_proc_t *child;
	bool complete;
	int *tids;

	if (n == -ESRCH)
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	/* An empty listing: every task exited while the directory was read.
	 * Its children were not listed, so none is staled on it; the process
	 * itself is found gone by the next listing or read. */
	if (n <= 0) {
		proc->unavailable |= VMON_WANT_PROC_FOLLOW_CHILDREN;
		return VMON__UNCHANGED;
	}
	/* sort a copy: node->tids is shared with the threads follower */
	if (vmon__grow((void **)&vmon->internal->sorted, &vmon->internal->sorted_alloc,
		       n, sizeof(int)) < 0)
		return VMON__NOMEM;
	tids = vmon->internal->sorted;
	memcpy(tids, node->tids, n * sizeof(*tids));
	qsort(tids, n, sizeof(*tids), cmp_int);
	if (sync_tasks(s, tids, n) < 0)
		return VMON__NOMEM;
	s->changed = false;
	if (read_children(vmon, node, s, &complete) == VMON__NOMEM)
		return VMON__NOMEM;	/* nothing staled on a partial listing */
	if (!complete)		/* nor on one missing a task's children */
		proc->unavailable |= VMON_WANT_PROC_FOLLOW_CHILDREN;
	list_for_each_entry(child, &proc->children, siblings) {
		struct vmon__node *cn = vmon__node(child);

		if (complete && cn->held_by_follow && !child->is_stale && !cn->born_gone &&
		    cn->seen != vmon->generation && !cn->move_to) {
			/* not listed: gone, or skipped by a listing read in
			 * pages while siblings exited (vmon__node_gone()) */
			if (vmon__node_gone(vmon, cn, proc->pid)) {
				vmon__node_stale(vmon, cn);
				s->changed = true;
			} else {
				cn->seen = vmon->generation;
			}
		}
		nr++;
	}
	s->pub.children_nr = nr;
	return s->changed ? VMON__CHANGED : VMON__UNCHANGED;
}

static void follow_children_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct follow_children_state *s = state;

	(void)vmon;
	(void)proc;
	for (int i = 0; i < s->tasks_nr; i++)
		vmon__file_close(&s->tasks[i].file);
	vmon__free(s->tasks);
	s->tasks = NULL;
	s->tasks_nr = 0;
}

VMON__PROC_SAMPLER(vmon__sampler_follow_children, follow_children_info,
		   struct follow_children_state, VMON__NO_INTERVAL, NULL, follow_children_sample,
		   follow_children_close, NULL);
