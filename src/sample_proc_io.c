/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_io.c - VMON_WANT_PROC_IO: /proc/PID/io (proc_pid_io(5)),
 * parsed by key.  Reading another user's io needs ptrace read access, so
 * EACCES is common for an unprivileged caller: the store is then
 * unavailable and the open is retried after a back-off, not every sample.
 * The check is also made at read time, so an io descriptor opened before
 * a setuid exec starts failing with EACCES: handled the same way.
 */
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_io_t
static const vmon_field_t proc_io_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_io.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_io_info, "proc_io", "/proc/PID/io", vmon_proc_io_t, proc_io_fields,
		 VMON_PROC_IO_NR);

int vmon__parse_proc_io(vmon_proc_io_t *io, const char *buf, size_t len)
{
	memset(io->changed, 0, sizeof(io->changed));
	vmon__parse_keyed(&vmon__proc_io_info, io, io->changed, io->unavailable, buf, len);
	return 0;
}

VMON__FILE_PROC_SAMPLER_BPF(vmon__sampler_proc_io, vmon__proc_io_info, vmon_proc_io_t, "io",
			    vmon__parse_proc_io, vmon__bpf_fill_io);
