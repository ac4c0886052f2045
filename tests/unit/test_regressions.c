/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_regressions.c - one test per bug the fuzzers, the fault sweeps and
 * the stress runs (docs/design/io-and-faults.md) found, named after it, so
 * that none comes back.  Fuzzer finds are also kept as inputs in
 * fuzz/corpus/<target>/crash-*, replayed by `make check`.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

/* ---- parsers (fuzzing) ---- */

static int count_pid(void *ctx, int pid)
{
	int *got = ctx;

	*got = pid;
	return 0;
}

/* fuzz/corpus/children/crash-leading-zeros: the reference parser of the
 * fuzz target disagreed; the library was right, and must stay so */
TEST(regress_children_pid_with_many_leading_zeros)
{
	static const char list[] =
		"0000000000000000000000000000000000000000000000000000000000000000000001 ";
	int got = 0;

	ASSERT_EQ(vmon__parse_pids(list, sizeof(list) - 1, count_pid, &got), 0);
	ASSERT_EQ(got, 1);
}

/* fuzz/corpus/proc_io/crash-nul-in-key: a key holding a NUL byte made the
 * keyed lookup read past the end of the field's source string */
TEST(regress_keyed_key_with_nul_byte)
{
	static const char text[] = "rchar\0\0\0\0:1\nwchar: 7\n";
	vmon_proc_io_t io = { 0 };

	ASSERT_EQ(vmon__parse_proc_io(&io, text, sizeof(text) - 1), 0);
	ASSERT(BITTEST(io.unavailable, VMON_PROC_IO_RCHARS));
	ASSERT(!BITTEST(io.unavailable, VMON_PROC_IO_WCHARS));
	ASSERT_EQ(io.wchars, 7);
}

/* fuzz/corpus/proc_io/case-odd: a repeated key set its field twice, so the
 * same bytes parsed again reported a change */
TEST(regress_keyed_repeated_key_first_counts)
{
	static const char text[] = "MemTotal: 10 kB\nMemFree: 3 kB\nMemTotal: 20 kB\n";
	vmon_sys_vm_t vm = { 0 };

	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, sizeof(text) - 1), 0);
	ASSERT_EQ(vm.total_kb, 10);
	ASSERT_EQ(vmon__parse_sys_vm(&vm, text, sizeof(text) - 1), 0);
	ASSERT(!vmon__bits_any(vm.changed, VMON_SYS_VM_NR));
	/* the rows by name: the first line counts too */
	ASSERT_EQ(vm.keys_nr, 2);
	ASSERT(!vm.keys[0].changed && vm.keys[0].value == 10);
	vmon__sys_vm_free(&vm);
}

/* fuzz/corpus/sys_stat/case-duplicates: the same for /proc/stat lines */
TEST(regress_sys_stat_repeated_line_first_counts)
{
	static const char text[] = "cpu 1 2 3 4\nctxt 5\nctxt 6\nintr 7 0\nintr 8 0\n";
	vmon_sys_stat_t st = { 0 };

	ASSERT_EQ(vmon__parse_sys_stat(&st, text, sizeof(text) - 1), 0);
	ASSERT_EQ(st.ctxt, 5);
	ASSERT_EQ(st.intr, 7);
	ASSERT_EQ(vmon__parse_sys_stat(&st, text, sizeof(text) - 1), 0);
	ASSERT(!vmon__bits_any(st.changed, VMON_SYS_STAT_NR));
	vmon__free(st.cpus);
}

/* found by the invariant checker in the allocation sweep: when argv's very
 * first allocation succeeded and cmdline's failed, argv was left without
 * its terminating NULL (src/sample_proc_stat.c) */
TEST(regress_cmdline_first_allocation_failure_keeps_argv_terminated)
{
	struct vmon_fault_plan fail_2nd = { .armed = 1, .countdown = 2, .err = ENOMEM };
	vmon_proc_stat_t st = { 0 };

	vmon_test_fault_set(VMON__FAULT_ALLOC, &fail_2nd);
	ASSERT_EQ(vmon__parse_cmdline(&st, "a\0b\0", 4), -ENOMEM);
	vmon_test_fault_clear();
	ASSERT(!st.argv || st.argv[st.argc] == NULL);
	vmon__proc_stat_free(&st);
}

