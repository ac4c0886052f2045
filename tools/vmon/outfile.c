/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * outfile.c - the output files of outfile.h.  A path is followed through
 * symlinks, as open(2) follows them, and what it names then decides how
 * it is written:
 *
 *  - nothing yet, or a regular file: a whole output (the chart, the
 *    summary) is written to PATH.tmp.PID.N beside it, synced, and renamed
 *    over it, so that the file is always the old one or the new one whole:
 *    a full disk leaves the old one, and a viewer that reloads the chart
 *    while --snapshot-every rewrites it never reads half of one.  Through
 *    a symlink, the file it points to is replaced and the symlink kept.
 *    The new file keeps the old one's permissions (and owner, as root); a
 *    write-protected file is not replaced.  A stream (the record, -o) is
 *    created or truncated.
 *  - vmon's own standard output or error, when that is a regular file
 *    (/dev/stdout redirected to a file): written at that descriptor's
 *    offset, after what the command wrote there; renaming a new file over
 *    it would lose the command's output.
 *  - anything else (a FIFO, a pipe, a terminal, a device such as
 *    /dev/null or /dev/full): written into, never created, truncated or
 *    replaced.  A FIFO is opened without blocking, so it needs a reader
 *    already: vmon holds its signals while it opens its files, and would
 *    otherwise wait for a reader with no way to interrupt it.
 *  - a directory or a socket: an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

enum kind {
	K_REPLACE,	/* a regular file, or nothing yet, at final */
	K_STD,		/* the regular file that is vmon's fd 1 or 2 */
	K_INTO		/* anything else: written into */
};

struct target {
	enum kind kind;
	int fd;			/* K_STD: 1 or 2 */
	bool exists;		/* K_REPLACE: final names a file now */
	struct stat st;		/* what path names, when it exists */
	char final[PATH_MAX];	/* K_REPLACE: the name to replace, symlinks followed */
};

/* path with its symlinks followed, to the name open() would write or
 * create: 0, or -errno */
