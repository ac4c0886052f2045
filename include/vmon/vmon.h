/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vmon.h - libvmon, a lightweight Linux system and process monitoring
 * library.
 *
 * The caller says what it wants with bit masks (system-wide wants and
 * per-process wants), monitors one process (optionally following its
 * children and threads as a live tree) or every process, and calls
 * vmon_sample() periodically.  Each want has a store: a struct of parsed
 * values of one /proc source plus a `changed` bitmap of the fields that
 * changed in the last sample and an `unavailable` bitmap of the fields the
 * last sample could not read.  Descriptors are opened once and re-read with
 * pread() at offset 0.  Processes appear with is_new set and leave in two
 * phases (is_stale for one sample, then freed).
 *
 * The full reference is the libvmon(3) manual page.  This header is
 * source-compatible with the original libvmon header: every name of it is
 * kept.
 *
 * Thread safety: one vmon_t must be used by one thread at a time; separate
 * instances are independent.
 */
#ifndef _VMON_H
#define _VMON_H

#include <sys/types.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>	/* vmon_dump_procs() */
#include <string.h>

#include "bitmap.h"
#include "list.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMON_VERSION_MAJOR 0
#define VMON_VERSION_MINOR 1
#define VMON_VERSION_PATCH 0

/* Kept for source compatibility with the original header; the library no
 * longer uses them: its pid hash and its process array grow by doubling. */
#define VMON_HTAB_SIZE 1024
#define VMON_ARRAY_GROWBY 5

typedef enum _vmon_flags_t {
	VMON_FLAG_NONE = 0,
#define vmon_flag(_sym, _bit, _desc) VMON_FLAG_ ## _sym = 1L << (_bit),
#include "defs/flags.def"
} vmon_flags_t;

/* store ids (indices into stores[]) and want bits, from the want tables */
typedef enum _vmon_sys_store_t {
#define vmon_want(_sym, _name, _func) VMON_STORE_ ## _sym,
#include "defs/sys_wants.def"
	VMON_STORE_SYS_NR
} vmon_sys_store_t;

typedef enum _vmon_sys_wants_t {
	VMON_WANT_SYS_NONE = 0,
#define vmon_want(_sym, _name, _func) VMON_WANT_ ## _sym = 1L << VMON_STORE_ ## _sym,
#include "defs/sys_wants.def"
} vmon_sys_wants_t;

typedef enum _vmon_proc_store_t {
#define vmon_want(_sym, _name, _func) VMON_STORE_ ## _sym,
#include "defs/proc_wants.def"
	VMON_STORE_PROC_NR
} vmon_proc_store_t;

typedef enum _vmon_proc_wants_t {
	VMON_WANT_PROC_INHERIT = 0,
#define vmon_want(_sym, _name, _func) VMON_WANT_ ## _sym = 1L << VMON_STORE_ ## _sym,
#include "defs/proc_wants.def"
} vmon_proc_wants_t;

/* a byte string read from /proc: array holds len bytes plus a NUL after
 * them (so it can be printed), alloc_len is the allocation's size */
typedef struct _vmon_char_array_t {
	char *array;
	size_t len;
	size_t alloc_len;
} vmon_char_array_t;

typedef struct _vmon_str_array_t {
	char **array;
	size_t len;
	size_t alloc_len;
} vmon_str_array_t;

/* Each store's struct begins with these two bitmaps, indexed by its field
 * symbols: changed (the field's value differs from the previous sample; all
 * set on a store's first sample) and unavailable (the last sample could not
 * read the field: the file could not be opened (EACCES, EPERM), the kernel
 * does not print it, or it does not exist for this task, such as exe for a
 * kernel thread).  An unavailable field keeps its last value (0 if it never
 * had one). */
#define VMON_STORE_BITMAPS(_nr) \
	char changed[BITNSLOTS(_nr)]; \
	char unavailable[BITNSLOTS(_nr)];

/* one CPU's row of /proc/stat */
typedef enum _vmon_sys_cpu_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_cpu.def"
	VMON_SYS_CPU_NR
} vmon_sys_cpu_sym_t;

typedef struct _vmon_sys_cpu_t {
	VMON_STORE_BITMAPS(VMON_SYS_CPU_NR)
	int online;	/* the CPU's row was in the last sample */
#define VMON_DECLARE_MEMBERS
#include "defs/sys_cpu.def"
} vmon_sys_cpu_t;

/* VMON_WANT_SYS_STAT: /proc/stat */
typedef enum _vmon_sys_stat_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_stat.def"
	VMON_SYS_STAT_NR
} vmon_sys_stat_sym_t;

