/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parity_fixtures.c - the fields of issue 13's parity gaps through the
 * whole library over the fixture proc root tests/fixtures/proc/parity, for
 * content the kernel will not produce on demand:
 *
 *   meminfo  keys the table does not know, a repeated key, garbage lines
 *            (no colon, no key, no number, a negative, an overflowing
 *            number, an empty value), u64 max, a tab in a key, no final
 *            newline.
 */
#include <errno.h>
#include <string.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static const char *root(void)
{
	static char buf[256];

	return t_fixture("parity", buf, sizeof(buf));
}

TEST(fixture_parity_meminfo_unknown_and_garbage_keys)
{
	static const struct {
		const char *name;
		unsigned long long value;
	} rows[] = {
		{ "MemTotal", 16000000 }, { "MemFree", 4000000 }, { "Zswap", 12345 },
		{ "KReclaimable", 250000 }, { "SecPageTables", 0 }, { "Percpu", 4480 },
		{ "HugeValue", 18446744073709551615ULL }, { "DirectMap1G", 25165824 },
		{ "HugePages_Total", 4 }, { "Tab\tKey", 7 }, { "Unaccepted", 0 },
	};
	static const char *const no_row[] = { "Garbage line without a colon 12", "",
		"Overflow", "NotANumber", "Negative", "Empty", "Tab" };
	int fds = t_count_fds();
	unsigned long long v;
	vmon_sys_vm_t *vm;
	vmon_t vmon;

	ASSERT(vmon_init_root(&vmon, root(), VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	for (int sample = 0; sample < 2; sample++) {
		ASSERT(vmon_sample(&vmon));
		vm = vmon.stores[VMON_STORE_SYS_VM];
		ASSERT_EQ(vm->keys_nr, (int)(sizeof(rows) / sizeof(rows[0])));
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			ASSERT_STREQ(vm->keys[i].name.array, rows[i].name);
			ASSERT_MSG(vmon_sys_vm_get(vm, rows[i].name, &v) && v == rows[i].value,
				   "%s", rows[i].name);
			/* new and changed at the first sample only */
			ASSERT_EQ(vm->keys[i].is_new, !sample);
			ASSERT_EQ(vm->keys[i].changed, !sample);
		}
		for (size_t i = 0; i < sizeof(no_row) / sizeof(no_row[0]); i++)
			ASSERT_MSG(!vmon_sys_vm_get(vm, no_row[i], &v) && errno == ENOENT, "%s",
				   no_row[i]);
		/* the members: the first MemFree counts; the rest unavailable */
		ASSERT_EQ(vm->total_kb, 16000000);
		ASSERT_EQ(vm->free_kb, 4000000);
		ASSERT_EQ(vm->hugepages_total, 4);
		ASSERT(!BITTEST(vm->unavailable, VMON_SYS_VM_FREE_KB));
		ASSERT(BITTEST(vm->unavailable, VMON_SYS_VM_AVAILABLE_KB));
		ASSERT(vmon.unavailable & VMON_WANT_SYS_VM);
		t_check_tree(&vmon);
	}
	ASSERT(!(vmon.activity & VMON_WANT_SYS_VM));
	vmon_destroy(&vmon);
	ASSERT_EQ(t_count_fds(), fds);
}
