/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io.c - every system call the samplers make on /proc goes through here:
 * openat() relative to a directory descriptor, pread() at offset 0 of a
 * descriptor kept open, readlinkat() and getdents64().  EINTR is retried
 * here and nowhere else; errors are returned as -errno, with EPERM folded
 * into EACCES ("not permitted", hidepid=1 and LSMs say EPERM).
 *
 * Two kinds of /proc file are read differently (docs/design/kernel.md K6,
 * K7, K12b): files the kernel generates whole (stat, statm, io, cmdline,
 * meminfo, /proc/stat) are complete after one read that does not fill the
 * buffer, so a sample costs one pread() and no read to see EOF; files
 * generated record by record (task/TID/children) return about a page per
 * read and are read until EOF.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define VMON__BUF_MIN 4096
#define VMON__BACKOFF_MAX 64

/* Where this thread's system calls are counted during a vmon_sample() (an
 * instance is used by one thread at a time), or NULL. */
static __thread struct vmon__io_counters *counting;

void vmon__io_count(struct vmon__io_counters *c)
{
	counting = c;
}

struct vmon__io_counters *vmon__io_counting(void)
{
	return counting;
}

static __thread struct vmon__lazy_dir lazy;

struct vmon__lazy_dir vmon__lazy_dir_set(struct vmon__lazy_dir to)
{
	struct vmon__lazy_dir was = lazy;

	lazy = to;
	return was;
}

/*
 * Where to find `name`: dirfd as given; or, for the node being sampled
 * (dirfd -1, vmon__lazy_dir_set()), its directory, opened now and held when
 * the budget has room for it; or, when it has none, the proc root, with
 * "PID/name" written to path and *name pointed at it.  A path costs one
 * open where the directory would cost three calls (open, openat, close) and
 * is no less safe: the directory would be opened by the same path, and the
 * stat sampler, first in want order, checks the start time of a node read
 * so (sample_proc_stat.c).  -errno when the directory cannot be opened
 * (-ESRCH: gone).
 */
static int dir_of(int dirfd, const char **name, char *path, size_t size)
{
	int err, n;

	if (dirfd != -1 || !lazy.node)
		return dirfd;
	if (lazy.node->dirfd < 0 && !vmon__dir_room(lazy.vmon)) {
		n = vmon__node_path(lazy.node, path, size);
		snprintf(path + n, size - n, "/%s", *name);
		*name = path;
		if (!lazy.counted && counting)
			counting->fallback_nodes++;
		lazy.counted = true;
		return lazy.vmon->internal->proc_fd;
	}
	if (lazy.node->dirfd < 0) {
		err = vmon__node_dir_open(lazy.vmon, lazy.node);
		if (err < 0)
			return err;
	}
	return lazy.node->dirfd;
}

/* After ENOENT on a path dir_of() made: -ESRCH when the node's directory
 * is gone (a directory descriptor would have said so), or -ENOENT: the
 * file is not in this kernel. */
static int path_enoent(int dirfd)
{
	char dir[48];

	vmon__node_path(lazy.node, dir, sizeof(dir));
	return faccessat(dirfd, dir, F_OK, 0) < 0 && errno == ENOENT ? -ESRCH : -ENOENT;
}

static void count_read(ssize_t n)
{
	if (!counting)
		return;
	counting->reads++;
	if (n > 0)
		counting->bytes += n;
}

int vmon__errno_class(int err)
{
	return err == EPERM ? EACCES : err;
}

int vmon__buf_reserve(struct vmon__buf *buf, size_t need)
{
	char *p;
	size_t n = buf->size ? buf->size : VMON__BUF_MIN;

	if (need <= buf->size)
		return 0;
	while (n < need)
		n *= 2;
	p = vmon__realloc(buf->data, n);
	if (!p)
		return -ENOMEM;
	buf->data = p;
	buf->size = n;
	return 0;
}

