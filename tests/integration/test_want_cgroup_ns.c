/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_cgroup_ns.c - VMON_WANT_PROC_CGROUP and VMON_WANT_PROC_NS on
 * real processes the test places:
 *
 *   - a child moved into cgroups the test creates, in the cgroup v2 tree
 *     and in a v1 hierarchy (whichever this machine mounts: CI machines
 *     mount v1 controllers and a unified tree; at least one must exist),
 *     under a name a container runtime would use
 *     (docker-<64 hex>.scope): the path, every v1 line and the hints equal
 *     /proc/PID/cgroup read by the test, and a later move shows as a
 *     change;
 *   - a grandchild in new namespaces of every kind (unshare(2), then a
 *     fork for the pid and time namespaces): each inode equals stat(2) of
 *     the ns link, differs from the test's own, and equals what ps prints
 *     for the kinds it knows.
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

#define DOCKER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static vmon_proc_t *start(vmon_t *v, pid_t pid, vmon_proc_wants_t wants)
{
	vmon_proc_t *p;

	ASSERT(vmon_init(v, VMON_FLAG_NONE, 0, wants));
	ASSERT((p = vmon_proc_monitor(v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(v));
	ASSERT(!p->is_stale);
	return p;
}

/* the store against /proc/PID/cgroup, line by line */
static void compare_cgroup(const vmon_proc_cgroup_t *cg, pid_t pid)
{
	char path[64], *text, *line, *save = NULL;
	int v1 = 0;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	ASSERT((text = t_read_file(path, NULL)));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		ASSERT(c2);
		*c1 = *c2 = '\0';
		if (!strcmp(line, "0") && c2 == c1 + 1) {
			ASSERT(!BITTEST(cg->unavailable, VMON_PROC_CGROUP_PATH));
			ASSERT_STREQ(cg->path.array, c2 + 1);
			continue;
		}
		ASSERT(v1 < cg->v1_nr);
		ASSERT_EQ(cg->v1[v1].hierarchy, atoi(line));
		ASSERT_STREQ(cg->v1[v1].controllers.array, c1 + 1);
		ASSERT_STREQ(cg->v1[v1].path.array, c2 + 1);
		v1++;
	}
	ASSERT_EQ(cg->v1_nr, v1);
	free(text);
}

TEST(want_cgroup_child_moved_into_created_cgroups)
{
	char v2[256], v1[256], dir2[512] = "", dir1[512] = "", moved[600];
	bool has_v2 = t_cgroup2_mount(v2, sizeof(v2)), has_v1 = t_cgroup1_mount("pids", v1, sizeof(v1));
	struct t_sync ready;
	vmon_proc_cgroup_t *cg;
	vmon_t v;
	vmon_proc_t *p;
	pid_t pid;

	t_need_root();
	ASSERT_MSG(has_v2 || has_v1, "no cgroup2 tree and no v1 pids hierarchy mounted");
	t_sync_init(&ready);
	pid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	if (has_v2) {
		snprintf(dir2, sizeof(dir2), "%s/vmon-test-%d", v2, pid);
		t_cgroup_enter(dir2, pid);
		snprintf(moved, sizeof(moved), "%s/docker-%s.scope", dir2, DOCKER_ID);
		t_cgroup_enter(moved, pid);
	}
	if (has_v1) {
		snprintf(dir1, sizeof(dir1), "%s/vmon-test-%d", v1, pid);
		t_cgroup_enter(dir1, pid);
	}
	p = start(&v, pid, VMON_WANT_PROC_CGROUP);
	cg = p->stores[VMON_STORE_PROC_CGROUP];
	compare_cgroup(cg, pid);
	if (has_v2) {
		char want[256];

		snprintf(want, sizeof(want), "/vmon-test-%d/docker-%s.scope", pid, DOCKER_ID);
		ASSERT_MSG(strstr(cg->path.array, want), "path %s", cg->path.array);
		ASSERT_STREQ(cg->container.array, "docker:0123456789ab");
		ASSERT_STREQ(cg->unit.array, strrchr(want, '/') + 1);
	}
	/* a move is a change */
	if (has_v2)
		t_cgroup_enter(dir2, pid);
	else
		t_cgroup_enter(v1, pid);
	ASSERT(vmon_sample(&v));
	compare_cgroup(cg, pid);
	ASSERT(p->activity & VMON_WANT_PROC_CGROUP);
	ASSERT(BITTEST(cg->changed, has_v2 ? VMON_PROC_CGROUP_PATH : VMON_PROC_CGROUP_V1_NR));
	if (has_v2)
		ASSERT_EQ(cg->container.len, 0);
	vmon_destroy(&v);
	t_kill(pid);
	if (has_v2) {
		t_cgroup_remove(moved);
		t_cgroup_remove(dir2);
	}
	if (has_v1)
		t_cgroup_remove(dir1);
}

/* ---- namespaces ---- */

static const char *const ns_names[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
	"pid_for_children" };

struct nested {
	struct t_sync ready;
	int pid_pipe[2];	/* the grandchild's pid, as the test sees it */
};

static bool nested_main(void *arg)
{
	struct nested *n = arg;
	pid_t gc;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME))
		return false;
	/* pid and time namespaces take effect in the children */
	gc = t_fork(t_sleeper, &n->ready);
	if (write(n->pid_pipe[1], &gc, sizeof(gc)) != sizeof(gc))
		return false;
	for (;;)
		pause();
	return true;
}

