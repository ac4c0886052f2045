/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fixture_roots.c - the whole library (vmon_init_root, monitor,
 * sample, stores, destroy) over fixture proc roots: plain files for what
 * the kernel will not produce on demand.
 *
 *   tests/fixtures/proc/sys_old_kernel  a 2.6.0-2.6.10 /proc/stat (7 cpu
 *       columns, no softirq line) with cpu1 hot-unplugged, and an old
 *       meminfo (no MemAvailable, no Active(anon)) in its own order with
 *       keys the library does not know (docs/design/kernel.md A12-A14)
 *   tests/fixtures/proc/procs  a modern stat and meminfo, and processes:
 *       100  comm ") (" (A1); children 101 from its main thread and 104
 *            from its thread 103 (K8)
 *       101  an empty cmdline, but a user process (A9)
 *       102  a cmdline without a trailing NUL (A7, K11)
 *       2    a kernel thread (PF_KTHREAD in field 9) whose cmdline and exe
 *            hold bait: the library must not read them (A9, K3)
 *       self, 1x  non-numeric entries, not processes
 *
 * The 1 MiB cmdline (A8, K12) and the hotplug sequence are made at run
 * time in a mkdtemp() copy of a fixture.  The files are rewritten in
 * place, so the library's open descriptors see the new bytes, as with
 * /proc.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "test.h"
#include "vmon/vmon.h"

#define PF_KTHREAD 0x00200000ULL

/* ---- fixture roots ---- */

static const char *root(const char *name)
{
	static char buf[256];

	return t_fixture(name, buf, sizeof(buf));
}

/* copy the tree at src (files, directories, symlinks) into dst */
static void copy_tree(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *e;

	ASSERT_MSG(d, "opendir %s: %s", src, strerror(errno));
	while ((e = readdir(d))) {
		char s[512], t[512], link[256];
		struct stat st;
		ssize_t n;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(s, sizeof(s), "%s/%s", src, e->d_name);
		snprintf(t, sizeof(t), "%s/%s", dst, e->d_name);
		ASSERT(lstat(s, &st) == 0);
		if (S_ISDIR(st.st_mode)) {
			ASSERT(mkdir(t, 0755) == 0);
			copy_tree(s, t);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(s, link, sizeof(link) - 1);
			ASSERT(n > 0);
			link[n] = '\0';
			ASSERT(symlink(link, t) == 0);
		} else {
			size_t len;
			char *data = t_read_file(s, &len);
			int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

			ASSERT(data && fd >= 0);
			ASSERT(write(fd, data, len) == (ssize_t)len);
			close(fd);
			free(data);
		}
	}
	closedir(d);
}

