/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_vm.c - libFuzzer target for vmon__parse_sys_vm(), the
 * /proc/meminfo parser (by key: shuffled, missing, unknown and duplicated
 * keys, values with and without units, docs/design/kernel.md A12, A15;
 * every key also kept by name in a set of rows).  Checks the rows (named,
 * never new and stale at once, a name at most once among the live ones,
 * found by vmon_sys_vm_get() with their value) and that the same bytes
 * again change, add and drop nothing.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_sys_vm_t *vm)
{
	FUZZ_CHECK(vm->keys_nr >= 0 && (size_t)vm->keys_nr <= vm->keys_alloc);
	for (int i = 0; i < vm->keys_nr; i++) {
		const vmon_sys_vm_key_t *k = &vm->keys[i];
		unsigned long long v;

		FUZZ_CHECK(k->name.array && k->name.len && !k->name.array[k->name.len]);
		FUZZ_CHECK(!(k->is_new && k->is_stale) && !(k->is_stale && k->changed));
		for (int j = 0; j < i && !k->is_stale; j++)
			FUZZ_CHECK(vm->keys[j].is_stale || vm->keys[j].name.len != k->name.len ||
				   memcmp(vm->keys[j].name.array, k->name.array, k->name.len));
		/* a name with a NUL in it cannot be asked for */
		if (!k->is_stale && strlen(k->name.array) == k->name.len)
			FUZZ_CHECK(vmon_sys_vm_get(vm, k->name.array, &v) && v == k->value);
	}
}

static bool any_changed(const vmon_sys_vm_t *vm)
{
	for (int i = 0; i < vm->keys_nr; i++)
		if (vm->keys[i].changed || vm->keys[i].is_new || vm->keys[i].is_stale)
			return true;
	return vmon__bits_any(vm->changed, VMON_SYS_VM_NR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_vm_t vm;

	memset(&vm, 0, sizeof(vm));
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, (const char *)data, size) == 0);
	check(&vm);
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, (const char *)data, size) == 0);
	FUZZ_CHECK(!any_changed(&vm));
	FUZZ_CHECK(vmon__parse_sys_vm(&vm, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&vm);
	vmon__sys_vm_free(&vm);
	return 0;
}
