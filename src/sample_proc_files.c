/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_files.c - VMON_WANT_PROC_FILES: the open descriptors of a
 * process, from /proc/PID/fd.
 *
 * The fd directory is held open; each sample lists it (getdents64) and
 * walks the numbers together with the store's list, which is kept in fd
 * order, so a sample is O(fds) with no search per descriptor (procfs lists
 * descriptors in ascending order: the numbers are sorted only if they are
 * not already).  Each descriptor's link target is read (readlinkat).  Only
 * when a descriptor is new or names another object than before is it
 * described further (fd_kind.c: kind, inode, path, deleted flag, and from
 * fdinfo open flags, position and mount id) and linked to the shared
 * vmon_fobject_t its target names: a pipe, a socket, or the open file of
 * an anon inode, told apart by its fdinfo or by kcmp(2) (fobject.c).
 * Entries that appeared are marked is_new, entries now pointing elsewhere
 * is_changed, closed ones is_stale for one sample (their object released
 * at once); the store's changed flag (and the want's activity bit) says
 * whether anything moved.
 * When the process is gone, all its descriptors close that way at once
 * (the sampler's gone hook), though the caller may keep the stale node.
 *
 * Threads share their process's store (node_sample.c): it is sampled once
 * per vmon_sample(), by whichever of its nodes comes first, and the others
 * get the same outcome.  A thread coming first (VMON_FLAG_PROC_ARRAY) reads
 * through its process's directory when that is open, else through its own
 * task directory, which it never holds: a thread may end before its
 * process.
 *
 * Another user's fd directory gives EACCES: the store is unavailable and
 * the open is retried after a back-off.  A target that cannot be read for
 * another reason than the descriptor's closing (ENOENT) leaves the entry
 * as it was and the store unavailable, never a descriptor reported closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_fd_t
static const vmon_field_t proc_files_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_files.def"
};
#undef VMON__STORE_TYPE
_Static_assert(VMON__ARRAY_SIZE(proc_files_fields) == VMON_PROC_FILES_NR, "proc_files.def");
/* the files store's rows describe one vmon_proc_fd_t, which has no bitmaps */
const vmon_store_info_t vmon__proc_files_info = { "proc_files", "/proc/PID/fd",
	sizeof(vmon_proc_fd_t), VMON_PROC_FILES_NR, proc_files_fields, 0 };

struct proc_files_state {
	vmon_proc_files_t pub;
	int fd_dir;
	bool fd_dir_held;		/* held between samples */
	struct vmon__file retry;	/* back-off for the fd directory */
	bool unknown;		/* during a sample: a target could not be read */
	int sampled_gen;	/* generation of its last sample (shared stores) */
	enum vmon__outcome outcome;	/* and what it found, for the sharers */
	bool unavailable;
};

/* one sample of a store */
struct pass {
	vmon_t *vmon;
	struct proc_files_state *s;
	vmon_proc_t *owner;	/* the process whose descriptors these are */
	int dirfd;		/* its /proc directory (or a thread's), for fdinfo */
	int pid;		/* and its pid (or the thread's), for kcmp(2) */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void fd_release_object(vmon_t *vmon, vmon_proc_fd_t *fd)
{
	if (!fd->object)
		return;
	list_del(&fd->ref_fds);
	vmon__fobject_put(vmon, fd->object);
	fd->object = NULL;
}

static void fd_free(vmon_t *vmon, vmon_proc_fd_t *fd)
{
	list_del(&fd->fds);
	fd_release_object(vmon, fd);
	vmon__chars_free(&fd->object_path);
	vmon__chars_free(&fd->path);
	vmon__free(fd);
}

/* The descriptor closed: it stays one sample as is_stale, holding nothing. */
static void fd_closed(struct pass *p, vmon_proc_fd_t *fd)
{
	fd_release_object(p->vmon, fd);
	fd->is_stale = 1;
	fd->is_new = fd->is_changed = 0;
	p->s->pub.fds_nr--;
}

/* Point fd at target: its path, the shared object it names and its
 * description (fdinfo first: it tells anon inodes apart).  0, 1 when it
 * changed, or -ENOMEM (fd keeps its object, and its target is taken anew
 * at the next sample). */
static int fd_set_target(struct pass *p, vmon_proc_fd_t *fd, const char *target, size_t len)
{
	vmon_t *vmon = p->vmon;
	char changed[1] = { 0 };
	struct vmon__fdinfo fi;
	struct vmon__fobj_holder h = { fd, p->pid, &fi };
	vmon_fobject_t *obj;

	if (fd->object_path.array && fd->object_path.len == len &&
	    !memcmp(fd->object_path.array, target, len))
		return 0;
	vmon__fd_read_fdinfo(p->dirfd, fd->fdnum, &fi);
	obj = vmon__fobject_get(vmon, target, len, &h);
	if (!obj && errno == ENOMEM)
		return -ENOMEM;
	if (vmon__fd_read_desc(p->s->fd_dir, fd, target, len, &fi) < 0 ||
	    vmon__chars_set(&fd->object_path, target, len, changed, 0) < 0) {
		if (obj)
			vmon__fobject_put(vmon, obj);
		vmon__chars_free(&fd->object_path);	/* described anew next time */
		return -ENOMEM;
	}
	fd_release_object(vmon, fd);
	fd->object = obj;
	if (obj)
		list_add_tail(&fd->ref_fds, &obj->ref_fds);
	return 1;
}

/* Read descriptor num's target into the link scratch: its length, or
 * -errno (-ENOENT: closed since the listing). */
static ssize_t read_target(struct pass *p, int num)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", num);
	return vmon__readlink(p->s->fd_dir, name, &p->vmon->internal->link);
}

