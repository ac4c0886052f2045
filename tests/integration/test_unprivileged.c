/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_unprivileged.c - less privilege, and a proc root that goes away
 * (docs/design/kernel.md K13, K14, C1, C2, C5).
 *
 *  - As nobody, another user's io, exe and fd directory give EACCES: those
 *    stores are unavailable, everything else is read, and the refused opens
 *    are retried after a back-off, not at every sample.  Run as root, the
 *    test drops to nobody in a child; run as nobody (`make check-nobody`),
 *    it watches pid 1.
 *  - A proc mounted with hidepid=2 (in a private mount namespace) shows
 *    nobody only its own processes: PROC_ALL lists them alone, another
 *    user's pid cannot be monitored (ESRCH, or gone at its first sample:
 *    its directory opens O_PATH but its files give ENOENT), and the system
 *    stores still read.
 *  - A proc root whose pid namespace dies and whose mount is then detached:
 *    sampling goes on, every process is reported gone and freed.  A fixture
 *    proc root (plain files) removed while monitored: every sample fails
 *    (the root cannot be listed) or reports the processes gone.  Either
 *    way vmon_destroy() frees everything and closes every descriptor.
 *
 * The mounts need root: run unprivileged, those tests skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNPRIV_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNPRIV_LSAN 1
#endif
#endif
#ifdef UNPRIV_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define NOBODY 65534
#define NO_NAMESPACE 77		/* a child's exit status: cannot make one */

/* A forked child's own leak check (the runner checks the test process). */
static bool no_leaks(void)
{
#ifdef UNPRIV_LSAN
	return !__lsan_do_recoverable_leak_check();
#else
	return true;
#endif
}

static bool drop_to_nobody(void)
{
	return setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
	       setresuid(NOBODY, NOBODY, NOBODY) == 0;
}

/* Run fn(arg) in a child (as nobody if drop) and demand it passed; false
 * when it found no mount namespace to be had. */
static bool in_child(bool (*fn)(void *), void *arg, bool drop)
{
	struct {
		bool (*fn)(void *);
		void *arg;
		bool drop;
	} c = { fn, arg, drop };
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		if (c.drop && !drop_to_nobody())
			_exit(2);
		_exit(c.fn(c.arg) && no_leaks() ? 0 : 1);
	}
	status = t_wait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == NO_NAMESPACE)
		return false;
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "child failed (status %#x)", status);
	return true;
}

#define NO_NAMESPACE_SKIP "no private mount or pid namespace here (unshare or mount refused)"

static uid_t owner(pid_t pid)
{
	char path[32];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return stat(path, &sb) == 0 ? sb.st_uid : (uid_t)-1;
}

/* ---- another user's process, as nobody ---- */

static bool watch_other_user(void *arg)
{
	pid_t target = *(pid_t *)arg;
	unsigned long opens, links;
	vmon_proc_stat_t *st;
	vmon_proc_t *p;
	vmon_t v;

	ASSERT(geteuid() != 0 && owner(target) != geteuid());
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO |
			 VMON_WANT_PROC_FILES));
	p = vmon_proc_monitor(&v, target, 0, NULL, NULL);
	ASSERT(p);
	ASSERT(vmon_sample(&v));
	ASSERT(!p->is_stale);
	ASSERT_MSG(p->unavailable & VMON_WANT_PROC_IO, "io of pid %d read as nobody", target);
	ASSERT_MSG(p->unavailable & VMON_WANT_PROC_FILES, "fd/ of pid %d read as nobody", target);
	ASSERT(!(p->unavailable & VMON_WANT_PROC_VM));
	st = p->stores[VMON_STORE_PROC_STAT];
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STAT_EXE));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_STATE));
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_COMM));
	ASSERT_EQ(st->pid, target);
	ASSERT(!v.unavailable);
	/* 40 more samples: the refused opens back off (1, 2, 4 ... samples) */
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN);
	links = vmon_test_fault_calls(VMON__FAULT_READLINK);
	for (int i = 0; i < 40; i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
	}
	opens = vmon_test_fault_calls(VMON__FAULT_OPEN) - opens;
	links = vmon_test_fault_calls(VMON__FAULT_READLINK) - links;
	printf("    pid %d as nobody: %lu opens and %lu readlinks in 40 samples\n", target,
	       opens, links);
	ASSERT_MSG(opens <= 16 && links <= 8, "refused files retried too often");
	ASSERT(p->unavailable & VMON_WANT_PROC_IO);
	vmon_destroy(&v);
	return true;
}