static int follow(const char *path, char *out, size_t size)
{
	char cur[PATH_MAX], link[PATH_MAX];
	struct stat st;

	if (snprintf(cur, sizeof(cur), "%s", path) >= (int)sizeof(cur))
		return -ENAMETOOLONG;
	for (int hops = 0; hops < 40; hops++) {	/* the kernel's own limit */
		char *slash;
		size_t dir;
		ssize_t n;

		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return snprintf(out, size, "%s", cur) < (int)size ? 0 : -ENAMETOOLONG;
		n = readlink(cur, link, sizeof(link));
		if (n < 0)
			return -errno;
		if (n == (ssize_t)sizeof(link))
			return -ENAMETOOLONG;
		link[n] = '\0';
		/* a relative target is relative to the link's directory */
		slash = strrchr(cur, '/');
		dir = link[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
		if (dir + n >= sizeof(cur))
			return -ENAMETOOLONG;
		memcpy(cur + dir, link, n + 1);
	}
	return -ELOOP;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int classify(const char *path, struct target *t)
{
	struct stat fin;
	int err;

	memset(t, 0, sizeof(*t));
	if (stat(path, &t->st)) {
		if (errno != ENOENT)
			return -errno;
		t->kind = K_REPLACE;	/* nothing there, or a symlink to nothing */
		return follow(path, t->final, sizeof(t->final));
	}
	if (S_ISDIR(t->st.st_mode))
		return -EISDIR;
	if (S_ISSOCK(t->st.st_mode))
		return -ENXIO;	/* what open() says of a socket */
	t->kind = K_INTO;
	if (!S_ISREG(t->st.st_mode))
		return 0;
	for (int fd = 1; fd <= 2; fd++) {
		struct stat s;

		if (!fstat(fd, &s) && same_file(&s, &t->st)) {
			t->kind = K_STD;
			t->fd = fd;
			return 0;
		}
	}
	err = follow(path, t->final, sizeof(t->final));
	if (err)
		return err;
	/* a /proc link to a file deleted since names no file to rename over:
	 * it is written into */
	if (lstat(t->final, &fin) || !same_file(&fin, &t->st))
		return 0;
	t->kind = K_REPLACE;
	t->exists = true;
	return 0;
}

/* a new file beside final, FINAL.tmp.PID.N: a descriptor, or -errno */
static int create_temp(const char *final, char *tmp, size_t size)
{
	for (int n = 0; n < 100; n++) {
		int fd;

		if (snprintf(tmp, size, "%s.tmp.%d.%d", final, (int)getpid(), n) >= (int)size)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Open path to write into it.  O_NONBLOCK makes a FIFO without a reader
 * ENXIO instead of a wait; it is cleared after, so that a slow reader
 * slows vmon down rather than getting cut lines. */
static int open_into(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags, 0666);

	if (fd < 0)
		return -errno;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int out_check(const char *path, bool whole)
{
	char tmp[PATH_MAX + 32];
	struct target t;
	int fd = classify(path, &t);

	if (fd < 0)
		return fd;
	if (t.kind == K_STD)
		return 0;
	if (t.kind == K_INTO)
		return access(path, W_OK) ? -errno : 0;
	if (t.exists && access(t.final, W_OK))
		return -errno;
	if (t.exists && !whole)
		return 0;	/* a stream is written in the file itself */
	/* whether the directory takes a new file (the temporary file of a
	 * whole output, a new stream) is best known by making one */
	fd = create_temp(t.final, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	close(fd);
	unlink(tmp);
	return 0;
}

void out_error(const char *what, const char *path, int err)
{
	const char *why = strerror(-err);
	struct stat st;

	if (err == -ENXIO && !stat(path, &st) && S_ISFIFO(st.st_mode))
		why = "no process has this FIFO open for reading";
	else if (err == -ENXIO && !stat(path, &st) && S_ISSOCK(st.st_mode))
		why = "it is a socket";
	warnx_("cannot write %s %s: %s", what, path, why);
}

int out_open_stream(const char *path, bool *own_file)
{
	struct target t;
	int fd = classify(path, &t);

	*own_file = false;
	if (fd < 0)
		return fd;
	if (t.kind == K_STD) {
		fd = fcntl(t.fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	if (t.kind == K_INTO)
		return open_into(path, S_ISREG(t.st.st_mode) ? O_TRUNC : 0);
	fd = open_into(path, O_CREAT | O_TRUNC);
	*own_file = fd >= 0 && !fstat(fd, &t.st) && S_ISREG(t.st.st_mode);
	return fd;
}

static int replace(const struct target *t, const void *buf, size_t len)
{
	char tmp[PATH_MAX + 32];
	int fd = create_temp(t->final, tmp, sizeof(tmp)), err = 0;

	if (fd < 0)
		return fd;
	/* the old file's permissions, and as root its owner; failing that,
	 * the file is vmon's, which is no reason to lose the output */
	if (t->exists) {
		(void)!fchmod(fd, t->st.st_mode & 07777);
		if (geteuid() == 0)
			(void)!fchown(fd, t->st.st_uid, t->st.st_gid);
	}
	/* synced before the rename: a disk that is full only at writeback
	 * must fail here, while the old file is still in place */
	if (out_write_all(fd, buf, len) != len || fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, t->final))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int out_write_whole(const char *path, const void *buf, size_t len)
{
	struct target t;
	int fd = classify(path, &t), err = 0;

	if (fd < 0)
		return fd;
	if (t.kind == K_REPLACE)
		return replace(&t, buf, len);
	if (t.kind == K_STD)
		return out_write_all(t.fd, buf, len) == len ? 0 : -errno;
	fd = open_into(path, S_ISREG(t.st.st_mode) ? O_TRUNC : 0);
	if (fd < 0)
		return fd;
	if (out_write_all(fd, buf, len) != len)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

size_t out_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* no progress, no error: do not spin */
			break;
		}
		done += n;
	}
	return done;
}
