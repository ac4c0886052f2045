/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fault.c - defect 12 of the original libvmon: it crashed or leaked
 * when malloc failed and ignored EINTR and short reads.
 *
 * The allocation sweep is SQLite's: fail allocation N (once, then in a
 * second sweep every allocation from N on) for N = 1, 2, ... until a whole
 * cycle (init, monitor a real tree with every want, sample three times,
 * unmonitor, destroy) runs without reaching N.  Every public call must
 * succeed or fail cleanly with ENOMEM, the tree must stay consistent, and
 * no descriptor may be left; leaks are caught by LeakSanitizer in the
 * sanitizer run of the suite.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

#define ALL_PROC_WANTS T_WANTS_ALL_PROC

/* a process with a thread and two children, ready when it posts */
static bool tree_root(void *arg)
{
	pthread_t t;

	pthread_create(&t, NULL, t_sleeper_thread, NULL);
	t_fork(t_sleeper, NULL);
	t_fork(t_sleeper, NULL);
	t_sync_post(arg);
	return t_sleeper(NULL);
}

static pid_t start_tree(void)
{
	struct t_sync ready;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(tree_root, &ready);
	t_sync_wait(&ready);
	t_sync_close(&ready);
	return pid;
}

static void noop_cb(vmon_t *v, void *a, vmon_proc_t *p, void *b)
{
	(void)v; (void)a; (void)p; (void)b;
}

/* One cycle; every failure must be a clean ENOMEM. */
static void cycle(pid_t root, vmon_flags_t flags)
{
	vmon_proc_t *p;
	vmon_t v;

	if (!vmon_init(&v, flags, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, ALL_PROC_WANTS)) {
		ASSERT_EQ(errno, ENOMEM);
		return;
	}
	p = vmon_proc_monitor(&v, root, 0, noop_cb, NULL);
	if (!p) {
		ASSERT_EQ(errno, ENOMEM);
	} else {
		for (int i = 0; i < 3; i++) {
			if (!vmon_sample(&v))
				ASSERT_EQ(errno, ENOMEM);
			t_check_tree(&v);
		}
		vmon_proc_unmonitor(&v, p, noop_cb, NULL);
		ASSERT(list_empty(&v.processes));
	}
	vmon_destroy(&v);
}

static void sweep(vmon_flags_t flags, int persistent)
{
	pid_t root = start_tree();
	int fds = t_count_fds();
	unsigned long n;

	for (n = 1; n < 20000; n++) {
		struct vmon_fault_plan plan = {
			.armed = 1, .countdown = n, .err = ENOMEM, .persistent = persistent,
		};

		vmon_test_fault_clear();
		vmon_test_fault_set(VMON__FAULT_ALLOC, &plan);
		cycle(root, flags);
		ASSERT_EQ(t_count_fds(), fds);
		if (!vmon_test_fault_fired())
			break;
	}
	vmon_test_fault_clear();
	ASSERT_MSG(n > 100 && n < 20000, "the sweep ended after %lu allocations", n);
	printf("    %lu allocations swept\n", n - 1);
	t_kill(root);
}

TEST(defect_12_alloc_failure_sweep_transient)
{
	sweep(VMON_FLAG_NONE, 0);
}

TEST(defect_12_alloc_failure_sweep_persistent)
{
	sweep(VMON_FLAG_PROC_ARRAY | VMON_FLAG_2PASS, 1);
}

/* What a sample of the tree says, to compare runs with and without faults. */
static void snapshot(pid_t root, char *out, size_t size)
{
	FILE *f = fmemopen(out, size, "w");
	vmon_t v;

	ASSERT(f);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT));
	ASSERT(vmon_proc_monitor(&v, root, 0, NULL, NULL));
	ASSERT(vmon_sample(&v));
	/* the tree shape, comms and argv: fields that do not move while t_sleeper */
	for (vmon_proc_t *p = list_first_entry(&v.processes, vmon_proc_t, siblings);
	     p; p = NULL) {
		vmon_proc_t *c, *t;
		vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];

		fprintf(f, "%d %s argc=%d %s\n", p->pid, st->comm.array, st->argc, st->argv[0]);
		list_for_each_entry(t, &p->threads, threads)
			fprintf(f, " t%d\n", t->pid);
		list_for_each_entry(c, &p->children, siblings)
			fprintf(f, " c%d ppid=%lld\n", c->pid,
				((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->ppid);
	}
	fclose(f);
	vmon_destroy(&v);
}

TEST(defect_12_eintr_is_retried)
{
	struct vmon_fault_plan eintr = { .armed = 1, .countdown = 1, .every = 2, .err = EINTR };
	char clean[4096], faulted[4096];
	pid_t root = start_tree();

	snapshot(root, clean, sizeof(clean));
	vmon_test_fault_set(VMON__FAULT_OPEN, &eintr);
	vmon_test_fault_set(VMON__FAULT_READ, &eintr);
	vmon_test_fault_set(VMON__FAULT_READLINK, &eintr);
	vmon_test_fault_set(VMON__FAULT_READDIR, &eintr);
	snapshot(root, faulted, sizeof(faulted));
	ASSERT(vmon_test_fault_fired() > 10);
	vmon_test_fault_clear();
	ASSERT_STREQ(faulted, clean);
	t_kill(root);
}

/* Files generated record by record (children) are read until EOF: short
 * reads, as the kernel gives for long lists, must not lose a child. */
TEST(defect_12_short_reads_of_record_files)
{
	enum { N = 40 };
	struct vmon_fault_plan shortr = { .armed = 1, .countdown = 1, .persistent = 1,
					  .short_read = 3 };
	pid_t kids[N];
	vmon_proc_t *self, *c;
	int nr = 0;
	vmon_t v;

	for (int i = 0; i < N; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	vmon_test_fault_set(VMON__FAULT_READ, &shortr);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_test_fault_fired() > N);
	vmon_test_fault_clear();
	list_for_each_entry(c, &self->children, siblings) {
		int found = 0;

		for (int i = 0; i < N; i++)
			found |= kids[i] == c->pid;
		ASSERT_MSG(found, "pid %d is not one of ours", c->pid);
		nr++;
	}
	ASSERT_EQ(nr, N);
	vmon_destroy(&v);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
}
