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

#define VMON__STORE_TYPE vmon_proc_vm_t
static const vmon_field_t proc_vm_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_vm.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_vm_info, "proc_vm", "/proc/PID/statm", vmon_proc_vm_t, proc_vm_fields,
		 VMON_PROC_VM_NR);

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

VMON__FILE_PROC_SAMPLER_BPF(vmon__sampler_proc_vm, vmon__proc_vm_info, vmon_proc_vm_t, "statm",
			    vmon__parse_proc_vm, vmon__bpf_fill_vm);
