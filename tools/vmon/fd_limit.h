/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fd_limit.h - vmon's descriptor limit, raised to what libvmon needs for
 * the tree it monitors.
 */
#ifndef VMON_TOOL_FD_LIMIT_H
#define VMON_TOOL_FD_LIMIT_H

/* enough descriptors for `nodes` processes and threads (a warning, once,
 * when the hard limit does not allow it) */
void raise_fd_limit(int nodes);
/* in the command, before exec: the limit vmon started with */
void restore_fd_limit_in_child(void);

#endif
