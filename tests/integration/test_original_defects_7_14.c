/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_original_defects_7_14.c - the original libvmon's defects 7-11 and 14
 * (docs/design/defects.md), each shown gone on real processes.  Defect 12
 * (allocation failure, EINTR, short reads) is in tests/unit/test_fault.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

/* ---- a child driven by one-byte commands over a pipe ---- */

struct puppet {
	struct t_sync cmd, ack;
	pid_t pid;
};

static void *forking_thread(void *arg)
{
	pid_t *out = arg;

	*out = fork();
	if (*out == 0)
		for (;;)
			pause();
	return NULL;
}

static bool puppet_main(void *arg)
{
	struct puppet *p = arg;
	pthread_t t;
	char c;
	int fds[2];
	pid_t kid;

	for (;;) {
		if (read(p->cmd.fd[0], &c, 1) != 1)
			return false;
		switch (c) {
		case 'n': prctl(PR_SET_NAME, "renamed"); break;
		case 't': pthread_create(&t, NULL, t_sleeper_thread, NULL); break;
		case 'f': if (fork() == 0) for (;;) pause(); break;
		case 'o': if (pipe(fds)) return false; break;
		case 'T':	/* fork from a thread that is not the main one */
			pthread_create(&t, NULL, forking_thread, &kid);
			pthread_join(t, NULL);
			break;
		case 'e':
			t_sync_post(&p->ack);
			execl("/bin/sleep", "sleep", "100", (char *)NULL);
			return false;
		}
		t_sync_post(&p->ack);
	}
}

static void puppet_start(struct puppet *p)
{
	t_sync_init(&p->cmd);
	t_sync_init(&p->ack);
	p->pid = t_fork(puppet_main, p);
}

static void puppet_do(struct puppet *p, char c)
{
	ASSERT(write(p->cmd.fd[1], &c, 1) == 1);
	t_sync_wait(&p->ack);
}

/* 7: lists were searched linearly and the array grew by 5 slots; every
 * per-process operation must be O(1) amortised. */
TEST(defect_07_constant_time_per_process)
{
	enum { N = 1500 };
	static pid_t kids[N];
	struct vmon_internal *in;
	unsigned long allocs;
	vmon_proc_t *self;
	size_t longest = 0;
	vmon_t v;

	for (int i = 0; i < N; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self && vmon_sample(&v));
	in = v.internal;
	ASSERT_EQ(((vmon_proc_follow_children_t *)self->stores[0])->children_nr, N);
	/* the pid hash grows with what it holds: chains stay short */
	ASSERT(in->procs.nbuckets >= in->procs.count);
	for (size_t b = 0; b < in->procs.nbuckets; b++) {
		size_t n = 0;
		list_head_t *pos;

		list_for_each(pos, &in->procs.buckets[b])
			n++;
		if (n > longest)
			longest = n;
	}
	ASSERT_MSG(longest <= 8, "longest hash chain %zu", longest);
	/* the array doubles: a power of two, at most twice what it holds */
	ASSERT_EQ(v.array_allocated_nr & (v.array_allocated_nr - 1), 0);
	ASSERT(v.array_allocated_nr < 2 * v.array_active_nr + 8);
	/* a steady-state sample allocates nothing */
	allocs = vmon_test_fault_calls(VMON__FAULT_ALLOC);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_test_fault_calls(VMON__FAULT_ALLOC) - allocs, 0);
	t_check_tree(&v);
	vmon_destroy(&v);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
}

/* 8: no change was reported for files, children and threads, and comm,
 * cmdline, exe and wchan changes did not count in the stat activity. */
TEST(defect_08_changes_reported_for_every_store)
{
	struct puppet p;
	vmon_proc_stat_t *st;
	vmon_proc_t *n;
	vmon_t v;

	puppet_start(&p);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS |
			 VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT));
	n = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(n && vmon_sample(&v) && vmon_sample(&v));
	st = n->stores[VMON_STORE_PROC_STAT];
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_COMM));
	ASSERT(!(n->activity & (VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_FILES |
				VMON_WANT_PROC_FOLLOW_CHILDREN)));

	puppet_do(&p, 'n');
	ASSERT(vmon_sample(&v));
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_COMM) && (n->activity & VMON_WANT_PROC_STAT));
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_PID) && !BITTEST(st->changed, VMON_PROC_STAT_EXE));

	puppet_do(&p, 't');
	ASSERT(vmon_sample(&v));
	ASSERT(n->threads_changed && (n->activity & VMON_WANT_PROC_FOLLOW_THREADS));

	puppet_do(&p, 'f');
	ASSERT(vmon_sample(&v));
	ASSERT(n->children_changed && (n->activity & VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(!n->threads_changed);

	puppet_do(&p, 'o');
	ASSERT(vmon_sample(&v));
	ASSERT((n->activity & VMON_WANT_PROC_FILES) &&
	       ((vmon_proc_files_t *)n->stores[VMON_STORE_PROC_FILES])->changed);
	ASSERT(!n->children_changed);

	puppet_do(&p, 'e');	/* exec: comm, cmdline, argv, exe change */
	for (int i = 0; i < 200 && strcmp(st->comm.array, "sleep"); i++) {
		usleep(5000);	/* the exec happens after the ack; nothing signals it */
		ASSERT(vmon_sample(&v));
	}
	ASSERT_STREQ(st->comm.array, "sleep");
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_COMM) && BITTEST(st->changed, VMON_PROC_STAT_CMDLINE) &&
	       BITTEST(st->changed, VMON_PROC_STAT_EXE) && BITTEST(st->changed, VMON_PROC_STAT_ARGV));
	ASSERT(strstr(st->exe.array, "sleep"));
	vmon_destroy(&v);
	t_kill(p.pid);
}

