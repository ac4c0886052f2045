/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * want_common.c - what the 0.2 samplers share: the per-want interval of
 * vmon_set_want_interval() (PROC_SMAPS_ROLLUP makes the kernel walk the
 * target's page tables, so a caller may read it every Nth sample only),
 * telling a process that is gone from one whose memory files refuse to be
 * read (kernel threads and zombies have no mm, and their smaps_rollup says
 * ESRCH as a dead process's does), and reading the files the kernel
 * generates record by record (vmstat, diskstats, net/dev: a read returns
 * about a page, so they are read to EOF).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* the wants vmon_set_want_interval() applies to */
#define INTERVAL_WANTS (VMON_WANT_PROC_STATUS | VMON_WANT_PROC_SMAPS_ROLLUP | \
			VMON_WANT_PROC_CGROUP | VMON_WANT_PROC_NS | VMON_WANT_PROC_OOM | \
			VMON_WANT_PROC_SCHED | VMON_WANT_PROC_LIMITS | VMON_WANT_PROC_IOPRIO)

VMON_EXPORT int vmon_set_want_interval(vmon_t *vmon, vmon_proc_wants_t wants, unsigned every)
{
	if (!vmon || !vmon->internal || !wants || (wants & ~INTERVAL_WANTS)) {
		errno = EINVAL;
		return 0;
	}
	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		if (wants & (1u << i))
			vmon->internal->want_every[i] = every;
	return 1;
}

bool vmon__want_due(const vmon_t *vmon, int store, int *last_gen)
{
	unsigned every = vmon->internal->want_every[store];

	if (*last_gen && every > 1 && (unsigned)(vmon->generation - *last_gen) < every)
		return false;
	*last_gen = vmon->generation;
	return true;
}

enum vmon__outcome vmon__want_skip(vmon_proc_t *proc, vmon_proc_wants_t want,
				   char *changed, const char *unavailable, int nr)
{
	memset(changed, 0, BITNSLOTS(nr));
	if (vmon__bits_any(unavailable, nr))
		proc->unavailable |= want;
	return VMON__UNCHANGED;
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

enum vmon__outcome vmon__store_outcome(const vmon_store_info_t *info, const void *store,
				       bool *unavailable)
{
	const char *changed = store, *unavail = (const char *)store + BITNSLOTS(info->fields_nr);

	*unavailable = vmon__bits_any(unavail, info->fields_nr);
	return vmon__bits_any(changed, info->fields_nr) ? VMON__CHANGED : VMON__UNCHANGED;
}

enum vmon__outcome vmon__sample_records(vmon_t *vmon, int dirfd, const char *name,
					struct vmon__file_store *fs,
					const vmon_store_info_t *info, void *store,
					int (*parse)(void *store, const char *buf, size_t len),
					bool *unavailable)
{
	char *changed = store, *unavail = (char *)store + BITNSLOTS(info->fields_nr);
	ssize_t n = vmon__file_read_records(vmon, dirfd, name, &fs->file, &vmon->internal->buf);

	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0) {	/* not permitted, not in this kernel, or waiting to retry */
		memset(changed, 0, BITNSLOTS(info->fields_nr));
		vmon__bits_fill(unavail, info->fields_nr);
		*unavailable = true;
		return VMON__UNCHANGED;
	}
	if (parse(store, vmon->internal->buf.data, n) < 0)
		return VMON__NOMEM;
	if (!fs->sampled) {
		vmon__bits_fill(changed, info->fields_nr);
		fs->sampled = true;
	}
	return vmon__store_outcome(info, store, unavailable);
}
