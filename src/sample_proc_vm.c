/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_vm.c - VMON_WANT_PROC_VM: /proc/PID/statm (proc_pid_statm(5)):
 * seven numbers in pages: size resident shared text lib data dt, of which
 * lib (5) and dt (7) are 0 since Linux 2.6 and are skipped.  A zombie reads
 * all zeros (docs/design/kernel.md K5).
 */
#include <pthread.h>
#include <string.h>

#include "internal.h"

struct proc_vm_state {
	vmon_proc_vm_t pub;
	struct vmon__file_store fs;
};

/* column 1 + i of statm -> symbol, or -1 (lib and dt) */
static signed char statm_syms[7];
static pthread_once_t statm_syms_once = PTHREAD_ONCE_INIT;

static void statm_syms_build(void)
{
	vmon__positions_build(&vmon__proc_vm_info, 1, statm_syms, 7);
}

int vmon__parse_proc_vm(vmon_proc_vm_t *vm, const char *buf, size_t len)
{
	pthread_once(&statm_syms_once, statm_syms_build);
	memset(vm->changed, 0, sizeof(vm->changed));
	vmon__parse_positions(&vmon__proc_vm_info, statm_syms, 7, vm,
			      vm->changed, vm->unavailable, buf, buf + len);
	return 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_proc_vm(store, buf, len);
}

static void proc_vm_init(void *state)
{
	vmon__file_init(&((struct proc_vm_state *)state)->fs.file);
}

static enum vmon__outcome proc_vm_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_vm_state *s = state;
	bool unavailable = false;
	enum vmon__outcome o = vmon__sample_file(vmon, vmon__node(proc)->dirfd, "statm",
						 &s->fs, &vmon__proc_vm_info, &s->pub,
						 parse, &unavailable);

	if (unavailable)
		proc->unavailable |= VMON_WANT_PROC_VM;
	return o;
}

static void proc_vm_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	vmon__file_close(&((struct proc_vm_state *)state)->fs.file);
}

const struct vmon__proc_sampler vmon__sampler_proc_vm = {
	.state_size = sizeof(struct proc_vm_state),
	.init = proc_vm_init,
	.sample = proc_vm_sample,
	.close = proc_vm_close,
};
