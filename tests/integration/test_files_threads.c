/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_threads.c - threads share their process's files store: a
 * process with many threads, followed with VMON_WANT_PROC_FOLLOW_THREADS,
 * has one store whose refcnt counts the process and its thread nodes,
 * every thread node points at it, each descriptor belongs to the process,
 * and a change shows in the activity of every node sharing it.  In every
 * sampling order, including VMON_FLAG_PROC_ARRAY with a thread placed
 * before its process in the array (it then samples the store first).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

#define THREADS 16

/* the child: THREADS threads, then on each byte read from the command
 * pipe it opens a pipe and starts one more thread, acknowledging after */
static bool threaded_main(void *arg)
{
	int *fds = arg;	/* command read end, ack write end */
	pthread_t t;
	char c;

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t, NULL, t_sleeper_thread, NULL))
			return false;
	while (write(fds[1], "r", 1) == 1 && read(fds[0], &c, 1) == 1) {
		int p[2];

		if (pipe(p) || pthread_create(&t, NULL, t_sleeper_thread, NULL))
			return false;
	}
	return true;
}

struct child {
	pid_t pid;
	int cmd, ack;
};

static void child_start(struct child *ch)
{
	int cmd[2], ack[2], fds[2];
	char c;

	ASSERT(pipe(cmd) == 0 && pipe(ack) == 0);
	fds[0] = cmd[0];
	fds[1] = ack[1];
	ch->pid = t_fork(threaded_main, fds);
	close(cmd[0]);
	close(ack[1]);
	ch->cmd = cmd[1];
	ch->ack = ack[0];
	ASSERT(read(ch->ack, &c, 1) == 1);
}

/* a new pipe and a new thread; returns once both exist */
static void child_more(struct child *ch)
{
	char c;

	ASSERT(write(ch->cmd, "m", 1) == 1);
	ASSERT(read(ch->ack, &c, 1) == 1);
}

/* One store shared by the process and all its thread nodes. */
static void check_shared(vmon_proc_t *p, bool changed)
{
	vmon_proc_files_t *f = p->stores[VMON_STORE_PROC_FILES];
	vmon_proc_fd_t *fd;
	vmon_proc_t *t;
	int nodes = 1;

	ASSERT(f);
	list_for_each_entry(t, &p->threads, threads) {
		ASSERT(t->stores[VMON_STORE_PROC_FILES] == f);
		ASSERT_EQ(!!(t->activity & VMON_WANT_PROC_FILES), changed);
		t_files_compare(t);
		nodes++;
	}
	ASSERT(nodes > THREADS);
	ASSERT_EQ(f->refcnt, nodes);
	ASSERT_EQ(!!(p->activity & VMON_WANT_PROC_FILES), changed);
	list_for_each_entry(fd, &f->fds, fds)
		ASSERT(fd->process == p);
	t_files_compare(p);
}

static void shared_in_order(vmon_flags_t flags)
{
	struct child ch;
	vmon_proc_t *p;
	vmon_t v;

	child_start(&ch);
	ASSERT(vmon_init(&v, flags, 0, VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_FILES));
	t_objlog_install(&v);
	p = vmon_proc_monitor(&v, ch.pid, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	check_shared(p, true);
	ASSERT(vmon_sample(&v));
	check_shared(p, false);
	child_more(&ch);
	ASSERT(vmon_sample(&v));
	check_shared(p, true);
	t_check_tree(&v);
	vmon_destroy(&v);
	t_objlog_check_balanced();
	t_kill(ch.pid);
}

TEST(files_threads_share_one_store)
{
	shared_in_order(VMON_FLAG_NONE);
}

TEST(files_threads_share_one_store_2pass)
{
	shared_in_order(VMON_FLAG_2PASS);
}

/* In the array a node takes the slot last freed: a thread born after the
 * first monitored process is unmonitored lands before its own process
 * and, at the next sample, samples their shared store first. */
TEST(files_threads_share_one_store_thread_first_in_array)
{
	struct child ch;
	vmon_proc_t *p, *first = NULL, *t;
	pid_t other = t_fork(t_sleeper, NULL);
	vmon_t v;

	child_start(&ch);
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY, 0,
			 VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_FILES));
	t_objlog_install(&v);
	ASSERT(vmon_proc_monitor(&v, other, 0, NULL, NULL));
	p = vmon_proc_monitor(&v, ch.pid, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	vmon_proc_unmonitor(&v, t_top_node(&v, other), NULL, NULL);
	child_more(&ch);
	ASSERT(vmon_sample(&v));	/* the new thread is made, into the free slot */
	for (int i = 0; i < v.array_allocated_nr && !first; i++)
		first = v.array[i];
	ASSERT_MSG(first && first->is_thread && first->parent == p,
		   "the array does not begin with a thread of the process");
	check_shared(p, true);
	child_more(&ch);
	ASSERT(vmon_sample(&v));	/* the thread samples the store */
	check_shared(p, true);
	ASSERT(vmon_sample(&v));
	check_shared(p, false);
	/* every node of the array that shares it, counted */
	list_for_each_entry(t, &p->threads, threads)
		ASSERT(t->array_hint_pos >= 0 && v.array[t->array_hint_pos] == t);
	t_check_tree(&v);
	vmon_destroy(&v);
	t_objlog_check_balanced();
	t_kill(ch.pid);
	t_kill(other);
}
