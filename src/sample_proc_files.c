/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sample_proc_files.c - VMON_WANT_PROC_FILES: the open descriptors of a
 * process, from /proc/PID/fd.
 *
 * The fd directory is held open; each sample lists it (getdents64), sorts
 * the numbers and walks them together with the store's list, which is kept
 * in fd order, so a sample is O(fds) (plus the sort) with no search per
 * descriptor.  Each descriptor's link target is read (readlinkat); a
 * target naming a pipe, socket or anon inode links the entry to the shared
 * vmon_fobject_t (fobject.c).  Entries that appeared are marked is_new,
 * entries now pointing elsewhere is_changed, and the store's changed flag
 * (and the want's activity bit) says whether anything moved.
 *
 * Another user's fd directory gives EACCES: the store is unavailable and
 * the open is retried after a back-off.  Thread nodes have no files store:
 * their descriptors are their process's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct proc_files_state {
	vmon_proc_files_t pub;
	int fd_dir;
	struct vmon__file retry;	/* back-off for the fd directory */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void fd_free(vmon_t *vmon, vmon_proc_fd_t *fd)
{
	list_del(&fd->fds);
	if (fd->object) {
		list_del(&fd->ref_fds);
		vmon__fobject_put(vmon, fd->object);
	}
	vmon__chars_free(&fd->object_path);
	vmon__free(fd);
}

/* Point fd at target: its path and the shared object it names.
 * 0, 1 when it changed, or -ENOMEM (fd unchanged). */
static int fd_set_target(vmon_t *vmon, vmon_proc_fd_t *fd, const char *target, size_t len)
{
	char changed[1] = { 0 };
	vmon_fobject_t *obj;

	if (fd->object_path.array && fd->object_path.len == len &&
	    !memcmp(fd->object_path.array, target, len))
		return 0;
	obj = vmon__fobject_get(vmon, target, len);
	if (!obj && errno == ENOMEM)
		return -ENOMEM;
	if (vmon__chars_set(&fd->object_path, target, len, changed, 0) < 0) {
		if (obj)
			vmon__fobject_put(vmon, obj);
		return -ENOMEM;
	}
	if (fd->object) {
		list_del(&fd->ref_fds);
		vmon__fobject_put(vmon, fd->object);
	}
	fd->object = obj;
	if (obj)
		list_add_tail(&fd->ref_fds, &obj->ref_fds);
	return 1;
}

/* Read descriptor num's target into the link scratch: its length, or
 * -errno (-ENOENT: closed since the listing). */
static ssize_t read_target(vmon_t *vmon, int fd_dir, int num)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", num);
	return vmon__readlink(fd_dir, name, &vmon->internal->link);
}

/* Add descriptor num before pos. 0, 1 (added) or -ENOMEM. */
static int fd_add(vmon_t *vmon, vmon_proc_t *proc, struct proc_files_state *s,
		  list_head_t *pos, int num)
{
	ssize_t n = read_target(vmon, s->fd_dir, num);
	vmon_proc_fd_t *fd;

	if (n == -ENOMEM)
		return -ENOMEM;
	if (n < 0)
		return 0;	/* closed since the listing */
	fd = vmon__calloc(1, sizeof(*fd));
	if (!fd)
		return -ENOMEM;
	INIT_LIST_HEAD(&fd->ref_fds);
	fd->fdnum = num;
	fd->process = proc;
	fd->is_new = 1;
	if (fd_set_target(vmon, fd, vmon->internal->link.data, n) < 0) {
		vmon__free(fd);
		return -ENOMEM;
	}
	list_add_tail(&fd->fds, pos);
	s->pub.fds_nr++;
	return 1;
}

/* Re-read a descriptor still listed.  0, 1 (changed or closed) or -ENOMEM. */
static int fd_update(vmon_t *vmon, struct proc_files_state *s, vmon_proc_fd_t *fd)
{
	ssize_t n = read_target(vmon, s->fd_dir, fd->fdnum);
	int ret;

	fd->is_new = fd->is_changed = 0;
	if (n == -ENOMEM)
		return -ENOMEM;
	if (n < 0) {
		fd_free(vmon, fd);
		s->pub.fds_nr--;
		return 1;
	}
	ret = fd_set_target(vmon, fd, vmon->internal->link.data, n);
	fd->is_changed = ret > 0;
	return ret;
}

