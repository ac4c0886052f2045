/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_meminfo.c - every /proc/meminfo key by name (VMON_WANT_SYS_VM,
 * vmon_sys_vm_get()), against the file read by the test's own reader:
 *
 *   - this machine's /proc/meminfo: the library's keys are exactly the
 *     file's, in its order, the keys the table does not know (Zswap,
 *     KReclaimable, SecPageTables, Percpu, the huge page ones, Hugetlb,
 *     DirectMap1G...) among them, and each value lies between the file read
 *     just before and just after the sample (memory moves meanwhile; an
 *     attempt where one does not is tried again);
 *   - the same bytes copied into a proc root of plain files: every key and
 *     every member equal, exactly;
 *   - a meminfo rewritten under a monitored instance: keys come, go (stale
 *     for one sample) and change, with their flags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

#define KEYS_MAX 256

/* One file's keys, parsed here with sscanf, nothing of the library's. */
struct meminfo {
	int nr;
	char name[KEYS_MAX][64];
	unsigned long long value[KEYS_MAX];
};

static void meminfo_parse(const char *text, struct meminfo *m)
{
	m->nr = 0;
	for (const char *line = text; *line; ) {
		const char *nl = strchr(line, '\n');
		char key[64];
		unsigned long long val;

		if (sscanf(line, "%63[^:]: %llu", key, &val) == 2) {
			ASSERT(m->nr < KEYS_MAX);
			snprintf(m->name[m->nr], sizeof(m->name[0]), "%s", key);
			m->value[m->nr++] = val;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
}

static void meminfo_read(const char *path, struct meminfo *m)
{
	char *text = t_read_file(path, NULL);

	ASSERT_MSG(text, "cannot read %s", path);
	meminfo_parse(text, m);
	free(text);
	ASSERT(m->nr > 10);
}

/* The live rows of the store, in order, are the file's keys. */
static void same_keys(const vmon_sys_vm_t *vm, const struct meminfo *m)
{
	int live = 0;

	for (int i = 0; i < vm->keys_nr; i++) {
		if (vm->keys[i].is_stale)
			continue;
		ASSERT_MSG(live < m->nr, "library has more keys than the file: %s",
			   vm->keys[i].name.array);
		ASSERT_STREQ(vm->keys[i].name.array, m->name[live]);
		live++;
	}
	ASSERT_EQ(live, m->nr);
}

/* Each member of the table is its key's row, read in the same sample. */
static void members_are_rows(const vmon_sys_vm_t *vm)
{
	const vmon_store_info_t *info = vmon_sys_store_info(VMON_STORE_SYS_VM);
	int compared = 0;

	for (int sym = 0; sym < info->fields_nr; sym++) {
		const vmon_field_t *f = &info->fields[sym];
		unsigned long long val;

		if (!vmon_sys_vm_get(vm, f->source, &val)) {
			ASSERT_MSG(vmon_field_unavailable(info, vm, sym), "%s: no key, yet available",
				   f->source);
			continue;
		}
		ASSERT_MSG(!vmon_field_unavailable(info, vm, sym), "%s unavailable", f->source);
		ASSERT_MSG(*(const unsigned long *)((const char *)vm + f->offset) == val,
			   "%s: member %lu, key %llu", f->source,
			   *(const unsigned long *)((const char *)vm + f->offset), val);
		compared++;
	}
	ASSERT(compared > 20);
}

TEST(want_vm_every_meminfo_key_by_name_this_machine)
{
	static const char *const beyond_table[] = { "Zswap", "KReclaimable", "SecPageTables",
		"Percpu", "AnonHugePages", "ShmemHugePages", "FileHugePages", "Hugetlb",
		"DirectMap1G" };
	struct meminfo *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	unsigned long long val;
	int attempt, outside = 0, beyond = 0;
	vmon_sys_vm_t *vm;
	vmon_t v;

	ASSERT(before && after);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	for (attempt = 0; attempt < 200; attempt++) {
		meminfo_read("/proc/meminfo", before);
		ASSERT(vmon_sample(&v));
		meminfo_read("/proc/meminfo", after);
		vm = v.stores[VMON_STORE_SYS_VM];
		ASSERT_EQ(before->nr, after->nr);
		same_keys(vm, after);
		members_are_rows(vm);
		outside = 0;
		for (int i = 0; i < after->nr; i++) {
			unsigned long long lo = before->value[i], hi = after->value[i];

			if (lo > hi) {
				lo = after->value[i];
				hi = before->value[i];
			}
			ASSERT_MSG(vmon_sys_vm_get(vm, after->name[i], &val), "%s not found",
				   after->name[i]);
			outside += val < lo || val > hi;
		}
		if (!outside)
			break;
	}
	ASSERT_MSG(!outside, "%d keys outside the file's values around the sample, %d times",
		   outside, attempt);
	/* the keys of the issue this kernel prints are reachable by name */
	for (size_t k = 0; k < sizeof(beyond_table) / sizeof(beyond_table[0]); k++)
		for (int i = 0; i < after->nr; i++)
			if (!strcmp(after->name[i], beyond_table[k])) {
				ASSERT_MSG(vmon_sys_vm_get(vm, beyond_table[k], &val), "%s",
					   beyond_table[k]);
				beyond++;
			}
	ASSERT_MSG(beyond >= 4, "only %d of the issue's keys printed by this kernel", beyond);
	printf("meminfo: %d keys, %d of them beyond the table's, checked after %d attempts\n",
	       after->nr, beyond, attempt + 1);
	ASSERT(!vmon_sys_vm_get(vm, "NoSuchKey", &val) && errno == ENOENT);
	vmon_destroy(&v);
	free(before);
	free(after);
}

/* The file's bytes once, in a proc root of plain files: exact. */
TEST(want_vm_meminfo_snapshot_exact)
{
	struct meminfo *m = malloc(sizeof(*m));
	char dir[] = "/tmp/vmon-meminfo-XXXXXX", *text;
	size_t len;
	vmon_sys_vm_t *vm;
	unsigned long long val;
	vmon_t v;

	ASSERT(m && mkdtemp(dir));
	ASSERT((text = t_read_file("/proc/meminfo", &len)));
	t_rewrite(dir, "meminfo", text, len);
	meminfo_parse(text, m);
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	ASSERT(vmon_sample(&v));
	vm = v.stores[VMON_STORE_SYS_VM];
	same_keys(vm, m);
	members_are_rows(vm);
	for (int i = 0; i < m->nr; i++) {
		ASSERT_MSG(vmon_sys_vm_get(vm, m->name[i], &val), "%s not found", m->name[i]);
		ASSERT_MSG(val == m->value[i], "%s: library %llu, file %llu", m->name[i], val,
			   m->value[i]);
		ASSERT(vm->keys[i].is_new && vm->keys[i].changed);
	}
	/* the same bytes again: the rows stay, nothing is new or changed */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vm->keys_nr, m->nr);
	for (int i = 0; i < vm->keys_nr; i++)
		ASSERT(!vm->keys[i].is_new && !vm->keys[i].changed && !vm->keys[i].is_stale);
	ASSERT(!(v.activity & VMON_WANT_SYS_VM));
	vmon_destroy(&v);
	t_rm_tree(dir);
	free(text);
	free(m);
}

TEST(want_vm_meminfo_keys_come_go_and_change)
{
	static const char first[] = "MemTotal: 1000 kB\nZswap: 7 kB\nFutureKey: 3\n";
	static const char second[] = "MemTotal: 1000 kB\nFutureKey: 4\nPercpu: 9 kB\n";
	char dir[] = "/tmp/vmon-meminfo-XXXXXX";
	vmon_sys_vm_t *vm;
	unsigned long long val;
	vmon_t v;

	ASSERT(mkdtemp(dir));
	t_rewrite(dir, "meminfo", first, sizeof(first) - 1);
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_VM, 0));
	ASSERT(vmon_sample(&v));
	vm = v.stores[VMON_STORE_SYS_VM];
	ASSERT(vmon_sys_vm_get(vm, "Zswap", &val) && val == 7);
	t_rewrite(dir, "meminfo", second, sizeof(second) - 1);
	ASSERT(vmon_sample(&v));
	ASSERT(v.activity & VMON_WANT_SYS_VM);
	/* Zswap went: stale with its value, not found by name */
	ASSERT_EQ(vm->keys_nr, 4);
	ASSERT_STREQ(vm->keys[1].name.array, "Zswap");
	ASSERT(vm->keys[1].is_stale && vm->keys[1].value == 7 && !vm->keys[1].changed);
	ASSERT(!vmon_sys_vm_get(vm, "Zswap", &val) && errno == ENOENT);
	ASSERT(vmon_sys_vm_get(vm, "FutureKey", &val) && val == 4);
	ASSERT(vm->keys[2].changed && !vm->keys[2].is_new);
	ASSERT(vmon_sys_vm_get(vm, "Percpu", &val) && val == 9);
	ASSERT(vm->keys[3].is_new && vm->keys[3].changed);
	ASSERT(!vm->keys[0].changed);
	/* unchanged bytes: the stale row is gone, nothing new or changed */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vm->keys_nr, 3);
	for (int i = 0; i < vm->keys_nr; i++)
		ASSERT(!vm->keys[i].is_new && !vm->keys[i].changed && !vm->keys[i].is_stale);
	ASSERT(!(v.activity & VMON_WANT_SYS_VM));
	vmon_destroy(&v);
	t_rm_tree(dir);
}
