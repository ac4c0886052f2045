/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_proc_all.c - VMON_FLAG_PROC_ALL and VMON_FLAG_PROC_ARRAY against the
 * real /proc: the top-level list mirrors the numeric entries of /proc
 * listed just before and after a sample (processes that started or exited
 * in between may differ), exits and starts of the test's own children show
 * as stale / new nodes, and the flat array holds exactly the monitored
 * nodes (non-NULL entries == array_active_nr, each node's array_hint_pos
 * pointing at itself), reusing the slots of freed nodes.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define MAX_IDS 65536

static int ctor_nr, dtor_nr;
static int dtor_pids[MAX_IDS];

/* process nodes only (a main thread's node has its process's pid) */
static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	ctor_nr += !proc->is_thread;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	if (!proc->is_thread && dtor_nr < MAX_IDS)
		dtor_pids[dtor_nr++] = proc->pid;
}

static int dtors_of(int pid)
{
	int n = 0;

	for (int i = 0; i < dtor_nr; i++)
		n += dtor_pids[i] == pid;
	return n;
}

static bool has_id(const int *ids, int n, int id)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (ids[mid] == id)
			return true;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* now, in clock ticks since boot (the unit of stat's start field) */
static unsigned long long boot_ticks(long hz)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * hz + (unsigned long long)ts.tv_nsec * hz / 1000000000ULL;
}

/* pid was listed before and after the sample but has no live node: only
 * right if the process the library saw exited and another one took its pid
 * in between (a stale node with another start time than the pid's now). */
static void check_reused(vmon_t *v, int pid)
{
	char now[32];
	vmon_proc_t *p;

	list_for_each_entry(p, &v->processes, siblings) {
		const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];

		if (p->pid != pid || !p->is_stale)
			continue;
		if (!st)
			return;	/* no start time to tell them apart */
		if (!t_stat_field(pid, 0, 22, now, sizeof(now)))
			return;	/* gone again */
		ASSERT_MSG(strtoull(now, NULL, 10) != st->start,
			   "pid %d, listed before and after the sample, is stale", pid);
		return;
	}
	ASSERT_MSG(0, "pid %d listed before and after the sample is not monitored", pid);
}

/* One sample between two listings of /proc: every pid listed in both is a
 * live top-level node; every live top-level node is listed in one of them,
 * or else it started after the first listing and is gone by now. */
static void sample_and_check_mirror(vmon_t *v)
{
	static int before[MAX_IDS], after[MAX_IDS], mine[MAX_IDS];
	unsigned long long t0 = boot_ticks(v->ticks_per_sec);
	int nb, na, nm = 0;
	vmon_proc_t *p;

	nb = t_list_ids("/proc", before, MAX_IDS);
	ASSERT(vmon_sample(v));
	na = t_list_ids("/proc", after, MAX_IDS);
	ASSERT(nb > 1 && na > 1);
	list_for_each_entry(p, &v->processes, siblings) {
		ASSERT(!p->is_thread && p->parent == NULL);
		if (p->is_stale)
			continue;
		ASSERT(nm < MAX_IDS);
		mine[nm++] = p->pid;
		if (!has_id(before, nb, p->pid) && !has_id(after, na, p->pid)) {
			const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];

			ASSERT_MSG(kill(p->pid, 0) < 0 && errno == ESRCH,
				   "pid %d monitored but in neither listing of /proc", p->pid);
			ASSERT_MSG(!st || st->start + 1 >= t0,
				   "pid %d, in neither listing, started before the first", p->pid);
		}
	}
	qsort(mine, nm, sizeof(int), cmp_int);
	for (int i = 1; i < nm; i++)
		ASSERT_MSG(mine[i] != mine[i - 1], "pid %d is twice at the top level", mine[i]);
	for (int i = 0; i < nb; i++)
		if (has_id(after, na, before[i]) && !has_id(mine, nm, before[i]))
			check_reused(v, before[i]);
}

