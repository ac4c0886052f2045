/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * files_util.c - independent readers for the files and sockets tests: the
 * entries of /proc/PID/fd with their link targets (readlink), kinds
 * (stat(2) of the entry), open flags and mount ids (fdinfo), read by the
 * test itself and compared with the library's store; the socket table as
 * ss(8) prints it; and a per-object log of fobject_ctor_cb / fobject_dtor_cb.  None of
 * it shares code with the library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

static vmon_fd_kind_t kind_of(const char *target, const struct stat *st, bool stat_ok)
{
	if (!strncmp(target, "pipe:[", 6))
		return VMON_FD_KIND_PIPE;
	if (!strncmp(target, "socket:[", 8))
		return VMON_FD_KIND_SOCKET;
	if (!strncmp(target, "anon_inode:", 11) && target[11])
		return VMON_FD_KIND_ANON;
	if (!stat_ok)
		return VMON_FD_KIND_UNKNOWN;
	if (S_ISREG(st->st_mode))
		return target[0] == '/' ? VMON_FD_KIND_REGULAR : VMON_FD_KIND_OTHER;
	if (S_ISDIR(st->st_mode))
		return VMON_FD_KIND_DIRECTORY;
	if (S_ISCHR(st->st_mode))
		return VMON_FD_KIND_CHARDEV;
	if (S_ISBLK(st->st_mode))
		return VMON_FD_KIND_BLOCKDEV;
	if (S_ISFIFO(st->st_mode))
		return VMON_FD_KIND_FIFO;
	return VMON_FD_KIND_OTHER;
}

/* The open flags and mount id of an fdinfo file, by sscanf(). */
static void fdinfo_read(int pid, int fdnum, int *flags, int *mnt_id)
{
	char path[64], *buf, *p;
	unsigned int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fdnum);
	buf = t_read_file(path, NULL);
	ASSERT_MSG(buf, "%s unreadable", path);
	p = strstr(buf, "\nflags:");
	ASSERT(p && sscanf(p + 7, "%o", &f) == 1);
	*flags = (int)f;
	p = strstr(buf, "\nmnt_id:");
	ASSERT(p && sscanf(p + 8, "%d", mnt_id) == 1);
	free(buf);
}

/* one open descriptor of the store against the entry the test reads */
static void compare_one(int pid, const vmon_proc_fd_t *fd, int fdnum)
{
	char path[96], target[4096];
	int flags, mnt_id;
	struct stat st;
	bool stat_ok;
	ssize_t len;

	ASSERT_EQ(fd->fdnum, fdnum);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fdnum);
	len = readlink(path, target, sizeof(target) - 1);
	ASSERT_MSG(len > 0, "readlink %s: %s", path, strerror(errno));
	target[len] = '\0';
	ASSERT_STREQ(fd->object_path.array, target);
	stat_ok = stat(path, &st) == 0;
	ASSERT_MSG(fd->kind == (int)kind_of(target, &st, stat_ok), "fd %d (%s): kind %s", fdnum,
		   target, vmon_fd_kind_name(fd->kind));
	fdinfo_read(pid, fdnum, &flags, &mnt_id);
	ASSERT_EQ(fd->flags, flags);
	ASSERT_EQ(fd->mnt_id, mnt_id);
	ASSERT_EQ(fd->object != NULL, fd->kind == VMON_FD_KIND_PIPE ||
		  fd->kind == VMON_FD_KIND_SOCKET || fd->kind == VMON_FD_KIND_ANON);
	if (fd->object)
		ASSERT_STREQ(fd->object->name.array, target);
	if (target[0] == '/' && !fd->deleted)
		ASSERT_STREQ(fd->path.array, target);
	ASSERT(!fd->is_stale && fd->process->pid == pid);
}

void t_files_compare(vmon_proc_t *proc)
{
	vmon_proc_files_t *files = proc->stores[VMON_STORE_PROC_FILES];
	int pid = proc->is_thread && proc->parent ? proc->parent->pid : proc->pid;
	int ids[4096], n, i = 0;
	char dir[64];
	vmon_proc_fd_t *fd;

	ASSERT(files);
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	n = t_list_ids(dir, ids, 4096);
	ASSERT_EQ(files->fds_nr, n);
	list_for_each_entry(fd, &files->fds, fds) {
		if (fd->is_stale)
			continue;
		ASSERT(i < n);
		compare_one(pid, fd, ids[i++]);
	}
	ASSERT_EQ(i, n);
}

vmon_fobject_t *t_fobject_named(vmon_t *vmon, const char *name)
{
	vmon_fobject_t *o;

	list_for_each_entry(o, &vmon->fobjects, bucket)
		if (!strcmp(o->name.array, name))
			return o;
	return NULL;
}

vmon_fobject_t *t_fobject_of(vmon_t *vmon, int pid, int fdnum)
{
	vmon_fobject_t *o;
	vmon_proc_fd_t *fd;

	list_for_each_entry(o, &vmon->fobjects, bucket)
		list_for_each_entry(fd, &o->ref_fds, ref_fds)
			if (fd->process->pid == pid && fd->fdnum == fdnum)
				return o;
	return NULL;
}

