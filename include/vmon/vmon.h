/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
 * The full reference is the libvmon(3) manual page.  This header is a
 * drop-in for the original libvmon's: every name of its vmon.h, list.h,
 * bitmap.h and .def tables is here with the same spelling, type and
 * meaning, and it is also installed as <libvmon/vmon.h>, the path its
 * programs include.  What differs on purpose (defects fixed, kernels
 * changed) is listed in docs/compat.md of the source tree.
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

/* The flags of vmon_init() (defs/flags.def).  The order of sampling and
 * callbacks: by default depth first, each node's callbacks after its
 * subtree; VMON_FLAG_2PASS runs every sampler first, then every callback
 * leaves first; VMON_FLAG_PROC_ARRAY runs flat over the array, each node's
 * callbacks after its samplers; both together run every sampler over the
 * array first, then every callback in array order (a node a callback
 * makes is sampled, then called back, in the same sample). */
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

/* the stores, one struct per want, from the .def tables */
#include "stores.h"

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
	VMON_FOBJECT_TYPE_ANON,		/* anon_inode:NAME: one open file of an
					 * anonymous inode (an eventfd, an epoll
					 * instance...), see match */
	VMON_FOBJECT_TYPE_NR
} vmon_fobject_type_t;

/* How an object's holders are known to hold the same object.  The NAME of
 * anon_inode:NAME names a kind, and the files of most kinds share one
 * inode, so an anon object is one open file description (held by the
 * descriptors inherited, dup()ed or passed from one another), told apart
 * by what this says: */
typedef enum _vmon_fobject_match_t {
	VMON_FOBJECT_MATCH_INODE = 0,	/* pipes, sockets: the inode in the target */
	VMON_FOBJECT_MATCH_FDINFO,	/* an identity in fdinfo: an eventfd's
					 * eventfd-id (anon_id) */
	VMON_FOBJECT_MATCH_KCMP,	/* kcmp(2) KCMP_FILE between the holders
					 * (other anon inodes, where permitted) */
	VMON_FOBJECT_MATCH_NONE,	/* not comparable (kcmp(2) refused or
					 * missing): one holder, never shared,
					 * though another object of the same
					 * name may be the same open file */
} vmon_fobject_match_t;

/* a kernel object held open by one or more monitored processes */
typedef struct _vmon_fobject_t {
	list_head_t bucket;	/* node on vmon_t.fobjects */
	uint64_t inum;		/* inode number (0 for anon inodes) */
	list_head_t ref_fds;	/* every vmon_proc_fd_t holding it (their ref_fds member) */
	int refcnt;		/* number of holders */
	vmon_fobject_type_t type;
	vmon_char_array_t name;	/* the link target naming it, e.g. "pipe:[1234]";
				 * "anon_inode:[eventfd]" names only the kind:
				 * several anon objects have the same name */
	void *foo;		/* the caller's; never touched by the library */
	/* VMON_WANT_SYS_SOCKETS, sockets only: the socket's row in the sockets
	 * store, NULL when its tables do not list it (another network
	 * namespace, a family other than TCP, UDP and UNIX, or created after
	 * the tables were read: joined at the next sample); valid until the
	 * next vmon_sample() */
	const vmon_socket_t *socket;
	vmon_fobject_match_t match;	/* how its holders were matched */
	uint64_t anon_id;	/* VMON_FOBJECT_MATCH_FDINFO: the eventfd-id; else 0 */
} vmon_fobject_t;

/* what a descriptor refers to (vmon_proc_fd_t.kind): pipes, sockets and
 * anon inodes by their link target, the rest by the mode of fstat() */
