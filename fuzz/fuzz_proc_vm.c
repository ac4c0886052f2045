/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_proc_vm.c - libFuzzer target for vmon__parse_proc_vm(), the
 * /proc/PID/statm parser (seven columns in pages; fewer columns leave
 * fields unavailable).
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_proc_vm_t vm;

	memset(&vm, 0, sizeof(vm));
	FUZZ_CHECK(vmon__parse_proc_vm(&vm, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_proc_vm(&vm, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(vm.changed, VMON_PROC_VM_NR));
	FUZZ_CHECK(vmon__parse_proc_vm(&vm, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
