/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon_ioac.h - a task's or a signal's I/O counters as both BPF programs
 * hand them over: the seven of /proc/PID/io, in its order (rchar, wchar,
 * syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes).  Included
 * by the programs only, after vmlinux.h.
 */
#ifndef VMON_BPF_IOAC_H
#define VMON_BPF_IOAC_H

static __always_inline void vmon_ioac_copy(__u64 io[7], const struct task_io_accounting *a)
{
	io[0] = a->rchar;
	io[1] = a->wchar;
	io[2] = a->syscr;
	io[3] = a->syscw;
	io[4] = a->read_bytes;
	io[5] = a->write_bytes;
	io[6] = a->cancelled_write_bytes;
}

#endif
