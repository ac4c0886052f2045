/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * source_netlink.c - the NETLINK event source (placeholder until the
 * proc connector and taskstats readers land): not available.
 */
#include <errno.h>

#include "internal.h"

static int nl_open(vmon_t *vmon, void **state)
{
	(void)vmon;
	(void)state;
	return -ENOSYS;
}

const struct vmon__source vmon__source_netlink = {
	.id = VMON_EVENTS_NETLINK,
	.open = nl_open,
};
