/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_ioprio.c - VMON_WANT_PROC_IOPRIO on real processes the test
 * starts, each priority compared with psutil's Process.ionice():
 *
 *   - children that set their own priority with ioprio_set(2) (best-effort
 *     6, idle, and as root real-time 2), one with a thread of another
 *     priority (a thread node has its own), one that set none;
 *   - a priority changed from outside: a change at the next sample;
 *   - a child that exits: its node goes stale, not unavailable;
 *   - a proc root whose "self" is not the caller: unavailable, never the
 *     priority of the process its pid names in the caller's namespace;
 *   - the cost: exactly one system call more per node and sample than
 *     without the want (vmon_sample_cost()), and the CPU time it adds,
 *     printed (not asserted: the machine is shared).
 */
#include <errno.h>
#include <linux/ioprio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static int ioprio_set(pid_t who, int class, int level)
{
	return (int)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, who,
			    IOPRIO_PRIO_VALUE(class, level));
}

struct prio_child {
	struct t_sync ready;
	int tid_pipe[2];
	int class, level;		/* the process's, -1: none set */
	int thread_class, thread_level;	/* a second thread's, -1: no thread */
};

static void *prio_thread(void *arg)
{
	struct prio_child *c = arg;
	pid_t tid = gettid();

	if (ioprio_set(0, c->thread_class, c->thread_level) == 0 &&
	    write(c->tid_pipe[1], &tid, sizeof(tid)) == sizeof(tid))
		for (;;)
			pause();
	return NULL;
}

static bool prio_main(void *arg)
{
	struct prio_child *c = arg;
	pthread_t t;

	if (c->class >= 0 && ioprio_set(0, c->class, c->level))
		return false;
	if (c->thread_class >= 0 && pthread_create(&t, NULL, prio_thread, c))
		return false;
	return t_sleeper(&c->ready);
}

static pid_t start_child(struct prio_child *c, pid_t *tid)
{
	pid_t pid;

	t_sync_init(&c->ready);
	ASSERT(pipe(c->tid_pipe) == 0);
	pid = t_fork(prio_main, c);
	t_sync_wait(&c->ready);
	if (c->thread_class >= 0)
		ASSERT(read(c->tid_pipe[0], tid, sizeof(*tid)) == sizeof(*tid));
	return pid;
}

static vmon_proc_ioprio_t *ioprio_of(vmon_proc_t *p)
{
	ASSERT(p->stores[VMON_STORE_PROC_IOPRIO]);
	return p->stores[VMON_STORE_PROC_IOPRIO];
}

/* The store is psutil's ionice() of pid (or tid): class and value. */
static void matches_psutil(vmon_proc_t *p)
{
	vmon_proc_ioprio_t *io = ioprio_of(p);
	char got[64], want[64];

	ASSERT_MSG(!(p->unavailable & VMON_WANT_PROC_IOPRIO), "%d: unavailable", p->pid);
	ASSERT(t_psutil(p->pid, "\"%d %d\" % tuple(p.ionice())", got, sizeof(got)));
	snprintf(want, sizeof(want), "%d %d", io->ioclass, io->level + 8 * io->hint);
	ASSERT_MSG(!strcmp(got, want), "%d: library %s, psutil %s", p->pid, want, got);
}

