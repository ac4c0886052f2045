/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault_cycle.h - the fault sweeps' common ground (fault_cycle.c): one
 * "cycle" of the library over the puppet tree (puppet.h), run again and
 * again while a fault plan fails the Nth allocation or system call, in the
 * manner of SQLite's do_faultsim_test.
 */
#ifndef VMON_FAULT_CYCLE_H
#define VMON_FAULT_CYCLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "puppet.h"
#include "vmon/vmon.h"

/* What the public calls of a cycle may do under the fault being swept. */
struct fc_expect {
	int errs[3];		/* errno values a failing call may set, 0-ended */
	bool gone_ok;		/* the fault says "process gone" (ESRCH, ENOENT):
				 * a live process may then be reported stale */
	bool recover;		/* one-shot fault: after the cycle, with faults
				 * cleared, two more samples must give exactly
				 * the fault-free result */
	void (*after_sample)(vmon_t *vmon, void *ctx);	/* further checks */
	void *ctx;
};

/* One cycle: init with every want (and flags), monitor R, sample across
 * births, an exec and exits, unmonitor, destroy.  Every public call must
 * succeed or fail with an errno of expect; after every sample the tree
 * must pass t_check_tree() and (unless gone_ok) no live task of the
 * puppet may be stale.  With expect->recover, sig receives the tree's
 * signature after recovery ("" when R was never monitored, "gone" when the
 * fault made R stale).  Returns how many faults fired in it. */
unsigned long fc_cycle(struct fc_puppet *pp, vmon_flags_t flags,
		       const struct fc_expect *expect, char *sig, size_t sig_size);

/* The signature of the tree under top-level node R: one sorted line per
 * node (pid, thread or process, stale, unavailable stores, comm, argc,
 * descriptors, children, threads). */
void fc_signature(vmon_t *vmon, char *sig, size_t size);

/* Sweep a fault plan over a cycle: for N = 1, 2 ... arm the plan at N and
 * run a cycle, until a cycle runs without the plan firing.  Returns the
 * number of cycles in which it fired; fails the test on a descriptor left
 * open.  clean is the fault-free signature (for expect->recover).  Every
 * N is failed in the sanitizer build, every third in the plain one, every
 * k-th with VMON_SWEEP_STRIDE=k in the environment. */
struct vmon_fault_plan;
unsigned long fc_sweep_stride(void);
unsigned long fc_sweep(struct fc_puppet *pp, vmon_flags_t flags, int site,
		       const struct vmon_fault_plan *plan, const struct fc_expect *expect,
		       const char *clean);

/* A private copy of the fixture proc root "procs" (fault_root.c), and the
 * same sweep over a PROC_ALL cycle on it: init, four samples while a
 * process directory appears and another leaves and comes back, destroy.
 * Public calls must succeed or fail with an errno of expect, the tree must
 * pass t_check_tree(), no descriptor may be left. */
struct fc_root {
	char dir[64];
};

void fc_root_make(struct fc_root *r);
void fc_root_remove(struct fc_root *r);
unsigned long fc_root_sweep(struct fc_root *r, vmon_flags_t flags, int site,
			    const struct vmon_fault_plan *plan, const struct fc_expect *expect);

#endif
