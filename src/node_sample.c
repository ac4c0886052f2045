/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * node_sample.c - sampling one node: its wanted stores, in want order,
 * with what every sampler shares done here once (the interval of
 * vmon_set_want_interval(), the outcome and the unavailable bit from the
 * store's bitmaps), and the task list its follow samplers share.
 *
 * A sampler that finds the process gone (ESRCH) stales the node and no
 * further sampler runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

const struct vmon__sys_sampler *const vmon__sys_samplers[VMON_STORE_SYS_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = &_func,
#include "vmon/defs/sys_wants.def"
};

const struct vmon__proc_sampler *const vmon__proc_samplers[VMON_STORE_PROC_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = &_func,
#include "vmon/defs/proc_wants.def"
};


/* Release the stores whose want the caller turned off. */
static void drop_unwanted(vmon_t *vmon, struct vmon__node *node, vmon_proc_wants_t wants)
{
	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		if (node->stores_mask & ~wants & (1u << i))
			vmon__node_store_release(vmon, node, i);
}

/* Is the store due at this sample (vmon_set_want_interval())?  Its state
 * keeps the generation of its last read where the sampler says. */
static bool store_due(const vmon_t *vmon, const struct vmon__proc_sampler *s, int i,
		      void *store)
{
	unsigned every = vmon->internal->want_every[i];
	int *last_gen;

	if (!s->interval_gen)
		return true;
	last_gen = (int *)((char *)store + s->interval_gen);
	if (*last_gen && every > 1 && (unsigned)(vmon->generation - *last_gen) < every)
		return false;
	*last_gen = vmon->generation;
	return true;
}

/* Run the wanted samplers in want order, until one finds the node gone. */
static void run_samplers(vmon_t *vmon, struct vmon__node *node, vmon_proc_wants_t wants)
{
	vmon_proc_t *proc = &node->proc;

	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		const struct vmon__proc_sampler *s = vmon__proc_samplers[i];
		enum vmon__outcome o = VMON__UNCHANGED;
		bool due;
		void *store;

		if (!(wants & (1u << i)))
			continue;
		store = proc->stores[i];
		if (!store && !(store = vmon__node_store(vmon, node, i)))
			continue;
		due = store_due(vmon, s, i, store);
		if (due)	/* else nothing changed, the unavailable stay */
			o = s->sample(vmon, proc, store);
		else if (s->info->bitmaps)
			memset(store, 0, BITNSLOTS(s->info->fields_nr));
		if (o != VMON__GONE && vmon__store_unavailable(s->info, store))
			proc->unavailable |= 1u << i;
		switch (o) {
		case VMON__CHANGED:
			proc->activity |= 1u << i;
			break;
		case VMON__GONE:
			vmon__node_stale(vmon, node);
			return;
		case VMON__NOMEM:
			vmon__sample_error(vmon, -ENOMEM);
			break;
		case VMON__UNCHANGED:
			break;
		}
	}
}

VMON_EXPORT int vmon_set_want_interval(vmon_t *vmon, vmon_proc_wants_t wants, unsigned every)
{
	vmon_proc_wants_t interval_wants = 0;

	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		if (vmon__proc_samplers[i]->interval_gen)
			interval_wants |= 1u << i;
	if (!vmon || !vmon->internal || !wants || (wants & ~interval_wants)) {
		errno = EINVAL;
		return 0;
	}
	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		if (wants & (1u << i))
			vmon->internal->want_every[i] = every;
	return 1;
}

void vmon__node_sample(vmon_t *vmon, struct vmon__node *node)
{
	vmon_proc_t *proc = &node->proc;
	struct vmon__lazy_dir was;
	vmon_proc_wants_t wants;

	/* a born-gone node's figures come from the events, not from /proc */
	if (proc->is_stale || node->doomed || node->born_gone ||
	    proc->generation == vmon->generation)
		return;
	if (proc->generation)
		proc->is_new = 0;
	proc->generation = vmon->generation;
	if (node->flags_gen != vmon->generation)
		proc->children_changed = proc->threads_changed = 0;
	proc->activity = 0;
	proc->unavailable = 0;
	wants = vmon__node_wants(vmon, proc);
	if (node->stores_mask & ~wants)
		drop_unwanted(vmon, node, wants);
	if (!wants)
		return;
	/* the directory is opened only if a sampler has something to open */
	was = vmon__lazy_dir_set((struct vmon__lazy_dir){ vmon, node, false });
	run_samplers(vmon, node, wants);
	vmon__lazy_dir_set(was);
	/* a node the BPF records serve opens its directory only for a
	 * companion of stat, now and then: not worth a descriptor held */
	if (!node->dir_held || vmon->internal->shed_dirs || node->bpf_gen == vmon->generation)
		vmon__node_dir_close(vmon, node);
}

void vmon__node_task_close(vmon_t *vmon, struct vmon__node *node)
{
	if (node->task_fd < 0)
		return;
	close(node->task_fd);
	node->task_fd = -1;
	vmon__fd_held(vmon, -1);
}

int vmon__node_tasks(vmon_t *vmon, struct vmon__node *node)
{
	int n, fd = node->task_fd;

	if (node->tids_gen == vmon->generation)
		return node->tids_nr;
	if (fd < 0) {
		fd = vmon__openat(node->dirfd, "task", O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			return fd;
		if (vmon__fd_room(vmon)) {	/* else read it now and close it */
			node->task_fd = fd;
			vmon__fd_held(vmon, 1);
		}
	}
	n = vmon__read_ids(fd, &node->tids, &node->tids_alloc);
	if (fd != node->task_fd)
		close(fd);
	if (n < 0)
		return n;
	node->tids_nr = n;
	node->tids_gen = vmon->generation;
	return n;
}

ssize_t vmon__node_read_stat(vmon_t *vmon, struct vmon__node *node)
{
	struct vmon__lazy_dir was = vmon__lazy_dir_set((struct vmon__lazy_dir){ vmon, node, false });
	bool opened = node->dirfd < 0;
	struct vmon__file f;
	ssize_t n;

	vmon__file_init(&f);
	f.transient = true;
	n = vmon__file_read(vmon, node->dirfd, "stat", &f, &vmon->internal->ident);
	vmon__file_close(&f);
	vmon__lazy_dir_set(was);
	if (opened && !node->dir_held)
		vmon__node_dir_close(vmon, node);
	return n;
}

bool vmon__node_gone(vmon_t *vmon, struct vmon__node *node, int ppid)
{
	ssize_t n = vmon__node_read_stat(vmon, node);
	const char *buf = vmon->internal->ident.data;
	unsigned long long start;

	if (n == -ESRCH || n == -ENOENT)
		return true;
	if (n <= 0)
		return false;	/* unknown: never staled on a doubt */
	start = vmon__stat_ull(buf, n, 22);
	if (!node->start)
		node->start = start;
	if (start != node->start)
		return true;	/* another process got its pid */
	/* reparented: it belongs elsewhere now */
	return ppid > 0 && vmon__stat_ull(buf, n, 4) != (unsigned long long)ppid;
}