/* a fresh copy of fixture name, in a new temporary directory */
static char *copy_fixture(const char *name, char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/vmon-fixture-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ASSERT_MSG(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	copy_tree(root(name), dir);
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	ASSERT_MSG(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "rm %s", dir);
}

/* replace the bytes of dir/rel in place (same inode, as /proc files) */
static void rewrite(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	ASSERT(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

/* ---- stores ---- */

static bool any_bit(const char *bits, int nr)
{
	for (int i = 0; i < nr; i++)
		if (BITTEST(bits, i))
			return true;
	return false;
}

static vmon_proc_stat_t *pstat(vmon_proc_t *p)
{
	ASSERT(p->stores[VMON_STORE_PROC_STAT]);
	return p->stores[VMON_STORE_PROC_STAT];
}

static vmon_sys_stat_t *sstat(vmon_t *v)
{
	ASSERT(v->stores[VMON_STORE_SYS_STAT]);
	return v->stores[VMON_STORE_SYS_STAT];
}

static vmon_sys_vm_t *svm(vmon_t *v)
{
	ASSERT(v->stores[VMON_STORE_SYS_VM]);
	return v->stores[VMON_STORE_SYS_VM];
}

/* init over a fixture root, monitor pid (0: none) and take one sample */
static vmon_proc_t *start(vmon_t *v, const char *dir, vmon_flags_t flags,
			  vmon_sys_wants_t sys, vmon_proc_wants_t proc, int pid)
{
	vmon_proc_t *p = NULL;

	ASSERT_MSG(vmon_init_root(v, dir, flags, sys, proc), "init %s: %s", dir, strerror(errno));
	if (pid) {
		p = vmon_proc_monitor(v, pid, 0, NULL, NULL);
		ASSERT_MSG(p, "monitor %d: %s", pid, strerror(errno));
	}
	ASSERT_MSG(vmon_sample(v), "sample: %s", strerror(errno));
	return p;
}

/* destroy, and check no descriptor of the instance is left open */
static void finish(vmon_t *v, int fds_before)
{
	vmon_destroy(v);
	ASSERT_EQ(t_count_fds(), fds_before);
}

#define PROC_WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)

/* ---- system files ---- */

TEST(fixture_sys_old_kernel)
{
	int fds = t_count_fds();
	vmon_t v;
	vmon_sys_stat_t *st;
	vmon_sys_vm_t *vm;

	start(&v, root("sys_old_kernel"), VMON_FLAG_NONE,
	      VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, 0, 0);
	st = sstat(&v);
	ASSERT_EQ(st->user, 1000);
	ASSERT_EQ(st->softirq, 6);		/* column 7, the last */
	ASSERT(!BITTEST(st->unavailable, VMON_SYS_STAT_CPU_SIRQ));
	ASSERT(BITTEST(st->unavailable, VMON_SYS_STAT_CPU_STEAL));
	ASSERT(BITTEST(st->unavailable, VMON_SYS_STAT_CPU_GUEST_NICE));
	ASSERT(BITTEST(st->unavailable, VMON_SYS_STAT_SOFTIRQ_TOTAL));
	ASSERT_EQ(st->ctxt, 123456);
	ASSERT_EQ(st->boot_time, 1100000000);
	ASSERT_EQ(st->forks, 5000);
	/* cpu1 is gone: cpu2 keeps its id */
	ASSERT_EQ(st->cpus_nr, 3);
	ASSERT(st->cpus[0].online && !st->cpus[1].online && st->cpus[2].online);
	ASSERT_EQ(st->cpus[0].user, 600);
	ASSERT_EQ(st->cpus[2].user, 400);
	ASSERT_EQ(st->cpus[2].softirq, 3);
	ASSERT(BITTEST(st->cpus[2].unavailable, VMON_SYS_CPU_STEAL));
	ASSERT(!BITTEST(st->cpus[2].unavailable, VMON_SYS_CPU_SIRQ));

	vm = svm(&v);
	ASSERT_EQ(vm->total_kb, 2048000);
	ASSERT_EQ(vm->free_kb, 512000);
	ASSERT_EQ(vm->swap_total_kb, 1000000);
	ASSERT_EQ(vm->swap_free_kb, 999000);
	ASSERT_EQ(vm->cached_kb, 256000);
	ASSERT_EQ(vm->active_kb, 700000);
	ASSERT_EQ(vm->hugepages_total, 0);
	ASSERT(!BITTEST(vm->unavailable, VMON_SYS_VM_HUGEPAGES_TOTAL));
	ASSERT_EQ(vm->hugepage_size_kb, 4096);
	ASSERT(BITTEST(vm->unavailable, VMON_SYS_VM_AVAILABLE_KB));
	ASSERT(BITTEST(vm->unavailable, VMON_SYS_VM_ANON_ACTIVE_KB));
	ASSERT(!BITTEST(vm->unavailable, VMON_SYS_VM_TOTAL_KB));
	/* the instance says which stores are short, and both changed */
	ASSERT_EQ(v.unavailable, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM);
	ASSERT_EQ(v.activity, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM);
	finish(&v, fds);
}

TEST(fixture_cpu_hotplug_sequence)
{
	static const char four[] = "cpu  4 4 4 4 4 4 4 4\ncpu0 1 1 1 1 1 1 1 1\n"
		"cpu1 7 7 7 7 7 7 7 7\ncpu2 1 1 1 1 1 1 1 1\ncpu3 9 9 9 9 9 9 9 9\n";
	static const char two[] = "cpu  4 4 4 4 4 4 4 4\ncpu0 2 1 1 1 1 1 1 1\n"
		"cpu2 1 1 1 1 1 1 1 1\n";
	int fds = t_count_fds();
	char dir[256];
	vmon_t v;
	vmon_sys_stat_t *st;

	copy_fixture("sys_old_kernel", dir, sizeof(dir));
	start(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, 0, 0);
	st = sstat(&v);
	ASSERT_EQ(st->cpus_nr, 3);
	ASSERT(!st->cpus[1].online);

	/* cpu0..3 online, 8 columns now */
	rewrite(dir, "stat", four, sizeof(four) - 1);
	ASSERT(vmon_sample(&v));
	ASSERT(st == sstat(&v));
	ASSERT_EQ(st->cpus_nr, 4);
	for (int i = 0; i < 4; i++)
		ASSERT(st->cpus[i].online);
	ASSERT_EQ(st->cpus[1].user, 7);
	ASSERT_EQ(st->cpus[3].steal, 9);
	ASSERT(!BITTEST(st->cpus[3].unavailable, VMON_SYS_CPU_STEAL));
	ASSERT_EQ(st->cpus[2].user, 1);
	ASSERT(BITTEST(st->cpus[2].changed, VMON_SYS_CPU_USER));
	ASSERT(v.activity & VMON_WANT_SYS_STAT);

	/* cpu1 and cpu3 go: they keep their last values, marked offline */
	rewrite(dir, "stat", two, sizeof(two) - 1);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(st->cpus_nr, 4);
	ASSERT(st->cpus[0].online && !st->cpus[1].online);
	ASSERT(st->cpus[2].online && !st->cpus[3].online);
	ASSERT_EQ(st->cpus[0].user, 2);
	ASSERT_EQ(st->cpus[3].user, 9);
	ASSERT(BITTEST(st->cpus[3].unavailable, VMON_SYS_CPU_USER));
	ASSERT(!any_bit(st->cpus[2].changed, VMON_SYS_CPU_NR));
	finish(&v, fds);
	rm_tree(dir);
}

/* ---- processes ---- */

TEST(fixture_comm_with_paren_space_paren)
{
	int fds = t_count_fds();
	vmon_t v;
	vmon_proc_t *p = start(&v, root("procs"), VMON_FLAG_NONE, 0, PROC_WANTS, 100);
	vmon_proc_stat_t *st = pstat(p);
	vmon_proc_vm_t *vm = p->stores[VMON_STORE_PROC_VM];
	vmon_proc_io_t *io = p->stores[VMON_STORE_PROC_IO];

	ASSERT_EQ(st->comm.len, 4);	/* its NUL counted */
	ASSERT_STREQ(st->comm.array, ") (");
	ASSERT_EQ(st->pid, 100);
	ASSERT_EQ(st->state, 'S');
	ASSERT_EQ(st->ppid, 1);
	ASSERT_EQ(st->pgrp, 100);
	ASSERT_EQ(st->tty_nr, 34816);
	ASSERT_EQ(st->utime, 7);
	ASSERT_EQ(st->stime, 3);
	ASSERT_EQ(st->num_threads, 2);
	ASSERT_EQ(st->start, 5000);
	ASSERT_EQ(st->rss, 250);
	ASSERT_ULL_EQ(st->rsslim, 18446744073709551615ULL);
	ASSERT_EQ(st->delay_blkio, 4);
	ASSERT_EQ(st->argc, 2);
	ASSERT_STREQ(st->argv[0], "fixture");
	ASSERT_STREQ(st->argv[1], "--flag");
	ASSERT(st->argv[2] == NULL);
	ASSERT_STREQ(st->exe.array, "/usr/bin/fixture");
	ASSERT_STREQ(st->wchan.array, "do_wait");
	ASSERT(vm && io);
	ASSERT_EQ(vm->size_pages, 2560);
	ASSERT_EQ(vm->data_pages, 300);
	ASSERT_EQ(io->rchars, 4096);
	ASSERT_EQ(io->read_bytes, 8192);
	/* every field of every store was found, and all are new */
	ASSERT_EQ(p->unavailable, 0);
	ASSERT(!any_bit(st->unavailable, VMON_PROC_STAT_NR));
	ASSERT_EQ(p->activity, PROC_WANTS);
	/* monitored by the caller: new only during its first sample */
	ASSERT(!p->is_new);
	/* a second sample of unchanged files changes nothing */
	ASSERT(vmon_sample(&v));
	ASSERT(!p->is_new);
	ASSERT_EQ(p->activity, 0);
	ASSERT(!any_bit(st->changed, VMON_PROC_STAT_NR));
	finish(&v, fds);
}

TEST(fixture_cmdline_empty_user_process)
{
	int fds = t_count_fds();
	vmon_t v;
	vmon_proc_t *p = start(&v, root("procs"), VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT, 101);
	vmon_proc_stat_t *st = pstat(p);

	ASSERT_EQ(st->cmdline.len, 0);
	ASSERT_EQ(st->argc, 0);
	ASSERT(st->argv && st->argv[0] == NULL);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_CMDLINE));
	/* an empty cmdline does not make a kernel thread: exe is read */
	ASSERT(!(st->flags & PF_KTHREAD));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_EXE));
	ASSERT_STREQ(st->exe.array, "/usr/bin/empty");
	ASSERT_STREQ(st->comm.array, "empty");
	finish(&v, fds);
}

