/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend.h - the backend seam (docs/design/backend.md): where the
 * PROC_STAT, PROC_VM and PROC_IO stores of process nodes come from.  The
 * procfs samplers ask vmon__backend_task() for the node's BPF record at
 * each sample and fill the store from it when there is one, else read
 * their file as before.
 */
#ifndef VMON_BACKEND_H
#define VMON_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

struct vmon_bpf_task;	/* bpf/vmon_task.h */
struct vmon__node;
struct vmon__bpf;

/* backend_bpf.c: the iterator.  0 or -errno. */
int vmon__bpf_load(struct vmon__bpf **out);
void vmon__bpf_unload(struct vmon__bpf *b);
/* The descriptors it holds (program, link, maps). */
int vmon__bpf_fds(const struct vmon__bpf *b);
/* Emit only the pids put in the filter (a followed tree); put one in or
 * take it out: 0 or -errno. */
void vmon__bpf_filter_on(struct vmon__bpf *b);
int vmon__bpf_want(struct vmon__bpf *b, int pid, bool wanted);
/* Free the snapshot's array (heap_trim.c): the next sample grows it. */
void vmon__bpf_trim(struct vmon__bpf *b);
int vmon__bpf_snapshot(struct vmon__bpf *b);
const struct vmon_bpf_task *vmon__bpf_find(const struct vmon__bpf *b, int pid);
/* The snapshot's records, in pid order: how many, the pid of the i-th. */
size_t vmon__bpf_count(const struct vmon__bpf *b);
int vmon__bpf_pid(const struct vmon__bpf *b, size_t i);

/* An instance's backend (in struct vmon_internal). */
struct vmon__backend {
	vmon_backend_t asked;	/* vmon_set_backend() or VMON_BACKEND */
	vmon_backend_t active;	/* PROCFS or BPF; AUTO until decided */
	int error;		/* -errno of the failed BPF load, else 0 */
	bool tried;		/* the load was tried (and not retried) */
	int snap_gen;		/* generation of this sample's snapshot, or 0 */
	struct vmon__bpf *bpf;
	int fds;		/* the descriptors bpf holds, in fds_held */
	int nodes;		/* nodes served from this sample's snapshot */
	int listed_gen;		/* generation of the last listing of /proc */
	char reason[80];
};

/* backend.c */
void vmon__backend_init(vmon_t *vmon);
void vmon__backend_destroy(vmon_t *vmon);
/* At the start of a sample: decide, load, take the snapshot. */
void vmon__backend_sample(vmon_t *vmon);
/* The record of node's process in this sample's snapshot, or NULL: read
 * /proc instead (no snapshot, a thread node, a kernel thread, a process
 * born since).  *gone is set when the snapshot shows another process
 * with the node's pid. */
const struct vmon_bpf_task *vmon__backend_task(vmon_t *vmon, struct vmon__node *node,
					       bool *gone);
/* Does this sample's snapshot have a process (or kernel thread) with pid?  Its
 * start time in *start. */
bool vmon__backend_known(vmon_t *vmon, int pid, unsigned long long *start);
/* PROC_ALL's listing from this sample's snapshot: every pid it has (kernel
 * threads too) into *ids, grown as needed; the count, or -1 when there is
 * no snapshot or a listing of the proc root is due (every
 * VMON__LIST_EVERY samples: the iterator need not see every process /proc
 * lists, docs/design/backend.md), which the caller then makes and tells
 * with vmon__backend_listed(). */
int vmon__backend_list(vmon_t *vmon, int **ids, size_t *alloc);
void vmon__backend_listed(vmon_t *vmon);
/* Is pid in this sample's snapshot at all (a kernel thread included)? */
bool vmon__backend_has(vmon_t *vmon, int pid);
/* A process node leaves the pid hash (stale or freed): out of the filter. */
void vmon__backend_forget(vmon_t *vmon, struct vmon__node *node);
/* Is the node's record of this sample (vmon__backend_task()) the one f's
 * store was filled from last (vmon__file_unchanged() of its bytes)? */
struct vmon__file;
bool vmon__bpf_unchanged(struct vmon__file *f, const struct vmon__node *node);
/* Does /proc name the record's task otherwise than its comm (a kernel
 * thread: a workqueue worker, a long name)?  Its stat is then read from
 * /proc; its statm and io still come from the record. */
bool vmon__bpf_named_by_proc(const struct vmon_bpf_task *r);
/* The start time (stat field 22, ticks) of a record. */
unsigned long long vmon__bpf_start(const vmon_t *vmon, const struct vmon_bpf_task *r);

/* backend_fill.c: a record into a store, as /proc/PID/stat, statm and io
 * would give it (the changed bits as a parse of the file sets them).
 * cpu_prev is the node's last utime and stime in ns (cputime_adjust()'s
 * floor), updated.  0 or -ENOMEM. */
int vmon__bpf_fill_stat(const vmon_t *vmon, vmon_proc_stat_t *st,
			const struct vmon_bpf_task *r, unsigned long long cpu_prev[2]);
void vmon__bpf_fill_vm(const vmon_t *vmon, vmon_proc_vm_t *vm, const struct vmon_bpf_task *r);
void vmon__bpf_fill_io(const vmon_t *vmon, vmon_proc_io_t *io, const struct vmon_bpf_task *r);

#endif
