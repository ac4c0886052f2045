/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * internal.h - what the library's files share and nothing outside sees.
 *
 * Naming: cross-file internals are vmon__<noun>_<verb>; they are hidden from
 * the shared library by -fvisibility=hidden and the libvmon.sym version
 * script.  Actions return 0 or -errno; the public functions turn that into
 * 1/0 with errno at the boundary.
 */
#ifndef VMON_INTERNAL_H
#define VMON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmon/vmon.h"

#define VMON_EXPORT __attribute__((visibility("default")))

#define VMON__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define VMON__PROC_FOLLOW_WANTS \
	(VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS)

/* ---- allocation (alloc.c): every allocation of the library goes through
 * these, so tests can make the Nth one fail (VMON_TESTING builds) ---- */
void *vmon__malloc(size_t size);
void *vmon__calloc(size_t nmemb, size_t size);
void *vmon__realloc(void *ptr, size_t size);
void vmon__free(void *ptr);

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

/* A file of a /proc directory, opened once and re-read with pread() at 0.
 * When it cannot be opened for want of permission the open is retried after
 * a back-off (1, 2, 4 ... 64 samples), never on every sample. */
struct vmon__file {
	int fd;			/* -1 when not open */
	int retry_gen;		/* generation at which to try opening again */
	int backoff;		/* samples to wait after the next refusal */
};

void vmon__file_init(struct vmon__file *f);
/* May f be opened (or a link read) now, or is its back-off running? */
bool vmon__file_may_retry(const vmon_t *vmon, const struct vmon__file *f);
/* Permission refused: close f and start (or double) its back-off.
 * Returns -EACCES. */
int vmon__file_refused(vmon_t *vmon, struct vmon__file *f);
void vmon__file_close(struct vmon__file *f);

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

/* Map errno values of /proc reads to the few that mean something here. */
int vmon__errno_class(int err);

/* ---- parsing primitives (parse.c): pure functions of bytes ---- */

/* Parse a decimal number at *p (optional '-' for signed), stopping at end or
 * the first byte that is not a digit.  0 on success with *p past it;
 * -EINVAL for no digits, a '-' on an unsigned value, or overflow. */
int vmon__parse_ull(const char **p, const char *end, unsigned long long *out);
int vmon__parse_ll(const char **p, const char *end, long long *out);

/* Store value v in the scalar field f of store, setting its changed bit if
 * it differs and clearing its unavailable bit. */
void vmon__field_set_ull(const vmon_field_t *f, void *store, char *changed,
			 char *unavailable, unsigned long long v);
void vmon__field_set_ll(const vmon_field_t *f, void *store, char *changed,
			char *unavailable, long long v);

/* Parse token [tok, end) as the number type of field f and store it; an
 * invalid token marks the field unavailable.  0 or -EINVAL. */
int vmon__field_parse(const vmon_field_t *f, void *store, char *changed,
		      char *unavailable, const char *tok, const char *end);

/* Replace the bytes of a char array by [src, src + len) (NUL-terminated),
 * setting changed bit sym if they differ.  0 or -ENOMEM (unchanged then). */
int vmon__chars_set(vmon_char_array_t *ca, const char *src, size_t len,
		    char *changed, int sym);
void vmon__chars_free(vmon_char_array_t *ca);

/* Any of the first nr bits set; set the first nr bits. */
bool vmon__bits_any(const char *bits, int nr);
void vmon__bits_fill(char *bits, int nr);

/* The next blank-separated token at *p before end or a newline: its start
 * (NULL when there is none) and *tok_end; *p moves past it. */
const char *vmon__next_token(const char **p, const char *end, const char **tok_end);

/* Parse the blank-separated tokens at p as fields first .. first + nr - 1
 * of info; fields without a token are marked unavailable. */
void vmon__parse_columns(const vmon_store_info_t *info, int first, int nr,
			 void *store, char *changed, char *unavailable,
			 const char *p, const char *end);

/* Parse "Key: value [kB]" lines by key against the fields' sources: order
 * never matters, unknown keys are skipped, missing keys leave their field
 * unavailable.  Used for meminfo and io. */
void vmon__parse_keyed(const vmon_store_info_t *info, void *store,
		       char *changed, char *unavailable,
		       const char *buf, size_t len);

/* ---- the parsers of each store (pure; fed by the samplers, the tests and
 * the fuzzers) ---- */
int vmon__parse_sys_stat(vmon_sys_stat_t *st, const char *buf, size_t len);
int vmon__parse_sys_vm(vmon_sys_vm_t *vm, const char *buf, size_t len);
int vmon__parse_proc_stat(vmon_proc_stat_t *st, const char *buf, size_t len);
int vmon__parse_proc_vm(vmon_proc_vm_t *vm, const char *buf, size_t len);
int vmon__parse_proc_io(vmon_proc_io_t *io, const char *buf, size_t len);
/* Set cmdline, argc and argv from raw bytes; 0 or -ENOMEM. */
int vmon__parse_cmdline(vmon_proc_stat_t *st, const char *buf, size_t len);
void vmon__proc_stat_free(vmon_proc_stat_t *st);
/* Parse a whitespace-separated pid list (children files), calling fn for
 * each pid; stops early when fn returns non-zero and returns that. */