/* ---- the tree (invariant checker) ---- */

static bool parent_of_one(void *arg)
{
	t_fork(t_sleeper, NULL);
	t_sync_post(arg);
	return t_sleeper(NULL);
}

/* found by the invariant checker: a child the caller also monitors, whose
 * followed parent exits, missed the sample its parent exited in (it was
 * moved to the top level only when the sample settled), so its data lagged
 * one sample behind while it was shown as current */
TEST(regress_orphan_sampled_in_the_sample_its_parent_exits)
{
	struct t_sync ready;
	vmon_proc_t *p, *c;
	pid_t parent;
	vmon_t v;

	t_sync_init(&ready);
	parent = t_fork(parent_of_one, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT));
	p = vmon_proc_monitor(&v, parent, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	ASSERT_EQ(t_children_nr(p), 1);
	c = vmon_proc_monitor(&v, list_first_entry(&p->children, vmon_proc_t, siblings)->pid,
			      0, NULL, NULL);
	ASSERT(c && c->parent == p);
	t_kill(parent);
	ASSERT(vmon_sample(&v));
	ASSERT(p->is_stale && !c->is_stale && !c->parent);
	ASSERT_EQ(c->generation, v.generation);
	t_check_tree(&v);
	vmon_destroy(&v);
}

/* ---- I/O errors (the I/O failure sweep) ---- */

static bool parent_of_two(void *arg)
{
	t_fork(t_sleeper, NULL);
	t_fork(t_sleeper, NULL);
	t_sync_post(arg);
	return t_sleeper(NULL);
}

static pid_t start_parent_of_two(void)
{
	struct t_sync ready;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(parent_of_two, &ready);
	t_sync_wait(&ready);
	t_sync_close(&ready);
	return pid;
}

/* a children file that could not be read (EIO, EAGAIN, EACCES) was taken
 * as an empty list: every child was reported gone, then born again */
TEST(regress_children_unreadable_are_not_gone)
{
	struct vmon_fault_plan eio = { .armed = 1, .countdown = 1, .err = EIO };
	pid_t parent = start_parent_of_two();
	vmon_proc_t *p, *c;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	p = vmon_proc_monitor(&v, parent, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	ASSERT_EQ(t_children_nr(p), 2);
	vmon_test_fault_set(VMON__FAULT_READ, &eio);	/* the children file */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_test_fault_fired(), 1);
	vmon_test_fault_clear();
	ASSERT(p->unavailable & VMON_WANT_PROC_FOLLOW_CHILDREN);
	list_for_each_entry(c, &p->children, siblings)
		ASSERT_MSG(!c->is_stale, "child %d reported gone", c->pid);
	ASSERT(vmon_sample(&v));
	ASSERT(!(p->unavailable & VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT_EQ(t_children_nr(p), 2);
	list_for_each_entry(c, &p->children, siblings)
		ASSERT(!c->is_stale && !c->is_new);
	vmon_destroy(&v);
}

/* a store whose first read found the process gone (ESRCH between its
 * stat read and its io read) kept its zeros with no field unavailable:
 * a caller saw io of 0 B, a made-up figure.  Each of the first reads of a
 * sample fails in turn; whatever io is available must be the kernel's. */
TEST(regress_store_never_read_is_unavailable_not_zero)
{
	struct t_sync ready;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(t_sleeper, &ready);	/* its post: one byte written */
	t_sync_wait(&ready);
	t_sync_close(&ready);
	for (unsigned long k = 1; k <= 6; k++) {
		struct vmon_fault_plan gone = { .armed = 1, .countdown = k, .err = ESRCH };
		const vmon_proc_io_t *io;
		vmon_proc_t *p;
		vmon_t v;

		ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT | VMON_WANT_PROC_IO));
		ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
		vmon_test_fault_set(VMON__FAULT_READ, &gone);
		ASSERT(vmon_sample(&v));
		vmon_test_fault_clear();
		io = p->stores[VMON_STORE_PROC_IO];
		if (io && !vmon_field_unavailable(vmon_proc_store_info(VMON_STORE_PROC_IO), io,
						  VMON_PROC_IO_WCHARS))
			ASSERT_MSG(io->wchars >= 1, "read %lu failed: io available with wchar %llu",
				   k, (unsigned long long)io->wchars);
		vmon_destroy(&v);
	}
	t_kill(pid);
}

