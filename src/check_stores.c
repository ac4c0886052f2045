/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check_stores.c - the invariants of the stores with arrays and strings,
 * for vmon__check()
 * (check.c): what must hold of a status, cgroup, smaps_rollup, meminfo,
 * vmstat, pressure, diskstats or net/dev store between two public calls, whatever
 * the kernel printed and whatever allocation failed on the way:
 *
 *  - character data is NUL-terminated within its allocation, and the
 *    arrays hanging off a store (groups, cgroup v1 lines, meminfo and
 *    vmstat keys, disks, interfaces) exist exactly when they have rows, within their
 *    allocation;
 *  - a row is never both new and stale, and a stale row has every field
 *    unavailable and none changed;
 *  - derived fields agree with their sources (uss = private clean + dirty,
 *    kthread 0 or 1, the innermost pid the last of NSpid, the CPU count
 *    the bits of the mask) and percentages stay within 0-100.00.
 *
 * Like check.c it allocates nothing through the library's allocator.
 */
#include <errno.h>
#include <stdio.h>

#include "check.h"

static int check_status(const vmon_proc_status_t *st, int pid)
{
	int count = 0;

	CHECK(st->ngroups >= 0 && (!st->ngroups || st->groups),
	      "pid %d: %d groups at %p", pid, st->ngroups, (void *)st->groups);
	CHECK(st->kthread == 0 || st->kthread == 1, "pid %d: kthread %d", pid, st->kthread);
	CHECK(st->nspid_nr >= 0 && (!st->nspid_nr || st->nspid),
	      "pid %d: %d namespace pids at %p", pid, st->nspid_nr, (void *)st->nspid);
	/* a store never parsed (its process gone at its first read) has no
	 * list and no bit set */
	if (!BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_INNER) && st->nspid_nr)
		CHECK(st->nspid_inner == st->nspid[st->nspid_nr - 1],
		      "pid %d: innermost pid %lld, not the last of %d", pid, st->nspid_inner,
		      st->nspid_nr);
	CHECK(st->cpus_allowed_nr >= 0 && st->cpus_allowed_nr % 4 == 0 &&
	      (!st->cpus_allowed_nr || st->cpus_allowed),
	      "pid %d: a mask of %d CPUs at %p", pid, st->cpus_allowed_nr,
	      (void *)st->cpus_allowed);
	for (int cpu = 0; cpu < st->cpus_allowed_nr; cpu++)
		count += !!BITTEST(st->cpus_allowed, cpu);
	if (!BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT))
		CHECK(count == st->cpus_allowed_count, "pid %d: %d CPUs in the mask, count %d",
		      pid, count, st->cpus_allowed_count);
	return vmon__check_chars(&st->cpus_allowed_list, pid, "status cpus_allowed_list");
}

static int check_smaps(const vmon_proc_smaps_rollup_t *sr, int pid)
{
	if (!BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_USS_KB) &&
	    !BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_PRIVATE_CLEAN_KB) &&
	    !BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_PRIVATE_DIRTY_KB))
		CHECK(sr->uss_kb == sr->private_clean_kb + sr->private_dirty_kb,
		      "pid %d: uss %llu, private %llu + %llu", pid, sr->uss_kb,
		      sr->private_clean_kb, sr->private_dirty_kb);
	return 0;
}

static int check_cgroup(const vmon_proc_cgroup_t *cg, int pid)
{
	int err;

	CHECK(cg->v1_nr >= 0 && (!cg->v1_nr || cg->v1), "pid %d: %d v1 lines at %p", pid,
	      cg->v1_nr, (void *)cg->v1);
	if ((err = vmon__check_chars(&cg->path, pid, "cgroup path")) < 0 ||
	    (err = vmon__check_chars(&cg->container, pid, "cgroup container")) < 0 ||
	    (err = vmon__check_chars(&cg->unit, pid, "cgroup unit")) < 0)
		return err;
	for (int i = 0; i < cg->v1_nr; i++)
		if ((err = vmon__check_chars(&cg->v1[i].controllers, pid, "cgroup v1 controllers")) < 0 ||
		    (err = vmon__check_chars(&cg->v1[i].path, pid, "cgroup v1 path")) < 0)
			return err;
	return 0;
}

int vmon__check_stores_proc(const vmon_proc_t *proc)
{
	const void *const *s = (const void *const *)proc->stores;
	int err = 0;

	if (s[VMON_STORE_PROC_STATUS])
		err = check_status(s[VMON_STORE_PROC_STATUS], proc->pid);
	if (!err && s[VMON_STORE_PROC_SMAPS_ROLLUP])
		err = check_smaps(s[VMON_STORE_PROC_SMAPS_ROLLUP], proc->pid);
	if (!err && s[VMON_STORE_PROC_CGROUP])
		err = check_cgroup(s[VMON_STORE_PROC_CGROUP], proc->pid);
	return err;
}

/* One row of a set: its name, flags and, when it has them, bitmaps. */
static int check_row(const char *row, size_t name_off, int is_new, int is_stale, int nr,
		     const char *what)
{
	int err = vmon__check_chars((const vmon_char_array_t *)(row + name_off), 0, what);

	if (err < 0)
		return err;
	CHECK((is_new == 0 || is_new == 1) && (is_stale == 0 || is_stale == 1) &&
	      !(is_new && is_stale), "%s: is_new %d, is_stale %d", what, is_new, is_stale);
	if (is_stale && nr) {
		CHECK(!vmon__bits_any(row, nr), "%s: a stale row has changed fields", what);
		for (int i = 0; i < nr; i++)
			CHECK(BITTEST(row + BITNSLOTS(nr), i), "%s: a stale row has field %d", what, i);
	}
	return 0;
}

