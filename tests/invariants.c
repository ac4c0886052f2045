/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * invariants.c - t_check_tree(): fail the test when the library's own
 * invariant checker, vmon__check() (src/check.c), finds anything broken in
 * an instance: parent links, pid hashes, references, staleness, the array,
 * descriptor lists and shared objects.  Tests call it after samples and
 * around monitor and unmonitor calls; test builds also run the same
 * checker inside every vmon_sample().
 */
#include "internal.h"
#include "test.h"

void t_check_tree(vmon_t *vmon)
{
	ASSERT_MSG(vmon__check(vmon) == 0, "vmon__check: an invariant is broken (see stderr)");
}