TEST(proc_all_mirrors_proc)
{
	pid_t k = t_fork(t_sleeper, NULL), k2;
	vmon_proc_t *nk, *nk2, *p;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	v.proc_ctor_cb = ctor_cb;
	v.proc_dtor_cb = dtor_cb;
	sample_and_check_mirror(&v);
	ASSERT(v.processes_changed);
	list_for_each_entry(p, &v.processes, siblings)
		ASSERT(p->is_new);
	nk = t_top_node(&v, k);
	ASSERT(nk && t_top_node(&v, getpid()) && t_top_node(&v, 1));
	ASSERT_EQ(((vmon_proc_stat_t *)nk->stores[VMON_STORE_PROC_STAT])->ppid, getpid());
	ASSERT_EQ(nk->refcnt, 1);

	sample_and_check_mirror(&v);
	ASSERT(!nk->is_new && !t_top_node(&v, 1)->is_new);

	/* an exit: stale for one sample, then freed */
	t_kill(k);
	sample_and_check_mirror(&v);
	ASSERT(nk->is_stale);
	ASSERT(v.processes_changed);
	ASSERT_EQ(dtors_of(k), 0);
	sample_and_check_mirror(&v);
	ASSERT_EQ(dtors_of(k), 1);

	/* a start: a new node */
	k2 = t_fork(t_sleeper, NULL);
	sample_and_check_mirror(&v);
	nk2 = t_top_node(&v, k2);
	ASSERT(nk2 && nk2->is_new);
	ASSERT(v.processes_changed);
	ASSERT_EQ(nk2->generation, v.generation);

	vmon_destroy(&v);
	ASSERT_EQ(dtor_nr, ctor_nr);
	t_kill(k2);
}

/* without any per-process want no file of the process is read: only the
 * listing of /proc can tell that a process is gone */
TEST(proc_all_without_proc_wants)
{
	pid_t k = t_fork(t_sleeper, NULL);
	vmon_proc_t *nk;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, VMON_WANT_PROC_INHERIT));
	v.proc_dtor_cb = dtor_cb;
	sample_and_check_mirror(&v);
	nk = t_top_node(&v, k);
	ASSERT(nk && !nk->stores[VMON_STORE_PROC_STAT]);
	t_kill(k);
	sample_and_check_mirror(&v);
	ASSERT_MSG(nk->is_stale, "%d gone from /proc but its node is not stale", k);
	ASSERT(v.processes_changed);
	sample_and_check_mirror(&v);
	ASSERT_EQ(dtors_of(k), 1);
	ASSERT(t_top_node(&v, k) == NULL);
	vmon_destroy(&v);
}

/* the caller's own reference on a PROC_ALL node */
TEST(proc_all_explicit_monitor_shares_node)
{
	pid_t k = t_fork(t_sleeper, NULL);
	vmon_proc_t *n, *mine;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	v.proc_dtor_cb = dtor_cb;
	ASSERT(vmon_sample(&v));
	n = t_top_node(&v, k);
	ASSERT(n);
	mine = vmon_proc_monitor(&v, k, 0, NULL, NULL);
	ASSERT(mine == n);
	ASSERT_EQ(n->refcnt, 2);
	ASSERT(vmon_sample(&v));
	ASSERT(t_top_node(&v, k) == n);
	vmon_proc_unmonitor(&v, n, NULL, NULL);
	ASSERT_EQ(n->refcnt, 1);
	/* PROC_ALL's own reference cannot be dropped by the caller */
	vmon_proc_unmonitor(&v, n, NULL, NULL);
	ASSERT_EQ(dtors_of(k), 0);
	ASSERT(vmon_sample(&v));
	ASSERT(t_top_node(&v, k) == n && n->refcnt == 1);
	vmon_destroy(&v);
	t_kill(k);
}

/* ---- the flat array ---- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return (x > y) - (x < y);
}

/* The array holds exactly the nodes of the tree (top-level nodes and their
 * threads), each at its array_hint_pos. */
static void check_array(vmon_t *v)
{
	static vmon_proc_t *in_array[MAX_IDS], *in_tree[MAX_IDS];
	int na = 0, nt = 0;
	vmon_proc_t *p, *t;

	ASSERT(v->array_active_nr <= v->array_allocated_nr);
	for (int i = 0; i < v->array_allocated_nr; i++) {
		if (!v->array[i])
			continue;
		ASSERT_MSG(v->array[i]->array_hint_pos == i, "array[%d] says it is at %d",
			   i, v->array[i]->array_hint_pos);
		ASSERT(na < MAX_IDS);
		in_array[na++] = v->array[i];
	}
	ASSERT_EQ(na, v->array_active_nr);
	list_for_each_entry(p, &v->processes, siblings) {
		ASSERT(nt < MAX_IDS);
		in_tree[nt++] = p;
		list_for_each_entry(t, &p->threads, threads) {
			ASSERT(nt < MAX_IDS);
			in_tree[nt++] = t;
		}
	}
	ASSERT_EQ(na, nt);
	qsort(in_array, na, sizeof(*in_array), cmp_ptr);
	qsort(in_tree, nt, sizeof(*in_tree), cmp_ptr);
	for (int i = 0; i < na; i++)
		ASSERT(in_array[i] == in_tree[i]);
	if (v->array_hint_free >= 0) {
		ASSERT(v->array_hint_free < v->array_allocated_nr);
		ASSERT(v->array[v->array_hint_free] == NULL);
	}
}