int vmon__openat(int dirfd, const char *name, int flags)
{
	char path[64];
	int fd, f;

	dirfd = dir_of(dirfd, &name, path, sizeof(path));
	if (dirfd < -1)
		return dirfd;
	do {
		f = vmon__fault(VMON__FAULT_OPEN);
		if (f < 0 && f != -EINTR)
			return -vmon__errno_class(-f);
		fd = f == -EINTR ? (errno = EINTR, -1) : openat(dirfd, name, flags | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (counting)
		counting->opens++;
	if (fd < 0 && errno == ENOENT && name == path)
		return path_enoent(dirfd);
	return fd < 0 ? -vmon__errno_class(errno) : fd;
}

/* pread() retrying EINTR; a test build may cut the read short or fail it */
static ssize_t pread_once(int fd, char *data, size_t len, off_t off)
{
	ssize_t n;
	int f;

	do {
		f = vmon__fault(VMON__FAULT_READ);
		if (f < 0 && f != -EINTR)
			return -vmon__errno_class(-f);
		if (f > 0 && (size_t)f < len)
			len = f;
		n = f == -EINTR ? (errno = EINTR, -1) : pread(fd, data, len, off);
		count_read(n);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -vmon__errno_class(errno) : n;
}

ssize_t vmon__read_stream(int fd, void *buf, size_t len)
{
	ssize_t n;
	int f;

	do {
		f = vmon__fault(VMON__FAULT_READ);
		if (f < 0 && f != -EINTR)
			return -vmon__errno_class(-f);
		n = f == -EINTR ? (errno = EINTR, -1) : read(fd, buf, len);
		count_read(n);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

void vmon__file_init(struct vmon__file *f)
{
	f->fd = -1;
	f->retry_gen = 0;
	f->backoff = 0;
	f->held = NULL;
	f->held_gen = 0;
	f->transient = false;
	f->last_digest = 0;
	f->last_len = UINT32_MAX;
}

/* Is f's descriptor still its own?  The budget may have shed it since the
 * last sample (vmon__fd_shed()), and its number may be another's now: then
 * f is simply not open, and must neither read nor close that number. */
static void file_check_held(struct vmon__file *f)
{
	if (f->held && !vmon__fd_holds(f->held, f->fd, f->held_gen)) {
		f->fd = -1;
		f->held = NULL;
	}
}

static void file_close_fd(struct vmon__file *f)
{
	file_check_held(f);
	if (f->fd >= 0)
		close(f->fd);
	if (f->held)
		vmon__fd_unhold(f->held, f->fd);
	f->fd = -1;
	f->held = NULL;
}

void vmon__file_close(struct vmon__file *f)
{
	file_close_fd(f);
}

void vmon__file_let_go(struct vmon__file *f)
{
	if (f->held)
		file_close_fd(f);
}

static uint64_t digest_key;
static pthread_once_t digest_key_once = PTHREAD_ONCE_INIT;

/* A key nobody outside can guess, so that no process can make its next
 * content collide with its last on purpose. */
static void digest_key_make(void)
{
	struct timespec ts;

	if (getrandom(&digest_key, sizeof(digest_key), GRND_NONBLOCK) == sizeof(digest_key))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	digest_key = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&ts;
}

/* Each step below is a bijection of the state for a given word and of the
 * word for a given state (xor, multiplication by an odd constant, xor with
 * a right shift of itself), so two contents of one length that differ in
 * one word end in different digests (vmon__file_unchanged()). */
static uint64_t digest_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

static uint64_t digest(const char *buf, size_t len)
{
	uint64_t h = digest_key ^ len, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, buf + i, 8);
		h = digest_step(h, w);
	}
	if (i < len) {
		w = 0;
		memcpy(&w, buf + i, len - i);
		h = digest_step(h, w);
	}
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

void vmon__digest_init(void)
{
	pthread_once(&digest_key_once, digest_key_make);
}

bool vmon__file_unchanged(struct vmon__file *f, const char *buf, size_t len)
{
	return vmon__file_same_digest(f, digest(buf, len), len);
}

uint64_t vmon__digest(const char *buf, size_t len)
{
	return digest(buf, len);
}

bool vmon__file_same_digest(struct vmon__file *f, uint64_t d, size_t len)
{
	if (len < UINT32_MAX && f->last_len == len && f->last_digest == d)
		return true;
	f->last_digest = d;
	f->last_len = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
	return false;
}

void vmon__file_forget(struct vmon__file *f)
{
	f->last_len = UINT32_MAX;
}

/* After a read: a descriptor opened without budget is not kept. */
static void file_done(struct vmon__file *f)
{
	if (f->fd >= 0 && !f->held)
		file_close_fd(f);
}

bool vmon__file_may_retry(const vmon_t *vmon, const struct vmon__file *f)
{
	return !f->retry_gen || vmon->generation >= f->retry_gen;
}

/* An open (or read) refused: close, and wait 1, 2, 4 ... 64 samples before
 * trying again, so a permanent refusal costs almost nothing. */
int vmon__file_refused(vmon_t *vmon, struct vmon__file *f)
{
	file_close_fd(f);
	f->backoff = f->backoff ? f->backoff * 2 : 1;
	if (f->backoff > VMON__BACKOFF_MAX)
		f->backoff = VMON__BACKOFF_MAX;
	f->retry_gen = vmon->generation + f->backoff;
	return -EACCES;
}

static int file_open(vmon_t *vmon, int dirfd, const char *name, struct vmon__file *f)
{
	int fd;

	file_check_held(f);
	if (f->fd >= 0)
		return 0;
	if (!vmon__file_may_retry(vmon, f))
		return -EAGAIN;
	fd = vmon__openat(dirfd, name, O_RDONLY);
	if (fd == -EACCES)
		return vmon__file_refused(vmon, f);
	if (fd < 0 && fd != -ESRCH && fd != -ENOMEM) {
		/* not in this kernel or out of descriptors: back off too */
		vmon__file_refused(vmon, f);
		return fd;
	}
	if (fd < 0)
		return fd;
	f->fd = fd;
	f->retry_gen = 0;
	if (f->transient)
		return 0;
	f->held_gen = vmon__fd_hold(vmon, fd);
	if (f->held_gen)
		f->held = vmon->internal;
	else if (counting)
		counting->fallback_files++;
	return 0;
}

static ssize_t file_read(vmon_t *vmon, int dirfd, const char *name,
			 struct vmon__file *f, struct vmon__buf *buf)
{
	ssize_t n;
	int err = file_open(vmon, dirfd, name, f);

	if (err < 0)
		return err;
	if (vmon__buf_reserve(buf, VMON__BUF_MIN) < 0)
		return -ENOMEM;
	for (;;) {
		n = pread_once(f->fd, buf->data, buf->size - 1, 0);
		if (n == -EACCES)	/* checked at read time: io after a setuid exec */
			return vmon__file_refused(vmon, f);
		if (n < 0)
			return n;
		if ((size_t)n < buf->size - 1)
			break;
		/* the buffer filled: grow it and take a fresh snapshot from 0 */
		if (vmon__buf_reserve(buf, buf->size * 2) < 0)
			return -ENOMEM;
	}
	f->backoff = 0;
	buf->data[n] = '\0';
	return n;
}

static ssize_t file_read_records(vmon_t *vmon, int dirfd, const char *name,
				 struct vmon__file *f, struct vmon__buf *buf)
{
	size_t total = 0;
	ssize_t n;
	int err = file_open(vmon, dirfd, name, f);

	if (err < 0)
		return err;
	for (;;) {
		if (vmon__buf_reserve(buf, total + VMON__BUF_MIN) < 0)
			return -ENOMEM;
		n = pread_once(f->fd, buf->data + total, buf->size - 1 - total, total);
		if (n == -EACCES)
			return vmon__file_refused(vmon, f);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		total += n;
	}
	f->backoff = 0;
	buf->data[total] = '\0';
	return total;
}

ssize_t vmon__file_read(vmon_t *vmon, int dirfd, const char *name,
			struct vmon__file *f, struct vmon__buf *buf)
{
	ssize_t n = file_read(vmon, dirfd, name, f, buf);

	file_done(f);
	return n;
}

ssize_t vmon__file_read_records(vmon_t *vmon, int dirfd, const char *name,
				struct vmon__file *f, struct vmon__buf *buf)
{
	ssize_t n = file_read_records(vmon, dirfd, name, f, buf);

	file_done(f);
	return n;
}

ssize_t vmon__readlink(int dirfd, const char *name, struct vmon__buf *buf)
{
	char path[64];
	ssize_t n;
	int f;

	if (vmon__buf_reserve(buf, 256) < 0)
		return -ENOMEM;
	dirfd = dir_of(dirfd, &name, path, sizeof(path));
	if (dirfd < -1)
		return dirfd;
	for (;;) {
		f = vmon__fault(VMON__FAULT_READLINK);
		if (f < 0 && f != -EINTR)
			return -vmon__errno_class(-f);
		n = f == -EINTR ? (errno = EINTR, -1)
				: readlinkat(dirfd, name, buf->data, buf->size - 1);
		count_read(n);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOENT && name == path)
			return path_enoent(dirfd);
		if (n < 0)
			return -vmon__errno_class(errno);
		if ((size_t)n < buf->size - 1)
			break;
		/* possibly truncated: readlink() does not say, so grow and retry */
		if (vmon__buf_reserve(buf, buf->size * 2) < 0)
			return -ENOMEM;
	}
	buf->data[n] = '\0';
	return n;
}

/* the value of an all-digit name, or -1 */
static int name_to_id(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

int vmon__read_ids(int fd, int **ids, size_t *alloc)
{
	char dents[8192] __attribute__((aligned(8)));
	ssize_t n;
	int nr = 0, f;
	bool done;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -vmon__errno_class(errno);
	for (;;) {
		f = vmon__fault(VMON__FAULT_READDIR);
		if (f < 0 && f != -EINTR)
			return -vmon__errno_class(-f);
		n = f == -EINTR ? (errno = EINTR, -1) : getdents64(fd, dents, sizeof(dents));
		count_read(n);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -vmon__errno_class(errno);
		if (n == 0)
			return nr;
		/* getdents stops early only when the next entry does not fit:
		 * with room left for the longest name, this was the end */
		done = (size_t)n + sizeof(struct dirent64) + 256 <= sizeof(dents);
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);
			int id = name_to_id(d->d_name);

			off += d->d_reclen;
			if (id < 0)
				continue;
			if (vmon__grow((void **)ids, alloc, nr + 1, sizeof(**ids)) < 0)
				return -ENOMEM;
			(*ids)[nr++] = id;
		}
		if (done)
			return nr;
	}
}