int vmon__parse_pids(const char *buf, size_t len,
		     int (*fn)(void *ctx, int pid), void *ctx);

/* ---- reflection tables (fields.c) ---- */
extern const vmon_store_info_t vmon__sys_stat_info, vmon__sys_vm_info,
	vmon__sys_cpu_info, vmon__proc_stat_info, vmon__proc_vm_info,
	vmon__proc_io_info, vmon__proc_files_info;

/* ---- samplers: one per want, one per file (sample_*.c, follow_*.c) ---- */

/* What a sampler's sample() found. */
enum vmon__outcome {
	VMON__UNCHANGED = 0,
	VMON__CHANGED,
	VMON__GONE,		/* the process or thread no longer exists */
	VMON__NOMEM,		/* out of memory: the store keeps what it had */
};

struct vmon__sys_sampler {
	size_t state_size;	/* the store's allocation; the public store first */
	void (*init)(void *state);
	enum vmon__outcome (*sample)(vmon_t *vmon, void *state);
	void (*close)(vmon_t *vmon, void *state);
};

struct vmon__proc_sampler {
	size_t state_size;
	void (*init)(void *state);
	enum vmon__outcome (*sample)(vmon_t *vmon, vmon_proc_t *proc, void *state);
	void (*close)(vmon_t *vmon, vmon_proc_t *proc, void *state);
};

#define vmon_want(_sym, _name, _func) extern const struct vmon__sys_sampler _func;
#include "vmon/defs/sys_wants.def"
#define vmon_want(_sym, _name, _func) extern const struct vmon__proc_sampler _func;
#include "vmon/defs/proc_wants.def"

/* the samplers by store index (node_sample.c) */
extern const struct vmon__sys_sampler *const vmon__sys_samplers[VMON_STORE_SYS_NR];
extern const struct vmon__proc_sampler *const vmon__proc_samplers[VMON_STORE_PROC_NR];

/* A store filled from one file the kernel generates whole. */
struct vmon__file_store {
	struct vmon__file file;
	bool sampled;		/* false until its first successful sample */
};

/* Read name (relative to dirfd) and parse it into store, described by
 * info: on the store's first sample every field is marked changed; when the
 * file cannot be read every field is marked unavailable and *unavailable
 * set; -ESRCH is VMON__GONE. */
enum vmon__outcome vmon__sample_file(vmon_t *vmon, int dirfd, const char *name,
				     struct vmon__file_store *fs,
				     const vmon_store_info_t *info, void *store,
				     int (*parse)(void *store, const char *buf, size_t len),
				     bool *unavailable);

/* ---- nodes (proc_tree.c) ---- */

/* The library's side of a vmon_proc_t. */
struct vmon__node {
	vmon_proc_t proc;	/* first: a vmon_proc_t * is a struct vmon__node * */
	int dirfd;		/* /proc/PID or /proc/PID/task/TID (O_PATH) */
	int tgid;		/* the process's pid (threads: their process's) */
	int seen;		/* generation its holder last saw it in /proc */
	unsigned held_by_follow:1;	/* a followed child or thread */
	unsigned held_by_all:1;	/* held by VMON_FLAG_PROC_ALL */
	unsigned in_hash:1;
	unsigned doomed:1;	/* released during vmon_sample(): freed at its end */
	int flags_gen;		/* generation children/threads_changed were set in */
	int visited_gen;	/* generation of its last visit by the array pass */
	vmon_proc_wants_t stores_mask;	/* stores allocated */
	list_head_t stale_node;	/* on internal->stale or ->doomed */
	struct vmon__node *move_to;	/* pending adoption by this parent */
	list_head_t move_node;	/* on internal->moves */
	/* the tasks of /proc/PID/task, read at most once per sample for the
	 * follow samplers */
	int task_fd;
	int *tids;
	size_t tids_alloc;
	int tids_nr;
	int tids_gen;
};

static inline struct vmon__node *vmon__node(vmon_proc_t *proc)
{
	return (struct vmon__node *)proc;
}

/* Private state of an instance. */
struct vmon_internal {
	int proc_fd;			/* dirfd(vmon->proc_dir) */
	long page_size;
	bool in_sample;			/* inside vmon_sample() */
	bool top_pending;		/* processes_changed for the next sample */
	int error;			/* first -errno of this sample (ENOMEM) */
	struct vmon__pidhash {
		list_head_t *buckets;
		size_t nbuckets;
		size_t count;
	} procs, threads;
	list_head_t stale;		/* library-held nodes staled this sample */
	list_head_t doomed;		/* nodes released during this sample */
	list_head_t moves;		/* adoptions to apply at the end of it */
	int *array_free;		/* free slots of vmon->array (a stack) */
	size_t array_free_alloc;
	int array_free_nr;
	struct vmon__buf buf;		/* scratch for reads */
	struct vmon__buf link;		/* scratch for readlink */
	int *ids;			/* scratch for directory listings */
	size_t ids_alloc;
	struct vmon__fobj_hash {
		list_head_t *buckets;
		size_t nbuckets;
		size_t count;
	} fobjects;			/* vmon_fobject_t by (type, key) */
	int *sorted;			/* scratch for sorted id lists */
	size_t sorted_alloc;
};

