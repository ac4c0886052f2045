/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend.c - choosing the backend (docs/design/backend.md): the
 * environment's VMON_BACKEND, vmon_set_backend(), the lazy load of the BPF
 * iterator and its fallback to procfs, the snapshot taken at the start of
 * each sample, and the lookup the samplers make in it.
 *
 * A load that fails is not an error: it is tried once, its reason kept,
 * and the instance samples from /proc as if BPF had never been asked for.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include <linux/types.h>

#include "internal.h"
#include "vmon_task.h"

static const char *const backend_names[VMON_BACKEND_NR] = {
	[VMON_BACKEND_AUTO] = "auto",
	[VMON_BACKEND_PROCFS] = "procfs",
	[VMON_BACKEND_BPF] = "bpf",
};

VMON_EXPORT const char *vmon_backend_name(vmon_backend_t backend)
{
	return (unsigned)backend < VMON_BACKEND_NR ? backend_names[backend] : "unknown";
}

/* Let the iterator go, and its descriptors from the budget's count; its
 * filter goes with it. */
static void backend_unload(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;
	const struct vmon__pidhash *h = &vmon->internal->procs;

	for (size_t i = 0; be->bpf && i < h->nbuckets; i++) {
		vmon_proc_t *proc;

		list_for_each_entry(proc, &h->buckets[i], bucket)
			vmon__node(proc)->bpf_wanted = 0;
	}
	vmon__bpf_unload(be->bpf);
	be->bpf = NULL;
	vmon__fd_held(vmon, -be->fds);
	be->fds = 0;
}

void vmon__backend_destroy(vmon_t *vmon)
{
	backend_unload(vmon);
}

/* The record holds what a reader with ptrace access to every process
 * sees: without CAP_SYS_PTRACE, /proc would hide fields the BPF program
 * does not (start of code, io), so the figures would not be the same. */
static bool may_ptrace_all(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_PTRACE / 32].effective & (1u << (CAP_SYS_PTRACE % 32));
}

/* The proc root is the caller's own /proc (its "self" is our pid): the
 * iterator numbers pids in the caller's pid namespace, a fixture tree or
 * another namespace's proc would not match. */