/* Add descriptor num before pos. 0, 1 (added) or -ENOMEM. */
static int fd_add(struct pass *p, list_head_t *pos, int num)
{
	ssize_t n = read_target(p, num);
	vmon_proc_fd_t *fd;

	if (n == -ENOMEM)
		return -ENOMEM;
	if (n == -ENOENT || n == -ESRCH)
		return 0;	/* closed since the listing */
	if (n < 0) {		/* unreadable (EACCES, EIO...): not known yet */
		p->s->unknown = true;
		return 0;
	}
	fd = vmon__calloc(1, sizeof(*fd));
	if (!fd)
		return -ENOMEM;
	INIT_LIST_HEAD(&fd->ref_fds);
	fd->fdnum = num;
	fd->process = p->owner;
	fd->is_new = 1;
	fd->generation = p->vmon->generation;
	if (fd_set_target(p, fd, p->vmon->internal->link.data, n) < 0) {
		vmon__chars_free(&fd->path);
		vmon__free(fd);
		return -ENOMEM;
	}
	list_add_tail(&fd->fds, pos);
	p->s->pub.fds_nr++;
	return 1;
}

/* Re-read a descriptor still listed.  0, 1 (changed or closed) or -ENOMEM. */
static int fd_update(struct pass *p, vmon_proc_fd_t *fd)
{
	ssize_t n = read_target(p, fd->fdnum);
	int ret;

	fd->is_new = fd->is_changed = 0;
	if (n == -ENOMEM)
		return -ENOMEM;
	if (n < 0 && n != -ENOENT && n != -ESRCH) {
		/* unreadable, not closed: keep what it was, say unavailable */
		p->s->unknown = true;
		fd->generation = p->vmon->generation;
		return 0;
	}
	if (n < 0) {		/* closed since the listing */
		fd_closed(p, fd);
		return 1;
	}
	fd->generation = p->vmon->generation;
	ret = fd_set_target(p, fd, p->vmon->internal->link.data, n);
	fd->is_changed = ret > 0;
	return ret;
}

/* Walk the sorted numbers and the fd-ordered list together.  Entries
 * staled by the previous sample go as they are passed. */
