/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sampler_sys.h - the system figures vmon-export publishes beside the
 * groups: CPU by mode, memory and swap, pressure stall totals, load, from
 * the system stores libvmon fills in the same sample.
 */
#ifndef EXPORT_SAMPLER_SYS_H
#define EXPORT_SAMPLER_SYS_H

#include <vmon/vmon.h>

#include "export.h"

#define SYS_WANTS (VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM | VMON_WANT_SYS_LOADAVG | \
		   VMON_WANT_SYS_PRESSURE_CPU | VMON_WANT_SYS_PRESSURE_MEMORY | \
		   VMON_WANT_SYS_PRESSURE_IO)

/* Copy the last sample's system figures of v into out. */
void sys_figures(const vmon_t *v, struct snap_system *out);

#endif