TEST(unpriv_other_users_io_exe_fd_unavailable)
{
	pid_t target;

	if (geteuid() == 0) {
		target = t_fork(t_sleeper, NULL);	/* root's */
		in_child(watch_other_user, &target, true);
		t_kill(target);
	} else {
		target = 1;
		if (owner(target) == geteuid())
			SKIP("pid 1 is ours: no other user's process to watch");
		in_child(watch_other_user, &target, false);
	}
}

/* ---- hidepid=2 ---- */

struct hidepid {
	char dir[64];
	pid_t root_pid;		/* a process of root's */
};

/* A private mount namespace for this child, or its exit saying there is
 * none to be had (a container without CAP_SYS_ADMIN). */
static void private_mounts(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(NO_NAMESPACE);
}

static bool hidepid_as_nobody(void *arg)
{
	struct hidepid *h = arg;
	vmon_proc_t *p;
	bool self = false;
	vmon_t v;

	private_mounts();
	ASSERT_MSG(mount("proc", h->dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			 "hidepid=2") == 0, "mount proc hidepid=2: %s", strerror(errno));
	ASSERT(drop_to_nobody());
	ASSERT(vmon_init_root(&v, h->dir, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY,
			      VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			      VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT |
			      VMON_WANT_PROC_VM | VMON_WANT_PROC_IO | VMON_WANT_PROC_FILES));
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
	}
	list_for_each_entry(p, &v.processes, siblings) {
		ASSERT_MSG(p->pid != h->root_pid && p->pid != 1,
			   "root's pid %d visible through hidepid=2", p->pid);
		self |= p->pid == getpid();
	}
	ASSERT_MSG(self, "our own pid is not listed");
	ASSERT(!v.unavailable);		/* /proc/stat and meminfo still read */
	/* opening an invisible pid's directory O_PATH succeeds, its files give
	 * ENOENT: the node is refused, or gone at its first sample */
	p = vmon_proc_monitor(&v, h->root_pid, 0, NULL, NULL);
	if (!p) {
		ASSERT_EQ(errno, ESRCH);
	} else {
		ASSERT(vmon_sample(&v));
		ASSERT_MSG(p->is_stale, "root's pid %d sampled through hidepid=2", h->root_pid);
		vmon_proc_unmonitor(&v, p, NULL, NULL);
	}
	vmon_destroy(&v);
	return true;
}

TEST(unpriv_hidepid2_hides_other_users)
{
	struct hidepid h;
	bool ran;

	if (geteuid() != 0)
		SKIP("mounting a proc with hidepid=2 needs root");
	snprintf(h.dir, sizeof(h.dir), "/tmp/vmon-hidepid-XXXXXX");
	ASSERT(mkdtemp(h.dir) && chmod(h.dir, 0755) == 0);
	h.root_pid = t_fork(t_sleeper, NULL);
	ran = in_child(hidepid_as_nobody, &h, false);
	t_kill(h.root_pid);
	ASSERT(rmdir(h.dir) == 0);
	if (!ran)
		SKIP(NO_NAMESPACE_SKIP);
}

/* ---- a proc root whose pid namespace dies, then unmounted ---- */

struct pidns {
	char dir[64];
	struct t_sync ready;
};

/* pid 1 of a new pid namespace: mount its proc, start two children and a
 * thread, say so, sleep */