/* Create a node for pid (a thread of process tgid when is_thread) and open
 * its /proc directory.  NULL with errno: ESRCH (no such process), ENOMEM,
 * EMFILE... */
struct vmon__node *vmon__node_new(vmon_t *vmon, int pid, int tgid, bool is_thread);

/* Who holds a node attached to the tree. */
enum vmon__hold {
	VMON__HOLD_CALLER,	/* vmon_proc_monitor() */
	VMON__HOLD_FOLLOW,	/* a followed child or thread */
	VMON__HOLD_ALL,		/* VMON_FLAG_PROC_ALL */
};

/* Link a new node into the tree: under parent (followed child or thread) or
 * at the top level, into the hash and the array, with one reference for
 * hold; fires proc_ctor_cb.  0 or -ENOMEM (the node is freed then). */
int vmon__node_attach(vmon_t *vmon, struct vmon__node *node,
		      struct vmon__node *parent, enum vmon__hold hold);

/* Set parent's children_changed (threads_changed), or processes_changed
 * when parent is NULL. */
void vmon__note_children_changed(vmon_t *vmon, vmon_proc_t *parent, bool threads);

/* Free every node (vmon_destroy()). */
void vmon__node_free_all(vmon_t *vmon);

/* Mark a node gone: is_stale, out of the hash, the parent's *_changed or
 * processes_changed set; its followed children and threads go with it.
 * Library-held nodes are freed at the next sample. */
void vmon__node_stale(vmon_t *vmon, struct vmon__node *node);

/* Drop one reference; the last frees (or, inside vmon_sample(), dooms) the
 * node. */
void vmon__node_unref(vmon_t *vmon, struct vmon__node *node);

/* Free nodes staled in the previous sample that only the library held. */
void vmon__tree_reap(vmon_t *vmon);
/* Apply pending adoptions, free doomed nodes, make orphans top-level. */
void vmon__tree_settle(vmon_t *vmon);

/* Queue node to move under parent at the end of this sample. */
void vmon__node_adopt(vmon_t *vmon, struct vmon__node *node, struct vmon__node *parent);

/* Run the wanted samplers of one node. */
void vmon__node_sample(vmon_t *vmon, struct vmon__node *node);

/* The wants in force at a node. */
vmon_proc_wants_t vmon__node_wants(const vmon_t *vmon, const vmon_proc_t *proc);

/* The tids of a process's task directory, read at most once per sample.
 * Returns the count (tids in node->tids) or -errno. */
int vmon__node_tasks(vmon_t *vmon, struct vmon__node *node);

/* ---- the pid hash (pidhash.c): O(1) amortised, grows by doubling ---- */
int vmon__pidhash_init(struct vmon__pidhash *h);
void vmon__pidhash_destroy(struct vmon__pidhash *h);
int vmon__pidhash_add(struct vmon__pidhash *h, vmon_proc_t *proc);
void vmon__pidhash_del(struct vmon__pidhash *h, vmon_proc_t *proc);
vmon_proc_t *vmon__pidhash_find(const struct vmon__pidhash *h, int pid);

/* ---- shared file objects (fobject.c) ---- */

/* Take a reference on the object a descriptor's link target names (pipe,
 * socket, anon inode), creating it (fobject_ctor_cb) on first use.  NULL
 * for other targets, or on ENOMEM (errno says which). */
vmon_fobject_t *vmon__fobject_get(vmon_t *vmon, const char *target, size_t len);
/* Drop a reference; the last frees it after fobject_dtor_cb. */
void vmon__fobject_put(vmon_t *vmon, vmon_fobject_t *obj);
void vmon__fobject_table_destroy(vmon_t *vmon);

/* ---- VMON_FLAG_PROC_ARRAY (proc_array.c) ---- */
int vmon__array_add(vmon_t *vmon, vmon_proc_t *proc);
void vmon__array_del(vmon_t *vmon, vmon_proc_t *proc);
void vmon__array_destroy(vmon_t *vmon);

/* ---- VMON_FLAG_PROC_ALL (proc_all.c) ---- */
int vmon__proc_all_scan(vmon_t *vmon);

/* ---- sampling orders (sample_order.c) ---- */
void vmon__sample_procs(vmon_t *vmon);

/* Record the first error of a sample (-ENOMEM). */
static inline void vmon__sample_error(vmon_t *vmon, int err)
{
	if (!vmon->internal->error)
		vmon->internal->error = err;
}

#endif