typedef struct _vmon_sys_stat_t {
	VMON_STORE_BITMAPS(VMON_SYS_STAT_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_stat.def"
	/* per-CPU rows indexed by CPU id: cpus_nr is one more than the highest
	 * id seen; ids without a row in the last sample (offline, hot-unplugged)
	 * have online == 0 and keep their last values */
	int cpus_nr;
	vmon_sys_cpu_t *cpus;
} vmon_sys_stat_t;

/* VMON_WANT_SYS_VM: /proc/meminfo */
typedef enum _vmon_sys_vm_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_vm.def"
	VMON_SYS_VM_NR
} vmon_sys_vm_sym_t;

typedef struct _vmon_sys_vm_t {
	VMON_STORE_BITMAPS(VMON_SYS_VM_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_vm.def"
} vmon_sys_vm_t;

/* VMON_WANT_PROC_STAT: /proc/PID/{stat,cmdline,exe,wchan} */
typedef enum _vmon_proc_stat_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_stat.def"
	VMON_PROC_STAT_NR
} vmon_proc_stat_sym_t;

typedef struct _vmon_proc_stat_t {
	VMON_STORE_BITMAPS(VMON_PROC_STAT_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_stat.def"
} vmon_proc_stat_t;

/* VMON_WANT_PROC_VM: /proc/PID/statm */
typedef enum _vmon_proc_vm_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_vm.def"
	VMON_PROC_VM_NR
} vmon_proc_vm_sym_t;

typedef struct _vmon_proc_vm_t {
	VMON_STORE_BITMAPS(VMON_PROC_VM_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_vm.def"
} vmon_proc_vm_t;

/* VMON_WANT_PROC_IO: /proc/PID/io */
typedef enum _vmon_proc_io_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_io.def"
	VMON_PROC_IO_NR
} vmon_proc_io_sym_t;

typedef struct _vmon_proc_io_t {
	VMON_STORE_BITMAPS(VMON_PROC_IO_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_io.def"
} vmon_proc_io_t;

/* VMON_WANT_PROC_FOLLOW_CHILDREN: the children of every task of the process
 * (/proc/PID/task/TID/children), kept as nodes on vmon_proc_t.children */
typedef struct _vmon_proc_follow_children_t {
	int children_nr;	/* followed children, stale ones included */
} vmon_proc_follow_children_t;

/* VMON_WANT_PROC_FOLLOW_THREADS: the tasks of /proc/PID/task, kept as nodes
 * on vmon_proc_t.threads (the main thread, tid == pid, is one of them) */
typedef struct _vmon_proc_follow_threads_t {
	int threads_nr;		/* followed threads, stale ones included */
} vmon_proc_follow_threads_t;

/* VMON_WANT_PROC_FILES: /proc/PID/fd */
typedef enum _vmon_proc_files_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_files.def"
	VMON_PROC_FILES_NR
} vmon_proc_files_sym_t;

typedef enum _vmon_fobject_type_t {
	VMON_FOBJECT_TYPE_UNRECOGNIZED = 0,
	VMON_FOBJECT_TYPE_PIPE,		/* pipe:[INODE] */
	VMON_FOBJECT_TYPE_SOCKET,	/* socket:[INODE] */
	VMON_FOBJECT_TYPE_ANON,		/* anon_inode:NAME (one per name) */
	VMON_FOBJECT_TYPE_NR
} vmon_fobject_type_t;

/* a kernel object held open by one or more monitored processes */
typedef struct _vmon_fobject_t {
	list_head_t bucket;	/* node on vmon_t.fobjects */
	uint64_t inum;		/* inode number (0 for anon inodes) */
	list_head_t ref_fds;	/* every vmon_proc_fd_t holding it (their ref_fds member) */
	int refcnt;		/* number of holders */
	vmon_fobject_type_t type;
	vmon_char_array_t name;	/* the link target naming it, e.g. "pipe:[1234]" */
	void *foo;		/* the caller's; never touched by the library */
} vmon_fobject_t;

struct _vmon_proc_t;

typedef struct _vmon_proc_fd_t {
	list_head_t fds;	/* node on vmon_proc_files_t.fds, in fd order */
	int generation;		/* vmon_t.generation when last seen */
	struct _vmon_proc_t *process;	/* the process holding it */
	list_head_t ref_fds;	/* node on object->ref_fds */
	vmon_fobject_t *object;	/* shared object, or NULL for regular files */
	unsigned is_new:1;	/* appeared in the last sample */
	unsigned is_changed:1;	/* now points at another object than before */
#define VMON_DECLARE_MEMBERS
#include "defs/proc_files.def"
} vmon_proc_fd_t;

typedef struct _vmon_proc_files_t {
	int refcnt;		/* nodes sharing it (a process and its threads) */
	list_head_t fds;	/* vmon_proc_fd_t, in fd order */
	int fds_nr;		/* entries on fds */
	int changed;		/* fds appeared, went or changed in the last sample */
} vmon_proc_files_t;