/* a descriptor whose link could not be read (EIO, EACCES) was taken as
 * closed: the list shrank to nothing under a persistent failure without
 * saying it was unavailable */
TEST(regress_fd_links_unreadable_are_not_closed)
{
	struct vmon_fault_plan eio = { .armed = 1, .countdown = 1, .persistent = 1, .err = EIO };
	vmon_proc_files_t *files;
	vmon_proc_fd_t *fd;
	vmon_proc_t *self;
	int before;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self && vmon_sample(&v));
	files = self->stores[VMON_STORE_PROC_FILES];
	before = files->fds_nr;
	ASSERT(before >= 3);
	vmon_test_fault_set(VMON__FAULT_READLINK, &eio);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_test_fault_fired() > 0);
	vmon_test_fault_clear();
	ASSERT(self->unavailable & VMON_WANT_PROC_FILES);
	ASSERT_EQ(files->fds_nr, before);
	ASSERT(vmon_sample(&v));
	ASSERT(!(self->unavailable & VMON_WANT_PROC_FILES));
	list_for_each_entry(fd, &files->fds, fds)
		ASSERT_MSG(!fd->is_new || fd->fdnum >= before, "fd %d born again", fd->fdnum);
	vmon_destroy(&v);
}

/* when /proc/stat could not be read, its per-CPU rows still said online
 * with every field available: old figures shown as current */
TEST(regress_sys_stat_unreadable_rows_unavailable)
{
	struct vmon_fault_plan eio = { .armed = 1, .countdown = 1, .persistent = 1, .err = EIO };
	vmon_sys_stat_t *st;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, 0));
	ASSERT(vmon_sample(&v));
	st = v.stores[VMON_STORE_SYS_STAT];
	ASSERT(st->cpus_nr > 0 && st->cpus[0].online);
	vmon_test_fault_set(VMON__FAULT_READ, &eio);
	ASSERT(vmon_sample(&v));
	vmon_test_fault_clear();
	ASSERT(v.unavailable & VMON_WANT_SYS_STAT);
	for (int i = 0; i < st->cpus_nr; i++) {
		ASSERT(!st->cpus[i].online);
		for (int k = 0; k < VMON_SYS_CPU_NR; k++)
			ASSERT(BITTEST(st->cpus[i].unavailable, k));
	}
	ASSERT(vmon_sample(&v));
	ASSERT(st->cpus[0].online && !BITTEST(st->cpus[0].unavailable, VMON_SYS_CPU_USER));
	vmon_destroy(&v);
}

/* a read that failed once left the store unavailable until the file's
 * bytes changed: the next read, identical to the last good one, was not
 * parsed ("same bytes") and so never cleared the unavailable bits
 * (src/store_file.c, src/sample_proc_stat.c) */
TEST(regress_read_failure_then_same_bytes_available_again)
{
	struct vmon_fault_plan eio = { .armed = 1, .countdown = 1, .err = EIO };
	pid_t child = t_fork(t_sleeper, NULL);
	vmon_proc_vm_t *vm;
	vmon_proc_t *p;
	vmon_t v;

	t_wait_sleeping(child);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_VM));
	/* statm's reader (under VMON_BACKEND=bpf the record would fill it) */
	ASSERT(vmon_set_backend(&v, VMON_BACKEND_PROCFS));
	p = vmon_proc_monitor(&v, child, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v) && vmon_sample(&v));
	vm = p->stores[VMON_STORE_PROC_VM];
	ASSERT(!(p->unavailable & VMON_WANT_PROC_VM));
	vmon_test_fault_set(VMON__FAULT_READ, &eio);	/* statm, the only read */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_test_fault_fired(), 1);
	vmon_test_fault_clear();
	ASSERT(p->unavailable & VMON_WANT_PROC_VM);
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(!(p->unavailable & VMON_WANT_PROC_VM),
		   "statm still unavailable after a good read");
	ASSERT(!BITTEST(vm->unavailable, VMON_PROC_VM_SIZE_PAGES));
	vmon_destroy(&v);
	t_kill(child);
}