static int check_vmstat(const vmon_sys_vmstat_t *vs)
{
	CHECK(vs->keys_nr >= 0 && (size_t)vs->keys_nr <= vs->keys_alloc &&
	      (!vs->keys_alloc || vs->keys), "vmstat: %d keys of %zu", vs->keys_nr, vs->keys_alloc);
	for (int i = 0; i < vs->keys_nr; i++) {
		const vmon_sys_vmstat_key_t *k = &vs->keys[i];
		int err = check_row((const char *)k, offsetof(vmon_sys_vmstat_key_t, name),
				    k->is_new, k->is_stale, 0, "vmstat key");

		if (err < 0)
			return err;
		CHECK(k->name.len, "vmstat: key %d has no name", i);
	}
	return 0;
}

static int check_vm_keys(const vmon_sys_vm_t *vm)
{
	CHECK(vm->keys_nr >= 0 && (size_t)vm->keys_nr <= vm->keys_alloc &&
	      (!vm->keys_alloc || vm->keys), "meminfo: %d keys of %zu", vm->keys_nr,
	      vm->keys_alloc);
	for (int i = 0; i < vm->keys_nr; i++) {
		const vmon_sys_vm_key_t *k = &vm->keys[i];
		int err = check_row((const char *)k, offsetof(vmon_sys_vm_key_t, name),
				    k->is_new, k->is_stale, 0, "meminfo key");

		if (err < 0)
			return err;
		CHECK(k->name.len, "meminfo: key %d has no name", i);
		CHECK(!k->is_stale || !k->changed, "meminfo: stale key %s changed", k->name.array);
	}
	return 0;
}

static int check_disks(const vmon_sys_diskstats_t *ds)
{
	CHECK(ds->disks_nr >= 0 && (size_t)ds->disks_nr <= ds->disks_alloc,
	      "diskstats: %d rows of %zu", ds->disks_nr, ds->disks_alloc);
	for (int i = 0; i < ds->disks_nr; i++) {
		const vmon_sys_disk_t *d = &ds->disks[i];
		int err = check_row((const char *)d, offsetof(vmon_sys_disk_t, name), d->is_new,
				    d->is_stale, VMON_SYS_DISK_NR, "disk");

		if (err < 0)
			return err;
	}
	return 0;
}

static int check_ifaces(const vmon_sys_net_dev_t *nd)
{
	CHECK(nd->ifaces_nr >= 0 && (size_t)nd->ifaces_nr <= nd->ifaces_alloc,
	      "net/dev: %d rows of %zu", nd->ifaces_nr, nd->ifaces_alloc);
	for (int i = 0; i < nd->ifaces_nr; i++) {
		const vmon_sys_netif_t *n = &nd->ifaces[i];
		int err = check_row((const char *)n, offsetof(vmon_sys_netif_t, name), n->is_new,
				    n->is_stale, VMON_SYS_NETIF_NR, "interface");

		if (err < 0)
			return err;
	}
	return 0;
}

static int check_pressure(const vmon_sys_pressure_t *ps, int store)
{
	static const int avgs[] = { VMON_SYS_PRESSURE_SOME_AVG10, VMON_SYS_PRESSURE_SOME_AVG60,
		VMON_SYS_PRESSURE_SOME_AVG300, VMON_SYS_PRESSURE_FULL_AVG10,
		VMON_SYS_PRESSURE_FULL_AVG60, VMON_SYS_PRESSURE_FULL_AVG300 };

	for (size_t i = 0; i < VMON__ARRAY_SIZE(avgs); i++) {
		int sym = avgs[i];
		unsigned long long x = *(const unsigned long long *)((const char *)ps +
			vmon__sys_pressure_cpu_info.fields[sym].offset);

		CHECK(BITTEST(ps->unavailable, sym) || x <= 10000,
		      "pressure store %d: %s is %llu hundredths of a percent", store,
		      vmon__sys_pressure_cpu_info.fields[sym].name, x);
	}
	return 0;
}

int vmon__check_stores_sys(const vmon_t *vmon)
{
	void *const *s = vmon->stores;
	int err = 0;

	if (s[VMON_STORE_SYS_VM])
		err = check_vm_keys(s[VMON_STORE_SYS_VM]);
	if (!err && s[VMON_STORE_SYS_VMSTAT])
		err = check_vmstat(s[VMON_STORE_SYS_VMSTAT]);
	if (!err && s[VMON_STORE_SYS_DISKSTATS])
		err = check_disks(s[VMON_STORE_SYS_DISKSTATS]);
	if (!err && s[VMON_STORE_SYS_NET_DEV])
		err = check_ifaces(s[VMON_STORE_SYS_NET_DEV]);
	for (int i = VMON_STORE_SYS_PRESSURE_CPU; !err && i <= VMON_STORE_SYS_PRESSURE_IO; i++)
		if (s[i])
			err = check_pressure(s[i], i);
	return err;
}
