/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_all.c - VMON_FLAG_PROC_ALL: keep the top-level list equal to the
 * numeric entries of the proc root.  Each sample lists the root once
 * (getdents64), finds each pid in the hash (O(1)), creates nodes for new
 * pids and stales nodes whose pid is no longer listed.
 *
 * A pid reused between two samples is still listed, but the old node's
 * descriptors fail with ESRCH (docs/design/kernel.md K4): its sampler
 * stales it, which takes it out of the hash, and the next listing makes
 * the new process a new node.
 *
 * With the BPF backend the snapshot is the listing, and the proc root is
 * listed every few samples only (vmon__backend_list()).  A process /proc
 * lists that the iterator does not see is kept by those listings alone:
 * between them it is neither found new nor staled by its absence; its
 * own reads, from /proc, say when it is gone.
 */
#include <errno.h>

#include "internal.h"

int vmon__proc_all_scan(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *proc;
	int n = vmon__backend_list(vmon, &in->ids, &in->ids_alloc);
	bool full = n < 0;

	if (full) {
		n = vmon__read_ids(in->proc_fd, &in->ids, &in->ids_alloc);
		if (n < 0)
			return n;
		vmon__backend_listed(vmon);
	}
	for (int i = 0; i < n; i++) {
		int pid = in->ids[i];
		struct vmon__node *node;

		proc = vmon__pidhash_find(&in->procs, pid);
		if (proc) {
			node = vmon__node(proc);
			if (!node->held_by_all) {	/* monitored by the caller before */
				node->held_by_all = 1;
				proc->refcnt++;
			}
		} else {
			unsigned long long start;

			/* the BPF backend's snapshot knows it: no directory to
			 * open to prove it exists and tell its start time */
			node = vmon__backend_known(vmon, pid, &start) ?
			       vmon__node_new_known(vmon, pid, start) :
			       vmon__node_new(vmon, pid, pid, false);
			if (!node) {
				/* gone since the listing: nothing to do; out of
				 * memory or descriptors: tried again next sample */
				if (errno == ENOMEM)
					vmon__sample_error(vmon, -ENOMEM);
				continue;
			}
			if (vmon__node_attach(vmon, node, NULL, VMON__HOLD_ALL) < 0) {
				vmon__sample_error(vmon, -ENOMEM);
				continue;
			}
		}
		node->seen = vmon->generation;
		if (full)
			node->unseen_by_bpf = !vmon__backend_has(vmon, pid);
	}
	list_for_each_entry(proc, &vmon->processes, siblings) {
		struct vmon__node *node = vmon__node(proc);

		if (node->held_by_all && node->seen != vmon->generation && !node->born_gone &&
		    (full || !node->unseen_by_bpf))
			vmon__node_stale(vmon, node);
	}
	return 0;
}
