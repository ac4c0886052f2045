/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_pidns.c - nested pid namespaces on real processes the test
 * starts (as root: unshare(CLONE_NEWPID)), every figure compared with
 * /proc read directly:
 *
 *   - NSpid (VMON_WANT_PROC_STATUS: nspid[], nspid_nr, nspid_inner) of a
 *     process outside any nested namespace, of the first process of a new
 *     one (pid 1 there) and of a process two namespaces deep, against
 *     the NSpid line of its status file;
 *   - ns/pid_for_children (VMON_WANT_PROC_NS): unavailable while the
 *     namespace a process unshared has no process yet, as stat(2) of the
 *     link fails then, and afterwards the inode stat(2) gives, which is its
 *     first child's pid namespace and not its own.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

struct nest {
	struct t_sync unshared;		/* the child unshared its pid namespace */
	struct t_sync go;		/* the test: fork into it now */
	struct t_sync ready;		/* the deepest process runs */
};

/* The first process of the child's namespace: pid 1 there.  It makes a
 * namespace of its own for its child, two namespaces deep. */
static bool first_main(void *arg)
{
	struct nest *n = arg;

	if (unshare(CLONE_NEWPID))
		return false;
	t_fork(t_sleeper, &n->ready);
	for (;;)
		pause();
	return true;
}

static bool unsharer_main(void *arg)
{
	struct nest *n = arg;

	if (unshare(CLONE_NEWPID))
		return false;
	t_sync_post(&n->unshared);
	t_sync_wait(&n->go);
	t_fork(first_main, n);
	for (;;)
		pause();
	return true;
}

/* the only child of pid, from its children file */
static pid_t only_child(pid_t pid)
{
	char path[64], *text, *end;
	pid_t child;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	ASSERT((text = t_read_file(path, NULL)));
	child = strtol(text, &end, 10);
	ASSERT_MSG(child > 0 && strspn(end, " \n") == strlen(end), "children of %d: %s", pid,
		   text);
	free(text);
	return child;
}

/* stat(2) of /proc/PID/ns/NAME: its inode, or 0 with errno */
static unsigned long long link_inode(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* The NSpid of the store is the status file's NSpid line, read directly;
 * its depth is levels. */
static void nspid_is_status(vmon_proc_t *p, int levels)
{
	vmon_proc_status_t *st = p->stores[VMON_STORE_PROC_STATUS];
	char want[32];

	ASSERT(st);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_NR));
	ASSERT_EQ(st->nspid_nr, levels);
	for (int i = 0; i < levels; i++) {
		ASSERT(t_status_value(p->pid, 0, "NSpid", i + 1, want, sizeof(want)));
		ASSERT_EQ(st->nspid[i], atoi(want));
	}
	ASSERT(!t_status_value(p->pid, 0, "NSpid", levels + 1, want, sizeof(want)));
	ASSERT_EQ(st->nspid[0], p->pid);
	ASSERT_EQ(st->nspid_inner, st->nspid[levels - 1]);
}

static vmon_proc_ns_t *ns_of(vmon_proc_t *p)
{
	ASSERT(p->stores[VMON_STORE_PROC_NS]);
	return p->stores[VMON_STORE_PROC_NS];
}

TEST(want_pidns_nspid_and_pid_for_children)
{
	const vmon_proc_wants_t wants = VMON_WANT_PROC_STATUS | VMON_WANT_PROC_NS;
	struct nest n;
	vmon_proc_t *pu, *pf, *pd;
	vmon_t v;
	pid_t unsharer, first, deep;

	t_need_root();
	t_sync_init(&n.unshared);
	t_sync_init(&n.go);
	t_sync_init(&n.ready);
	unsharer = t_fork(unsharer_main, &n);
	t_sync_wait(&n.unshared);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, wants));
	ASSERT((pu = vmon_proc_monitor(&v, unsharer, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	/* unshared, nothing born in it yet: no inode to show, as stat says */
	ASSERT(!link_inode(unsharer, "pid_for_children") && errno == ENOENT);
	ASSERT(BITTEST(ns_of(pu)->unavailable, VMON_PROC_NS_PID_FOR_CHILDREN));
	ASSERT(pu->unavailable & VMON_WANT_PROC_NS);
	ASSERT_ULL_EQ(ns_of(pu)->pid, link_inode(getpid(), "pid"));
	nspid_is_status(pu, 1);	/* itself still in the test's namespace */

	t_sync_post(&n.go);
	t_sync_wait(&n.ready);
	first = only_child(unsharer);
	deep = only_child(first);
	ASSERT((pf = vmon_proc_monitor(&v, first, 0, NULL, NULL)));
	ASSERT((pd = vmon_proc_monitor(&v, deep, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	/* the unsharer's children are born in the namespace it made */
	ASSERT(!BITTEST(ns_of(pu)->unavailable, VMON_PROC_NS_PID_FOR_CHILDREN));
	ASSERT(BITTEST(ns_of(pu)->changed, VMON_PROC_NS_PID_FOR_CHILDREN));
	ASSERT_ULL_EQ(ns_of(pu)->pid_for_children, link_inode(unsharer, "pid_for_children"));
	ASSERT_ULL_EQ(ns_of(pu)->pid_for_children, link_inode(first, "pid"));
	ASSERT(ns_of(pu)->pid_for_children != ns_of(pu)->pid);
	/* the first process: pid 1 of its namespace; its own child's is a third */
	nspid_is_status(pf, 2);
	ASSERT_EQ(((vmon_proc_status_t *)pf->stores[VMON_STORE_PROC_STATUS])->nspid_inner, 1);
	ASSERT_ULL_EQ(ns_of(pf)->pid, link_inode(first, "pid"));
	ASSERT_ULL_EQ(ns_of(pf)->pid_for_children, link_inode(first, "pid_for_children"));
	ASSERT_ULL_EQ(ns_of(pf)->pid_for_children, link_inode(deep, "pid"));
	ASSERT(ns_of(pf)->pid_for_children != ns_of(pf)->pid);
	/* two namespaces deep: three pids, 1 in its own namespace, 2 in its
	 * parent's (whose pid 1 its parent is) */
	nspid_is_status(pd, 3);
	ASSERT_EQ(((vmon_proc_status_t *)pd->stores[VMON_STORE_PROC_STATUS])->nspid[1], 2);
	ASSERT_EQ(((vmon_proc_status_t *)pd->stores[VMON_STORE_PROC_STATUS])->nspid_inner, 1);
	ASSERT_ULL_EQ(ns_of(pd)->pid_for_children, ns_of(pd)->pid);
	ASSERT_EQ(pd->unavailable & wants, 0);
	printf("pid namespaces: %d -> %d (1 inside) -> %d (2, 1 inside); pid_for_children %llu, %llu\n",
	       unsharer, first, deep, ns_of(pu)->pid_for_children, ns_of(pf)->pid_for_children);
	vmon_destroy(&v);
	t_kill(deep);
	t_kill(first);
	t_kill(unsharer);
}
