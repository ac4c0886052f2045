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
 */
#include <errno.h>

#include "internal.h"

int vmon__proc_all_scan(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;
	vmon_proc_t *proc;
	int n = vmon__read_ids(in->proc_fd, &in->ids, &in->ids_alloc);

	if (n < 0)
		return n;
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
	}
	list_for_each_entry(proc, &vmon->processes, siblings) {
		struct vmon__node *node = vmon__node(proc);

		if (node->held_by_all && node->seen != vmon->generation && !node->born_gone)
			vmon__node_stale(vmon, node);
	}
	return 0;
}