static int merge(struct pass *p, const int *nums, int n)
{
	list_head_t *head = &p->s->pub.fds, *pos = head->next;
	int i = 0, ret, changed = 0;

	while (i < n || pos != head) {
		vmon_proc_fd_t *fd = pos != head ? list_entry(pos, vmon_proc_fd_t, fds) : NULL;

		if (fd && fd->is_stale) {			/* shown once: gone */
			pos = pos->next;
			fd_free(p->vmon, fd);
			continue;
		}
		if (fd && (i == n || fd->fdnum < nums[i])) {	/* closed */
			pos = pos->next;
			fd_closed(p, fd);
			changed = 1;
			continue;
		}
		if (!fd || nums[i] < fd->fdnum) {		/* opened */
			ret = fd_add(p, pos, nums[i++]);
		} else {					/* still open */
			pos = pos->next;
			i++;
			ret = fd_update(p, fd);
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

/* Open the fd directory relative to p->dirfd if need be, held between
 * samples when hold and the budget allow: 0 or -errno. */
static int open_fd_dir(struct pass *p, bool hold)
{
	struct proc_files_state *s = p->s;
	int fd;

	if (s->fd_dir >= 0)
		return 0;
	if (!vmon__file_may_retry(p->vmon, &s->retry))
		return -EAGAIN;
	fd = vmon__openat(p->dirfd, "fd", O_RDONLY | O_DIRECTORY);
	if (fd == -EACCES)
		vmon__file_refused(p->vmon, &s->retry);
	if (fd < 0)
		return fd;
	s->fd_dir = fd;
	s->fd_dir_held = hold && vmon__fd_room(p->vmon);	/* else closed after this sample */
	if (s->fd_dir_held)
		vmon__fd_held(p->vmon, 1);
	s->retry.backoff = s->retry.retry_gen = 0;
	return 0;
}

static void close_fd_dir(vmon_t *vmon, struct proc_files_state *s)
{
	if (s->fd_dir < 0)
		return;
	close(s->fd_dir);
	s->fd_dir = -1;
	if (s->fd_dir_held)
		vmon__fd_held(vmon, -1);
	s->fd_dir_held = false;
}

/* The descriptor numbers in ascending order (procfs lists them so; sorted
 * otherwise).  The count or -errno. */
static int list_sorted(vmon_t *vmon, int fd_dir, const int **nums)
{
	struct vmon_internal *in = vmon->internal;
	int n = vmon__read_ids(fd_dir, &in->ids, &in->ids_alloc), i = 1;

	*nums = in->ids;
	while (i < n && in->ids[i - 1] < in->ids[i])
		i++;
	if (n <= 0 || i == n)
		return n;
	if (vmon__grow((void **)&in->sorted, &in->sorted_alloc, n, sizeof(int)) < 0)
		return -ENOMEM;
	memcpy(in->sorted, in->ids, n * sizeof(int));
	qsort(in->sorted, n, sizeof(int), cmp_int);
	*nums = in->sorted;
	return n;
}

/* List the descriptors and bring the store in step: 0, 1 (changed) or
 * -errno. */
static int sample_fds(struct pass *p, bool hold)
{
	const int *nums;
	int n = open_fd_dir(p, hold);

	if (n == -ENOENT)	/* no fd/ at all (a fixture): unavailable, not gone */
		return -ENOTDIR;
	if (n == 0)
		n = list_sorted(p->vmon, p->s->fd_dir, &nums);
	if (n < 0)
		return n;
	return merge(p, nums, n);
}

/* One sample of the store, through node proc (the process, or one of its
 * threads when it comes first). */
static enum vmon__outcome sample_store(vmon_t *vmon, vmon_proc_t *proc,
				       struct proc_files_state *s)
{
	vmon_proc_t *owner = proc->is_thread && proc->parent ? proc->parent : proc;
	struct pass p = { vmon, s, owner, vmon__node(owner)->dirfd, owner->pid };
	bool hold = true;
	int ret;

	if (p.dirfd < 0 || owner->is_stale) {	/* a thread before its process */
		p.dirfd = vmon__node(proc)->dirfd;
		p.pid = proc->pid;
		hold = false;
	}
	s->unknown = false;
	ret = sample_fds(&p, hold);
	if (!s->fd_dir_held)	/* no budget to hold it: opened for this sample */
		close_fd_dir(vmon, s);
	s->unavailable = ret < 0 || s->unknown;
	if (ret == -ESRCH || ret == -ENOENT)	/* a dead process's fd/ reads ENOENT */
		return VMON__GONE;
	if (ret == -ENOMEM)
		return VMON__NOMEM;
	s->pub.changed = ret > 0;
	return ret > 0 ? VMON__CHANGED : VMON__UNCHANGED;
}

static enum vmon__outcome proc_files_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_files_state *s = state;
	enum vmon__outcome o = s->outcome;

	if (s->sampled_gen != vmon->generation) {
		o = sample_store(vmon, proc, s);
		if (o == VMON__GONE && proc->is_thread)
			return o;	/* this thread ended: its process samples it */
		s->sampled_gen = vmon->generation;
		s->outcome = o;
	}
	if (s->unavailable)
		proc->unavailable |= VMON_WANT_PROC_FILES;
	return o;
}

/* The process is gone: its shared objects are let go at once, though the
 * caller may keep its stale node and this store with it. */
static void proc_files_gone(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_files_state *s = state;
	vmon_proc_fd_t *fd;

	if (proc->is_thread)
		return;
	list_for_each_entry(fd, &s->pub.fds, fds) {
		fd_release_object(vmon, fd);
		fd->is_stale = 1;
		fd->is_new = fd->is_changed = 0;
	}
	s->pub.fds_nr = 0;
}

static void proc_files_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_files_state *s = state;

	(void)proc;
	while (!list_empty(&s->pub.fds))
		fd_free(vmon, list_first_entry(&s->pub.fds, vmon_proc_fd_t, fds));
	s->pub.fds_nr = 0;
	close_fd_dir(vmon, s);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_files, vmon__proc_files_info, struct proc_files_state,
		   VMON__NO_INTERVAL, proc_files_init, proc_files_sample, proc_files_close,
		   proc_files_gone);