static bool ns_init(void *arg)
{
	struct pidns *ns = arg;
	pthread_t t;

	if (mount("proc", ns->dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return false;
	t_fork(t_sleeper, NULL);
	t_fork(t_sleeper, NULL);
	pthread_create(&t, NULL, t_sleeper_thread, NULL);
	t_sync_post(&ns->ready);
	return t_sleeper(NULL);
}

static bool pidns_dies(void *arg)
{
	struct pidns *ns = arg;
	vmon_proc_wants_t wants = VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_FILES |
				  VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO;
	int fds = t_count_fds();
	vmon_t all, tree;
	vmon_proc_t *init;
	pid_t pid;

	int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

	private_mounts();
	if (own < 0 || unshare(CLONE_NEWPID) < 0)
		_exit(NO_NAMESPACE);
	pid = t_fork(ns_init, ns);
	/* later children (LeakSanitizer's tracer) in our own namespace again:
	 * the new one dies with its init */
	ASSERT(setns(own, CLONE_NEWPID) == 0);
	close(own);
	t_sync_wait(&ns->ready);
	ASSERT(vmon_init_root(&all, ns->dir, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_STAT |
			      VMON_WANT_SYS_VM, wants));
	ASSERT(vmon_init_root(&tree, ns->dir, VMON_FLAG_NONE, VMON_WANT_SYS_STAT,
			      wants | VMON_WANT_PROC_FOLLOW_CHILDREN));
	init = vmon_proc_monitor(&tree, 1, 0, NULL, NULL);
	ASSERT(init);
	for (int i = 0; i < 2; i++) {
		ASSERT(vmon_sample(&all) && vmon_sample(&tree));
		t_check_tree(&all);
		t_check_tree(&tree);
	}
	ASSERT_EQ(t_top_nr(&all), 3);		/* pids 1, 2 and 3 of the namespace */
	ASSERT_EQ(t_children_nr(init), 2);
	/* the namespace's init dies: the kernel kills the rest */
	t_kill(pid);
	ASSERT(umount2(ns->dir, MNT_DETACH) == 0);
	for (int i = 0; i < 3; i++) {
		if (!vmon_sample(&all))
			ASSERT(errno != ENOMEM && errno != 0);
		if (!vmon_sample(&tree))
			ASSERT(errno != ENOMEM && errno != 0);
		t_check_tree(&all);
		t_check_tree(&tree);
	}
	ASSERT_MSG(list_empty(&all.processes), "PROC_ALL still lists processes of a dead namespace");
	ASSERT(init->is_stale && list_empty(&init->children));	/* the caller holds it */
	vmon_proc_unmonitor(&tree, init, NULL, NULL);
	vmon_destroy(&all);
	vmon_destroy(&tree);
	ASSERT_EQ(t_count_fds(), fds);
	return true;
}

TEST(unpriv_proc_root_of_dead_pid_namespace_unmounted)
{
	struct pidns ns;
	bool ran;

	if (geteuid() != 0)
		SKIP("a pid namespace with its own proc mount needs root");
	snprintf(ns.dir, sizeof(ns.dir), "/tmp/vmon-pidns-XXXXXX");
	ASSERT(mkdtemp(ns.dir));
	t_sync_init(&ns.ready);
	ran = in_child(pidns_dies, &ns, false);
	t_sync_close(&ns.ready);
	ASSERT(rmdir(ns.dir) == 0);
	if (!ran)
		SKIP(NO_NAMESPACE_SKIP);
}

/* ---- a fixture proc root removed while monitored ---- */

TEST(unpriv_proc_root_removed_while_monitored)
{
	char dir[64], fix[128], cmd[256];
	int fds = t_count_fds();
	vmon_t v;

	snprintf(dir, sizeof(dir), "/tmp/vmon-root-XXXXXX");
	ASSERT(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a %s/. %s", t_fixture("procs", fix, sizeof(fix)), dir);
	ASSERT(system(cmd) == 0);
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY,
			      VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			      VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT |
			      VMON_WANT_PROC_VM | VMON_WANT_PROC_IO));
	ASSERT(vmon_sample(&v));
	ASSERT(t_top_nr(&v) > 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT(system(cmd) == 0);
	for (int i = 0; i < 3; i++) {
		int ok = vmon_sample(&v);

		/* the held descriptors of plain files still read: what says the
		 * root is gone is a failing sample, or every process gone */
		ASSERT_MSG(!ok || i == 0 || list_empty(&v.processes),
			   "a removed proc root's processes shown as current");
		if (!ok)
			ASSERT(errno != ENOMEM && errno != 0);
		t_check_tree(&v);
	}
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
}