static unsigned long long ns_inode(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	ASSERT_MSG(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

TEST(want_ns_grandchild_in_new_namespaces)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_NS);
	struct nested n;
	unsigned long long ps[6];
	vmon_proc_ns_t *ns;
	vmon_t v;
	vmon_proc_t *p;
	pid_t child, gc;

	t_need_root();
	t_sync_init(&n.ready);
	ASSERT(pipe(n.pid_pipe) == 0);
	child = t_fork(nested_main, &n);
	t_sync_wait(&n.ready);
	ASSERT(read(n.pid_pipe[0], &gc, sizeof(gc)) == sizeof(gc));
	p = start(&v, gc, VMON_WANT_PROC_NS);
	ns = p->stores[VMON_STORE_PROC_NS];
	ASSERT_EQ(info->fields_nr, (int)(sizeof(ns_names) / sizeof(ns_names[0])));
	for (int sym = 0; sym < info->fields_nr; sym++) {
		unsigned long long got = *(const unsigned long long *)((const char *)ns +
						info->fields[sym].offset);

		ASSERT_STREQ(info->fields[sym].source, ns_names[sym]);
		ASSERT_MSG(!BITTEST(ns->unavailable, sym), "%s unavailable", ns_names[sym]);
		ASSERT_ULL_EQ(got, ns_inode(gc, ns_names[sym]));
		ASSERT_MSG(got != ns_inode(getpid(), ns_names[sym]), "%s not new", ns_names[sym]);
	}
	/* ps knows six of them */
	{
		char cmd[128], line[256];
		FILE *f;

		snprintf(cmd, sizeof(cmd), "ps -o ipcns=,mntns=,netns=,pidns=,userns=,utsns= -p %d",
			 gc);
		ASSERT((f = popen(cmd, "r")) && fgets(line, sizeof(line), f));
		pclose(f);
		ASSERT_EQ(t_numbers(line, ps, 6), 6);
	}
	ASSERT(ps[0] == ns->ipc && ps[1] == ns->mnt && ps[2] == ns->net);
	ASSERT(ps[3] == ns->pid && ps[4] == ns->user && ps[5] == ns->uts);
	/* no change while nothing moves */
	ASSERT(vmon_sample(&v));
	ASSERT(!(p->activity & VMON_WANT_PROC_NS));
	vmon_destroy(&v);
	t_kill(gc);
	t_kill(child);
}

TEST(want_ns_self)
{
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_ns_t *ns;

	p = start(&v, getpid(), VMON_WANT_PROC_NS);
	ns = p->stores[VMON_STORE_PROC_NS];
	ASSERT_ULL_EQ(ns->net, ns_inode(getpid(), "net"));
	ASSERT_ULL_EQ(ns->mnt, ns_inode(getpid(), "mnt"));
	ASSERT_EQ(p->unavailable & VMON_WANT_PROC_NS, 0);
	vmon_destroy(&v);
}
