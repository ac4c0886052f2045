/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_check.c - the invariant checker, vmon__check() (src/check.c), must
 * see what it claims to see: each test builds a real tree, breaks one
 * invariant by hand, expects -EUCLEAN, repairs it and expects 0.  A
 * checker that passes everything would make every other test's use of it
 * worthless.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

static bool parent_of_two(void *arg)
{
	pthread_t t;

	signal(SIGCHLD, SIG_IGN);	/* children killed are reaped at once */
	pthread_create(&t, NULL, t_sleeper_thread, NULL);
	t_fork(t_sleeper, NULL);
	t_fork(t_sleeper, NULL);
	t_sync_post(arg);
	return t_sleeper(NULL);
}

/* a followed tree: a process with a thread and two children */
static vmon_proc_t *tree(vmon_t *v, vmon_flags_t flags)
{
	struct t_sync ready;
	vmon_proc_t *root;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(parent_of_two, &ready);
	t_sync_wait(&ready);
	t_sync_close(&ready);
	ASSERT(vmon_init(v, flags, VMON_WANT_SYS_STAT,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS |
			 VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT));
	root = vmon_proc_monitor(v, pid, 0, NULL, NULL);
	ASSERT(root && vmon_sample(v) && vmon_sample(v));
	ASSERT_EQ(t_children_nr(root), 2);
	ASSERT_EQ(vmon__check(v), 0);
	return root;
}

/* Kill a grandchild and wait (bounded) until its parent has reaped it:
 * the kernel signals no such thing to us, so this polls. */
static void gone(pid_t pid)
{
	kill(pid, SIGKILL);
	for (int i = 0; i < 10000 && (kill(pid, 0) == 0 || errno != ESRCH); i++)
		usleep(1000);
	ASSERT_MSG(kill(pid, 0) < 0 && errno == ESRCH, "pid %d not reaped", pid);
}

static vmon_proc_t *first_child(vmon_proc_t *p)
{
	return list_first_entry(&p->children, vmon_proc_t, siblings);
}

TEST(check_parent_link)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE), *c = first_child(root);

	c->parent = NULL;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	c->parent = root;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_refcount_below_holds)
{
	vmon_t v;
	vmon_proc_t *c = first_child(tree(&v, VMON_FLAG_NONE));

	c->refcnt = 0;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	c->refcnt = 1;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_live_node_missing_from_hash)
{
	vmon_t v;
	vmon_proc_t *c = first_child(tree(&v, VMON_FLAG_NONE));

	vmon__pidhash_del(&v.internal->procs, c);
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	vmon__pidhash_add(&v.internal->procs, c);
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_thread_missing_from_hash)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE);
	vmon_proc_t *t = list_first_entry(&root->threads, vmon_proc_t, threads);

	vmon__pidhash_del(&v.internal->threads, t);
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	vmon__pidhash_add(&v.internal->threads, t);
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

/* a stale node only the library holds, off the stale list, would never be
 * freed: stale for ever, shown as an exited process for ever */
TEST(check_stale_for_more_than_one_sample)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE), *c;
	struct vmon__node *cn;

	gone(first_child(root)->pid);
	ASSERT(vmon_sample(&v));
	c = first_child(root);
	ASSERT(c->is_stale);
	ASSERT_EQ(vmon__check(&v), 0);
	cn = vmon__node(c);
	list_del(&cn->stale_node);
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	list_add_tail(&cn->stale_node, &v.internal->stale);
	ASSERT_EQ(vmon__check(&v), 0);
	ASSERT(vmon_sample(&v));	/* freed now */
	ASSERT_EQ(t_children_nr(root), 1);
	vmon_destroy(&v);
}

/* a live node whose last sample is older than the instance's: its figures
 * would be shown as current */
TEST(check_live_node_not_sampled)
{
	vmon_t v;
	vmon_proc_t *c = first_child(tree(&v, VMON_FLAG_NONE));

	c->generation--;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	c->generation++;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_array_slot)
{
	vmon_t v;
	vmon_proc_t *c = first_child(tree(&v, VMON_FLAG_PROC_ARRAY));
	int pos = c->array_hint_pos;

	v.array[pos] = NULL;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	v.array[pos] = c;
	ASSERT_EQ(vmon__check(&v), 0);
	v.array_active_nr++;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	v.array_active_nr--;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_descriptor_list)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE);
	vmon_proc_files_t *f = root->stores[VMON_STORE_PROC_FILES];
	vmon_proc_fd_t *a, *b;

	ASSERT(f && f->fds_nr >= 2);
	f->fds_nr++;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	f->fds_nr--;
	ASSERT_EQ(vmon__check(&v), 0);
	/* out of fd order */
	a = list_first_entry(&f->fds, vmon_proc_fd_t, fds);
	b = list_entry(a->fds.next, vmon_proc_fd_t, fds);
	list_move(&a->fds, &b->fds);
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	list_move(&a->fds, &f->fds);
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

/* the tree holds a pipe shared by the parent and its children */
TEST(check_fobject_refcount)
{
	vmon_t v;
	vmon_fobject_t *obj;

	tree(&v, VMON_FLAG_NONE);
	ASSERT(!list_empty(&v.fobjects));
	obj = list_first_entry(&v.fobjects, vmon_fobject_t, bucket);
	obj->refcnt++;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	obj->refcnt--;
	ASSERT_EQ(vmon__check(&v), 0);
	v.fobjects_nr++;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	v.fobjects_nr--;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_argv_terminated)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE);
	vmon_proc_stat_t *st = root->stores[VMON_STORE_PROC_STAT];
	char *saved;

	ASSERT(st && st->argv && st->argc > 0);
	saved = st->argv[st->argc];
	st->argv[st->argc] = st->cmdline.array;
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	st->argv[st->argc] = saved;
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}

TEST(check_leftover_orphans)
{
	vmon_t v;
	vmon_proc_t *root = tree(&v, VMON_FLAG_NONE);

	list_move_tail(&root->siblings, &v.orphans);
	ASSERT_EQ(vmon__check(&v), -EUCLEAN);
	list_move_tail(&root->siblings, &v.processes);
	ASSERT_EQ(vmon__check(&v), 0);
	vmon_destroy(&v);
}