TEST(fixture_cmdline_without_trailing_nul)
{
	int fds = t_count_fds();
	vmon_t v;
	vmon_proc_t *p = start(&v, root("procs"), VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT, 102);
	vmon_proc_stat_t *st = pstat(p);

	ASSERT_EQ(st->cmdline.len, 5);
	ASSERT(!memcmp(st->cmdline.array, "a b c", 5));
	ASSERT_EQ(st->argc, 1);
	ASSERT_STREQ(st->argv[0], "a b c");
	ASSERT(st->argv[1] == NULL);
	finish(&v, fds);
}

TEST(fixture_kthread_not_read)
{
	int fds = t_count_fds();
	char path[256], link[64];
	size_t len;
	char *bait;
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_stat_t *st;

	/* the bait is there: whatever the library reports, it chose to */
	snprintf(path, sizeof(path), "%s/2/cmdline", root("procs"));
	bait = t_read_file(path, &len);
	ASSERT(bait && len > 0);
	free(bait);
	snprintf(path, sizeof(path), "%s/2/exe", root("procs"));
	ASSERT(readlink(path, link, sizeof(link)) > 0);

	p = start(&v, root("procs"), VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
		  VMON_WANT_PROC_STAT, 2);
	/* the system files are whole */
	ASSERT_EQ(v.unavailable, 0);
	ASSERT(!any_bit(sstat(&v)->unavailable, VMON_SYS_STAT_NR));
	ASSERT(!any_bit(svm(&v)->unavailable, VMON_SYS_VM_NR));
	ASSERT_EQ(sstat(&v)->cpus_nr, 2);
	ASSERT_EQ(svm(&v)->available_kb, 12000000);
	ASSERT_EQ(svm(&v)->vmalloctotal_kb, 34359738367ULL);

	st = pstat(p);
	ASSERT(st->flags & PF_KTHREAD);
	ASSERT_EQ(st->state, 'I');
	ASSERT_STREQ(st->comm.array, "kworker/u8:0-ext4-rsv-conversion");
	ASSERT_EQ(st->cmdline.len, 0);
	ASSERT_EQ(st->argc, 0);
	ASSERT(st->argv && st->argv[0] == NULL);
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STAT_EXE));
	ASSERT_EQ(st->exe.len, 0);
	ASSERT(p->unavailable & VMON_WANT_PROC_STAT);
	ASSERT_STREQ(st->wchan.array, "worker_thread");
	finish(&v, fds);
}