TEST(want_ioprio_of_children_against_psutil)
{
	struct prio_child kids[] = {
		{ .class = IOPRIO_CLASS_BE, .level = 6, .thread_class = IOPRIO_CLASS_BE,
		  .thread_level = 1 },
		{ .class = IOPRIO_CLASS_IDLE, .level = 0, .thread_class = -1 },
		{ .class = -1, .thread_class = -1 },
		{ .class = IOPRIO_CLASS_RT, .level = 2, .thread_class = -1 },
	};
	int nr = geteuid() == 0 ? 4 : 3;	/* real-time needs CAP_SYS_ADMIN */
	pid_t pid[4], tid = 0;
	vmon_proc_t *p[4], *t;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0,
			 VMON_WANT_PROC_IOPRIO | VMON_WANT_PROC_FOLLOW_THREADS));
	for (int i = 0; i < nr; i++) {
		pid[i] = start_child(&kids[i], &tid);
		ASSERT((p[i] = vmon_proc_monitor(&v, pid[i], 0, NULL, NULL)));
	}
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample(&v));	/* the thread node, found by the first */
	for (int i = 0; i < nr; i++) {
		matches_psutil(p[i]);
		if (kids[i].class >= 0) {
			ASSERT_EQ(ioprio_of(p[i])->ioclass, kids[i].class);
			ASSERT_EQ(ioprio_of(p[i])->level, kids[i].class == IOPRIO_CLASS_IDLE ? 0 :
				  kids[i].level);
		}
		ASSERT_EQ(ioprio_of(p[i])->hint, 0);
	}
	/* the thread of the first child: its own priority */
	ASSERT((t = t_thread_node(p[0], tid)));
	matches_psutil(t);
	ASSERT(ioprio_of(t)->ioclass == IOPRIO_CLASS_BE && ioprio_of(t)->level == 1);
	ASSERT_EQ(ioprio_of(t_thread_node(p[0], pid[0]))->level, 6);
	printf("ionice: be/6 (thread be/1), idle, none set: %d/%d%s\n", ioprio_of(p[2])->ioclass,
	       ioprio_of(p[2])->level, nr == 4 ? ", rt/2" : "");
	vmon_destroy(&v);
	for (int i = 0; i < nr; i++)
		t_kill(pid[i]);
}

TEST(want_ioprio_changed_from_outside_and_gone)
{
	struct prio_child c = { .class = IOPRIO_CLASS_BE, .level = 3, .thread_class = -1 };
	vmon_proc_ioprio_t *io;
	vmon_proc_t *p;
	vmon_t v;
	pid_t pid, tid;

	pid = start_child(&c, &tid);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_IOPRIO));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	io = ioprio_of(p);
	ASSERT(io->ioclass == IOPRIO_CLASS_BE && io->level == 3);
	ASSERT(vmon_sample(&v));
	ASSERT(!(p->activity & VMON_WANT_PROC_IOPRIO));
	ASSERT(ioprio_set(pid, IOPRIO_CLASS_BE, 7) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(p->activity & VMON_WANT_PROC_IOPRIO);
	ASSERT(BITTEST(io->changed, VMON_PROC_IOPRIO_LEVEL));
	ASSERT(!BITTEST(io->changed, VMON_PROC_IOPRIO_CLASS));
	matches_psutil(p);
	/* gone: ioprio_get() says ESRCH, the node goes stale */
	t_kill(pid);
	ASSERT(vmon_sample(&v));
	ASSERT(p->is_stale);
	vmon_destroy(&v);
}

/* CPU time of this thread, as vmon_sample_cost() counts it */
static unsigned long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#define COST_NODES 100
#define COST_SAMPLES 200

