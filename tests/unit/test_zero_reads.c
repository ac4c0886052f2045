/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_zero_reads.c - zero-byte reads (docs/design/io-and-faults.md).  The
 * kernel never gives an empty stat, statm, io, meminfo or /proc/stat
 * (docs/design/kernel.md K4, K12b), so an empty read of one of them is no
 * valid empty data: every field it holds must be unavailable, never zero
 * shown as current, and the process must not be taken as gone.  An empty
 * cmdline, on the other hand, is real (kernel threads, zombies: K3, K5) and
 * an empty children list means no children.  The reads here are real: the
 * files of a copy of a fixture proc root are truncated to nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

static void copy_fixture(char *dir, size_t size)
{
	char fix[128], cmd[320];

	snprintf(dir, size, "/tmp/vmon-zero-XXXXXX");
	ASSERT(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a %s/. %s", t_fixture("procs", fix, sizeof(fix)), dir);
	ASSERT(system(cmd) == 0);
}

static void empty(const char *dir, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ASSERT_MSG(truncate(path, 0) == 0, "truncate %s", path);
}

static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT(system(cmd) == 0);
}

/* every field but skip (-1: none) */
static void all_unavailable_but(const char *bits, int nr, const char *what, int skip)
{
	for (int i = 0; i < nr; i++)
		ASSERT_MSG(i == skip || BITTEST(bits, i), "%s field %d shown as read from an empty file",
			   what, i);
}

static void all_unavailable(const char *bits, int nr, const char *what)
{
	all_unavailable_but(bits, nr, what, -1);
}

TEST(zero_byte_reads_are_unavailable_not_empty)
{
	char dir[64];
	vmon_proc_stat_t *st;
	vmon_sys_stat_t *sys;
	vmon_proc_t *p;
	vmon_t v;

	copy_fixture(dir, sizeof(dir));
	empty(dir, "stat");
	empty(dir, "meminfo");
	empty(dir, "100/stat");
	empty(dir, "100/statm");
	empty(dir, "100/io");
	empty(dir, "100/cmdline");
	empty(dir, "100/task/100/children");
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			      VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT |
			      VMON_WANT_PROC_VM | VMON_WANT_PROC_IO));
	p = vmon_proc_monitor(&v, 100, 0, NULL, NULL);
	ASSERT(p);
	for (int i = 0; i < 2; i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
	}
	ASSERT_MSG(!p->is_stale, "an empty stat taken as a gone process");
	st = p->stores[VMON_STORE_PROC_STAT];
	for (int sym = 0; sym < VMON_PROC_STAT_NR; sym++) {
		const char *src = vmon__proc_stat_info.fields[sym].source;

		if (src[0] >= '0' && src[0] <= '9')	/* a field of the stat file */
			ASSERT_MSG(BITTEST(st->unavailable, sym), "stat field %s shown from "
				   "an empty file", vmon__proc_stat_info.fields[sym].name);
	}
	all_unavailable(((vmon_proc_vm_t *)p->stores[VMON_STORE_PROC_VM])->unavailable,
			VMON_PROC_VM_NR, "statm");
	all_unavailable(((vmon_proc_io_t *)p->stores[VMON_STORE_PROC_IO])->unavailable,
			VMON_PROC_IO_NR, "io");
	/* an empty cmdline is real: no arguments, available */
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_CMDLINE));
	ASSERT_EQ(st->argc, 0);
	ASSERT(st->argv && !st->argv[0]);
	/* task 100 lists no children now (101 is not followed); task 103
	 * still lists 104 */
	ASSERT(!t_child_node(p, 101));
	ASSERT(t_child_node(p, 104) && !t_child_node(p, 104)->is_stale);
	sys = v.stores[VMON_STORE_SYS_STAT];
	/* boottime comes from a clock, not from the file */
	all_unavailable_but(sys->unavailable, VMON_SYS_STAT_NR, "/proc/stat",
			    VMON_SYS_STAT_BOOTTIME);
	ASSERT(!BITTEST(sys->unavailable, VMON_SYS_STAT_BOOTTIME));
	for (int i = 0; i < sys->cpus_nr; i++)
		ASSERT(!sys->cpus[i].online);
	all_unavailable(((vmon_sys_vm_t *)v.stores[VMON_STORE_SYS_VM])->unavailable,
			VMON_SYS_VM_NR, "meminfo");
	ASSERT((v.unavailable & (VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM)) ==
	       (VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM));
	vmon_destroy(&v);
	remove_tree(dir);
}

/* every pure parser fed nothing: all unavailable, nothing allocated */
TEST(zero_byte_documents_to_every_parser)
{
	vmon_sys_stat_t sys = { 0 };
	vmon_sys_vm_t vm = { 0 };
	vmon_proc_stat_t st = { 0 };
	vmon_proc_vm_t pvm = { 0 };
	vmon_proc_io_t io = { 0 };

	ASSERT_EQ(vmon__parse_sys_stat(&sys, "", 0), 0);
	all_unavailable(sys.unavailable, VMON_SYS_STAT_NR, "/proc/stat");
	ASSERT(!sys.cpus && !sys.cpus_nr);
	ASSERT_EQ(vmon__parse_sys_vm(&vm, "", 0), 0);
	all_unavailable(vm.unavailable, VMON_SYS_VM_NR, "meminfo");
	ASSERT(!vm.keys && !vm.keys_nr);
	ASSERT_EQ(vmon__parse_proc_vm(&pvm, "", 0), 0);
	all_unavailable(pvm.unavailable, VMON_PROC_VM_NR, "statm");
	ASSERT_EQ(vmon__parse_proc_io(&io, "", 0), 0);
	all_unavailable(io.unavailable, VMON_PROC_IO_NR, "io");
	ASSERT_EQ(vmon__parse_proc_stat(&st, "", 0), 0);
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_PID));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_COMM));
	ASSERT(BITTEST(st.unavailable, VMON_PROC_STAT_STATE));
	ASSERT(!st.comm.array);
	vmon__proc_stat_free(&st);
}
