/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmon/vmon.h"

#define VMON_EXPORT __attribute__((visibility("default")))

#define VMON__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* levels of the kcmp order of anon objects (fobject.c): 4^16 objects */
#define VMON__FOBJ_LEVELS 16

#define VMON__PROC_FOLLOW_WANTS \
	(VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS)

#include "io.h"
#include "parse.h"
#include "backend.h"

/* ---- samplers: one per want, one per file (sample_*.c, follow_*.c) ---- */

/* What a sampler's sample() found. */
enum vmon__outcome {
	VMON__UNCHANGED = 0,
	VMON__CHANGED,
	VMON__GONE,		/* the process or thread no longer exists */
	VMON__NOMEM,		/* out of memory: the store keeps what it had */
};

/*
 * A want's sampler: everything the library knows of a want, in one place,
 * the file its .def row names (proc_wants.def, sys_wants.def): the store's
 * reflection (vmon_*_store_info()), its allocation, whether
 * vmon_set_want_interval() applies, and its hooks.  The node sampler and
 * sample_sys() do the common bookkeeping from it: the interval, the
 * changed bits' outcome, the want's unavailable bit.  Build one with
 * VMON__PROC_SAMPLER() or VMON__SYS_SAMPLER(), whose every argument is
 * required, so a sampler missing a piece does not compile.
 */
struct vmon__sys_sampler {
	const vmon_store_info_t *info;	/* the store's reflection */
	size_t state_size;	/* the store's allocation; the public store first */
	void (*init)(void *state);
	enum vmon__outcome (*sample)(vmon_t *vmon, void *state);
	void (*close)(vmon_t *vmon, void *state);
};

struct vmon__proc_sampler {
	const vmon_store_info_t *info;
	size_t state_size;
	/* where vmon_set_want_interval() applies, the offset in the state of
	 * an int: the generation of the store's last read (VMON__INTERVAL());
	 * 0 where it does not (the public store is first: no int is at 0) */
	size_t interval_gen;
	void (*init)(void *state);
	enum vmon__outcome (*sample)(vmon_t *vmon, vmon_proc_t *proc, void *state);
	void (*close)(vmon_t *vmon, vmon_proc_t *proc, void *state);
	/* the node's process is gone (it may be kept stale): let go at once
	 * what the store shares with others; NULL when nothing is shared */
	void (*gone)(vmon_t *vmon, vmon_proc_t *proc, void *state);
};

/* A store's reflection: _fields, the table its .def rows generate (with
 * defs_gen.h and VMON__STORE_TYPE), must have a row per field. */
#define VMON__STORE_INFO(_var, _name, _source, _type, _fields, _nr) \
	_Static_assert(VMON__ARRAY_SIZE(_fields) == (_nr), _name ": a .def row per field"); \
	const vmon_store_info_t _var = { _name, _source, sizeof(_type), \
		(int)VMON__ARRAY_SIZE(_fields), _fields, 1 }

#define VMON__INTERVAL(_state) offsetof(_state, last_gen)
#define VMON__NO_INTERVAL 0

#define VMON__SYS_SAMPLER(_var, _info, _state, _init, _sample, _close) \
	const struct vmon__sys_sampler _var = { &(_info), sizeof(_state), _init, _sample, _close }
#define VMON__PROC_SAMPLER(_var, _info, _state, _interval, _init, _sample, _close, _gone) \
	const struct vmon__proc_sampler _var = { &(_info), sizeof(_state), _interval, \
		_init, _sample, _close, _gone }

/*
 * The sampler of a store filled from one file the kernel generates whole
 * (store_file.c), built from the file's name and the store's parser: its
 * state (the public store, the file, the interval's generation), init,
 * sample and close.  PROC reads the file in the process's directory, SYS
 * in the proc root; _free releases what the parser allocated in the public
 * store (VMON__NO_FREE: nothing); _interval says whether
 * vmon_set_want_interval() applies.
 */
