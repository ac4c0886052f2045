/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_vm.c - VMON_WANT_SYS_VM: /proc/meminfo (proc_meminfo(5)),
 * parsed by key through the source column of sys_vm.def: a kernel that adds,
 * drops or reorders keys (MemAvailable since 3.14, KReclaimable, Zswap...)
 * changes nothing for the others.  The seed parsed it as a fixed sequence.
 */
#include <string.h>

#include "internal.h"

struct sys_vm_state {
	vmon_sys_vm_t pub;
	struct vmon__file_store fs;
};

int vmon__parse_sys_vm(vmon_sys_vm_t *vm, const char *buf, size_t len)
{
	memset(vm->changed, 0, sizeof(vm->changed));
	vmon__parse_keyed(&vmon__sys_vm_info, vm, vm->changed, vm->unavailable, buf, len);
	return 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_sys_vm(store, buf, len);
}

static void sys_vm_init(void *state)
{
	vmon__file_init(&((struct sys_vm_state *)state)->fs.file);
}

static enum vmon__outcome sys_vm_sample(vmon_t *vmon, void *state)
{
	struct sys_vm_state *s = state;
	bool unavailable = false;
	enum vmon__outcome o = vmon__sample_file(vmon, vmon->internal->proc_fd, "meminfo",
						 &s->fs, &vmon__sys_vm_info, &s->pub,
						 parse, &unavailable);

	if (unavailable)
		vmon->unavailable |= VMON_WANT_SYS_VM;
	return o;
}

static void sys_vm_close(vmon_t *vmon, void *state)
{
	(void)vmon;
	vmon__file_close(&((struct sys_vm_state *)state)->fs.file);
}

const struct vmon__sys_sampler vmon__sampler_sys_vm = {
	.state_size = sizeof(struct sys_vm_state),
	.init = sys_vm_init,
	.sample = sys_vm_sample,
	.close = sys_vm_close,
};
