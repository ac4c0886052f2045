/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io.h - the layer between the library and the kernel: allocation
 * (alloc.c), fault injection (fault.c) and I/O (io.c).  Every allocation
 * and every system call that reads /proc goes through it, so tests can
 * make any one of them fail, and EINTR, short reads and errno mapping are
 * dealt with in one place.
 */
#ifndef VMON_IO_H
#define VMON_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmon/vmon.h"

/* ---- allocation (alloc.c): every allocation of the library goes through
 * these, so tests can make the Nth one fail (VMON_TESTING builds) ---- */
void *vmon__malloc(size_t size);
/* never failed by the test build's fault plan: for the library's own
 * threads (the fault counters are the sampling thread's) */
void *vmon__malloc_unfaulted(size_t size);
void *vmon__realloc_unfaulted(void *ptr, size_t size);
void *vmon__calloc(size_t nmemb, size_t size);
void *vmon__realloc(void *ptr, size_t size);
void vmon__free(void *ptr);

#ifdef VMON_TESTING
/* The heap the library's allocations hold now, in malloc's usable bytes,
 * over every instance of this process. */
size_t vmon_test_heap_bytes(void);
#endif

/* Grow *ptr (an array of *alloc elements of elem_size) to hold at least
 * need elements, doubling.  0 or -ENOMEM (then *ptr is unchanged). */
int vmon__grow(void **ptr, size_t *alloc, size_t need, size_t elem_size);

/* ---- fault injection (fault.c): inert unless built with VMON_TESTING ---- */
enum vmon__fault_site {
	VMON__FAULT_ALLOC,
	VMON__FAULT_OPEN,
	VMON__FAULT_READ,
	VMON__FAULT_READLINK,
	VMON__FAULT_READDIR,
};
#ifdef VMON_TESTING
/* 0: go ahead; -errno: fail the call with that error; a positive n (reads
 * only): return at most n bytes */
int vmon__fault(enum vmon__fault_site site);
#else
static inline int vmon__fault(enum vmon__fault_site site)
{
	(void)site;
	return 0;
}
#endif

/* ---- I/O (io.c): EINTR, short reads and errno mapping live only here ---- */

/* A growable byte buffer, used as scratch space for reads. */
struct vmon__buf {
	char *data;
	size_t size;		/* allocated */
};
/* Grow buf to hold need bytes (doubling from its size, or the minimum):
 * 0 or -ENOMEM, buf unchanged then. */
int vmon__buf_reserve(struct vmon__buf *buf, size_t need);

/* A file of a /proc directory, opened once and re-read with pread() at 0.
 * When it cannot be opened for want of permission the open is retried after
 * a back-off (1, 2, 4 ... 64 samples), never on every sample.  When the
 * instance's descriptor budget is spent it is opened for the read and
 * closed again (open-per-sample), and held again once there is room; when
 * the budget shrinks below what is held, its descriptor may be shed
 * (vmon__fd_shed()). */
struct vmon__file {
	struct vmon_internal *held;	/* the instance whose budget holds fd
				 * between samples, or NULL */
	uint64_t last_digest;	/* of the content parsed last */
	uint32_t last_len;	/* its length, or UINT32_MAX: none */
	uint32_t held_gen;	/* while held: the hold's generation
				 * (vmon__fd_hold()) */
	int fd;			/* -1 when not open */
	int retry_gen;		/* generation at which to try opening again */
	int backoff;		/* samples to wait after the next refusal */
	bool transient;		/* read rarely (on an exec, a refresh): opened
				 * for each read, never taking the budget */
};

void vmon__file_init(struct vmon__file *f);
/* May f be opened (or a link read) now, or is its back-off running? */
bool vmon__file_may_retry(const vmon_t *vmon, const struct vmon__file *f);
/* Permission refused: close f and start (or double) its back-off.
 * Returns -EACCES. */
int vmon__file_refused(vmon_t *vmon, struct vmon__file *f);
/* Close f's descriptor for good. */
void vmon__file_close(struct vmon__file *f);
/* Close f's descriptor if the budget holds it (a file turned transient):
 * it is opened for each read from then on. */
void vmon__file_let_go(struct vmon__file *f);

/*
 * Is buf[0 .. len) what f's store parsed last time?  If not, it is taken as
 * parsed now: the caller parses it, or calls vmon__file_forget() when it
 * cannot.  Most /proc files of an idle process read the same from one
 * sample to the next, and telling so is far cheaper than parsing: an
 * unchanged file is not parsed again.  What is kept is the length and a
 * 64-bit digest, keyed per process run, not a copy (that was a third of
 * the heap of a process): contents that differ within one aligned 8-byte
 * word (a counter that moved, a state letter) never share a digest, and
 * others do with odds of about 2^-64.
 */
bool vmon__file_unchanged(struct vmon__file *f, const char *buf, size_t len);
/* The same with the digest of the content (vmon__digest()) computed
 * once for several stores (the BPF backend's record). */
uint64_t vmon__digest(const char *buf, size_t len);
bool vmon__file_same_digest(struct vmon__file *f, uint64_t d, size_t len);
/* Make the digest's key (once per process; vmon_init_root() does). */
void vmon__digest_init(void);
/* Forget it: the store no longer reflects it (a failed read marked its
 * fields unavailable), so the next content must be parsed whatever it is. */