#define VMON__NO_FREE (void)
#define VMON__FILE_SAMPLER_PARTS(_var, _pub_t, _parse, _free) \
	struct _var##_state { \
		_pub_t pub; \
		struct vmon__file_store fs; \
		int last_gen; \
	}; \
	static int _var##_parse(void *store, const char *buf, size_t len) \
	{ \
		return _parse(store, buf, len); \
	} \
	static void _var##_init(void *state) \
	{ \
		vmon__file_init(&((struct _var##_state *)state)->fs.file); \
	} \
	static void _var##_release(void *state) \
	{ \
		struct _var##_state *s = state; \
		vmon__file_close(&s->fs.file); \
		_free(&s->pub); \
	}
/* a process sampler's close: its state's release */
#define VMON__FILE_PROC_CLOSE(_var) \
	static void _var##_close(vmon_t *vmon, vmon_proc_t *proc, void *state) \
	{ \
		(void)vmon; \
		(void)proc; \
		_var##_release(state); \
	}
#define VMON__FILE_PROC_SAMPLER(_var, _info, _pub_t, _name, _parse, _free, _interval) \
	VMON__FILE_SAMPLER_PARTS(_var, _pub_t, _parse, _free) \
	static enum vmon__outcome _var##_sample(vmon_t *vmon, vmon_proc_t *proc, void *state) \
	{ \
		struct _var##_state *s = state; \
		return vmon__sample_file(vmon, vmon__node(proc)->dirfd, _name, &s->fs, \
					 &(_info), &s->pub, _var##_parse); \
	} \
	VMON__FILE_PROC_CLOSE(_var) \
	VMON__PROC_SAMPLER(_var, _info, struct _var##_state, \
			   (_interval) ? VMON__INTERVAL(struct _var##_state) : VMON__NO_INTERVAL, \
			   _var##_init, _var##_sample, _var##_close, NULL)
/* The same for a store the BPF backend fills (backend.h): from the node's
 * record with _fill(vmon, store, record) when the backend has one in this
 * sample, else from the file (store_file.c, vmon__sample_proc_file()). */
#define VMON__FILE_PROC_SAMPLER_BPF(_var, _info, _pub_t, _name, _parse, _fill) \
	VMON__FILE_SAMPLER_PARTS(_var, _pub_t, _parse, VMON__NO_FREE) \
	static void _var##_fill(const vmon_t *vmon, void *store, \
				const struct vmon_bpf_task *r) \
	{ \
		_fill(vmon, store, r); \
	} \
	static enum vmon__outcome _var##_sample(vmon_t *vmon, vmon_proc_t *proc, void *state) \
	{ \
		struct _var##_state *s = state; \
		return vmon__sample_proc_file(vmon, proc, _name, &s->fs, &(_info), &s->pub, \
					      _var##_parse, _var##_fill); \
	} \
	VMON__FILE_PROC_CLOSE(_var) \
	VMON__PROC_SAMPLER(_var, _info, struct _var##_state, VMON__NO_INTERVAL, \
			   _var##_init, _var##_sample, _var##_close, NULL)
#define VMON__FILE_SYS_SAMPLER(_var, _info, _pub_t, _name, _parse, _free) \
	VMON__FILE_SAMPLER_PARTS(_var, _pub_t, _parse, _free) \
	static enum vmon__outcome _var##_sample(vmon_t *vmon, void *state) \
	{ \
		struct _var##_state *s = state; \
		return vmon__sample_file(vmon, vmon->internal->proc_fd, _name, &s->fs, \
					 &(_info), &s->pub, _var##_parse); \
	} \
	static void _var##_close(vmon_t *vmon, void *state) \
	{ \
		(void)vmon; \
		_var##_release(state); \
	} \
	VMON__SYS_SAMPLER(_var, _info, struct _var##_state, _var##_init, _var##_sample, \
			  _var##_close)

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
				     int (*parse)(void *store, const char *buf, size_t len));
/* As vmon__sample_file() in the node's directory, unless the BPF backend
 * has the node's record in this sample: then fill() sets the store from
 * it, with the same changed bits; a record showing another process with
 * the node's pid is VMON__GONE. */
enum vmon__outcome vmon__sample_proc_file(vmon_t *vmon, vmon_proc_t *proc, const char *name,
					  struct vmon__file_store *fs,
					  const vmon_store_info_t *info, void *store,
					  int (*parse)(void *store, const char *buf, size_t len),
					  void (*fill)(const vmon_t *vmon, void *store,
						       const struct vmon_bpf_task *r));

/* ---- nodes (proc_tree.c) ---- */

/* The library's side of a vmon_proc_t. */
struct vmon__node {
	vmon_proc_t proc;	/* first: a vmon_proc_t * is a struct vmon__node * */
	int dirfd;		/* /proc/PID or /proc/PID/task/TID (O_PATH), or -1
				 * between samples when the budget could not hold it */
	unsigned dir_held:1;	/* dirfd is held between samples */
	int tgid;		/* the process's pid (threads: their process's) */
	unsigned long long start;	/* start time (stat field 22), 0 until read:
				 * tells a reused pid apart where no held
				 * directory does */
	unsigned long long fork_start;	/* ... as its fork event's time says
				 * (never early, maybe late): for its exit
				 * record's check while start is not read;
				 * set too when a fork event told of a node
				 * sampling found */
	int seen;		/* generation its holder last saw it in /proc */
	unsigned held_by_follow:1;	/* a followed child or thread */
	unsigned held_by_all:1;	/* held by VMON_FLAG_PROC_ALL */
	unsigned unseen_by_bpf:1;	/* listed by /proc, not in the snapshot */
	unsigned in_hash:1;
	unsigned doomed:1;	/* released during vmon_sample(): freed at its end */
	int flags_gen;		/* generation children/threads_changed were set in */
	int visited_gen;	/* generation of its last visit by the array pass */
	int called_gen;		/* ... and of its callbacks, PROC_ARRAY|2PASS */
	vmon_proc_wants_t stores_mask;	/* stores allocated */
	list_head_t stale_node;	/* on internal->stale or ->doomed */
	struct vmon__node *move_to;	/* pending adoption by this parent */
	list_head_t move_node;	/* on internal->moves */
	list_head_t fresh_node;	/* on internal->fresh */
	/* VMON_FLAG_EVENTS: a node made from a fork event for a process
	 * already gone (its stores come from the events, its samplers never
	 * run; staled when the sample settles), an exec to read again, and
	 * the exit record proc.exit points at */
	unsigned born_gone:1;
	unsigned exec_seen:1;
	unsigned bpf_wanted:1;	/* its pid is in the BPF backend's filter */
	int bpf_gen;		/* generation it was last served a BPF record */
	uint64_t bpf_digest;	/* ... and that record's digest */
	list_head_t gone_node;	/* on internal->events->gone */
	vmon_exit_t *exit;
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

/* Nanoseconds in clock ticks, as the kernel's nsec_to_clock_t() gives
 * /proc's times and start times. */
static inline unsigned long long vmon__ticks_of_ns(const vmon_t *vmon, unsigned long long ns)
{
	unsigned long long tps = vmon->ticks_per_sec > 0 ? (unsigned long long)vmon->ticks_per_sec : 100;

	return ns / (1000000000ull / tps);
}

/* Private state of an instance. */
struct vmon_internal {
	int proc_fd;			/* dirfd(vmon->proc_dir) */
	long page_size;
	bool in_sample;			/* inside vmon_sample() */
	bool top_pending;		/* processes_changed for the next sample */
	int fd_budget_set;		/* vmon_set_fd_budget(); < 0: the default */
	int fd_budget;			/* the budget in force */
	int fds_held;			/* descriptors held between samples */
	uint32_t *fd_gens;		/* by descriptor number: the generation
					 * of its hold by a file (odd: held) */
	size_t fd_gens_alloc;
	bool shed_dirs;			/* node directories are not held: the
					 * budget is short and files come first */
	unsigned refresh[VMON_REFRESH_NR];	/* vmon_set_refresh() */
	struct vmon__io_counters io;	/* this sample's system calls */
	vmon_sample_cost_t cost;	/* the last sample's, for vmon_sample_cost() */
	int error;			/* first -errno of this sample (ENOMEM) */
	unsigned want_every[VMON_STORE_PROC_NR];	/* vmon_set_want_interval() */
	struct vmon__pidhash {
		list_head_t *buckets;
		size_t nbuckets;
		size_t count;
	} procs, threads;
	list_head_t stale;		/* library-held nodes staled this sample */
	list_head_t doomed;		/* nodes released during this sample */
	list_head_t moves;		/* adoptions to apply at the end of it */
	list_head_t fresh;		/* top-level nodes the caller monitored,
					 * not sampled yet: their is_new ends
					 * with the sample that first samples
					 * them, as in the original libvmon */
	int *array_free;		/* free slots of vmon->array (a stack) */
	size_t array_free_alloc;
	int array_free_nr;
	struct vmon__buf buf;		/* scratch for reads */
	struct vmon__buf link;		/* scratch for readlink */
	struct vmon__buf ident;		/* scratch for the identity checks of
					 * vmon__node_read_stat(), which run
					 * while buf holds a listing */
	int *ids;			/* scratch for directory listings */
	size_t ids_alloc;
	struct vmon__fobj_hash {
		list_head_t *buckets;
		size_t nbuckets;
		size_t count;
		/* the anon objects told apart by kcmp(2), in its order: a
		 * skip list, its first object at each level (fobject.c) */
		struct vmon__fobject *order[VMON__FOBJ_LEVELS];
		int kcmp;		/* 0 not asked yet, 1 usable, -1 not */
		uint32_t seed;		/* for the levels of new objects */
	} fobjects;			/* vmon_fobject_t by (type, key) */
	int *sorted;			/* scratch for sorted id lists */
	size_t sorted_alloc;
	struct vmon__events *events;	/* VMON_FLAG_EVENTS (events.c) */
	bool pidns_same;		/* the proc root numbers pids as the caller's
					 * pid namespace does (sample_proc_ioprio.c) */
	int pidns_checked;		/* the generation that last found it did not */
	size_t nodes_most;		/* nodes at most since the last trim
					 * of the heap (heap_trim.c) */
	size_t nodes_peak;		/* ... and ever */
	int trim_wait;			/* samples until the heap is trimmed
					 * after a fall, 0: none due */
	int trim_again;			/* ... and trimmed once more */
	struct vmon__backend backend;	/* procfs or BPF (backend.c) */
};

/* Create a node for pid (a thread of process tgid when is_thread) and open
 * its /proc directory.  NULL with errno: ESRCH (no such process), ENOMEM,
 * EMFILE... */
struct vmon__node *vmon__node_new(vmon_t *vmon, int pid, int tgid, bool is_thread);
/* A process node for pid whose existence and start time the BPF
 * backend's snapshot vouches for: no directory opened (one is opened,
 * not held, when a sampler needs a file).  NULL with ENOMEM. */
struct vmon__node *vmon__node_new_known(vmon_t *vmon, int pid, unsigned long long start);

/* The node's directory from the proc root: "PID", or "TGID/task/TID" for
 * a thread; snprintf()'s count. */
int vmon__node_path(const struct vmon__node *node, char *path, size_t size);
/* Open the node's directory, held if the budget has room: 0 or -errno
 * (-ESRCH: gone); close it. */
int vmon__node_dir_open(vmon_t *vmon, struct vmon__node *node);
void vmon__node_dir_close(vmon_t *vmon, struct vmon__node *node);
/* Close the node's task directory. */
void vmon__node_task_close(vmon_t *vmon, struct vmon__node *node);

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

/* A process node by pid, in the hash or gone since the last sample began
 * (staled, out of the hash, not freed yet): an event source posts the
 * exec and exit of a process a sample found gone before their events
 * were read.  NULL: none. */
vmon_proc_t *vmon__proc_find_or_gone(vmon_t *vmon, int pid);

/* Drop one reference; the last frees (or, inside vmon_sample(), dooms) the
 * node. */
void vmon__node_unref(vmon_t *vmon, struct vmon__node *node);
/* The reference-count rule, in one place (proc_tree.c): a node's
 * references are the caller's (one per vmon_proc_monitor()) plus the
 * library's (held_by_follow, held_by_all).  The library's, and how many
 * the caller holds. */
int vmon__node_library_refs(const struct vmon__node *node);
int vmon__node_caller_refs(const struct vmon__node *node);

/* Free nodes staled in the previous sample that only the library held. */
void vmon__tree_reap(vmon_t *vmon);
/* Apply pending adoptions, free doomed nodes, make orphans top-level. */
void vmon__tree_settle(vmon_t *vmon);
/* End the is_new of the caller's top-level nodes sampled in this sample. */
void vmon__fresh_age(vmon_t *vmon);

/* Queue node to move under parent at the end of this sample. */
void vmon__node_adopt(vmon_t *vmon, struct vmon__node *node, struct vmon__node *parent);

/* Run the wanted samplers of one node. */
void vmon__node_sample(vmon_t *vmon, struct vmon__node *node);
/* Release the node's store of want i (a files store shared by a process
 * and its threads is closed by its last holder). */
void vmon__node_store_release(vmon_t *vmon, struct vmon__node *node, int i);
/* The node's process is gone: each store's gone hook runs. */
void vmon__node_stores_gone(vmon_t *vmon, struct vmon__node *node);

/* The wants in force at a node. */
vmon_proc_wants_t vmon__node_wants(const vmon_t *vmon, const vmon_proc_t *proc);

/* The tids of a process's task directory, read at most once per sample.
 * Returns the count (tids in node->tids) or -errno. */
int vmon__node_tasks(vmon_t *vmon, struct vmon__node *node);

/* Is a node that its parent's listing (children or task directory) did
 * not show really gone?  Listings are read a page at a time and skip live
 * entries when earlier ones go between two reads: an absence is only a
 * hint.  The node's own stat decides: gone when it cannot be opened (its
 * process or thread has exited), when another process has its pid (start
 * time), or, ppid > 0, when the process now has another parent. */
bool vmon__node_gone(vmon_t *vmon, struct vmon__node *node, int ppid);
/* Read the node's stat into vmon->internal->ident, through its directory
 * (opened for the read if not held) or by path: the length or -errno
 * (-ESRCH: gone). */
ssize_t vmon__node_read_stat(vmon_t *vmon, struct vmon__node *node);

/* A node for a process a fork event told of but already gone: no
 * directory, stores filled from the events (event_apply.c).  NULL on
 * ENOMEM. */
struct vmon__node *vmon__node_new_gone(vmon_t *vmon, int pid);

/* The store of want i of a node, allocated on first use; NULL on ENOMEM. */
void *vmon__node_store(vmon_t *vmon, struct vmon__node *node, int i);

/* ---- events (events.c, event_apply.c, event sources): VMON_FLAG_EVENTS ---- */

enum vmon__event_type {
	VMON__EV_FORK,
	VMON__EV_EXEC,
	VMON__EV_EXIT,
};

/* What a source says happened to one task. */
struct vmon__event {
	enum vmon__event_type type;
	int pid;		/* the task */
	int tgid;		/* its process (pid == tgid: a process) */
	int ppid;		/* fork: the parent process */
	unsigned long long when_ns;	/* CLOCK_BOOTTIME; 0 unknown */
	char comm[64];		/* exec, exit: the command name, "" unknown */
	char *cmdline;		/* exec: the arguments as /proc/PID/cmdline
				 * reads them (vmon__malloc'd), or NULL */
	size_t cmdline_len;
	vmon_exit_t exit;	/* exit: the status and figures known; for a
				 * thread (pid != tgid) figures only, added
				 * to its process's.  With VMON_EXIT_START
				 * known, a start that cannot be the node's
				 * says another process had the pid: the
				 * event is dropped */
	bool start_late;	/* exit: exit.start is estimated from event
				 * times, which come after the start: never
				 * early, maybe late by some ticks */
	bool per_task;		/* exit: the figures are the task's own, not
				 * its process's totals (taskstats): they add
				 * up with its threads' */
	unsigned long long group_cpu_ns;	/* exit of a process: its whole CPU
						 * time read after its tasks'
						 * records (0 unknown), which
						 * wins over their sum */
};

/* An event source (WAIT needs none: vmon_reap() posts its events). */
struct vmon__source {
	vmon_event_source_t id;
	/* start: 0 with *state set, or -errno (EPERM: not permitted) */
	int (*open)(vmon_t *vmon, void **state);
	/* a descriptor readable when events wait, or -1 */
	int (*fd)(const void *state);
	/* post what waits (vmon__event_post()): the count, or -errno */
	int (*read)(vmon_t *vmon, void *state);
	/* a top-level node the caller monitors: watch its tree from now (a
	 * source that must be told its roots; NULL otherwise).  0 or -errno */
	int (*watch)(vmon_t *vmon, void *state, int pid);
	void (*close)(vmon_t *vmon, void *state);
	/* the pid of a task of the source's own (a child of the caller's
	 * process, which a caller following its own children would see), or
	 * 0; NULL: none */
	int (*own_task)(const void *state);
	/* does the source take what it reads at an exec or an exit in the
	 * kernel (vmon_sample_cost_t.event_capture)?  NULL: no */
	bool (*in_kernel)(const void *state);
};

extern const struct vmon__source vmon__source_netlink, vmon__source_ptrace;

/* The NETLINK source's pure parsers (parse_netlink.c), fuzzed by
 * fuzz/fuzz_netlink.c: an event as they give it, with what the source
 * needs to finish it. */
struct vmon__nl_event {
	struct vmon__event ev;
	unsigned long long etime_us;	/* taskstats: the task's elapsed time
					 * at its exit (its start, once the
					 * exit's time is known); 0 unknown */
};
/* Called for each event found, in order; a negative return stops the
 * parse and is returned.  The event is the callee's to keep or drop. */
typedef int (*vmon__nl_emit_fn)(void *ctx, struct vmon__nl_event *ev);
/* One datagram of the proc connector: each fork, exec and exit of valid
 * ids it holds goes to emit (others, acks and malformed messages are
 * skipped); boot_offset_ns, CLOCK_BOOTTIME - CLOCK_MONOTONIC, turns the
 * kernel's stamps into when_ns.  The count emitted, or emit's error. */
int vmon__nl_parse_proc(const void *buf, size_t len, long long boot_offset_ns,
			vmon__nl_emit_fn emit, void *ctx);
/* The connector's answer to a request sent with ack seq (it answers
 * seq + 1): the errno it reports (0: done), or -1 when the datagram holds
 * none. */
int vmon__nl_proc_ack(const void *buf, size_t len, uint32_t seq);
/* One datagram of the taskstats family (generic netlink id family): each
 * task's exit record (per_task figures, etime_us for its start) goes to
 * emit.  The count emitted, or emit's error. */
int vmon__nl_parse_taskstats(const void *buf, size_t len, int family,
			     vmon__nl_emit_fn emit, void *ctx);
/* Set ev's VMON_EXIT_START from the task's elapsed time at its exit, the
 * CLOCK_BOOTTIME of the exit and that of the fork event of its pid (0:
 * none seen); nothing when the first two are not known. */
void vmon__nl_start_of(struct vmon__event *ev, unsigned long long etime_us,
		       unsigned long long exit_boot_ns, unsigned long long fork_boot_ns,
		       long ticks_per_sec);
/* A netlink acknowledgement of seq in a datagram: 0, -errno, or 1 when
 * the datagram holds none. */
int vmon__nl_ack(const void *buf, size_t len, uint32_t seq);
/* The generic netlink control answer to CTRL_CMD_GETFAMILY sent with seq:
 * the family's id, or -errno (-ENOENT: no such family here; -EPROTO: no
 * answer in the datagram). */
int vmon__nl_family_id(const void *buf, size_t len, uint32_t seq);

/* The NETLINK source's catcher (netlink_catch.c): a thread reading each
 * exec's cmdline and comm, and each exited process's CPU clock, as the
 * connector socket sock (exec and exit events, the thread's from now)
 * tells of them.  NULL with errno. */
struct vmon__nl_catch;
struct vmon__nl_catch *vmon__nl_catch_start(int sock, int proc_fd);
struct vmon__bpf_ev;
/* The same thread reading the kernel-side capture's ring (netlink_bpf.c)
 * instead: NULL with errno when it does not load. */
struct vmon__nl_catch *vmon__nl_catch_start_bpf(int proc_fd);
/* Does c read the kernel-side capture? */
bool vmon__nl_catch_in_kernel(const struct vmon__nl_catch *c);
/* The capture's final record of the task whose exit event is exit (its
 * start start_ns, 0 unknown), waiting up to wait_us for it: true and
 * *out (its args not set), or false. */
bool vmon__nl_catch_final(struct vmon__nl_catch *c, const struct vmon__event *exit,
			  unsigned long long start_ns, unsigned wait_us,
			  struct vmon__bpf_ev *out);
/* End the thread and free what it caught (the socket stays the caller's). */
void vmon__nl_catch_stop(struct vmon__nl_catch *c);
/* Give ev (an exec event) the cmdline and comm the thread read for it,
 * waiting up to wait_us for the thread to reach it: true when ev has a
 * whole cmdline now (the kernel's record of a long one is cut short: ev
 * has its head, false). */
bool vmon__nl_catch_take(struct vmon__nl_catch *c, struct vmon__event *ev,
			   unsigned wait_us);
/* The CPU time the thread read from the zombie of the process whose exit
 * event this is: true and *cpu_ns, or false (its parent reaped it first). */
bool vmon__nl_catch_end_cpu(struct vmon__nl_catch *c, const struct vmon__event *exit,
			    unsigned long long *cpu_ns);

/* The NETLINK source's kernel-side capture (netlink_bpf.c, programs in
 * bpf/vmon_events.bpf.c): a record of its ring as parse_bpf_event.c gives
 * it (fuzzed by fuzz/fuzz_bpf_event.c). */
enum { VMON__BPF_EXEC = 1, VMON__BPF_FINAL };
struct vmon__bpf_ev {
	int kind;			/* VMON__BPF_* */
	bool truncated;			/* exec: more arguments than args holds */
	int pid, tgid;
	unsigned long long start_ns;	/* the task's start, CLOCK_BOOTTIME */
	unsigned long long when_ns;	/* the record's moment, CLOCK_BOOTTIME */
	char comm[16];
	const char *args;		/* exec: in the record, args_len bytes */
	size_t args_len;
	/* final: the task's own, exact at its end (ns, counts, bytes) */
	unsigned long long cpu_ns, utime_ns, stime_ns, minflt, majflt;
	unsigned long long rchar, wchar, read_bytes, write_bytes;
};
/* One record (len bytes at rec): 0 with *out, or -EPROTO. */
int vmon__bpf_ev_parse(const void *rec, size_t len, struct vmon__bpf_ev *out);
typedef void (*vmon__bpf_ev_fn)(void *ctx, const struct vmon__bpf_ev *ev);
struct vmon__nl_bpf;
/* Load and attach the programs and map the ring: 0, or -errno (never
 * an error to the source: it then reads /proc). */
int vmon__nl_bpf_open(struct vmon__nl_bpf **out);
/* The ring's descriptor: readable (poll) when records wait. */
int vmon__nl_bpf_fd(const struct vmon__nl_bpf *b);
/* Give each record that waits to fn, in order: the count. */
int vmon__nl_bpf_drain(struct vmon__nl_bpf *b, vmon__bpf_ev_fn fn, void *ctx);
void vmon__nl_bpf_close(struct vmon__nl_bpf *b);

/* Queue an event, from any thread; the queue takes ev->cmdline.  0, or
 * -ENOMEM (the event is dropped and counted lost). */
int vmon__event_post(vmon_t *vmon, struct vmon__event *ev);
/* Events a source dropped (its buffer overran), for vmon_sample_cost(). */
void vmon__events_lost(vmon_t *vmon, unsigned long n);
/* Does the library want more of pid than the event says (its cmdline at
 * an exec)?  True for the processes of the followed trees, those already
 * nodes and those a queued fork event will make nodes. */
bool vmon__event_wanted(vmon_t *vmon, int pid);
/* Is pid a task of the event source's own (PTRACE's tracer)?  The
 * children followers leave it out: it is the library's, not the caller's. */
bool vmon__events_own_task(const vmon_t *vmon, int pid);
/* A root the caller monitors at the top level: tell the source. */
void vmon__events_watch(vmon_t *vmon, int pid);
/* vmon_sample(): read and apply what waits before the nodes are sampled;
 * stale the born-gone nodes when the sample settles. */
void vmon__events_apply(vmon_t *vmon);
void vmon__events_settle(vmon_t *vmon);
void vmon__events_destroy(vmon_t *vmon);
/* Apply one event to the tree (event_apply.c); after_walk: the sample's
 * walk is over, so a node a fork makes is sampled at once (every node a
 * caller sees after a sample was read in it, or is born-gone). */
void vmon__event_apply(vmon_t *vmon, const struct vmon__event *ev, bool after_walk);
/* Add what an exit event knows to the exit record of node (allocated on
 * first use): a thread's or a task's own figures add up, a process's
 * totals fill what is not known yet.  0 or -ENOMEM. */
int vmon__exit_merge(struct vmon__node *node, const struct vmon__event *ev);
/* A born-gone node: noted to stale when the sample settles (events.c);
 * staled with its last figures from its exit record (event_apply.c). */
void vmon__events_gone(vmon_t *vmon, struct vmon__node *node);
void vmon__event_gone_stale(vmon_t *vmon, struct vmon__node *node);
/* A node no sample has read found gone: born-gone instead (event_apply.c). */
void vmon__event_gone_unsampled(vmon_t *vmon, struct vmon__node *node);
/* Start the events of an instance (VMON_FLAG_EVENTS): 0 or -ENOMEM. */
int vmon__events_init(vmon_t *vmon);
/* The event figures of the last sample, for vmon_sample_cost(). */
void vmon__events_cost(vmon_t *vmon, vmon_sample_cost_t *cost);
/* Fill a born-gone node's stat store from what the events said. */
int vmon__proc_stat_from_events(vmon_t *vmon, vmon_proc_stat_t *st, int pid, int ppid,
				const char *comm, size_t comm_len, const char *cmdline,
				size_t cmdline_len, const vmon_exit_t *exit);
/* What the events say of a live node (its name and arguments, and its
 * parent while no sample has read it) until its next sample reads them:
 * one that finds none there (a process exiting, a zombie) keeps these.
 * It does not count as a sample: the pid stays unread (0), and a first
 * sample still reads everything.  0 or -ENOMEM. */
int vmon__proc_stat_hint(vmon_proc_stat_t *st, int ppid, const char *comm, size_t comm_len,
			 const char *cmdline, size_t cmdline_len);

/* ---- the pid hash (pidhash.c): O(1) amortised, grows by doubling ---- */
int vmon__pidhash_init(struct vmon__pidhash *h);
void vmon__pidhash_destroy(struct vmon__pidhash *h);
int vmon__pidhash_add(struct vmon__pidhash *h, vmon_proc_t *proc);
void vmon__pidhash_del(struct vmon__pidhash *h, vmon_proc_t *proc);
/* Less than a quarter full: cut the buckets to the fewest (not below the
 * minimum) that leave it at most half full (vmon__heap_settle()). */
void vmon__pidhash_fit(struct vmon__pidhash *h);
vmon_proc_t *vmon__pidhash_find(const struct vmon__pidhash *h, int pid);

/* ---- shared file objects (fobject.c) ---- */

/* Classify a descriptor's link target (pure): "pipe:[INODE]" and
 * "socket:[INODE]" with their inode number, "anon_inode:NAME" (inum 0);
 * false for anything else (plain files, malformed targets). */
bool vmon__fobject_parse_target(const char *target, size_t len, vmon_fobject_type_t *type,
				uint64_t *inum);

/* Who takes a reference, for telling anon inodes apart: the descriptor
 * (passed over as a holder of its old object), the pid through which
 * kcmp(2) reaches it (0: none; fd may then be NULL) and what its fdinfo
 * said (NULL: nothing). */
struct vmon__fobj_holder {
	const vmon_proc_fd_t *fd;
	int pid;
	const struct vmon__fdinfo *fi;
};
/* Take a reference on the object a descriptor's link target names (pipe,
 * socket, anon inode), creating it (fobject_ctor_cb) on first use.  An
 * anon inode is told apart by what h says (fobject.c); without h it gets
 * an object of its own.  NULL for other targets, or on ENOMEM (errno says
 * which). */
vmon_fobject_t *vmon__fobject_get(vmon_t *vmon, const char *target, size_t len,
				  const struct vmon__fobj_holder *h);
/* Drop a reference; the last frees it after fobject_dtor_cb. */
void vmon__fobject_put(vmon_t *vmon, vmon_fobject_t *obj);
void vmon__fobject_table_destroy(vmon_t *vmon);
/* vmon__check() of the kcmp order: 0 or -EUCLEAN. */
int vmon__fobject_check_order(vmon_t *vmon);

/* What a descriptor is (fd_kind.c), from its link target target[0 .. len) and, for
 * targets that do not say (paths and the like), the fstat() of it (st
 * NULL when that failed) (pure).  path_len: the length of its path (the
 * target without " (deleted)"), 0 when the target is not a path. */
struct vmon__fd_desc {
	vmon_fd_kind_t kind;
	bool deleted;
	size_t path_len;
	uint64_t ino;
};
struct stat;
void vmon__fd_describe(const char *target, size_t len, const struct stat *st,
		       struct vmon__fd_desc *d);
/* What /proc/PID/fdinfo/N says (parse_fdinfo.c, pure): the position, the
 * open flags and the mount id of every descriptor (-1 when missing or
 * malformed), and an eventfd's eventfd-id.  Only lines that end in a
 * newline count, and the first line of a key. */
struct vmon__fdinfo {
	long long pos;
	int flags;
	int mnt_id;
	bool has_eventfd_id;
	uint64_t eventfd_id;
};
void vmon__parse_fdinfo(const char *buf, size_t len, struct vmon__fdinfo *fi);
/* Read and parse fdinfo/num relative to dirfd (/proc/PID); all unknown
 * when it cannot be read (fd_kind.c). */
void vmon__fd_read_fdinfo(int dirfd, int num, struct vmon__fdinfo *fi);
/* Describe fd, now naming target[0 .. len), from its fd entry (fstatat()
 * relative to fd_dir, /proc/PID/fd) and what its fdinfo said: kind,
 * inode, path, deleted, flags, pos, mnt_id.  0 or -ENOMEM (fd unchanged)
 * (fd_kind.c). */
int vmon__fd_read_desc(int fd_dir, vmon_proc_fd_t *fd, const char *target, size_t len,
		       const struct vmon__fdinfo *fi);

/* ---- sockets (parse_net.c: pure parsers; sample_sys_sockets.c) ---- */

/* Append the rows of /proc/net/{tcp,tcp6,udp,udp6} (family AF_INET or
 * AF_INET6, protocol IPPROTO_TCP or IPPROTO_UDP) to ss->sockets, finding
 * the columns by the header line's names.  Rows with a missing or
 * malformed column are skipped and counted in *malformed.  Returns the
 * rows added, -EINVAL when the header lacks a needed column, -ENOMEM (the
 * rows added so far stay). */
int vmon__parse_net_inet(vmon_sys_sockets_t *ss, int family, int protocol,
			 const char *buf, size_t len, int *malformed);
/* Append the rows of /proc/net/unix; their paths are copied into names,
 * which is first reserved to len bytes so that the rows' path pointers
 * stay valid until names is next used.  Same returns. */
int vmon__parse_net_unix(vmon_sys_sockets_t *ss, struct vmon__buf *names,
			 const char *buf, size_t len, int *malformed);
/* Walk a NETLINK_SOCK_DIAG answer to a UNIX dump with UDIAG_SHOW_PEER,
 * calling fn for each socket with its inode, sk_state and peer inode (0
 * without one).  1 at the dump's end (NLMSG_DONE), 0 when more messages
 * are to come, -errno for an error message or a malformed one. */
int vmon__parse_unix_diag(const char *buf, size_t len,
			  void (*fn)(void *ctx, uint64_t inum, int state, uint64_t peer),
			  void *ctx);
/* The row of socket inode inum in the instance's sockets store, if
 * VMON_WANT_SYS_SOCKETS is on and its last sample listed it; else NULL. */
const vmon_socket_t *vmon__socket_find(vmon_t *vmon, uint64_t inum);
extern const vmon_store_info_t vmon__sys_sockets_info;

/* A process is gone (vmon__node_stale()): its descriptors are closed, so
 * they let go of their shared objects at once, even while the caller keeps
 * the stale node; they stay listed, is_stale, as last seen.  Nothing for a
 * thread or a node without a files store (sample_proc_files.c). */

/* ---- the files part of vmon_dump_procs_ex() (dump_files.c) ---- */
void vmon__dump_fds(const vmon_proc_t *proc, int depth, FILE *out);
void vmon__dump_fobjects(vmon_t *vmon, FILE *out);

/* ---- VMON_FLAG_PROC_ARRAY (proc_array.c) ---- */
int vmon__array_add(vmon_t *vmon, vmon_proc_t *proc);
void vmon__array_del(vmon_t *vmon, vmon_proc_t *proc);
void vmon__array_destroy(vmon_t *vmon);

/* ---- giving back a fallen peak's memory (heap_trim.c) ---- */

/* vmon_sample(), once the nodes gone in the last sample are freed: when
 * the nodes fell below half of their most since the last trim, and by
 * enough, cut the pid hashes to what they hold, let the scratch buffers
 * go and trim the heap. */
void vmon__heap_settle(vmon_t *vmon);
/* vmon_destroy(), before it frees anything: will the freed instance be
 * worth a trim, having ever held enough nodes? */
bool vmon__heap_trim_due(const vmon_t *vmon);
/* Hand the heap's free pages back to the kernel (malloc_trim(0), where
 * there is one). */
void vmon__heap_trim(void);

/* ---- VMON_FLAG_PROC_ALL (proc_all.c) ---- */
int vmon__proc_all_scan(vmon_t *vmon);

/* ---- the walks of the tree in a sample (tree_walk.c) ---- */
void vmon__sample_procs(vmon_t *vmon);

/* Record the first error of a sample (-ENOMEM). */
static inline void vmon__sample_error(vmon_t *vmon, int err)
{
	if (!vmon->internal->error)
		vmon->internal->error = err;
}

/* ---- the invariant checker (check.c) ---- */

/* Walk the whole instance (tree, pid hashes, stale list, array, descriptor
 * lists, shared objects) and check every invariant that holds between two
 * public calls.  0, or -EUCLEAN after printing the first violation to
 * stderr.  Only tests call it; VMON_TESTING builds call it after every
 * vmon_sample() and abort() on a violation. */
int vmon__check(vmon_t *vmon);
#ifdef VMON_TESTING
/* How many vmon__check() calls passed in this process. */
unsigned long vmon_test_checks_passed(void);
#endif

/* ---- stores whose rows are found by name (row_store.c), and the
 * common steps of the samplers (store_file.c, proc_tree.c) ---- */

/* A system store that is one set of rows, a row per line of its file
 * (row_store.c): diskstats, net/dev.  The store begins with its bitmaps
 * and keeps its rows' array, count and allocation at the offsets given. */
struct vmon__row_store {
	struct vmon__row_type row;
	const vmon_store_info_t *info;		/* the store's */
	int nr_sym;				/* its field counting the rows */
	size_t rows_off, nr_off, alloc_off;
	const char *path;			/* relative to the proc root */
	vmon_sys_wants_t want;			/* unavailable when it cannot be read */
	/* One line: 0 (a row, or a line that is none), -ENOMEM when a new row
	 * could not be added. */
	int (*parse_line)(struct vmon__rows *r, const char *p, const char *eol);
};

/* Parse a whole file into store: -ENOMEM when a row could not be added
 * (the others are kept). */
int vmon__row_store_parse(const struct vmon__row_store *rs, void *store, const char *buf,
			  size_t len);
void vmon__row_store_free(const struct vmon__row_store *rs, void *store);
/* Read and parse the file (parse calls vmon__row_store_parse()); a row's
 * change is the store's, a live row with unavailable fields makes the want
 * unavailable. */
enum vmon__outcome vmon__row_store_sample(vmon_t *vmon, const struct vmon__row_store *rs,
					  struct vmon__file_store *fs, void *store,
					  int (*parse)(void *store, const char *buf, size_t len));

/* Has the node's process (thread) gone, as opposed to refusing one file
 * (a kernel thread's or a zombie's memory files say ESRCH too)?
 * (proc_tree.c) */
bool vmon__proc_gone(vmon_proc_t *proc);
/* As vmon__sample_file(), for the files generated record by record
 * (vmstat, diskstats, net/dev). */
enum vmon__outcome vmon__sample_records(vmon_t *vmon, int dirfd, const char *name,
					struct vmon__file_store *fs,
					const vmon_store_info_t *info, void *store,
					int (*parse)(void *store, const char *buf, size_t len));
/* The invariants of the 0.2 stores (check_wants.c), for vmon__check(): 0,
 * or -EUCLEAN after printing the first violation to stderr. */
int vmon__check_stores_proc(const vmon_proc_t *proc);
int vmon__check_stores_sys(const vmon_t *vmon);
/* Is a field of the store unavailable?  Asked once for all samplers after
 * each sample (the node sampler, sample_sys()): the want's unavailable bit. */
bool vmon__store_unavailable(const vmon_store_info_t *info, const void *store);
/* CHANGED when a changed bit of the store is set, else UNCHANGED: the
 * outcome of a sampler that sets its fields one by one. */
enum vmon__outcome vmon__store_changed(const vmon_store_info_t *info, const void *store);

#endif