typedef enum _vmon_fd_kind_t {
	VMON_FD_KIND_UNKNOWN = 0,	/* could not be stat'ed */
	VMON_FD_KIND_REGULAR,		/* a regular file */
	VMON_FD_KIND_DIRECTORY,
	VMON_FD_KIND_CHARDEV,		/* a character device (/dev/null, a tty) */
	VMON_FD_KIND_BLOCKDEV,
	VMON_FD_KIND_FIFO,		/* a named pipe (mkfifo) */
	VMON_FD_KIND_PIPE,		/* pipe:[INODE] */
	VMON_FD_KIND_SOCKET,		/* socket:[INODE] */
	VMON_FD_KIND_ANON,		/* anon_inode:NAME (eventfd, eventpoll...) */
	VMON_FD_KIND_OTHER,		/* anything else (a namespace: net:[INODE]...) */
	VMON_FD_KIND_NR
} vmon_fd_kind_t;

struct _vmon_proc_t;

typedef struct _vmon_proc_fd_t {
	list_head_t fds;	/* node on vmon_proc_files_t.fds, in fd order */
	int generation;		/* vmon_t.generation when last seen */
	struct _vmon_proc_t *process;	/* the process holding it */
	list_head_t ref_fds;	/* node on object->ref_fds */
	vmon_fobject_t *object;	/* shared object, or NULL for regular files */
	unsigned is_new:1;	/* appeared in the last sample */
	unsigned is_changed:1;	/* now points at another object than before */
	unsigned is_stale:1;	/* closed in the last sample: kept on the list
				 * for that sample with its last target, no
				 * longer holding its object, then freed */
#define VMON_DECLARE_MEMBERS
#include "defs/proc_files.def"
} vmon_proc_fd_t;

/* The store of a process; its threads share it (the thread nodes' stores
 * point at their process's, refcnt counting them). */