struct _vmon_t;

/* a per-node sample callback installed by vmon_proc_monitor() */
typedef struct _vmon_proc_callback_t {
	void (*func)(struct _vmon_t *, void *, struct _vmon_proc_t *, void *);
	void *arg;
	list_head_t callbacks;
} vmon_proc_callback_t;

/* A monitored process or thread.  Every member is read-only to the caller
 * except foo. */
typedef struct _vmon_proc_t {
	list_head_t bucket;	/* private */
	list_head_t children;	/* followed children (their siblings member) */
	list_head_t siblings;	/* node on the parent's children or on vmon_t.processes */
	list_head_t threads;	/* processes: head of the followed threads; threads: node on it */
	struct _vmon_proc_t *parent;	/* parent node, NULL at top level */
	int array_hint_pos;	/* index in vmon_t.array (VMON_FLAG_PROC_ARRAY) */
	int pid;		/* pid, or tid for a thread */
	int generation;		/* vmon_t.generation of the node's last sample */
	int refcnt;		/* references: each vmon_proc_monitor(), plus one
				 * while followed or held by VMON_FLAG_PROC_ALL */
	vmon_proc_wants_t wants;	/* 0: the instance's proc_wants */
	vmon_proc_wants_t activity;	/* stores that changed in the last sample */
	void *stores[VMON_STORE_PROC_NR];	/* per want, NULL until first sampled */
	list_head_t sample_callbacks;
	void *foo;		/* the caller's; never touched by the library */
	unsigned children_changed:1;	/* a child became new or stale in the last sample */
	unsigned threads_changed:1;	/* a thread became new or stale in the last sample */
	unsigned is_new:1;	/* first sampled in the last sample */
	unsigned is_stale:1;	/* gone: freed at the next sample (or, when the
				 * caller still holds it, at its last unmonitor) */
	unsigned is_thread:1;	/* a thread node, on its process's threads list */
	unsigned is_threaded:1;	/* has or had followed threads */
	vmon_proc_wants_t unavailable;	/* stores with unavailable fields */
} vmon_proc_t;

struct vmon_internal;

typedef struct _vmon_t {
	DIR *proc_dir;		/* the proc root, opened by vmon_init() */

	/* VMON_FLAG_PROC_ARRAY: every monitored node at array[0 ..
	 * array_allocated_nr - 1]; NULL entries are free slots */
	vmon_proc_t **array;
	int array_allocated_nr;
	int array_active_nr;	/* non-NULL entries (stale nodes included) */
	int array_hint_free;	/* a free slot, or -1 */

	list_head_t processes;	/* top-level nodes (their siblings member) */
	list_head_t orphans;	/* private: nodes becoming top-level this sample */
	unsigned processes_changed:1;	/* a top-level node became new or stale */

	list_head_t fobjects;	/* every vmon_fobject_t, linked by their bucket member */
	int fobjects_nr;

	vmon_flags_t flags;
	vmon_sys_wants_t sys_wants;
	vmon_proc_wants_t proc_wants;	/* default per-process wants */
	long ticks_per_sec;	/* sysconf(_SC_CLK_TCK) */
	long num_cpus;		/* sysconf(_SC_NPROCESSORS_ONLN) at init */

	vmon_sys_wants_t activity;	/* sys stores that changed in the last sample */
	void *stores[VMON_STORE_SYS_NR];
	void (*sample_cb)(struct _vmon_t *, void *);	/* after the sys samplers */
	void *sample_cb_arg;	/* also the second argument of per-node callbacks */
	int generation;		/* incremented by every vmon_sample() */

	void (*proc_ctor_cb)(struct _vmon_t *, vmon_proc_t *);
	void (*proc_dtor_cb)(struct _vmon_t *, vmon_proc_t *);
	void (*fobject_ctor_cb)(struct _vmon_t *, vmon_fobject_t *);
	void (*fobject_dtor_cb)(struct _vmon_t *, vmon_fobject_t *);

	vmon_sys_wants_t unavailable;	/* sys stores with unavailable fields */
	struct vmon_internal *internal;	/* private */
} vmon_t;

/* Every function returning int returns 1 on success and 0 on failure with
 * errno set; pointer functions return NULL with errno set. */

/* Open /proc, set the wants and flags.  EINVAL: VMON_FLAG_PROC_ALL with
 * VMON_WANT_PROC_FOLLOW_CHILDREN, or unknown bits.  The caller's callback
 * members (sample_cb, proc_ctor_cb, ...) may be set after it returns. */
int vmon_init(vmon_t *, vmon_flags_t, vmon_sys_wants_t, vmon_proc_wants_t);