/* opens and readlinks made by one first sample of pid with PROC_STAT */
static void calls_of_sample(int pid, unsigned long *opens, unsigned long *links)
{
	vmon_t v;
	unsigned long o, l;

	ASSERT(vmon_init_root(&v, root("procs"), VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_proc_monitor(&v, pid, 0, NULL, NULL));
	o = vmon_test_fault_calls(VMON__FAULT_OPEN);
	l = vmon_test_fault_calls(VMON__FAULT_READLINK);
	ASSERT(vmon_sample(&v));
	*opens = vmon_test_fault_calls(VMON__FAULT_OPEN) - o;
	*links = vmon_test_fault_calls(VMON__FAULT_READLINK) - l;
	vmon_destroy(&v);
}

TEST(fixture_kthread_companions_never_opened)
{
	unsigned long k_opens, k_links, u_opens, u_links;

	calls_of_sample(2, &k_opens, &k_links);
	calls_of_sample(101, &u_opens, &u_links);
	ASSERT_EQ(u_links, 1);		/* exe of a user process */
	ASSERT_EQ(k_links, 0);
	ASSERT_EQ(k_opens + 1, u_opens);	/* all but cmdline */
}

TEST(fixture_proc_all_equals_numeric_entries)
{
	int fds = t_count_fds(), ids[16], n, found = 0;
	vmon_t v;
	vmon_proc_t *p;

	n = t_list_ids(root("procs"), ids, 16);
	ASSERT_EQ(n, 5);		/* 2 100 101 102 104 */
	start(&v, root("procs"), VMON_FLAG_PROC_ALL, 0, VMON_WANT_PROC_STAT, 0);
	for (int round = 0; round < 2; round++) {
		found = 0;
		list_for_each_entry(p, &v.processes, siblings) {
			bool listed = false;

			for (int i = 0; i < n; i++)
				listed |= ids[i] == p->pid;
			ASSERT_MSG(listed, "pid %d is not an entry of the root", p->pid);
			ASSERT(!p->is_stale);
			ASSERT_EQ(p->is_new, round == 0);
			ASSERT_EQ(pstat(p)->pid, p->pid);
			found++;
		}
		ASSERT_EQ(found, n);
		ASSERT_EQ(v.processes_changed, round == 0);
		ASSERT(vmon_sample(&v));
	}
	finish(&v, fds);
}

TEST(fixture_follow_children_of_every_task)
{
	int fds = t_count_fds(), seen = 0;
	vmon_t v;
	vmon_proc_t *p, *c;

	p = start(&v, root("procs"), VMON_FLAG_NONE, 0,
		  VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT, 100);
	ASSERT(p->children_changed);
	list_for_each_entry(c, &p->children, siblings) {
		ASSERT(c->pid == 101 || c->pid == 104);
		ASSERT(c->parent == p);
		ASSERT(c->is_new);
		ASSERT_EQ(pstat(c)->ppid, 100);
		seen |= c->pid == 101 ? 1 : 2;
	}
	ASSERT_EQ(seen, 3);
	ASSERT(vmon_sample(&v));
	ASSERT(!p->children_changed);
	finish(&v, fds);
}

TEST(fixture_cmdline_1mib)
{
	enum { ARGS = 1024, ARG_LEN = 1023, SIZE = ARGS * (ARG_LEN + 1) };
	int fds = t_count_fds();
	char dir[256], *big = malloc(SIZE);
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_stat_t *st;

	ASSERT(big);
	for (int i = 0; i < ARGS; i++) {
		memset(big + i * (ARG_LEN + 1), 'a' + i % 26, ARG_LEN);
		big[i * (ARG_LEN + 1) + ARG_LEN] = '\0';
	}
	copy_fixture("procs", dir, sizeof(dir));
	rewrite(dir, "102/cmdline", big, SIZE);
	p = start(&v, dir, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT, 102);
	st = pstat(p);
	ASSERT_EQ(st->cmdline.len, SIZE);
	ASSERT(!memcmp(st->cmdline.array, big, SIZE));
	ASSERT_EQ(st->argc, ARGS);
	for (int i = 0; i < ARGS; i++)
		ASSERT_EQ(strlen(st->argv[i]), ARG_LEN);
	ASSERT(st->argv[ARGS] == NULL);
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));

	/* retitled short: nothing of the long one is left (a retitle shows
	 * at the next refresh: make that every sample) */
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, 1));
	rewrite(dir, "102/cmdline", "short\0", 6);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(st->cmdline.len, 6);
	ASSERT_EQ(st->argc, 1);
	ASSERT_STREQ(st->argv[0], "short");
	ASSERT(st->argv[1] == NULL);
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_ARGC));
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_UTIME));
	finish(&v, fds);
	rm_tree(dir);
	free(big);
}
