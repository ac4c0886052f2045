/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_bpf_record.c - libFuzzer target for the BPF backend's conversion
 * of a task record (bpf/vmon_task.h) into the stat, vm and io stores
 * (src/backend_fill.c): any bytes, taken as one record (zero-padded or
 * cut to its size), must convert without a fault; converting the same
 * record again changes nothing (the CPU time's floor included); a second
 * record from the input's tail updates the stores.
 */
#include <string.h>
#include <linux/types.h>

#include "fuzz.h"
#include "internal.h"
#include "vmon_task.h"

static void record_from(struct vmon_bpf_task *r, const uint8_t *data, size_t size)
{
	memset(r, 0, sizeof(*r));
	memcpy(r, data, size < sizeof(*r) ? size : sizeof(*r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmon_internal in;
	struct vmon_bpf_task r;
	vmon_proc_stat_t st;
	vmon_proc_vm_t vm;
	vmon_proc_io_t io;
	unsigned long long prev[2] = { 0, 0 };
	vmon_t v;

	memset(&v, 0, sizeof(v));
	memset(&in, 0, sizeof(in));
	memset(&st, 0, sizeof(st));
	memset(&vm, 0, sizeof(vm));
	memset(&io, 0, sizeof(io));
	v.internal = &in;
	v.ticks_per_sec = 100;
	in.page_size = 4096;
	record_from(&r, data, size);
	FUZZ_CHECK(vmon__bpf_fill_stat(&v, &st, &r, prev) == 0);
	vmon__bpf_fill_vm(&v, &vm, &r);
	vmon__bpf_fill_io(&v, &io, &r);
	/* utime + stime is the runtime they are scaled to, or the floor
	 * they may not go below */
	FUZZ_CHECK((unsigned __int128)prev[0] + prev[1] <=
		   ((unsigned __int128)r.prev_utime + r.prev_stime > r.sum_exec_runtime ?
		    (unsigned __int128)r.prev_utime + r.prev_stime : r.sum_exec_runtime));
	memset(st.changed, 0, sizeof(st.changed));
	FUZZ_CHECK(vmon__bpf_fill_stat(&v, &st, &r, prev) == 0);
	vmon__bpf_fill_vm(&v, &vm, &r);
	vmon__bpf_fill_io(&v, &io, &r);
	FUZZ_CHECK(!vmon__bits_any(st.changed, VMON_PROC_STAT_NR));
	FUZZ_CHECK(!vmon__bits_any(vm.changed, VMON_PROC_VM_NR));
	FUZZ_CHECK(!vmon__bits_any(io.changed, VMON_PROC_IO_NR));
	record_from(&r, (const uint8_t *)FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	FUZZ_CHECK(vmon__bpf_fill_stat(&v, &st, &r, prev) == 0);
	vmon__bpf_fill_vm(&v, &vm, &r);
	vmon__bpf_fill_io(&v, &io, &r);
	vmon__proc_stat_free(&st);
	return 0;
}
