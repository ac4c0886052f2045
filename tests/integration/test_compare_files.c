/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compare_files.c - the PROC_FILES store against /proc/PID/fd read
 * directly: every descriptor with its link target, in fd order, and the
 * shared objects: a pipe held by a parent and its child is one
 * vmon_fobject_t whose ref_fds name exactly its holders, created and
 * destroyed once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

struct pipe_family {
	struct t_sync ready;
	int fds[2];
};

/* keeps the pipe and an eventfd open, forks a child that inherits them */
static bool pipe_parent(void *arg)
{
	struct pipe_family *f = arg;

	if (eventfd(0, 0) < 0)
		return false;
	t_fork(t_sleeper, NULL);
	t_sync_post(&f->ready);
	return t_sleeper(NULL);
}

/* The fds of pid, as /proc lists them, against the store. */
static void compare_fds(vmon_proc_t *proc)
{
	vmon_proc_files_t *files = proc->stores[VMON_STORE_PROC_FILES];
	char dir[64], path[96], target[4096];
	int ids[1024], n, i = 0;
	vmon_proc_fd_t *fd;

	ASSERT(files);
	snprintf(dir, sizeof(dir), "/proc/%d/fd", proc->pid);
	n = t_list_ids(dir, ids, 1024);
	ASSERT_EQ(files->fds_nr, n);
	list_for_each_entry(fd, &files->fds, fds) {
		ssize_t len;

		if (fd->is_stale)	/* closed in the last sample */
			continue;
		ASSERT(i < n);
		ASSERT_EQ(fd->fdnum, ids[i]);
		snprintf(path, sizeof(path), "%s/%d", dir, ids[i]);
		len = readlink(path, target, sizeof(target) - 1);
		ASSERT(len > 0);
		target[len] = '\0';
		ASSERT_STREQ(fd->object_path.array, target);
		ASSERT(fd->process == proc);
		ASSERT_EQ(fd->object != NULL, !strncmp(target, "pipe:", 5) ||
			  !strncmp(target, "socket:", 7) || !strncmp(target, "anon_inode:", 11));
		i++;
	}
	ASSERT_EQ(i, n);
}

static int obj_ctors, obj_dtors;
static void obj_ctor(vmon_t *v, vmon_fobject_t *o) { (void)v; (void)o; obj_ctors++; }
static void obj_dtor(vmon_t *v, vmon_fobject_t *o) { (void)v; (void)o; obj_dtors++; }

static vmon_fobject_t *find_pipe(vmon_t *v, const char *name)
{
	vmon_fobject_t *o;

	list_for_each_entry(o, &v->fobjects, bucket)
		if (!strcmp(o->name.array, name))
			return o;
	return NULL;
}

TEST(compare_files_with_proc_fd)
{
	struct pipe_family f;
	char name[64], path[64];
	vmon_proc_t *parent, *child;
	vmon_fobject_t *pipe_obj;
	vmon_proc_fd_t *fd;
	pid_t pid;
	ssize_t len;
	int holders = 0;
	vmon_t v;

	t_sync_init(&f.ready);
	ASSERT(pipe(f.fds) == 0);
	pid = t_fork(pipe_parent, &f);
	t_sync_wait(&f.ready);
	close(f.fds[0]);
	close(f.fds[1]);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FILES));
	v.fobject_ctor_cb = obj_ctor;
	v.fobject_dtor_cb = obj_dtor;
	parent = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	ASSERT(parent && vmon_sample(&v));
	child = list_first_entry(&parent->children, vmon_proc_t, siblings);
	ASSERT(&child->siblings != &parent->children);
	compare_fds(parent);
	compare_fds(child);
	/* the read end of the pipe: one object, two holders */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, f.fds[0]);
	len = readlink(path, name, sizeof(name) - 1);
	ASSERT(len > 0);
	name[len] = '\0';
	pipe_obj = find_pipe(&v, name);
	ASSERT(pipe_obj && pipe_obj->type == VMON_FOBJECT_TYPE_PIPE);
	ASSERT_ULL_EQ(pipe_obj->inum, strtoull(name + 6, NULL, 10));
	/* both ends of one pipe name the same inode: 2 fds x 2 processes */
	list_for_each_entry(fd, &pipe_obj->ref_fds, ref_fds) {
		ASSERT(fd->process == parent || fd->process == child);
		ASSERT(fd->object == pipe_obj);
		holders++;
	}
	ASSERT_EQ(holders, 4);
	ASSERT_EQ(pipe_obj->refcnt, 4);
	ASSERT_EQ(obj_ctors, v.fobjects_nr);
	/* the child dies: as a zombie it holds no descriptor, so its
	 * references go and the object stays with the parent's two */
	t_kill(child->pid);	/* not our child: it stays a zombie */
	for (int i = 0; i < 1000 && ((vmon_proc_files_t *)child->stores[VMON_STORE_PROC_FILES])->fds_nr; i++) {
		usleep(1000);	/* the kernel says nothing when it is done */
		ASSERT(vmon_sample(&v));
	}
	ASSERT(!child->is_stale);
	ASSERT_EQ(((vmon_proc_files_t *)child->stores[VMON_STORE_PROC_FILES])->fds_nr, 0);
	ASSERT_EQ(pipe_obj->refcnt, 2);
	ASSERT_EQ(obj_dtors, 0);
	compare_fds(parent);
	compare_fds(child);
	vmon_destroy(&v);
	ASSERT_EQ(obj_dtors, obj_ctors);
	t_kill(pid);
}