bool t_fobject_held_by(const vmon_fobject_t *obj, int pid, int fdnum)
{
	const vmon_proc_fd_t *fd;

	list_for_each_entry(fd, &obj->ref_fds, ref_fds)
		if (fd->process->pid == pid && fd->fdnum == fdnum)
			return true;
	return false;
}

int t_fobject_holders(const vmon_fobject_t *obj)
{
	const vmon_proc_fd_t *fd;
	int n = 0;

	list_for_each_entry(fd, &obj->ref_fds, ref_fds) {
		ASSERT(fd->object == obj && !fd->is_stale);
		n++;
	}
	return n;
}

vmon_proc_fd_t *t_fd_entry(vmon_proc_t *proc, int fdnum)
{
	vmon_proc_files_t *files = proc->stores[VMON_STORE_PROC_FILES];
	vmon_proc_fd_t *fd;

	ASSERT(files);
	list_for_each_entry(fd, &files->fds, fds)
		if (fd->fdnum == fdnum)
			return fd;
	return NULL;
}

/* one line of ss: "NETID STATE RECVQ SENDQ LOCAL PEER [extras]"; UNIX
 * endpoints are two tokens each ("PATH|* INODE"), the others one, their
 * inode in an "ino:N" extra (for UNIX sockets that is the path's inode) */
static bool ss_line(char *line, struct t_ss_row *r)
{
	char *tok[32], *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, " \t\n", &save); t && n < 32; t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	if (n < 6)
		return false;
	memset(r, 0, sizeof(*r));
	snprintf(r->netid, sizeof(r->netid), "%s", tok[0]);
	snprintf(r->state, sizeof(r->state), "%s", tok[1]);
	if (!strncmp(tok[0], "u_", 2)) {
		if (n < 8)
			return false;
		snprintf(r->local, sizeof(r->local), "%s", tok[4]);
		r->inum = strtoull(tok[5], NULL, 10);
		snprintf(r->peer, sizeof(r->peer), "%s", tok[6]);
		r->peer_inum = strtoull(tok[7], NULL, 10);
		return true;
	}
	snprintf(r->local, sizeof(r->local), "%s", tok[4]);
	snprintf(r->peer, sizeof(r->peer), "%s", tok[5]);
	for (int i = 6; i < n; i++)
		if (!strncmp(tok[i], "ino:", 4))
			r->inum = strtoull(tok[i] + 4, NULL, 10);
	return true;
}

bool t_ss_find(uint64_t inum, struct t_ss_row *row)
{
	FILE *ss = popen("ss -tuxane 2>/dev/null", "r");
	char line[1024];
	bool found = false, header = false;

	ASSERT(ss);
	while (fgets(line, sizeof(line), ss)) {
		if (!header) {
			header = !strncmp(line, "Netid", 5);
			continue;
		}
		if (!found && ss_line(line, row) && row->inum == inum)
			found = true;
	}
	pclose(ss);
	if (!header)
		SKIP("ss(8) is not installed (Debian package iproute2)");
	return found;
}

/* ---- the object log ---- */

struct objrec {
	char name[64];
	int ctors, dtors;
	struct objrec *next;
};

static struct objrec *records;
static int ctors, dtors;

static void on_ctor(vmon_t *v, vmon_fobject_t *o)
{
	struct objrec *r = calloc(1, sizeof(*r));

	(void)v;
	ASSERT(r && !o->foo);
	snprintf(r->name, sizeof(r->name), "%s", o->name.array);
	r->ctors = 1;
	r->next = records;
	records = r;
	o->foo = r;
	ctors++;
}

static void on_dtor(vmon_t *v, vmon_fobject_t *o)
{
	struct objrec *r = o->foo;

	(void)v;
	ASSERT_MSG(r, "dtor of %s, never constructed", o->name.array);
	ASSERT_MSG(o->refcnt == 0 && list_empty(&o->ref_fds), "dtor of %s with holders",
		   o->name.array);
	r->dtors++;
	dtors++;
}

void t_objlog_install(vmon_t *vmon)
{
	vmon->fobject_ctor_cb = on_ctor;
	vmon->fobject_dtor_cb = on_dtor;
}

int t_objlog_ctors(void)
{
	return ctors;
}

int t_objlog_dtors(void)
{
	return dtors;
}

int t_objlog_dtors_of(const char *name)
{
	int n = 0;

	for (struct objrec *r = records; r; r = r->next)
		if (!strcmp(r->name, name))
			n += r->dtors;
	return n;
}

void t_objlog_check_balanced(void)
{
	for (struct objrec *r = records; r; r = r->next)
		ASSERT_MSG(r->ctors == 1 && r->dtors == 1, "%s: %d ctors, %d dtors", r->name,
			   r->ctors, r->dtors);
	ASSERT_EQ(ctors, dtors);
}
