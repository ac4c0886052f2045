/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sys_rates.h - the machine's disk and network rates for the live view's
 * meters: bytes read from and written to the disks, received and sent on
 * the network interfaces, per second, from libvmon's /proc/diskstats and
 * /proc/net/dev stores.
 */
#ifndef VMON_TOOL_SYS_RATES_H
#define VMON_TOOL_SYS_RATES_H

#include <vmon/vmon.h>

#include "model.h"

/* After a sample at t: the rates into m (disk_*, net_*). */
void sys_rates_observe(struct model *m, const vmon_t *v, vt_us t);

#endif