void vmon__file_forget(struct vmon__file *f);

/* Read the whole of a file the kernel generates in one go (stat, statm, io,
 * cmdline, meminfo, /proc/stat) into buf: one pread() at offset 0 that does
 * not fill the buffer is the whole file; a full buffer is grown and read
 * again from 0.  Opens f relative to dirfd on first use.  Returns the
 * length (buf->data[len] is a NUL) or -errno: -ESRCH process gone (ESRCH,
 * or ENOENT when opening), -EACCES not permitted (EACCES, EPERM; retried
 * after the back-off), -EAGAIN waiting for the back-off, -ENOMEM, or
 * another -errno for other failures (the field is then unavailable). */
ssize_t vmon__file_read(vmon_t *vmon, int dirfd, const char *name,
			struct vmon__file *f, struct vmon__buf *buf);

/* Read a file generated record by record (task/TID/children) until EOF:
 * such files return about a page per read.  Same returns. */
ssize_t vmon__file_read_records(vmon_t *vmon, int dirfd, const char *name,
				struct vmon__file *f, struct vmon__buf *buf);

/* readlinkat() into buf, growing it while the target fills it.  Returns the
 * length (NUL-terminated) or -errno as vmon__file_read(). */
ssize_t vmon__readlink(int dirfd, const char *name, struct vmon__buf *buf);

/* openat() with O_CLOEXEC, retrying EINTR; the fd or -errno. */
int vmon__openat(int dirfd, const char *name, int flags);

/* List the numeric entries of the directory open as fd (rewound first) into
 * *ids (grown as needed), in directory order.  Returns the count or -errno. */
int vmon__read_ids(int fd, int **ids, size_t *alloc);
/* One read() of a stream (the BPF backend's iterator), retrying EINTR,
 * counted and subject to the read faults like a pread() of /proc (but for
 * the short reads, which a stream's reader loops over anyway): the bytes
 * read (0 at the end), or -errno. */
ssize_t vmon__read_stream(int fd, void *buf, size_t len);

/* Map errno values of /proc reads to the few that mean something here. */
int vmon__errno_class(int err);

/* The system calls of a sample are counted into these (vmon_sample_cost()). */
struct vmon__io_counters {
	unsigned long reads;
	unsigned long long bytes;
	unsigned long opens;
	int fallback_files;		/* files opened for one read */
	int fallback_nodes;		/* nodes read by path, directory not held */
};

/* Count this thread's I/O into c until vmon__io_count(NULL); the counters
 * in force, or NULL. */
void vmon__io_count(struct vmon__io_counters *c);
struct vmon__io_counters *vmon__io_counting(void);

/* The node being sampled by this thread, whose directory is opened on
 * first use: while it is set, vmon__openat() and vmon__readlink() given
 * dirfd -1 (a node directory not open) open the node's directory first
 * (vmon__node_dir_open()) and work relative to it, or, when the budget
 * cannot hold the directory, open "PID/name" from the proc root.  A node
 * whose files are all held then opens nothing at all.  Returns the node
 * set before, to be set back (node sampling nests). */
struct vmon__lazy_dir {
	vmon_t *vmon;
	struct vmon__node *node;
	bool counted;		/* node counted in fallback_nodes */
};
struct vmon__lazy_dir vmon__lazy_dir_set(struct vmon__lazy_dir to);

/* The descriptor budget (budget.c).  May one more descriptor be held? */
bool vmon__fd_room(const vmon_t *vmon);
/* May a node's directory be held?  Files come first: not while they are
 * short of budget (shed_dirs). */
bool vmon__dir_room(const vmon_t *vmon);
/* Is there room for the cheap refresh's cmdline of every node beside
 * their other files (budget.c)? */
bool vmon__companions_room(const vmon_t *vmon);
/* Account for a descriptor held (+1) or released (-1). */
void vmon__fd_held(vmon_t *vmon, int delta);
/* Recompute the budget in force (the default follows RLIMIT_NOFILE). */
void vmon__fd_budget_update(vmon_t *vmon);
/*
 * The descriptors of files (struct vmon__file) are held by number, so that
 * the budget can shed them when it shrinks although their owners cannot be
 * reached from the instance (the follow samplers keep theirs in arrays
 * that move).  Each hold of a number gets a generation, odd while it
 * lasts; the file keeps it, and learns at its next use that its
 * descriptor was shed: the number's generation has moved on.
 *
 * Hold fd for a file: its generation (never 0), or 0 when the budget has
 * no room (or the registry no memory): the file is read open-per-sample.
 */
uint32_t vmon__fd_hold(vmon_t *vmon, int fd);
/* Is fd still held under generation gen? */
bool vmon__fd_holds(const struct vmon_internal *in, int fd, uint32_t gen);
/* A held file closes its descriptor. */
void vmon__fd_unhold(struct vmon_internal *in, int fd);
/* vmon_sample(), before it opens anything: close what is held beyond the
 * budget (node directories first, then files, then task directories). */
void vmon__fd_shed(vmon_t *vmon);

#endif