static bool root_is_own_proc(vmon_t *vmon)
{
	char link[32], want[32];
	ssize_t n = readlinkat(vmon->internal->proc_fd, "self", link, sizeof(link) - 1);

	if (n <= 0)
		return false;
	link[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return !strcmp(link, want);
}

/* Load the iterator: 0, or -errno with the reason kept. */
static int backend_load(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;
	int err;

	if (be->bpf)
		return 0;
	be->tried = true;
	if (!root_is_own_proc(vmon)) {
		err = -EOPNOTSUPP;
		snprintf(be->reason, sizeof(be->reason), "bpf: the proc root is not the caller's /proc");
	} else if (!may_ptrace_all()) {
		err = -EPERM;
		snprintf(be->reason, sizeof(be->reason), "bpf: needs CAP_SYS_PTRACE");
	} else if ((err = vmon__bpf_load(&be->bpf)) < 0) {
		snprintf(be->reason, sizeof(be->reason), "bpf: %s", strerror(-err));
	} else if (vmon->internal->fds_held + vmon__bpf_fds(be->bpf) > vmon->internal->fd_budget) {
		/* its descriptors count like any other held between samples */
		err = -EMFILE;
		snprintf(be->reason, sizeof(be->reason),
			 "bpf: the descriptor budget cannot hold its %d descriptors",
			 vmon__bpf_fds(be->bpf));
		vmon__bpf_unload(be->bpf);
		be->bpf = NULL;
	} else {
		if (!(vmon->flags & VMON_FLAG_PROC_ALL))
			vmon__bpf_filter_on(be->bpf);
		be->fds = vmon__bpf_fds(be->bpf);
		vmon__fd_held(vmon, be->fds);
		be->error = 0;
		be->reason[0] = '\0';
		return 0;
	}
	be->error = err;
	return err;
}

void vmon__backend_init(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;
	const char *env = getenv("VMON_BACKEND");

	be->asked = VMON_BACKEND_AUTO;
	for (int i = 0; env && i < VMON_BACKEND_NR; i++)
		if (!strcmp(env, backend_names[i]))
			be->asked = (vmon_backend_t)i;
	be->active = be->asked == VMON_BACKEND_PROCFS ? VMON_BACKEND_PROCFS : VMON_BACKEND_AUTO;
	/* loaded now where it will be used, so that the tens of
	 * milliseconds the kernel takes to verify it are not the first
	 * sample's (a caller keeping a rate would miss its first beat) */
	if (be->asked == VMON_BACKEND_BPF ||
	    (be->asked == VMON_BACKEND_AUTO && (vmon->flags & VMON_FLAG_PROC_ALL)))
		be->active = backend_load(vmon) < 0 ? VMON_BACKEND_PROCFS : VMON_BACKEND_BPF;
}

static void backend_procfs(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;

	backend_unload(vmon);
	be->active = VMON_BACKEND_PROCFS;
	be->snap_gen = 0;
}

VMON_EXPORT int vmon_set_backend(vmon_t *vmon, vmon_backend_t backend)
{
	struct vmon__backend *be;
	int err;

	if (!vmon || !vmon->internal || (unsigned)backend >= VMON_BACKEND_NR) {
		errno = EINVAL;
		return 0;
	}
	be = &vmon->internal->backend;
	be->asked = backend;
	be->tried = false;
	be->error = 0;
	be->reason[0] = '\0';
	switch (backend) {
	case VMON_BACKEND_PROCFS:
		backend_procfs(vmon);
		return 1;
	case VMON_BACKEND_AUTO:
		if (vmon->flags & VMON_FLAG_PROC_ALL) {	/* as vmon_init() does */
			be->active = backend_load(vmon) < 0 ? VMON_BACKEND_PROCFS : VMON_BACKEND_BPF;
			if (be->active == VMON_BACKEND_PROCFS)
				backend_procfs(vmon);
			return 1;
		}
		backend_procfs(vmon);
		be->active = VMON_BACKEND_AUTO;	/* decided by the next sample */
		return 1;
	default:
		err = backend_load(vmon);
		if (err < 0) {
			backend_procfs(vmon);
			errno = -err;
			return 0;
		}
		be->active = VMON_BACKEND_BPF;
		return 1;
	}
}

VMON_EXPORT vmon_backend_t vmon_backend(const vmon_t *vmon)
{
	if (!vmon || !vmon->internal)
		return VMON_BACKEND_AUTO;
	return vmon->internal->backend.active;
}

VMON_EXPORT const char *vmon_backend_reason(const vmon_t *vmon)
{
	const struct vmon__backend *be;

	if (!vmon || !vmon->internal)
		return NULL;
	be = &vmon->internal->backend;
	if (be->active == VMON_BACKEND_BPF)
		return NULL;
	if (be->reason[0])
		return be->reason;
	if (be->asked == VMON_BACKEND_PROCFS)
		return "bpf: procfs asked for";
	return "bpf: not used without VMON_FLAG_PROC_ALL (auto)";
}

/* The wants the records fill */
#define VMON__BPF_WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)

/* Does any process node want what the records fill?  (A tree followed for
 * its shape alone, or for other stores, needs no walk.) */
static bool records_wanted(vmon_t *vmon)
{
	const struct vmon__pidhash *h = &vmon->internal->procs;

	if (vmon->proc_wants & VMON__BPF_WANTS)
		return true;
	for (size_t i = 0; i < h->nbuckets; i++) {
		vmon_proc_t *proc;

		list_for_each_entry(proc, &h->buckets[i], bucket)
			if (vmon__node_wants(vmon, proc) & VMON__BPF_WANTS)
				return true;
	}
	return false;
}

/* The filter of a followed tree: every process node in the pid hash that
 * is not in it yet goes in (those made later in this sample are read from
 * /proc this once); vmon__backend_forget() takes them out.  A pid the map
 * has no room for stays out: that node is read from /proc. */
static void filter_sync(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;
	const struct vmon__pidhash *h = &vmon->internal->procs;

	for (size_t i = 0; i < h->nbuckets; i++) {
		vmon_proc_t *proc;

		list_for_each_entry(proc, &h->buckets[i], bucket) {
			struct vmon__node *node = vmon__node(proc);

			if (!node->bpf_wanted && vmon__bpf_want(be->bpf, proc->pid, true) == 0)
				node->bpf_wanted = 1;
		}
	}
}

void vmon__backend_forget(vmon_t *vmon, struct vmon__node *node)
{
	struct vmon__backend *be = &vmon->internal->backend;

	if (!node->bpf_wanted)
		return;
	node->bpf_wanted = 0;
	if (be->bpf)
		(void)vmon__bpf_want(be->bpf, node->proc.pid, false);
}

void vmon__backend_sample(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;
	bool want;

	be->snap_gen = 0;
	be->nodes = 0;
	if (be->asked == VMON_BACKEND_PROCFS)
		return;
	if (be->active == VMON_BACKEND_AUTO) {
		/* AUTO: a walk of every task pays only when every process is
		 * wanted; a followed tree of a few reads less from /proc */
		want = be->asked == VMON_BACKEND_BPF || (vmon->flags & VMON_FLAG_PROC_ALL);
		if (!want || (be->tried && !be->bpf)) {
			be->active = VMON_BACKEND_PROCFS;
			return;
		}
		if (backend_load(vmon) < 0) {
			be->active = VMON_BACKEND_PROCFS;
			return;
		}
		be->active = VMON_BACKEND_BPF;
	}
	if (be->active != VMON_BACKEND_BPF)
		return;
	if (vmon->internal->fds_held > vmon->internal->fd_budget) {
		/* the budget shrank below what is held even after shedding
		 * (vmon__fd_shed()): the iterator's descriptors go too */
		backend_procfs(vmon);
		be->error = -EMFILE;
		snprintf(be->reason, sizeof(be->reason),
			 "bpf: the descriptor budget shrank below its descriptors");
		return;
	}
	/* nothing to sample, nothing to walk */
	if (!(vmon->flags & VMON_FLAG_PROC_ALL) && !vmon->internal->procs.count)
		return;
	if (!records_wanted(vmon))
		return;
	if (!(vmon->flags & VMON_FLAG_PROC_ALL))
		filter_sync(vmon);
	if (vmon__bpf_snapshot(be->bpf) == 0)
		be->snap_gen = vmon->generation;
	/* else this sample reads /proc: a read of the iterator can fail for
	 * want of memory, and the next sample tries again */
}

bool vmon__bpf_unchanged(struct vmon__file *f, const struct vmon__node *node)
{
	return vmon__file_same_digest(f, node->bpf_digest, sizeof(struct vmon_bpf_task));
}

bool vmon__bpf_named_by_proc(const struct vmon_bpf_task *r)
{
	return r->flags & VMON_BPF_PROC_COMM;
}

unsigned long long vmon__bpf_start(const vmon_t *vmon, const struct vmon_bpf_task *r)
{
	return vmon__ticks_of_ns(vmon, r->start_boottime);
}

/* The snapshot serves PROC_ALL's listing between listings of the proc
 * root: a getdents64() of /proc was a third of a BPF sample's time. */
#define VMON__LIST_EVERY 16

int vmon__backend_list(vmon_t *vmon, int **ids, size_t *alloc)
{
	struct vmon__backend *be = &vmon->internal->backend;
	size_t nr;

	if (be->snap_gen != vmon->generation || !be->listed_gen ||
	    (unsigned)(vmon->generation - be->listed_gen) >= VMON__LIST_EVERY)
		return -1;
	nr = vmon__bpf_count(be->bpf);
	if (nr > (size_t)INT_MAX)
		return -1;
	if (nr > *alloc) {
		int *p = vmon__realloc(*ids, nr * sizeof(**ids));

		if (!p)
			return -1;	/* the listing of /proc needs no more */
		*ids = p;
		*alloc = nr;
	}
	for (size_t i = 0; i < nr; i++)
		(*ids)[i] = vmon__bpf_pid(be->bpf, i);
	return (int)nr;
}

void vmon__backend_listed(vmon_t *vmon)
{
	struct vmon__backend *be = &vmon->internal->backend;

	if (be->snap_gen == vmon->generation)
		be->listed_gen = vmon->generation;
}

bool vmon__backend_has(vmon_t *vmon, int pid)
{
	struct vmon__backend *be = &vmon->internal->backend;

	return be->snap_gen == vmon->generation && vmon__bpf_find(be->bpf, pid);
}

bool vmon__backend_known(vmon_t *vmon, int pid, unsigned long long *start)
{
	struct vmon__backend *be = &vmon->internal->backend;
	const struct vmon_bpf_task *r;

	if (be->snap_gen != vmon->generation)
		return false;
	r = vmon__bpf_find(be->bpf, pid);
	if (!r)
		return false;
	*start = vmon__bpf_start(vmon, r);
	return true;
}

const struct vmon_bpf_task *vmon__backend_task(vmon_t *vmon, struct vmon__node *node,
					       bool *gone)
{
	struct vmon__backend *be = &vmon->internal->backend;
	const struct vmon_bpf_task *r;
	unsigned long long start;

	*gone = false;
	if (be->snap_gen != vmon->generation || node->proc.is_thread)
		return NULL;
	r = vmon__bpf_find(be->bpf, node->proc.pid);
	if (!r)
		return NULL;
	start = vmon__bpf_start(vmon, r);
	if (node->start && node->start != start) {
		*gone = true;	/* another process has the pid now */
		return NULL;
	}
	node->start = start;
	if (node->bpf_gen != vmon->generation) {
		/* once for the node's three stores */
		node->bpf_digest = vmon__digest((const char *)r, sizeof(*r));
		node->bpf_gen = vmon->generation;
		be->nodes++;
	}
	return r;
}
