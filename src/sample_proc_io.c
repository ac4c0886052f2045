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

struct proc_io_state {
	vmon_proc_io_t pub;
	struct vmon__file_store fs;
};

int vmon__parse_proc_io(vmon_proc_io_t *io, const char *buf, size_t len)
{
	memset(io->changed, 0, sizeof(io->changed));
	vmon__parse_keyed(&vmon__proc_io_info, io, io->changed, io->unavailable, buf, len);
	return 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_proc_io(store, buf, len);
}

static void proc_io_init(void *state)
{
	vmon__file_init(&((struct proc_io_state *)state)->fs.file);
}

static enum vmon__outcome proc_io_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_io_state *s = state;
	bool unavailable = false;
	enum vmon__outcome o = vmon__sample_file(vmon, vmon__node(proc)->dirfd, "io",
						 &s->fs, &vmon__proc_io_info, &s->pub,
						 parse, &unavailable);

	if (unavailable)
		proc->unavailable |= VMON_WANT_PROC_IO;
	return o;
}

static void proc_io_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	vmon__file_close(&((struct proc_io_state *)state)->fs.file);
}

const struct vmon__proc_sampler vmon__sampler_proc_io = {
	.state_size = sizeof(struct proc_io_state),
	.init = proc_io_init,
	.sample = proc_io_sample,
	.close = proc_io_close,
};
