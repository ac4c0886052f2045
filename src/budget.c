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
 * The refresh intervals of PROC_STAT's companions and the self-report of
 * vmon_sample_cost() live here too.
 */
#include <errno.h>
#include <sys/resource.h>

#include "internal.h"

#define VMON__FD_RESERVE_MIN 32
#define VMON__FD_RESERVE_MAX 1024	/* what a process has by default */
#define VMON__FD_LIMIT_CAP (1 << 20)	/* RLIM_INFINITY is no useful budget */

bool vmon__fd_room(const vmon_t *vmon)
{
	return vmon->internal->fds_held < vmon->internal->fd_budget;
}

bool vmon__dir_room(const vmon_t *vmon)
{
	return vmon__fd_room(vmon) && !vmon->internal->shed_dirs;
}

void vmon__fd_held(vmon_t *vmon, int delta)
{
	vmon->internal->fds_held += delta;
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
