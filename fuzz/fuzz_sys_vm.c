/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_vm.c - libFuzzer target for vmon__parse_sys_vm(), the
 * /proc/meminfo parser (by key: shuffled, missing, unknown and duplicated
 * keys, values with and without units, reliability.md A12, A15).
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_vm_t vm;

	memset(&vm, 0, sizeof(vm));
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, (const char *)data, size) == 0);
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, (const char *)data, size) == 0);
	FUZZ_CHECK(!vmon__bits_any(vm.changed, VMON_SYS_VM_NR));
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	return 0;
}
