/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fault.c - fault injection for test builds (VMON_TESTING), in the manner
 * of SQLite's test_malloc.c: a test arms a countdown per site; when it
 * reaches zero the call fails with the armed error (once, or persistently),
 * or, for reads, returns at most a given number of bytes.  In normal builds
 * vmon__fault() is an inline 0 and this file is empty.
 */
#include "internal.h"

#ifdef VMON_TESTING
#include "fault.h"

static struct vmon_fault_plan plans[VMON__FAULT_READDIR + 1];
static unsigned long fired;
static unsigned long calls[VMON__FAULT_READDIR + 1];

void vmon_test_fault_set(enum vmon__fault_site site, const struct vmon_fault_plan *plan)
{
	plans[site] = *plan;
}

void vmon_test_fault_clear(void)
{
	for (unsigned i = 0; i < VMON__ARRAY_SIZE(plans); i++)
		plans[i] = (struct vmon_fault_plan){ 0 };
	fired = 0;
}

unsigned long vmon_test_fault_fired(void)
{
	return fired;
}

unsigned long vmon_test_fault_calls(enum vmon__fault_site site)
{
	return calls[site];
}

int vmon__fault(enum vmon__fault_site site)
{
	struct vmon_fault_plan *p = &plans[site];

	calls[site]++;
	if (!p->armed)
		return 0;
	if (p->countdown > 1) {
		p->countdown--;
		return 0;
	}
	if (p->countdown == 0)		/* a one-shot fault that already fired */
		return 0;
	if (p->every)
		p->countdown = p->every;
	else if (!p->persistent)
		p->countdown = 0;
	fired++;
	return p->short_read ? p->short_read : -p->err;
}
#endif
