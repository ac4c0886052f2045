/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fd_kind.c - what a descriptor of /proc/PID/fd refers to: its kind
 * (regular file, directory, device, named pipe, pipe, socket, anon inode,
 * other), its inode, its path and whether that file was deleted, and its
 * open flags, position and mount id.  Pipes, sockets and anon inodes say
 * what they are in their link target ("pipe:[INODE]"); other descriptors'
 * fd entries are fstat()ed; flags, position and mount id come from
 * /proc/PID/fdinfo/N, which also tells eventfds apart for the shared
 * objects (fobject.c).  The samplers do this only when a descriptor is new
 * or names another object than before, never at every sample.  The part
 * that reads the target is pure (vmon__fd_describe()), so the unit tests
 * feed it odd targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static vmon_fd_kind_t kind_of_mode(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return VMON_FD_KIND_REGULAR;
	case S_IFDIR: return VMON_FD_KIND_DIRECTORY;
	case S_IFCHR: return VMON_FD_KIND_CHARDEV;
	case S_IFBLK: return VMON_FD_KIND_BLOCKDEV;
	case S_IFIFO: return VMON_FD_KIND_FIFO;
	case S_IFSOCK: return VMON_FD_KIND_SOCKET;
	default: return VMON_FD_KIND_OTHER;
	}
}

/*
 * The kernel appends " (deleted)" to the path of an unlinked file (d_path()),
 * but a file may also be named so: it counts as deleted only when fstat()
 * finds no link left (or could not say).  A regular file whose target is no
 * path (a namespace, "net:[INODE]"; a file outside the process's root,
 * "(unreachable)/...") is OTHER: there is nothing to open by that name.
 */
void vmon__fd_describe(const char *target, size_t len, const struct stat *st,
		       struct vmon__fd_desc *d)
{
	static const char marker[] = " (deleted)";
	const size_t mlen = sizeof(marker) - 1;
	vmon_fobject_type_t type;
	uint64_t inum;

	*d = (struct vmon__fd_desc){ .kind = VMON_FD_KIND_UNKNOWN };
	if (vmon__fobject_parse_target(target, len, &type, &inum)) {
		d->kind = type == VMON_FOBJECT_TYPE_PIPE ? VMON_FD_KIND_PIPE :
			  type == VMON_FOBJECT_TYPE_SOCKET ? VMON_FD_KIND_SOCKET : VMON_FD_KIND_ANON;
		d->ino = inum;
		return;
	}
	if (st) {
		d->kind = kind_of_mode(st->st_mode);
		d->ino = st->st_ino;
	}
	if (!len || target[0] != '/') {
		if (d->kind == VMON_FD_KIND_REGULAR)
			d->kind = VMON_FD_KIND_OTHER;
		return;
	}
	d->path_len = len;
	if (len > mlen && !memcmp(target + len - mlen, marker, mlen) && (!st || !st->st_nlink)) {
		d->deleted = true;
		d->path_len = len - mlen;
	}
}

VMON_EXPORT const char *vmon_fd_kind_name(vmon_fd_kind_t kind)
{
	static const char *const names[VMON_FD_KIND_NR] = {
		[VMON_FD_KIND_UNKNOWN] = "unknown", [VMON_FD_KIND_REGULAR] = "file",
		[VMON_FD_KIND_DIRECTORY] = "dir", [VMON_FD_KIND_CHARDEV] = "chr",
		[VMON_FD_KIND_BLOCKDEV] = "blk", [VMON_FD_KIND_FIFO] = "fifo",
		[VMON_FD_KIND_PIPE] = "pipe", [VMON_FD_KIND_SOCKET] = "socket",
		[VMON_FD_KIND_ANON] = "anon", [VMON_FD_KIND_OTHER] = "other",
	};

	return (unsigned)kind < VMON_FD_KIND_NR ? names[kind] : "unknown";
}

/*
 * What fdinfo says of descriptor num (all unknown when it cannot be read).
 * One read of 1 KiB holds every line used: the generic ones come first and
 * eventfd-id follows them at once; the kinds that print a line per target
 * or watch (epoll, inotify) print them last, and what is cut off is never
 * parsed (vmon__parse_fdinfo()).
 */
void vmon__fd_read_fdinfo(int dirfd, int num, struct vmon__fdinfo *fi)
{
	char name[32], buf[1024];
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "fdinfo/%d", num);
	fd = vmon__openat(dirfd, name, O_RDONLY);
	n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf), 0);
	if (fd >= 0)
		close(fd);
	vmon__parse_fdinfo(buf, n > 0 ? (size_t)n : 0, fi);
}

int vmon__fd_read_desc(int fd_dir, vmon_proc_fd_t *fd, const char *target, size_t len,
		       const struct vmon__fdinfo *fi)
{
	vmon_char_array_t path = { 0 };
	struct vmon__fd_desc d;
	struct stat st;
	char name[16], changed[1] = { 0 };
	bool stat_ok = false;
	vmon_fobject_type_t type;
	uint64_t inum;

	snprintf(name, sizeof(name), "%d", fd->fdnum);
	if (!vmon__fobject_parse_target(target, len, &type, &inum))
		stat_ok = fstatat(fd_dir, name, &st, 0) == 0;
	vmon__fd_describe(target, len, stat_ok ? &st : NULL, &d);
	if (d.path_len && vmon__chars_set(&path, target, d.path_len, changed, 0) < 0)
		return -ENOMEM;
	vmon__chars_free(&fd->path);
	fd->path = path;
	fd->kind = d.kind;
	fd->deleted = d.deleted;
	fd->ino = d.ino;
	fd->flags = fi->flags;
	fd->pos = fi->pos;
	fd->mnt_id = fi->mnt_id;
	return 0;
}
