/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * budget.c - what an instance may hold and what its samples cost.
 *
 * Every descriptor held between samples (the proc root, each node's
 * directory, each store's files) counts against a budget.  A process cannot
 * raise RLIMIT_NOFILE past its hard limit, and at three or more files per
 * process thousands of processes exhaust it, so what does not fit is opened
 * for the read and closed again (by path from the proc root when the
 * process's directory is not held either): every figure stays right, it
 * only costs two more system calls.  The default budget follows the soft
 * limit at each sample and leaves an eighth of it to the application, at
 * least 32 descriptors and at most 1,024 (as many as a process has by
 * default: more is left idle at large limits, where the budget matters).
 *
 * A budget that shrinks (the application lowered its soft limit, or called
 * vmon_set_fd_budget()) is followed at once: the next sample closes what is
 * held beyond it before it opens anything.  Waiting for the files to be
 * let go one by one as they are read would not do: past the soft limit
 * every open() fails, the library's (new processes would go unseen) and
 * the application's alike.
 *
 * The refresh intervals of PROC_STAT's companions and the self-report of
 * vmon_sample_cost() live here too.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"

#define VMON__FD_RESERVE_MIN 32
#define VMON__FD_RESERVE_MAX 1024	/* what a process has by default */
#define VMON__FD_LIMIT_CAP (1 << 20)	/* RLIM_INFINITY is no useful budget */

bool vmon__fd_room(const vmon_t *vmon)
{
	return vmon->internal->fds_held < vmon->internal->fd_budget;
}

/* The cheap refresh reads cmdline of a node every so many samples:
 * opened for the read and closed, two calls more than a pread() of a held
 * descriptor, unless the budget has room for it beside every node's other
 * files (its directory and one file per want, at most).  Those come
 * first: a file read at every sample gains 32 times what a refreshed one
 * does from being held.  Counted as the nodes are made, so that a first
 * sample holds it too where it fits. */
bool vmon__companions_room(const vmon_t *vmon)
{
	const struct vmon_internal *in = vmon->internal;
	long nodes = (long)in->procs.count + (long)in->threads.count;
	long per_node = 1 + __builtin_popcountll((unsigned long long)vmon->proc_wants) + 1;

	return !in->shed_dirs && nodes * per_node <= in->fd_budget;
}

bool vmon__dir_room(const vmon_t *vmon)
{
	return vmon__fd_room(vmon) && !vmon->internal->shed_dirs;
}

void vmon__fd_held(vmon_t *vmon, int delta)
{
	vmon->internal->fds_held += delta;
}

uint32_t vmon__fd_hold(vmon_t *vmon, int fd)
{
	struct vmon_internal *in = vmon->internal;
	size_t was = in->fd_gens_alloc;

	if (!vmon__fd_room(vmon) || fd < 0)
		return 0;
	if (vmon__grow((void **)&in->fd_gens, &in->fd_gens_alloc, (size_t)fd + 1,
		       sizeof(*in->fd_gens)) < 0)
		return 0;
	memset(in->fd_gens + was, 0, (in->fd_gens_alloc - was) * sizeof(*in->fd_gens));
	in->fd_gens[fd]++;
	in->fds_held++;
	return in->fd_gens[fd];
}

bool vmon__fd_holds(const struct vmon_internal *in, int fd, uint32_t gen)
{
	return fd >= 0 && (size_t)fd < in->fd_gens_alloc && in->fd_gens[fd] == gen;
}

void vmon__fd_unhold(struct vmon_internal *in, int fd)
{
	in->fd_gens[fd]++;
	in->fds_held--;
}

static bool over_budget(const struct vmon_internal *in)
{
	return in->fds_held > in->fd_budget;
}

/* Shed what each node of a subtree holds (threads included), with
 * shed(); with to_budget, only until the budget is met. */
static void shed_tree(vmon_t *vmon, list_head_t *siblings,
		      void (*shed)(vmon_t *, struct vmon__node *), bool to_budget)
{
	vmon_proc_t *proc, *thread;

	list_for_each_entry(proc, siblings, siblings) {
		if (to_budget && !over_budget(vmon->internal))
			return;
		shed(vmon, vmon__node(proc));
		list_for_each_entry(thread, &proc->threads, threads)
			shed(vmon, vmon__node(thread));
		shed_tree(vmon, &proc->children, shed, to_budget);
	}
}

/* Close held files, from the highest number down, until within budget. */
static void shed_files(struct vmon_internal *in)
{
	for (size_t fd = in->fd_gens_alloc; fd-- > 0 && over_budget(in);) {
		if (!(in->fd_gens[fd] & 1))
			continue;
		close((int)fd);
		vmon__fd_unhold(in, (int)fd);
	}
}

/* Node directories are shed first, all of them, as shed_dirs lets them go
 * when files fall short: files have the priority, and a node whose files
 * are held needs no directory.  Then files, then task directories, only
 * as many as the budget requires. */
void vmon__fd_shed(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;

	if (!over_budget(in))
		return;
	in->shed_dirs = true;
	shed_tree(vmon, &vmon->processes, vmon__node_dir_close, false);
	shed_tree(vmon, &vmon->orphans, vmon__node_dir_close, false);
	shed_files(in);
	shed_tree(vmon, &vmon->processes, vmon__node_task_close, true);
	shed_tree(vmon, &vmon->orphans, vmon__node_task_close, true);
}

void vmon__fd_budget_update(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;
	struct rlimit rl;
	long soft, reserve;

	if (in->fd_budget_set >= 0) {
		in->fd_budget = in->fd_budget_set;
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > VMON__FD_LIMIT_CAP)
		soft = VMON__FD_LIMIT_CAP;
	else
		soft = (long)rl.rlim_cur;
	reserve = soft / 8;
	if (reserve < VMON__FD_RESERVE_MIN)
		reserve = VMON__FD_RESERVE_MIN;
	if (reserve > VMON__FD_RESERVE_MAX)
		reserve = VMON__FD_RESERVE_MAX;
	in->fd_budget = soft > reserve ? (int)(soft - reserve) : 0;
}

VMON_EXPORT int vmon_set_fd_budget(vmon_t *vmon, int max)
{
	if (!vmon || !vmon->internal) {
		errno = EINVAL;
		return 0;
	}
	vmon->internal->fd_budget_set = max < 0 ? -1 : max;
	vmon__fd_budget_update(vmon);
	return 1;
}

VMON_EXPORT int vmon_set_refresh(vmon_t *vmon, vmon_refresh_t what, unsigned every)
{
	if (!vmon || !vmon->internal || (unsigned)what >= VMON_REFRESH_NR) {
		errno = EINVAL;
		return 0;
	}
	vmon->internal->refresh[what] = every;
	return 1;
}

VMON_EXPORT int vmon_sample_cost(const vmon_t *vmon, vmon_sample_cost_t *cost)
{
	if (!vmon || !vmon->internal || !cost) {
		errno = EINVAL;
		return 0;
	}
	*cost = vmon->internal->cost;
	return 1;
}
