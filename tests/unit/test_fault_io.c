/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fault_io.c - I/O failure injection (docs/design/io-and-faults.md),
 * swept like allocation failures: for each system call site of io.c
 * (openat, pread, readlinkat, getdents64) and each error a /proc read can
 * give, call N of that site fails, for N = 1, 2, ... until a whole cycle
 * runs without reaching N (fault_cycle.c: births, an exec and exits under
 * every want).  Each error is swept one-shot (then, with faults cleared,
 * two more samples must show exactly the fault-free tree) and persistent
 * (every call from N on fails; EINTR instead fails every other call, as a
 * persistent EINTR would be retried forever).  What must hold:
 *
 *   EINTR            retried: every call succeeds, the result is exact
 *   EAGAIN, EIO      unavailable, never "gone": no live process may be
 *   EACCES           reported stale; refused opens are retried later
 *   ESRCH, ENOENT    "process gone": a process may be reported stale (a
 *                    caller-held root then stays stale until unmonitored)
 *
 * and, for every error, public calls succeed or fail with that error, the
 * invariant checker passes after every sample, no descriptor is left open
 * and nothing leaks (LeakSanitizer in the sanitizer run).  Under a
 * persistent read failure no store may show a field read from /proc as
 * current: every field of stat, statm, io, /proc/stat (per-CPU rows
 * included) and meminfo must be unavailable in the samples that follow;
 * under a persistent readlink failure every descriptor list must be
 * unavailable (not shown empty).
 *
 * The same sweeps run over PROC_ALL on a fixture proc root whose process
 * directories come and go (fault_root.c).
 *
 * Short reads are swept too: one read (or every read from N on) returns
 * at most 1 or 7 bytes.  A short read of a file the kernel generates whole
 * is taken as its end (io.c), so values may be cut short for that sample;
 * what must hold is the rest: no crash, consistency, recovery.
 */
#include <errno.h>
#include <string.h>

#include "fault.h"
#include "fault_cycle.h"
#include "internal.h"
#include "test.h"