TEST(want_ioprio_cost_one_call_a_node)
{
	const vmon_proc_wants_t base = VMON_WANT_PROC_STAT;
	unsigned long reads[2] = { 0 }, cpu[2] = { 0 };
	pid_t pid[COST_NODES];
	vmon_sample_cost_t cost;
	unsigned long long t0, calls_ns;
	vmon_t v[2];

	for (int i = 0; i < COST_NODES; i++) {
		struct t_sync ready;

		t_sync_init(&ready);
		pid[i] = t_fork(t_sleeper, &ready);
		t_sync_wait(&ready);
		t_sync_close(&ready);
	}
	ASSERT(vmon_init(&v[0], VMON_FLAG_NONE, 0, base));
	ASSERT(vmon_init(&v[1], VMON_FLAG_NONE, 0, base | VMON_WANT_PROC_IOPRIO));
	for (int k = 0; k < 2; k++) {
		/* stat alone, no companions: two descriptors a node, so that the
		 * two instances fit under a soft RLIMIT_NOFILE of 1,024 */
		ASSERT(vmon_set_refresh(&v[k], VMON_REFRESH_CMDLINE, 0));
		ASSERT(vmon_set_refresh(&v[k], VMON_REFRESH_WCHAN, 0));
		for (int i = 0; i < COST_NODES; i++)
			ASSERT(vmon_proc_monitor(&v[k], pid[i], 0, NULL, NULL));
		ASSERT(vmon_sample(&v[k]));	/* the first sample opens everything */
	}
	/* alternate the two, so that both see the same machine */
	for (int s = 0; s < COST_SAMPLES; s++) {
		for (int k = 0; k < 2; k++) {
			ASSERT(vmon_sample(&v[k]));
			ASSERT(vmon_sample_cost(&v[k], &cost));
			reads[k] += cost.reads;
			cpu[k] += cost.cpu_ns;
		}
	}
	/* one ioprio_get() a node a sample, nothing else */
	ASSERT_EQ(reads[1] - reads[0], (unsigned long)COST_NODES * COST_SAMPLES);
	/* the bare system call, for comparison */
	t0 = cpu_ns();
	for (int s = 0; s < COST_SAMPLES; s++)
		for (int i = 0; i < COST_NODES; i++)
			ASSERT(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid[i]) >= 0);
	calls_ns = cpu_ns() - t0;
	printf("ioprio cost: %.2f us of CPU a node a sample with the want, %.2f without "
	       "(stat alone); the bare call %.2f us\n",
	       (double)cpu[1] / COST_NODES / COST_SAMPLES / 1000,
	       (double)cpu[0] / COST_NODES / COST_SAMPLES / 1000,
	       (double)calls_ns / COST_NODES / COST_SAMPLES / 1000);
	vmon_destroy(&v[0]);
	vmon_destroy(&v[1]);
	for (int i = 0; i < COST_NODES; i++)
		t_kill(pid[i]);
}

/* A proc root of plain files holding a directory for a live child: its
 * "self" says whether the library may take the root's pids for its own
 * namespace's. */
static void fake_root(char *dir, pid_t pid, pid_t self)
{
	char path[512], src[64], *stat;
	size_t len;

	snprintf(src, sizeof(src), "/proc/%d/stat", pid);
	ASSERT((stat = t_read_file(src, &len)));
	snprintf(path, sizeof(path), "%s/%d", dir, pid);
	ASSERT(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%d/stat", pid);
	t_rewrite(dir, path, stat, len);
	free(stat);
	snprintf(path, sizeof(path), "%s/self", dir);
	snprintf(src, sizeof(src), "%d", self);
	unlink(path);
	ASSERT(symlink(src, path) == 0);
}

TEST(want_ioprio_only_for_the_callers_pid_namespace)
{
	struct prio_child c = { .class = IOPRIO_CLASS_BE, .level = 5, .thread_class = -1 };
	char dir[] = "/tmp/vmon-ioprio-XXXXXX";
	vmon_proc_t *p;
	vmon_t v;
	pid_t pid, tid;

	pid = start_child(&c, &tid);
	ASSERT(mkdtemp(dir));
	/* "self" another pid: another namespace's numbers, never asked */
	fake_root(dir, pid, pid + 1000000);
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, 0, VMON_WANT_PROC_IOPRIO));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(!p->is_stale);
	ASSERT(p->unavailable & VMON_WANT_PROC_IOPRIO);
	for (int sym = 0; sym < VMON_PROC_IOPRIO_NR; sym++)
		ASSERT(BITTEST(ioprio_of(p)->unavailable, sym));
	ASSERT_EQ(ioprio_of(p)->level, 0);
	vmon_destroy(&v);
	/* "self" the caller: the root's numbers are taken for its own */
	t_rm_tree(dir);
	ASSERT(mkdtemp(strcpy(dir, "/tmp/vmon-ioprio-XXXXXX")));
	fake_root(dir, pid, getpid());
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, 0, VMON_WANT_PROC_IOPRIO));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(!(p->unavailable & VMON_WANT_PROC_IOPRIO));
	ASSERT(ioprio_of(p)->ioclass == IOPRIO_CLASS_BE && ioprio_of(p)->level == 5);
	vmon_destroy(&v);
	t_rm_tree(dir);
	t_kill(pid);
}
