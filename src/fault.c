/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault.c - fault injection for test builds (VMON_TESTING), in the manner
 * of SQLite's test_malloc.c: a test arms a countdown per site; when it
 * reaches zero the call fails with the armed error (once, or persistently),
 * or, for reads, returns at most a given number of bytes.  In normal builds
 * vmon__fault() is an inline 0 and this file is empty.
 */
#include <string.h>

#include "internal.h"

#ifdef VMON_TESTING
#include <execinfo.h>

#include "fault.h"

#define SITES_MAX 4096

static struct vmon_fault_plan plans[VMON__FAULT_READDIR + 1];
static unsigned long fired;
static unsigned long calls[VMON__FAULT_READDIR + 1];

/* The distinct code paths a fault fired in, per site: the two frames
 * above the wrapper that asked (the allocator or the I/O function), so
 * that the sweeps can say how many different places they failed. */
static struct fired_at {
	void *caller[2];
} sites[VMON__FAULT_READDIR + 1][SITES_MAX];
static unsigned long sites_nr[VMON__FAULT_READDIR + 1];

static __attribute__((noinline)) void note_site(enum vmon__fault_site site)
{
	void *frames[5] = { 0 };
	/* us, vmon__fault(), the wrapper, its caller and the caller's caller */
	int n = backtrace(frames, 5);
	struct fired_at at = { { n > 3 ? frames[3] : NULL, n > 4 ? frames[4] : NULL } };

	for (unsigned long i = 0; i < sites_nr[site]; i++)
		if (!memcmp(&sites[site][i], &at, sizeof(at)))
			return;
	if (sites_nr[site] < SITES_MAX)
		sites[site][sites_nr[site]++] = at;
}

unsigned long vmon_test_fault_sites(enum vmon__fault_site site)
{
	return sites_nr[site];
}

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
	note_site(site);
	if (p->hook) {
		p->hook(p->hook_arg);
		return 0;
	}
	return p->short_read ? p->short_read : -p->err;
}
#endif