typedef struct _vmon_proc_files_t {
	int refcnt;		/* nodes sharing it (a process and its threads) */
	list_head_t fds;	/* vmon_proc_fd_t, in fd order */
	int fds_nr;		/* open descriptors on fds (is_stale ones not counted) */
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
	/* how the process ended and its final figures, once it has
	 * (VMON_FLAG_EVENTS, vmon_reap()): set by the sample in which it
	 * went stale, or earlier when the exit was learnt while it was a
	 * zombie; NULL while it runs, and for threads */
	const struct vmon_exit *exit;
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
 * is already monitored (refcnt + 1; the node's wants become `wants`, as in
 * the original).  sample_cb, when not NULL, is installed once per
 * (sample_cb, arg) pair and node, whichever call installs it (proc_ctor_cb
 * may monitor the node being made with the same pair), and called after
 * the node (and, in the default order, its subtree) is sampled.  wants 0 inherits the instance's
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

/* Extension: vmon_dump_procs() with more detail, by flags:
 * VMON_DUMP_FILES prints each process's descriptors under its line and,
 * after the tree, every shared object with its holders (libvmon(3), DUMP
 * FORMAT).  flags 0 prints what vmon_dump_procs() prints. */
#define VMON_DUMP_FILES 0x1u
void vmon_dump_procs_ex(vmon_t *vmon, FILE *out, unsigned flags);

/*
 * Open files and sockets (extensions; VMON_WANT_PROC_FILES and
 * VMON_WANT_SYS_SOCKETS).
 */

/* The shared object of type VMON_FOBJECT_TYPE_PIPE or _SOCKET with inode
 * inum (a UNIX socket's peer_inum, say), found in O(1); NULL with errno
 * ENOENT when no monitored process holds it, EINVAL for another type. */
vmon_fobject_t *vmon_fobject_find(vmon_t *, vmon_fobject_type_t type, uint64_t inum);

/* Short names: "file", "dir", "chr", "blk", "fifo", "pipe", "socket",
 * "anon", "other", "unknown"; and the state names ss(8) prints ("ESTAB",
 * "LISTEN", "UNCONN", "TIME-WAIT"...).  Never NULL. */
const char *vmon_fd_kind_name(vmon_fd_kind_t kind);
const char *vmon_socket_state_name(vmon_socket_state_t state);

/* Describe a socket as text into buf (NUL-terminated when size > 0), for
 * example "tcp 127.0.0.1:8080 -> 127.0.0.1:40312 ESTAB", "udp6 [::1]:53
 * -> [::]:* UNCONN" or "unix stream /run/x.sock ESTAB peer=1234".
 * Returns the length it needed, as snprintf(). */
int vmon_socket_format(const vmon_socket_t *, char *buf, size_t size);

/*
 * Cost controls and self-report (extensions).
 */

/* Cap the descriptors the instance holds open between samples.  What does
 * not fit is read by opening it for the sample and closing it again (through
 * the process's directory where that is held, else by path from the proc
 * root, the process's start time telling a reused pid apart), so every
 * figure stays right, only dearer.  The files read at every sample come first: when they do not all
 * fit, the processes' directory descriptors are let go (a process whose
 * files are held opens its directory only to open something new).
 * max < 0 restores the default, derived from RLIMIT_NOFILE at every
 * sample: the soft limit less an eighth of it, at least 32 and at most
 * 1,024 descriptors, left to the application.
 * 0 holds nothing but the proc root.  A budget that shrinks (this call, or
 * the application lowering its soft limit) is met by the next
 * vmon_sample() before it opens anything: what is held beyond it is closed
 * (directories first, then files) and read open-per-sample from then on.
 * Returns 1, or 0 with EINVAL. */
int vmon_set_fd_budget(vmon_t *, int max);

/* How often PROC_STAT's companions are read.  By default (every == 1, as
 * the original libvmon did) cmdline, argv, exe and wchan are read at every
 * sample: always current, with exact change bits, for 3 more system calls
 * per process.  The cheap refresh, every > 1, reads cmdline and exe on a
 * node's first sample and again whenever stat shows an exec (comm, start
 * of code or stack changed); cmdline alone every `every` samples for
 * processes that rewrite their own title; wchan every `every` samples (at
 * 32, PROC_ALL costs 10 to 20% more than reading stat, statm and io
 * alone at a thousand processes, less at more: bench/README.md).  0 never
 * refreshes (cmdline and exe then follow execs only, wchan is read once).
 * Returns 1, or 0 with EINVAL. */
typedef enum vmon_refresh {
	VMON_REFRESH_CMDLINE,	/* cmdline, argc, argv and exe */
	VMON_REFRESH_WCHAN,	/* wchan */
	VMON_REFRESH_NR
} vmon_refresh_t;
int vmon_set_refresh(vmon_t *, vmon_refresh_t, unsigned every);

/* What the last vmon_sample() cost the instance. */
typedef struct vmon_sample_cost {
	unsigned long long wall_ns;	/* wall-clock time of the call */
	unsigned long long cpu_ns;	/* CPU time of the calling thread in it */
	unsigned long reads;		/* pread, readlink, getdents and ioprio_get calls */
	unsigned long long bytes_read;	/* bytes they returned */
	unsigned long opens;		/* descriptors opened (openat) */
	int fds_held;			/* descriptors held open after it */
	int fd_budget;			/* the cap in force */
	int fallback_files;		/* files read open-per-sample for want of budget */
	int fallback_nodes;		/* nodes read by path, directory not held */
	int event_source;		/* the vmon_event_source_t in use */
	unsigned long events;		/* events applied by the sample */
	unsigned long events_lost;	/* events the source dropped since the last
					 * sample (a full socket buffer): the trees
					 * were sampled, what happened between is lost */
	int backend;			/* the vmon_backend_t that sampled (PROCFS
					 * or BPF) */
	int backend_error;		/* why BPF is not in use: the errno of its
					 * load (EPERM...), 0 when it is or was not
					 * asked for; vmon_backend_reason() says it */
	int backend_nodes;		/* process nodes whose stat, vm and io the
					 * BPF records filled (the others, /proc) */
	int event_capture;		/* 1: the event source takes an exec's
					 * arguments and an exit's CPU in the kernel
					 * (NETLINK's BPF capture loaded); 0: from
					 * /proc as the events come */
} vmon_sample_cost_t;

/* Copy the figures of the last sample into *cost.  Returns 1, or 0 with
 * EINVAL. */
int vmon_sample_cost(const vmon_t *, vmon_sample_cost_t *cost);

/*
 * Backends (extension): where the PROC_STAT, PROC_VM and PROC_IO stores
 * of process nodes come from.  PROCFS reads /proc/PID/stat, statm and io
 * of each process; BPF reads every process's figures in one pass of a BPF
 * task iterator (Linux 5.18 or later, CAP_BPF, CAP_PERFMON and
 * CAP_SYS_PTRACE), several times cheaper per process, with the same
 * values, change bits, lifecycle and callbacks.  Thread nodes, kernel
 * threads and the companions of PROC_STAT (cmdline, exe, wchan) are read
 * from /proc under either.  AUTO, the default, uses BPF under
 * VMON_FLAG_PROC_ALL when it loads (in vmon_init()), else PROCFS; the environment variable
 * VMON_BACKEND=procfs|bpf|auto, read by vmon_init(), overrides the default.
 * A BPF load that fails is not an error: the instance samples from /proc,
 * and vmon_backend_reason() and vmon_sample_cost() say why.
 */
typedef enum vmon_backend {
	VMON_BACKEND_AUTO = 0,	/* BPF under VMON_FLAG_PROC_ALL if it loads */
	VMON_BACKEND_PROCFS,	/* /proc only */
	VMON_BACKEND_BPF,	/* the task iterator, for every process node */
	VMON_BACKEND_NR
} vmon_backend_t;

/* Choose the backend.  BPF is loaded at once: 1, or 0 with errno (EPERM
 * without the capabilities, EOPNOTSUPP where the proc root is not the
 * caller's /proc, ENOSYS or EINVAL where the kernel lacks what it needs)
 * and the instance then samples from /proc.  PROCFS and AUTO never fail
 * (EINVAL for an unknown value). */
int vmon_set_backend(vmon_t *, vmon_backend_t backend);
/* The backend in force: PROCFS or BPF (AUTO for a followed tree until
 * its first sample decides). */
vmon_backend_t vmon_backend(const vmon_t *);
/* Why BPF is not in force ("bpf: Operation not permitted", "bpf: not
 * asked for"...), or NULL when it is.  Valid until the next call on the
 * instance. */
const char *vmon_backend_reason(const vmon_t *);
/* Short names: "auto", "procfs", "bpf". */
const char *vmon_backend_name(vmon_backend_t backend);

/*
 * Events and exit records (extensions): VMON_FLAG_EVENTS.
 *
 * Sampling sees what is there at each sample: a process born and gone
 * between two samples is never seen, and a sample cannot tell how a
 * process ended.  With VMON_FLAG_EVENTS the library also learns of every
 * fork, exec and exit in the followed trees (every process under
 * VMON_FLAG_PROC_ALL) from an event source, and applies them at each
 * vmon_sample(): a process born and gone between two samples becomes a
 * node all the same, new and stale in one sample (proc_ctor_cb fires, its
 * parent's children_changed is set, it is freed at the next sample), its
 * stores filled from the events; and every process that ends gets an exit
 * record, proc->exit.  A program written for the original library, which
 * does not set the flag, sees what it saw before.
 */
typedef enum vmon_event_source {
	VMON_EVENTS_NONE = 0,	/* sampling only */
	VMON_EVENTS_AUTO,	/* to ask for the best available: NETLINK
				 * where permitted, else WAIT */
	VMON_EVENTS_WAIT,	/* what the caller reaps through vmon_reap():
				 * its children (all its descendants when it is
				 * a child subreaper); always available */
	VMON_EVENTS_NETLINK,	/* the kernel's proc connector (fork, exec,
				 * exit with status) and taskstats (the final
				 * figures of every task): needs CAP_NET_ADMIN */
	VMON_EVENTS_PTRACE,	/* ptrace of the trees whose roots the caller
				 * monitors (and started): no privilege, but it
				 * costs every fork, exec and exit a stop, and a
				 * traced process cannot be debugged or ptraced
				 * by anything else (gdb, LeakSanitizer): opt-in */
	VMON_EVENTS_SOURCE_NR
} vmon_event_source_t;

/* Which source VMON_FLAG_EVENTS uses (the default is VMON_EVENTS_AUTO).
 * Returns 1, or 0 with errno: EPERM (NETLINK without CAP_NET_ADMIN),
 * ENOSYS (the kernel lacks it), EINVAL; the source in use is then
 * unchanged.  AUTO never fails. */
int vmon_set_event_source(vmon_t *, vmon_event_source_t source);
/* The source in use: VMON_EVENTS_NONE without VMON_FLAG_EVENTS. */
vmon_event_source_t vmon_event_source(const vmon_t *);
/* A descriptor that becomes readable when events wait, for a caller's
 * poll(); -1 for a source without one.  Reading events between samples
 * (vmon_events_read()) lets the library catch what a short-lived process
 * ran (its argv) while it still exists. */
int vmon_event_fd(const vmon_t *);
/* Read the events that wait, without applying them (vmon_sample() does):
 * the number read, or -1 with errno. */
int vmon_events_read(vmon_t *);
/* Short names: "none", "auto", "wait", "netlink", "ptrace". */
const char *vmon_event_source_name(vmon_event_source_t source);

/* How a process ended, and its final figures, which the source says
 * (known: VMON_EXIT_* bits).  CPU is the process's own, all its threads
 * included, not its reaped children's.  So is NETLINK's I/O (taskstats,
 * each task's rounded down to a KiB); PTRACE's and WAIT's (source) is
 * /proc/PID/io at the end, which also counts the I/O of the children the
 * process reaped (the kernel adds it to the parent's at the wait). */
typedef struct vmon_exit {
	unsigned known;			/* VMON_EXIT_* bits of what is set */
	vmon_event_source_t source;	/* who told */
	int status;			/* VMON_EXIT_STATUS: a wait status
					 * (WIFEXITED(), WEXITSTATUS(),
					 * WIFSIGNALED(), WTERMSIG(), WCOREDUMP()) */
	unsigned long long cpu_ns;	/* VMON_EXIT_CPU: user + system, exact */
	unsigned long long utime_us, stime_us;	/* VMON_EXIT_CPU_SPLIT: to
						 * the microsecond from taskstats,
						 * to a tick from /proc */
	unsigned long long peak_rss_kb;	/* VMON_EXIT_PEAK_RSS */
	unsigned long long rchar, wchar, read_bytes, write_bytes;	/* VMON_EXIT_IO */
	unsigned long long minflt, majflt;	/* VMON_EXIT_FAULTS */
	unsigned long long start;	/* VMON_EXIT_START: ticks after boot */
	unsigned long long end_ns;	/* VMON_EXIT_END: CLOCK_BOOTTIME of the exit */
	int ppid;			/* VMON_EXIT_PPID: parent when it ended */
} vmon_exit_t;

#define VMON_EXIT_STATUS	(1u << 0)
#define VMON_EXIT_CPU		(1u << 1)
#define VMON_EXIT_CPU_SPLIT	(1u << 2)
#define VMON_EXIT_PEAK_RSS	(1u << 3)
#define VMON_EXIT_IO		(1u << 4)
#define VMON_EXIT_FAULTS	(1u << 5)
#define VMON_EXIT_START		(1u << 6)
#define VMON_EXIT_END		(1u << 7)
#define VMON_EXIT_PPID		(1u << 8)

/* Reap a child of the caller, as waitpid(pid, status, options) would
 * (pid -1: any; options: WNOHANG, __WALL), first reading its final
 * figures from its zombie (waitid() with WNOWAIT) into its node, and
 * giving its node an exit record with the status: the WAIT source, which
 * works with any other.  Returns the pid reaped, 0 (WNOHANG, none ready)
 * or -1 with errno as waitpid(). */
int vmon_reap(vmon_t *, int pid, int *status, int options);

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
	VMON_FIELD_ULONG,	/* unsigned long */
	VMON_FIELD_STRZ,	/* vmon_char_array_t whose len counts a
				 * terminating NUL (comm): the value is the
				 * first len - 1 bytes */
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

/*
 * The 0.2 wants' functions (extensions).
 */

/* Describe vmon_sys_disk_t and vmon_sys_netif_t, the per-device rows of the
 * SYS_DISKSTATS and SYS_NET_DEV stores. */
const vmon_store_info_t *vmon_sys_disk_info(void);
const vmon_store_info_t *vmon_sys_netif_info(void);

/* Sample the stores of wants (any of PROC_STATUS, PROC_SMAPS_ROLLUP,
 * PROC_CGROUP, PROC_NS, PROC_OOM, PROC_SCHED, PROC_LIMITS, PROC_IOPRIO)
 * only every `every` samples of each node: a node's first sample reads
 * them, then every `every`th; in between the stores keep their values
 * with no changed bit.  0 or 1: every sample (the default).  Meant for
 * PROC_SMAPS_ROLLUP, whose read walks the target's page tables.  Returns
 * 1, or 0 with EINVAL for other want bits. */
int vmon_set_want_interval(vmon_t *, vmon_proc_wants_t wants, unsigned every);

/* The value of the /proc/vmstat key name in the last sample: 1 and *value,
 * or 0 when the kernel did not print it (errno ENOENT) or for a NULL
 * argument (EINVAL). */
int vmon_sys_vmstat_get(const vmon_sys_vmstat_t *, const char *name,
			unsigned long long *value);
/* The value of the /proc/meminfo key name (as printed before its ':',
 * "Zswap", "Active(anon)") in the last sample: 1 and *value (kB, or a
 * count for the HugePages_ keys), or 0 when the kernel did not print it
 * (errno ENOENT) or for a NULL argument (EINVAL).  Known keys are also
 * members of the store. */
int vmon_sys_vm_get(const vmon_sys_vm_t *, const char *name, unsigned long long *value);

/* The soft and hard limit of resource (VMON_RLIMIT_*, or the RLIMIT_*
 * of the same number) in the last sample of a limits store, in the units
 * of the file, VMON_RLIM_INFINITY for "unlimited": 1, or 0 with errno
 * ENOENT when one asked for is unavailable (a line the kernel did not
 * print, a file that could not be read), EINVAL for a NULL store or an
 * unknown resource.  soft or hard may be NULL. */
int vmon_proc_limits_get(const vmon_proc_limits_t *, int resource,
			 unsigned long long *soft, unsigned long long *hard);

/* On-demand figures: costly or private, so never sampled at rate.  Each
 * call of vmon_proc_read_extras() reads the ones asked for, once. */
typedef enum vmon_extra {
	VMON_EXTRA_ENVIRON,	/* /proc/PID/environ */
	VMON_EXTRA_CWD,		/* the /proc/PID/cwd link */
	VMON_EXTRA_ROOT,	/* the /proc/PID/root link */
	VMON_EXTRA_NR
} vmon_extra_t;

#define VMON_EXTRA_BIT(_e) (1u << (_e))
#define VMON_EXTRA_ALL ((1u << VMON_EXTRA_NR) - 1)

typedef struct vmon_proc_extras {
	vmon_char_array_t environ;	/* NUL-terminated NAME=value entries */
	vmon_char_array_t cwd;		/* working directory */
	vmon_char_array_t root;		/* root directory (chroot, container) */
	unsigned read;			/* VMON_EXTRA_BIT()s the last call read */
	int error[VMON_EXTRA_NR];	/* why an asked-for one was not read (an
					 * errno: EACCES, ENOENT...), else 0 */
} vmon_proc_extras_t;

/* Read the extras in what (VMON_EXTRA_BIT()s) of proc into *extras, which
 * is zeroed or was filled by an earlier call (its buffers are reused).
 * Reading another user's environ, cwd or root needs ptrace read access:
 * refused ones are left out of extras->read with their errno.  Returns 1,
 * or 0 with errno: ESRCH (the process is gone or proc is stale), EINVAL,
 * ENOMEM. */
int vmon_proc_read_extras(vmon_t *, vmon_proc_t *, unsigned what,
			  vmon_proc_extras_t *extras);
/* The value of variable name in extras->environ, or NULL. */
const char *vmon_proc_extras_getenv(const vmon_proc_extras_t *, const char *name);
/* Free the buffers of *extras (which may then be reused). */
void vmon_proc_extras_free(vmon_proc_extras_t *);

/*
 * Rates: figures derived from two consecutive samples.  A rate has a
 * status: NONE on the first sample of a node (or of the instance), when no
 * time passed, or when its store is missing or unavailable, so nobody
 * mistakes "no value yet" for 0; CLAMPED when a counter went backwards
 * (pid reuse, a counter reset, iowait) and the difference was taken as 0.
 */
typedef enum vmon_rate_status {
	VMON_RATE_NONE = 0,	/* no value yet */
	VMON_RATE_OK,
	VMON_RATE_CLAMPED,	/* a counter went backwards: counted as 0 */
} vmon_rate_status_t;

typedef struct vmon_rate {
	double value;
	vmon_rate_status_t status;
} vmon_rate_t;

/* A node's rates and, privately, its previous figures.  CPU is in percent
 * of one CPU (100: one CPU all the time; a process may exceed it): of the
 * process (all its threads) on a process node, of the thread on a thread
 * node.  cpu_children is the time of waited-for children (cutime +
 * cstime).  The others are per second. */
typedef struct vmon_proc_rates {
	vmon_rate_t cpu_user, cpu_system, cpu_total;	/* PROC_STAT */
	vmon_rate_t cpu_children;			/* PROC_STAT */
	vmon_rate_t minflt, majflt;			/* PROC_STAT, faults/s */
	vmon_rate_t read_bytes, write_bytes;		/* PROC_IO, storage bytes/s */
	vmon_rate_t rchars, wchars;			/* PROC_IO, read()/write() bytes/s */
	struct {					/* private */
		int pid, generation, stat, io;
		unsigned long long ns, start, utime, stime, cutime, cstime;
		unsigned long long minflt, majflt, read_bytes, write_bytes, rchars, wchars;
	} prev;
} vmon_proc_rates_t;

/* Update *rates (zeroed before the first call, then kept with the node,
 * e.g. in proc->foo) from proc's stores after a vmon_sample().  The time
 * between samples is taken with CLOCK_MONOTONIC at each call, so call it at
 * the same point of every sample (a sample callback, or right after
 * vmon_sample()).  A node that was not sampled since the last call keeps
 * its rates; another process than last time (pid or start time differs)
 * starts over.  Returns 1, or 0 with EINVAL. */
int vmon_proc_rates_update(vmon_t *, vmon_proc_t *, vmon_proc_rates_t *rates);

/* CPU states in percent of the CPU time of the period (guest and
 * guest_nice are parts of user and nice; busy is 100 - idle - iowait). */
typedef struct vmon_cpu_rates {
	vmon_rate_t user, nice, system, idle, iowait, irq, softirq, steal;
	vmon_rate_t guest, guest_nice, busy;
} vmon_cpu_rates_t;

typedef struct vmon_sys_rates {
	vmon_cpu_rates_t cpu;		/* all CPUs (SYS_STAT) */
	int cpus_nr;			/* rows of cpus[] */
	vmon_cpu_rates_t *cpus;		/* by CPU id, as vmon_sys_stat_t.cpus[]: a
					 * CPU offline, or back online, has NONE */
	vmon_rate_t ctxt, forks, intr;	/* SYS_STAT, per second */
	vmon_rate_t pgfault, pgmajfault;	/* SYS_VMSTAT, per second */
	vmon_rate_t pswpin, pswpout;	/* SYS_VMSTAT, pages/s */
	struct vmon_sys_rates_prev *prev;	/* private */
} vmon_sys_rates_t;

/* Update *rates (zeroed before the first call) from the instance's system
 * stores after a vmon_sample(), as vmon_proc_rates_update().  Returns 1, or
 * 0 with errno EINVAL or ENOMEM (rates then keep their last values). */
int vmon_sys_rates_update(vmon_t *, vmon_sys_rates_t *rates);
/* Free what vmon_sys_rates_update() allocated (it may be used again). */
void vmon_sys_rates_free(vmon_sys_rates_t *rates);

#ifdef __cplusplus
}
#endif

#endif
