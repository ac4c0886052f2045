/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fault_alloc.c - allocation failure injection across births, an exec
 * and exits (docs/design/io-and-faults.md).  SQLite's sweep: allocation N
 * fails (once; or, in the persistent sweeps, every allocation from N on)
 * for N = 1, 2, ... until a whole cycle runs without reaching N.  A cycle
 * inits with every want, monitors a puppet tree, samples it five times
 * while a child with a thread and a second thread are born, a child execs,
 * and all three exit, then unmonitors and destroys (fault_cycle.c).  Every
 * public call must succeed or fail with ENOMEM; the tree must pass the
 * invariant checker after every sample (the library also runs it inside
 * vmon_sample() in test builds); no live process may be reported gone; no
 * descriptor may be left; LeakSanitizer checks for leaks in the sanitizer
 * run.  After a one-shot failure, two more samples must show exactly the
 * tree a fault-free cycle shows.
 *
 * The PROC_ALL sweeps run on a copy of a fixture proc root in which
 * process directories appear and disappear between samples, so that the
 * whole of PROC_ALL's bookkeeping is swept without depending on what else
 * runs on the machine.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "fault_cycle.h"
#include "internal.h"
#include "test.h"

static void sweep_tree(vmon_flags_t flags, int persistent)
{
	struct vmon_fault_plan plan = { .armed = 1, .err = ENOMEM, .persistent = persistent };
	struct fc_expect clean_run = { .recover = true };
	struct fc_expect e = { .recover = !persistent };
	struct fc_puppet pp;
	char clean[4096];
	unsigned long n;

	fc_puppet_start(&pp);
	fc_cycle(&pp, flags, &clean_run, clean, sizeof(clean));
	ASSERT(clean[0] && strcmp(clean, "gone"));
	n = fc_sweep(&pp, flags, VMON__FAULT_ALLOC, &plan, &e, clean);
	printf("    %lu allocations failed in turn (%s), %lu distinct call paths so far\n",
	       n, persistent ? "persistent" : "one-shot", vmon_test_fault_sites(VMON__FAULT_ALLOC));
	ASSERT_MSG(n * fc_sweep_stride() > 200, "only %lu allocations in a cycle", n);
	fc_puppet_stop(&pp);
}

TEST(fault_alloc_sweep_tree_one_shot)
{
	sweep_tree(VMON_FLAG_NONE, 0);
}

TEST(fault_alloc_sweep_tree_persistent)
{
	sweep_tree(VMON_FLAG_NONE, 1);
}

TEST(fault_alloc_sweep_tree_array_2pass_one_shot)
{
	sweep_tree(VMON_FLAG_PROC_ARRAY | VMON_FLAG_2PASS, 0);
}

TEST(fault_alloc_sweep_tree_array_2pass_persistent)
{
	sweep_tree(VMON_FLAG_PROC_ARRAY | VMON_FLAG_2PASS, 1);
}

/* ---- PROC_ALL over a fixture root whose processes come and go ---- */

static void sweep_proc_all(int persistent)
{
	struct vmon_fault_plan plan = { .armed = 1, .err = ENOMEM, .persistent = persistent };
	struct fc_expect e = { .recover = false };
	struct fc_root r;
	unsigned long n;

	fc_root_make(&r);
	n = fc_root_sweep(&r, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY, VMON__FAULT_ALLOC, &plan,
			  &e);
	fc_root_remove(&r);
	printf("    %lu allocations failed in turn (%s)\n", n, persistent ? "persistent" : "one-shot");
	ASSERT_MSG(n * fc_sweep_stride() > 50, "only %lu allocations in a cycle", n);
}

TEST(fault_alloc_sweep_proc_all_one_shot)
{
	sweep_proc_all(0);
}

TEST(fault_alloc_sweep_proc_all_persistent)
{
	sweep_proc_all(1);
}