/* Extension: as vmon_init(), reading proc_root instead of /proc (a procfs
 * mounted elsewhere, or a fixture tree of plain files for tests).  ENOENT
 * or ENOTDIR when proc_root is not a directory. */
int vmon_init_root(vmon_t *, const char *proc_root, vmon_flags_t,
		   vmon_sys_wants_t, vmon_proc_wants_t);

/* Unmonitor everything (proc_dtor_cb and fobject_dtor_cb fire), free every
 * allocation, close every descriptor.  The vmon_t may be initialised again. */
void vmon_destroy(vmon_t *);

/* Monitor pid at the top level, or take another reference on its node if it
 * is already monitored (refcnt + 1).  sample_cb, when not NULL, is installed
 * once per (sample_cb, arg) pair and called after the node (and, in the
 * default order, its subtree) is sampled.  wants 0 inherits the instance's
 * proc_wants.  ESRCH: no such process; EINVAL: following children under
 * VMON_FLAG_PROC_ALL; ENOMEM. */
vmon_proc_t *vmon_proc_monitor(vmon_t *, int pid, vmon_proc_wants_t,
			       void (*sample_cb)(vmon_t *, void *, vmon_proc_t *, void *),
			       void *arg);

/* Drop one reference and the (sample_cb, arg) callback if installed.  The
 * last reference frees the node, its followed threads and those followed
 * children nobody else holds (proc_dtor_cb fires for each); children still
 * held become top-level. */
void vmon_proc_unmonitor(vmon_t *, vmon_proc_t *,
			 void (*sample_cb)(vmon_t *, void *, vmon_proc_t *, void *),
			 void *arg);

/* Take one sample of everything wanted.  A process exiting, a file the
 * caller may not read or a kernel thread without exe are ordinary events
 * (stale nodes, unavailable fields): only ENOMEM and the loss of the proc
 * root itself fail the call, after sampling what it could. */
int vmon_sample(vmon_t *);

/* Print the monitored tree, one node per line, in the format described in
 * libvmon(3). */
void vmon_dump_procs(vmon_t *vmon, FILE *out);

/*
 * Field reflection (extension): the same .def rows that declare the stores
 * describe them at run time, so a tool can print or export any store
 * without code per field.
 */
typedef enum vmon_field_type {
	VMON_FIELD_ULL,		/* unsigned long long */
	VMON_FIELD_LL,		/* long long */
	VMON_FIELD_INT,		/* int */
	VMON_FIELD_CHAR,	/* char */
	VMON_FIELD_STR,		/* vmon_char_array_t */
	VMON_FIELD_ARGV,	/* char **, NULL-terminated */
} vmon_field_type_t;

typedef struct vmon_field {
	const char *name;	/* member name, e.g. "utime" */
	const char *label;	/* short human label, e.g. "UTime" */
	const char *desc;	/* one-sentence description */
	const char *source;	/* proc(5) field number, file key or file name */
	vmon_field_type_t type;
	size_t offset;		/* offsetof the member in the store struct */
	int sym;		/* its VMON_<STORE>_<FIELD> symbol */
} vmon_field_t;

typedef struct vmon_store_info {
	const char *name;	/* "proc_stat", ... (the want's name) */
	const char *source;	/* the /proc file(s) it reads */
	size_t size;		/* sizeof the store struct */
	int fields_nr;		/* rows in fields[], the store's _NR */
	const vmon_field_t *fields;	/* indexed by symbol */
	int bitmaps;		/* the struct begins with changed[] and unavailable[] */
} vmon_store_info_t;

/* Describe a store; NULL with EINVAL for an unknown store.  Stores without
 * fields (following children and threads) have fields_nr 0; the files
 * store's fields describe vmon_proc_fd_t. */
const vmon_store_info_t *vmon_proc_store_info(vmon_proc_store_t);
const vmon_store_info_t *vmon_sys_store_info(vmon_sys_store_t);
/* Describe vmon_sys_cpu_t, the per-CPU rows of the SYS_STAT store. */
const vmon_store_info_t *vmon_sys_cpu_info(void);

/* Is field sym of store marked changed (unavailable) in its bitmap? */
int vmon_field_changed(const vmon_store_info_t *, const void *store, int sym);
int vmon_field_unavailable(const vmon_store_info_t *, const void *store, int sym);

/* Format field sym of store into buf (always NUL-terminated when size > 0):
 * numbers in decimal, a char as itself, strings as their bytes with
 * control and non-ASCII bytes escaped as \xHH, argv as its arguments
 * separated by spaces.  Returns the length it needed, as snprintf(). */
int vmon_field_format(const vmon_store_info_t *, const void *store, int sym,
		      char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