/* Walk the sorted numbers and the fd-ordered list together. */
static int merge(vmon_t *vmon, vmon_proc_t *proc, struct proc_files_state *s,
		 const int *nums, int n)
{
	list_head_t *pos = s->pub.fds.next;
	int i = 0, ret, changed = 0;

	while (i < n || pos != &s->pub.fds) {
		vmon_proc_fd_t *fd = pos != &s->pub.fds ?
				     list_entry(pos, vmon_proc_fd_t, fds) : NULL;

		if (fd && (i == n || fd->fdnum < nums[i])) {	/* closed */
			pos = pos->next;
			fd_free(vmon, fd);
			s->pub.fds_nr--;
			changed = 1;
			continue;
		}
		if (!fd || nums[i] < fd->fdnum) {		/* opened */
			ret = fd_add(vmon, proc, s, pos, nums[i++]);
		} else {					/* still open */
			pos = pos->next;
			i++;
			ret = fd_update(vmon, s, fd);
		}
		if (ret < 0)
			return ret;
		changed |= ret;
	}
	return changed;
}

static void proc_files_init(void *state)
{
	struct proc_files_state *s = state;

	INIT_LIST_HEAD(&s->pub.fds);
	s->pub.refcnt = 1;
	s->fd_dir = -1;
	vmon__file_init(&s->retry);
}

/* Open the fd directory if need be: 0, or the outcome to return. */
static int open_fd_dir(vmon_t *vmon, vmon_proc_t *proc, struct proc_files_state *s)
{
	int fd;

	if (s->fd_dir >= 0)
		return 0;
	if (!vmon__file_may_retry(vmon, &s->retry))
		return -EAGAIN;
	fd = vmon__openat(vmon__node(proc)->dirfd, "fd", O_RDONLY | O_DIRECTORY);
	if (fd == -EACCES)
		vmon__file_refused(vmon, &s->retry);
	if (fd < 0)
		return fd;
	s->fd_dir = fd;
	s->retry.backoff = s->retry.retry_gen = 0;
	return 0;
}

static enum vmon__outcome proc_files_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_files_state *s = state;
	struct vmon_internal *in = vmon->internal;
	int n = open_fd_dir(vmon, proc, s), ret;

	if (n == 0)
		n = vmon__read_ids(s->fd_dir, &in->ids, &in->ids_alloc);
	if (n == -ESRCH || n == -ENOENT)	/* a dead process's fd/ reads ENOENT */
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0) {
		proc->unavailable |= VMON_WANT_PROC_FILES;
		s->pub.changed = 0;
		return VMON__UNCHANGED;
	}
	if (vmon__grow((void **)&in->sorted, &in->sorted_alloc, n, sizeof(int)) < 0)
		return VMON__NOMEM;
	memcpy(in->sorted, in->ids, n * sizeof(int));
	qsort(in->sorted, n, sizeof(int), cmp_int);
	ret = merge(vmon, proc, s, in->sorted, n);
	if (ret < 0)
		return VMON__NOMEM;
	s->pub.changed = ret;
	return ret ? VMON__CHANGED : VMON__UNCHANGED;
}

static void proc_files_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_files_state *s = state;

	(void)proc;
	while (!list_empty(&s->pub.fds))
		fd_free(vmon, list_first_entry(&s->pub.fds, vmon_proc_fd_t, fds));
	s->pub.fds_nr = 0;
	if (s->fd_dir >= 0)
		close(s->fd_dir);
	s->fd_dir = -1;
}

const struct vmon__proc_sampler vmon__sampler_proc_files = {
	.state_size = sizeof(struct proc_files_state),
	.init = proc_files_init,
	.sample = proc_files_sample,
	.close = proc_files_close,
};
