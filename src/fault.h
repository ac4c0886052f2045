/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault.h - the test builds' fault plans (VMON_TESTING only).  A plan arms
 * one site (allocation, open, read, readlink, readdir): the countdown-th
 * call from now fails with err (or, for reads, returns at most short_read
 * bytes, or calls hook first and goes ahead); then, if every is set, each
 * every-th call after it; if persistent, every call after it.
 */
#ifndef VMON_FAULT_H
#define VMON_FAULT_H

#include "internal.h"

struct vmon_fault_plan {
	int armed;
	unsigned long countdown;
	unsigned long every;
	int persistent;
	int err;
	int short_read;
	/* instead of failing: call hook(hook_arg) right before the call, which
	 * then goes ahead (to change the world between two reads) */
	void (*hook)(void *hook_arg);
	void *hook_arg;
};

void vmon_test_fault_set(enum vmon__fault_site site, const struct vmon_fault_plan *plan);
void vmon_test_fault_clear(void);
unsigned long vmon_test_fault_fired(void);
/* calls made at a site since the process started, faulted or not */
unsigned long vmon_test_fault_calls(enum vmon__fault_site site);
/* distinct code paths (the two callers above the allocator or I/O
 * wrapper) a fault fired in at a site since the process started */
unsigned long vmon_test_fault_sites(enum vmon__fault_site site);

#endif
