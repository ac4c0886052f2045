/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * _glue.h - the C half of the Python binding: what is cheaper or safer done
 * in C than through cffi one member at a time (walking the tree, copying a
 * whole store in one call, the per-node state behind proc->foo).  The build
 * script (_build.py) hands these declarations to cffi's cdef as they are,
 * so this file holds declarations only, no preprocessor lines.
 */

/* Per node, at proc->foo from proc_ctor_cb to proc_dtor_cb. */
struct vmonpy_node {
	vmon_proc_rates_t rates;	/* vmon_proc_rates_update() after each sample */
	int wrapped;		/* a Python Process refers to the node: tell
				 * Python before it is freed */
	int told_birth;		/* reported as born */
	int told_exit;		/* reported as gone */
};

/* One per Monitor; vmon comes first, so a vmon_t * is a struct vmonpy *. */
struct vmonpy {
	vmon_t vmon;
	void *handle;		/* the Monitor's cffi handle, for vmonpy_freed() */
	int error;		/* errno of a failure in a callback (ENOMEM) */
	int initialised;
	/* filled by vmonpy_collect() after each sample: addresses of nodes */
	uintptr_t *live;	/* processes that are not stale, in tree order */
	int live_nr;
	uintptr_t *births;	/* processes not yet reported as born */
	int births_nr;
	uintptr_t *exits;	/* stale processes not yet reported as gone */
	int exits_nr;
	int alloc;		/* room in each of the three arrays */
};

/* vmon_init() with the binding's callbacks installed.  1, or 0 with errno. */
int vmonpy_init(struct vmonpy *, int flags, unsigned long sys_wants, unsigned long proc_wants);

/* vmon_sample(), then each node's rates, then the lists above.  1, or 0
 * with errno (the sample's error, or ENOMEM of the lists). */
int vmonpy_sample(struct vmonpy *);

/* vmon_destroy() and the lists; proc_dtor_cb fires for every node. */
void vmonpy_destroy(struct vmonpy *);

/* Mark a node as referred to by a Python object (vmonpy_freed() will be
 * called before it is freed): 1, or 0 with ENOMEM. */
int vmonpy_wrap(uintptr_t node);

/* Flags of a node (vmonpy_node_flags()) */
enum {
	VMONPY_NEW = 1,			/* is_new */
	VMONPY_STALE = 2,		/* is_stale */
	VMONPY_THREAD = 4,		/* is_thread */
	VMONPY_HAS_EXIT = 8,		/* an exit record */
	VMONPY_CHILDREN_CHANGED = 16,
	VMONPY_THREADS_CHANGED = 32,
};

unsigned vmonpy_node_flags(uintptr_t node);
int vmonpy_node_pid(uintptr_t node);
unsigned long vmonpy_node_activity(uintptr_t node);
/* the node's unavailable mask: stores with fields the last sample could
 * not read (the only such mark of the files store) */
unsigned long vmonpy_node_unavailable(uintptr_t node);
/* Both masks in one call: activity (the stores that changed in the last
 * sample) in the low 32 bits, unavailable in the high 32. */
unsigned long long vmonpy_node_state(uintptr_t node);

/* Copy store `store` of node: its fields_nr numeric fields into nums[0 ..
 * fields_nr - 1] as 64-bit patterns (strings: their length), then three
 * bitmaps of words = (fields_nr + 63) / 64 words each: changed,
 * unavailable, and the signed fields whose value is negative.  Returns
 * fields_nr, or -1 when the node has no such store (not wanted, or not
 * sampled yet). */
int vmonpy_store_read(uintptr_t node, int store, unsigned long long *nums);

/* The bytes of string field sym of store `store` of node: sets *bytes and
 * returns the length, or -1. */
long vmonpy_store_str(uintptr_t node, int store, int sym, const char **bytes);

/* Copy the exit record, if any: 1, or 0 when the node has none. */
int vmonpy_node_exit(uintptr_t node, vmon_exit_t *out);

/* The node's rates: values[10] and statuses[10] in the order cpu_user,
 * cpu_system, cpu_total, cpu_children, minflt, majflt, read_bytes,
 * write_bytes, rchars, wchars.  0 when the node has none. */
int vmonpy_node_rates(uintptr_t node, double *values, int *statuses);

/* Addresses of the node's followed children (which 0) or thread nodes
 * (which 1), stale ones left out, into out[0 .. max - 1]; returns how
 * many there are (more than max: call again with more room). */
int vmonpy_node_list(uintptr_t node, int which, uintptr_t *out, int max);

/* The node's parent node, or 0 at the top level. */
uintptr_t vmonpy_node_parent(uintptr_t node);

/* The node's open descriptors (VMON_WANT_PROC_FILES), as rows. */
struct vmonpy_fd {
	int fd;
	int kind;		/* vmon_fd_kind_t */
	int deleted;
	int flags;
	long long pos;
	unsigned long long ino;
	const char *path;	/* the link target; valid until the next sample */
	long path_len;
	const vmon_socket_t *socket;	/* its socket row (SYS_SOCKETS), or NULL */
};
int vmonpy_node_fds(uintptr_t node, struct vmonpy_fd *out, int max);

/* unmonitor a node the caller monitored (pids= mode) */
void vmonpy_unmonitor(struct vmonpy *, uintptr_t node);
/* vmon_proc_monitor(): the node's address, or 0 with errno */
uintptr_t vmonpy_monitor(struct vmonpy *, int pid, unsigned long wants);