/* 9: argv had no terminating NULL, and argc == 0 was not handled. */
TEST(defect_09_argv_null_terminated)
{
	struct puppet p;
	vmon_proc_stat_t *st, *k;
	vmon_proc_t *n, *kthread;
	vmon_t v;

	puppet_start(&p);
	puppet_do(&p, 'e');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	n = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	kthread = vmon_proc_monitor(&v, 2, 0, NULL, NULL);	/* kthreadd */
	ASSERT(n && kthread);
	st = n->stores[VMON_STORE_PROC_STAT];
	/* the exec happens after the ack, and mid-exec cmdline reads empty:
	 * nothing signals its end, so sample until it shows (bounded) */
	for (int i = 0; i < 200 && (!st || st->argc != 2 || strcmp(st->argv[0], "sleep")); i++) {
		ASSERT(vmon_sample(&v));
		st = n->stores[VMON_STORE_PROC_STAT];
		usleep(5000);
	}
	ASSERT_EQ(st->argc, 2);
	ASSERT_STREQ(st->argv[0], "sleep");
	ASSERT_STREQ(st->argv[1], "100");
	ASSERT(st->argv[2] == NULL);
	k = kthread->stores[VMON_STORE_PROC_STAT];
	ASSERT_EQ(k->argc, 0);
	ASSERT(k->argv && k->argv[0] == NULL);
	ASSERT_EQ(k->cmdline.len, 0);
	ASSERT(BITTEST(k->unavailable, VMON_PROC_STAT_EXE));
	vmon_destroy(&v);
	t_kill(p.pid);
}

/* 10: threads were followed only when the stat want was also on. */
TEST(defect_10_threads_followed_without_stat)
{
	struct puppet p;
	vmon_proc_t *n, *t;
	int nr = 0, main_seen = 0;
	vmon_t v;

	puppet_start(&p);
	puppet_do(&p, 't');
	puppet_do(&p, 't');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_THREADS));
	n = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(n && vmon_sample(&v));
	ASSERT(n->stores[VMON_STORE_PROC_STAT] == NULL);
	list_for_each_entry(t, &n->threads, threads) {
		ASSERT(t->is_thread && t->parent == n);
		main_seen |= t->pid == p.pid;
		nr++;
	}
	ASSERT_EQ(nr, 3);
	ASSERT(main_seen && n->is_threaded);
	vmon_destroy(&v);
	t_kill(p.pid);
}

/* 11: no errno was set, num_cpus and is_threaded were never filled, and
 * vmon_dump_procs() did nothing. */
TEST(defect_11_errno_num_cpus_is_threaded_dump)
{
	char *out = NULL, line[64];
	size_t len = 0;
	struct puppet p;
	vmon_proc_t *n;
	FILE *f;
	vmon_t v;

	errno = 0;
	ASSERT(!vmon_init(&v, VMON_FLAG_PROC_ALL, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT_EQ(errno, EINVAL);
	ASSERT(!vmon_init_root(&v, "/nonexistent/proc", 0, 0, 0));
	ASSERT_EQ(errno, ENOENT);
	puppet_start(&p);
	puppet_do(&p, 't');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT));
	ASSERT_EQ(v.num_cpus, sysconf(_SC_NPROCESSORS_ONLN));
	ASSERT_EQ(v.ticks_per_sec, sysconf(_SC_CLK_TCK));
	errno = 0;
	ASSERT(vmon_proc_monitor(&v, 0x3fffffff, 0, NULL, NULL) == NULL);
	ASSERT_EQ(errno, ESRCH);
	n = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(n && vmon_sample(&v));
	ASSERT(n->is_threaded);
	f = open_memstream(&out, &len);
	vmon_dump_procs(&v, f);
	fclose(f);
	snprintf(line, sizeof(line), "\n%d %c (", p.pid,
		 ((vmon_proc_stat_t *)n->stores[VMON_STORE_PROC_STAT])->state);
	ASSERT_MSG(strstr(out, line), "dump:\n%s", out);
	snprintf(line, sizeof(line), "\n  %d T ", p.pid);
	ASSERT_MSG(strstr(out, line), "dump:\n%s", out);
	free(out);
	vmon_destroy(&v);
	t_kill(p.pid);
}

/* 14: only /proc/PID/task/PID/children was read, missing the children
 * forked by other threads. */
TEST(defect_14_children_of_every_thread)
{
	struct puppet p;
	vmon_proc_t *n, *c;
	int nr = 0;
	vmon_t v;

	puppet_start(&p);
	puppet_do(&p, 'T');
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT));
	n = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(n && vmon_sample(&v));
	list_for_each_entry(c, &n->children, siblings) {
		ASSERT_EQ(((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->ppid, p.pid);
		nr++;
	}
	ASSERT_EQ(nr, 1);
	vmon_destroy(&v);
	t_kill(p.pid);
}
