/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * source_ptrace.c - the PTRACE event source (placeholder until the tracer
 * lands): not available.
 */
#include <errno.h>

#include "internal.h"

static int pt_open(vmon_t *vmon, void **state)
{
	(void)vmon;
	(void)state;
	return -ENOSYS;
}

const struct vmon__source vmon__source_ptrace = {
	.id = VMON_EVENTS_PTRACE,
	.open = pt_open,
};
