/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault_root.c - the PROC_ALL cycle of the fault sweeps (fault_cycle.h):
 * a private copy of a fixture proc root in which process directories
 * appear and disappear between samples (renamed in and out of sight), so
 * that the whole of PROC_ALL's bookkeeping is swept without depending on
 * what else runs on the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "fault_cycle.h"
#include "internal.h"
#include "test.h"

static void sh(const char *fmt, const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	ASSERT_MSG(system(cmd) == 0, "%s failed", cmd);
}

void fc_root_make(struct fc_root *r)
{
	char fix[256];

	snprintf(r->dir, sizeof(r->dir), "/tmp/vmon-sweep-XXXXXX");
	ASSERT(mkdtemp(r->dir));
	t_fixture("procs", fix, sizeof(fix));
	sh("cp -a %s/. %s", fix, r->dir);
	sh("cp -a %s/101 %s/.105", r->dir, r->dir);	/* the spare process */
}

void fc_root_remove(struct fc_root *r)
{
	sh("rm -rf %s%s", r->dir, "");
}

static void rename_in(struct fc_root *r, const char *from, const char *to)
{
	char a[128], b[128];

	snprintf(a, sizeof(a), "%s/%s", r->dir, from);
	snprintf(b, sizeof(b), "%s/%s", r->dir, to);
	ASSERT_MSG(rename(a, b) == 0, "rename %s %s", a, b);
}

static void check_errno(const struct fc_expect *e, const char *call)
{
	int err = errno;

	for (int i = 0; i < 3 && e->errs[i]; i++)
		if (e->errs[i] == err)
			return;
	ASSERT_MSG(err == ENOMEM, "%s failed with %s, not an expected error", call, strerror(err));
}

/* init, four samples across a birth (105) and an exit (102 leaves, then
 * comes back), destroy; the faults fired */
static unsigned long root_cycle(struct fc_root *r, vmon_flags_t flags, const struct fc_expect *e)
{
	vmon_proc_wants_t wants = VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT |
				  VMON_WANT_PROC_VM | VMON_WANT_PROC_IO;
	vmon_t v;

	if (!vmon_init_root(&v, r->dir, flags, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, wants)) {
		check_errno(e, "vmon_init_root()");
		return vmon_test_fault_fired();
	}
	for (int i = 0; i < 4; i++) {
		if (i == 1)
			rename_in(r, ".105", "105");
		if (i == 2)
			rename_in(r, "102", ".102");
		if (i == 3)
			rename_in(r, ".102", "102");
		if (!vmon_sample(&v))
			check_errno(e, "vmon_sample()");
		t_check_tree(&v);
	}
	rename_in(r, "105", ".105");
	vmon_destroy(&v);
	return vmon_test_fault_fired();
}

unsigned long fc_root_sweep(struct fc_root *r, vmon_flags_t flags, int site,
			    const struct vmon_fault_plan *plan, const struct fc_expect *e)
{
	unsigned long n, fired = 0, stride = fc_sweep_stride();
	int fds = t_count_fds();

	for (n = 1; n < 100000; n += stride) {
		struct vmon_fault_plan p = *plan;

		p.countdown = n;
		vmon_test_fault_clear();
		vmon_test_fault_set(site, &p);
		if (!root_cycle(r, flags, e))
			break;
		fired++;
		ASSERT_EQ(t_count_fds(), fds);
	}
	vmon_test_fault_clear();
	ASSERT_EQ(t_count_fds(), fds);
	return fired;
}