static const struct {
	int err;
	const char *name;
} errors[] = {
	{ EINTR, "EINTR" }, { EAGAIN, "EAGAIN" }, { ESRCH, "ESRCH" },
	{ ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { EIO, "EIO" },
};

static const char *err_name(int err)
{
	for (size_t i = 0; i < VMON__ARRAY_SIZE(errors); i++)
		if (errors[i].err == err)
			return errors[i].name;
	return "?";
}

static const char *const site_names[] = { "alloc", "openat", "pread", "readlinkat",
					   "getdents64" };

/* state of the "no stale data" check across the samples of a cycle */
struct stale_check {
	int site;
	unsigned long fired_before;	/* faults fired before this sample */
	unsigned long checked;		/* samples checked */
};

static void all_unavailable(const char *bits, int nr, int pid, const char *what,
			    const int *skip, int skip_nr)
{
	for (int i = 0; i < nr; i++) {
		bool skipped = false;

		for (int k = 0; k < skip_nr; k++)
			skipped |= skip[k] == i;
		ASSERT_MSG(skipped || BITTEST(bits, i),
			   "pid %d: %s field %d shown as current after every read failed", pid,
			   what, i);
	}
}

static void node_unavailable(vmon_t *v, const struct stale_check *c, vmon_proc_t *p)
{
	/* exe is a link, not a read */
	static const int companions[] = { VMON_PROC_STAT_EXE };
	vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	vmon_proc_vm_t *vm = p->stores[VMON_STORE_PROC_VM];
	vmon_proc_io_t *io = p->stores[VMON_STORE_PROC_IO];

	if (p->is_stale || p->generation != v->generation)
		return;
	if (c->site == VMON__FAULT_READLINK) {
		/* no descriptor's target can be read: the list is unknown */
		ASSERT_MSG(!p->stores[VMON_STORE_PROC_FILES] ||
			   (p->unavailable & VMON_WANT_PROC_FILES),
			   "pid %d: descriptors shown as current after every readlink failed",
			   p->pid);
		return;
	}
	if (st)
		all_unavailable(st->unavailable, VMON_PROC_STAT_NR, p->pid, "stat", companions,
				VMON__ARRAY_SIZE(companions));
	if (vm)
		all_unavailable(vm->unavailable, VMON_PROC_VM_NR, p->pid, "statm", NULL, 0);
	if (io)
		all_unavailable(io->unavailable, VMON_PROC_IO_NR, p->pid, "io", NULL, 0);
}

static void walk_unavailable(vmon_t *v, const struct stale_check *c, list_head_t *siblings)
{
	vmon_proc_t *p, *t;

	list_for_each_entry(p, siblings, siblings) {
		node_unavailable(v, c, p);
		list_for_each_entry(t, &p->threads, threads)
			node_unavailable(v, c, t);
		walk_unavailable(v, c, &p->children);
	}
}

static void sys_unavailable(vmon_t *v)
{
	vmon_sys_stat_t *st = v->stores[VMON_STORE_SYS_STAT];
	vmon_sys_vm_t *vm = v->stores[VMON_STORE_SYS_VM];

	/* boottime is read from a clock, not from the file */
	static const int clock_fields[] = { VMON_SYS_STAT_BOOTTIME };

	if (st) {
		all_unavailable(st->unavailable, VMON_SYS_STAT_NR, 0, "/proc/stat", clock_fields,
				1);
		ASSERT(!BITTEST(st->unavailable, VMON_SYS_STAT_BOOTTIME) && st->boottime);
		for (int i = 0; i < st->cpus_nr; i++) {
			ASSERT_MSG(!st->cpus[i].online, "cpu%d shown online after every read failed",
				   i);
			all_unavailable(st->cpus[i].unavailable, VMON_SYS_CPU_NR, 0, "cpu row",
					NULL, 0);
		}
	}
	if (vm)
		all_unavailable(vm->unavailable, VMON_SYS_VM_NR, 0, "meminfo", NULL, 0);
}

/* after_sample of the persistent read sweeps: once every read fails, no
 * field read from /proc may be shown as current */
static void no_stale_data(vmon_t *v, void *ctx)
{
	struct stale_check *c = ctx;

	if (v->generation == 1)
		c->fired_before = 0;
	if (c->fired_before) {
		walk_unavailable(v, c, &v->processes);
		if (c->site == VMON__FAULT_READ)
			sys_unavailable(v);
		c->checked++;
	}
	c->fired_before = vmon_test_fault_fired();
}

/* Sweep one error at one site, one-shot or persistent. */
static void sweep(int site, int err, int persistent)
{
	struct fc_expect clean_run = { .recover = true };
	struct vmon_fault_plan plan = { .armed = 1, .err = err };
	struct stale_check sc = { .site = site };
	bool gone = err == ESRCH || err == ENOENT;
	struct fc_expect e = {
		.errs = { err, gone ? ESRCH : 0 },
		.gone_ok = gone,
		.recover = !persistent || err == EINTR,
	};
	struct fc_puppet pp;
	char clean[4096];
	unsigned long n;

	if (persistent && err == EINTR)
		plan.every = 2;
	else
		plan.persistent = persistent;
	if (persistent && (site == VMON__FAULT_READ || site == VMON__FAULT_READLINK) &&
	    err != EINTR && !gone) {
		e.after_sample = no_stale_data;
		e.ctx = &sc;
	}
	fc_puppet_start(&pp);
	fc_cycle(&pp, VMON_FLAG_NONE, &clean_run, clean, sizeof(clean));
	ASSERT(clean[0] && strcmp(clean, "gone"));
	n = fc_sweep(&pp, persistent ? VMON_FLAG_PROC_ARRAY : VMON_FLAG_NONE, site, &plan, &e,
		     clean);
	printf("    %s %s %s: %lu calls failed in turn, %lu distinct call paths, %lu samples "
	       "checked for stale data\n", site_names[site], err_name(err),
	       persistent ? (err == EINTR ? "every other call" : "persistent") : "one-shot", n,
	       vmon_test_fault_sites(site), sc.checked);
	ASSERT_MSG(n * fc_sweep_stride() > 5, "only %lu %s calls in a cycle", n, site_names[site]);
	fc_puppet_stop(&pp);
}

#define SWEEP(site_name, site, err) \
	TEST(fault_io_sweep_ ## site_name ## _ ## err ## _one_shot) { sweep(site, err, 0); } \
	TEST(fault_io_sweep_ ## site_name ## _ ## err ## _persistent) { sweep(site, err, 1); }

SWEEP(openat, VMON__FAULT_OPEN, EINTR)
SWEEP(openat, VMON__FAULT_OPEN, EAGAIN)
SWEEP(openat, VMON__FAULT_OPEN, ESRCH)
SWEEP(openat, VMON__FAULT_OPEN, ENOENT)
SWEEP(openat, VMON__FAULT_OPEN, EACCES)
SWEEP(openat, VMON__FAULT_OPEN, EIO)
SWEEP(pread, VMON__FAULT_READ, EINTR)
SWEEP(pread, VMON__FAULT_READ, EAGAIN)
SWEEP(pread, VMON__FAULT_READ, ESRCH)
SWEEP(pread, VMON__FAULT_READ, ENOENT)
SWEEP(pread, VMON__FAULT_READ, EACCES)
SWEEP(pread, VMON__FAULT_READ, EIO)
SWEEP(readlinkat, VMON__FAULT_READLINK, EINTR)
SWEEP(readlinkat, VMON__FAULT_READLINK, EAGAIN)
SWEEP(readlinkat, VMON__FAULT_READLINK, ESRCH)
SWEEP(readlinkat, VMON__FAULT_READLINK, ENOENT)
SWEEP(readlinkat, VMON__FAULT_READLINK, EACCES)
SWEEP(readlinkat, VMON__FAULT_READLINK, EIO)
SWEEP(getdents64, VMON__FAULT_READDIR, EINTR)
SWEEP(getdents64, VMON__FAULT_READDIR, EAGAIN)
SWEEP(getdents64, VMON__FAULT_READDIR, ESRCH)
SWEEP(getdents64, VMON__FAULT_READDIR, ENOENT)
SWEEP(getdents64, VMON__FAULT_READDIR, EACCES)
SWEEP(getdents64, VMON__FAULT_READDIR, EIO)

/* PROC_ALL over a fixture root whose processes come and go: every error,
 * one-shot and persistent, at one site (the failed listing of the root
 * itself fails vmon_sample() with that error) */
static void sweep_proc_all(int site)
{
	unsigned long total = 0;
	struct fc_root r;

	fc_root_make(&r);
	for (size_t i = 0; i < VMON__ARRAY_SIZE(errors); i++) {
		int err = errors[i].err;

		for (int persistent = 0; persistent < 2; persistent++) {
			struct vmon_fault_plan plan = { .armed = 1, .err = err };
			struct fc_expect e = { .errs = { err, ESRCH } };

			if (persistent && err == EINTR)
				plan.every = 2;
			else
				plan.persistent = persistent;
			total += fc_root_sweep(&r, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY, site,
					       &plan, &e);
		}
	}
	fc_root_remove(&r);
	printf("    PROC_ALL over a fixture root, %s: %lu failure cases\n", site_names[site],
	       total);
	ASSERT(total * fc_sweep_stride() > 10);
}

TEST(fault_io_sweep_proc_all_openat)
{
	sweep_proc_all(VMON__FAULT_OPEN);
}

TEST(fault_io_sweep_proc_all_pread)
{
	sweep_proc_all(VMON__FAULT_READ);
}

TEST(fault_io_sweep_proc_all_readlinkat)
{
	sweep_proc_all(VMON__FAULT_READLINK);
}

TEST(fault_io_sweep_proc_all_getdents64)
{
	sweep_proc_all(VMON__FAULT_READDIR);
}

/* One read (or every read from N on) returns at most cut bytes. */
static void sweep_short(int cut, int persistent)
{
	struct vmon_fault_plan plan = { .armed = 1, .short_read = cut, .persistent = persistent };
	struct fc_expect clean_run = { .recover = true };
	struct fc_expect e = { .recover = !persistent };
	struct fc_puppet pp;
	char clean[4096];
	unsigned long n;

	fc_puppet_start(&pp);
	fc_cycle(&pp, VMON_FLAG_NONE, &clean_run, clean, sizeof(clean));
	n = fc_sweep(&pp, VMON_FLAG_NONE, VMON__FAULT_READ, &plan, &e, clean);
	printf("    pread cut to %d bytes, %s: %lu reads cut in turn\n", cut,
	       persistent ? "persistent" : "one-shot", n);
	ASSERT(n * fc_sweep_stride() > 5);
	fc_puppet_stop(&pp);
}

TEST(fault_io_sweep_pread_cut_to_1_byte_one_shot)
{
	sweep_short(1, 0);
}

TEST(fault_io_sweep_pread_cut_to_1_byte_persistent)
{
	sweep_short(1, 1);
}

TEST(fault_io_sweep_pread_cut_to_7_bytes_one_shot)
{
	sweep_short(7, 0);
}

TEST(fault_io_sweep_pread_cut_to_7_bytes_persistent)
{
	sweep_short(7, 1);
}