TEST(proc_all_array_holds_every_node)
{
	pid_t kids[3], more[3];
	int slots[3], allocated, free_slots, new_nr;
	vmon_proc_t *p;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_THREADS));
	v.proc_dtor_cb = dtor_cb;
	for (int i = 0; i < 3; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	ASSERT(vmon_sample(&v));
	check_array(&v);
	for (int i = 0; i < 3; i++) {
		p = t_top_node(&v, kids[i]);
		ASSERT(p);
		slots[i] = p->array_hint_pos;
		ASSERT(v.array[slots[i]] == p);
	}
	ASSERT(vmon_sample(&v));
	check_array(&v);

	/* they exit: stale (still in the array), then freed (slot released) */
	for (int i = 0; i < 3; i++)
		t_kill(kids[i]);
	ASSERT(vmon_sample(&v));
	check_array(&v);
	for (int i = 0; i < 3; i++)
		ASSERT(v.array[slots[i]] && v.array[slots[i]]->is_stale);
	ASSERT(vmon_sample(&v));
	check_array(&v);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(dtors_of(kids[i]), 1);
		/* empty, or already holding a process that started since */
		ASSERT(!v.array[slots[i]] || v.array[slots[i]]->is_new);
	}

	/* new nodes take free slots before the array grows */
	allocated = v.array_allocated_nr;
	free_slots = allocated - v.array_active_nr;
	for (int i = 0; i < 3; i++)
		more[i] = t_fork(t_sleeper, NULL);
	ASSERT(vmon_sample(&v));
	check_array(&v);
	new_nr = 0;
	for (int i = 0; i < v.array_allocated_nr; i++)
		new_nr += v.array[i] && v.array[i]->is_new;
	ASSERT(new_nr >= 3);	/* three single-threaded processes */
	if (new_nr <= free_slots) {
		ASSERT_EQ(v.array_allocated_nr, allocated);
		for (int i = 0; i < 3; i++)
			ASSERT(t_top_node(&v, more[i])->array_hint_pos < allocated);
	}
	vmon_destroy(&v);
	for (int i = 0; i < 3; i++)
		t_kill(more[i]);
}

/* with explicit monitors only, slot reuse is exact */
TEST(proc_array_slot_reuse)
{
	vmon_proc_t *n[6];
	pid_t kids[6];
	int allocated, freed[2];
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	for (int i = 0; i < 6; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	for (int i = 0; i < 4; i++) {
		n[i] = vmon_proc_monitor(&v, kids[i], 0, NULL, NULL);
		ASSERT(n[i]);
		ASSERT(v.array[n[i]->array_hint_pos] == n[i]);
		for (int j = 0; j < i; j++)
			ASSERT(n[j]->array_hint_pos != n[i]->array_hint_pos);
	}
	ASSERT_EQ(v.array_active_nr, 4);
	ASSERT(vmon_sample(&v));
	check_array(&v);

	freed[0] = n[1]->array_hint_pos;
	freed[1] = n[2]->array_hint_pos;
	vmon_proc_unmonitor(&v, n[1], NULL, NULL);
	vmon_proc_unmonitor(&v, n[2], NULL, NULL);
	ASSERT_EQ(v.array_active_nr, 2);
	ASSERT(v.array[freed[0]] == NULL && v.array[freed[1]] == NULL);
	ASSERT(v.array_hint_free == freed[0] || v.array_hint_free == freed[1]);
	check_array(&v);

	allocated = v.array_allocated_nr;
	n[4] = vmon_proc_monitor(&v, kids[4], 0, NULL, NULL);
	n[5] = vmon_proc_monitor(&v, kids[5], 0, NULL, NULL);
	ASSERT(n[4] && n[5]);
	ASSERT_EQ(v.array_allocated_nr, allocated);
	ASSERT((n[4]->array_hint_pos == freed[0] && n[5]->array_hint_pos == freed[1]) ||
	       (n[4]->array_hint_pos == freed[1] && n[5]->array_hint_pos == freed[0]));
	ASSERT_EQ(v.array_active_nr, 4);
	ASSERT(vmon_sample(&v));
	check_array(&v);

	/* a caller-held node whose process exits stays in the array, stale */
	t_kill(kids[3]);
	ASSERT(vmon_sample(&v));
	ASSERT(n[3]->is_stale);
	ASSERT(v.array[n[3]->array_hint_pos] == n[3]);
	ASSERT_EQ(v.array_active_nr, 4);
	freed[0] = n[3]->array_hint_pos;
	vmon_proc_unmonitor(&v, n[3], NULL, NULL);
	ASSERT(v.array[freed[0]] == NULL);
	ASSERT_EQ(v.array_active_nr, 3);
	check_array(&v);
	vmon_destroy(&v);
	for (int i = 0; i < 6; i++)
		t_kill(kids[i]);
}
