/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compare_changed.c - the changed bitmaps and activity masks against
 * the values themselves, for every field of every store (through the
 * reflection tables): on a store's first sample every bit is set; after
 * that a field's bit is set exactly when its value differs from the
 * previous sample's (a spinning child's utime does, pid, ppid and start
 * never do); proc->activity and vmon->activity have a store's bit exactly
 * when one of its changed bits (or a per-CPU row's) is set.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define PROC_WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)
#define MAX_FIELDS 64
#define VAL_SIZE 512

static volatile unsigned long spin;

static bool busy_main(void *arg)
{
	t_sync_post(arg);
	for (;;)
		spin++;
	return true;
}

static bool sleeper(void *arg)
{
	t_sync_post(arg);
	for (;;)
		pause();
	return true;
}

/* every field of one store, formatted */
struct snap {
	char val[MAX_FIELDS][VAL_SIZE];
};

static void take(struct snap *s, const vmon_store_info_t *info, const void *store)
{
	ASSERT(info->fields_nr <= MAX_FIELDS);
	for (int i = 0; i < info->fields_nr; i++) {
		int n = vmon_field_format(info, store, i, s->val[i], VAL_SIZE);

		ASSERT_MSG(n < VAL_SIZE, "%s.%s too long for this test", info->name,
			   info->fields[i].name);
	}
}

static bool any_changed(const vmon_store_info_t *info, const void *store)
{
	for (int i = 0; i < info->fields_nr; i++)
		if (vmon_field_changed(info, store, i))
			return true;
	return false;
}

static void all_changed(const vmon_store_info_t *info, const void *store, const char *who)
{
	for (int i = 0; i < info->fields_nr; i++)
		ASSERT_MSG(vmon_field_changed(info, store, i), "%s: %s.%s not changed on the first sample",
			   who, info->name, info->fields[i].name);
}

/* changed bit == (value differs from the previous snapshot); then the
 * snapshot becomes the current values */
static void changed_matches(struct snap *prev, const vmon_store_info_t *info,
			    const void *store, const char *who)
{
	struct snap *now = malloc(sizeof(*now));

	ASSERT(now);
	take(now, info, store);
	for (int i = 0; i < info->fields_nr; i++) {
		bool differs = strcmp(prev->val[i], now->val[i]) != 0;

		ASSERT_MSG(differs == !!vmon_field_changed(info, store, i),
			   "%s: %s.%s went \"%s\" -> \"%s\" but its changed bit is %d", who,
			   info->name, info->fields[i].name, prev->val[i], now->val[i],
			   vmon_field_changed(info, store, i));
	}
	memcpy(prev, now, sizeof(*now));
	free(now);
}

enum { SELF, BUSY, SLEEPER, SUBJECTS };
static const char *const who_name[SUBJECTS] = { "self", "busy child", "sleeping child" };
static const vmon_proc_store_t proc_stores[] = {
	VMON_STORE_PROC_STAT, VMON_STORE_PROC_VM, VMON_STORE_PROC_IO,
};
#define PROC_STORES 3

struct snaps {
	struct snap proc[SUBJECTS][PROC_STORES];
	struct snap sys_stat, sys_vm;
	struct snap cpu[64];
};

static void check_sample(vmon_t *v, vmon_proc_t **nodes, struct snaps *s, bool first)
{
	const vmon_store_info_t *sys_stat = vmon_sys_store_info(VMON_STORE_SYS_STAT);
	const vmon_store_info_t *sys_vm = vmon_sys_store_info(VMON_STORE_SYS_VM);
	const vmon_sys_stat_t *st = v->stores[VMON_STORE_SYS_STAT];
	bool any_cpu = false;

	for (int w = 0; w < SUBJECTS; w++) {
		vmon_proc_wants_t expect = 0;

		for (int k = 0; k < PROC_STORES; k++) {
			const vmon_store_info_t *info = vmon_proc_store_info(proc_stores[k]);
			const void *store = nodes[w]->stores[proc_stores[k]];

			ASSERT(info && store);
			if (first) {
				all_changed(info, store, who_name[w]);
				take(&s->proc[w][k], info, store);
			} else {
				changed_matches(&s->proc[w][k], info, store, who_name[w]);
			}
			if (any_changed(info, store))
				expect |= 1u << proc_stores[k];
		}
		ASSERT_MSG(nodes[w]->activity == expect, "%s: activity %#x, changed stores %#x",
			   who_name[w], (unsigned)nodes[w]->activity, (unsigned)expect);
	}

	ASSERT(st && st->cpus_nr <= 64);
	for (int i = 0; i < st->cpus_nr; i++) {
		if (first) {
			all_changed(vmon_sys_cpu_info(), &st->cpus[i], "cpu row");
			take(&s->cpu[i], vmon_sys_cpu_info(), &st->cpus[i]);
		} else {
			changed_matches(&s->cpu[i], vmon_sys_cpu_info(), &st->cpus[i], "cpu row");
		}
		any_cpu |= any_changed(vmon_sys_cpu_info(), &st->cpus[i]);
	}
	if (first) {
		all_changed(sys_stat, st, "sys");
		all_changed(sys_vm, v->stores[VMON_STORE_SYS_VM], "sys");
		take(&s->sys_stat, sys_stat, st);
		take(&s->sys_vm, sys_vm, v->stores[VMON_STORE_SYS_VM]);
	} else {
		changed_matches(&s->sys_stat, sys_stat, st, "sys");
		changed_matches(&s->sys_vm, sys_vm, v->stores[VMON_STORE_SYS_VM], "sys");
	}
	ASSERT_EQ(!!(v->activity & VMON_WANT_SYS_STAT), any_cpu || any_changed(sys_stat, st));
	ASSERT_EQ(!!(v->activity & VMON_WANT_SYS_VM),
		  any_changed(sys_vm, v->stores[VMON_STORE_SYS_VM]));
}

/* Let the busy child run until its utime (read independently) is two
 * ticks past what the library saw: the kernel signals no such thing. */
static void wait_utime_past(pid_t pid, unsigned long long seen)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (t_stat_ull(pid, 0, 14) < seen + 2) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "busy child %d got no CPU in 10 s", pid);
		sched_yield();
	}
}

TEST(compare_changed_bits_follow_values)
{
	struct snaps *s = calloc(1, sizeof(*s));
	vmon_proc_t *nodes[SUBJECTS];
	struct t_sync ready;
	pid_t pids[SUBJECTS];
	vmon_t v;

	ASSERT(s);
	t_sync_init(&ready);
	pids[SELF] = getpid();
	pids[BUSY] = t_fork(busy_main, &ready);
	t_sync_wait(&ready);
	pids[SLEEPER] = t_fork(sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, PROC_WANTS));
	for (int w = 0; w < SUBJECTS; w++) {
		nodes[w] = vmon_proc_monitor(&v, pids[w], 0, NULL, NULL);
		ASSERT(nodes[w]);
	}
	ASSERT(vmon_sample(&v));
	check_sample(&v, nodes, s, true);

	for (int round = 0; round < 4; round++) {
		const vmon_proc_stat_t *busy = nodes[BUSY]->stores[VMON_STORE_PROC_STAT];
		unsigned long long before = busy->utime;

		/* half the rounds with time passing, half back to back */
		if (round % 2 == 0)
			wait_utime_past(pids[BUSY], before);
		ASSERT(vmon_sample(&v));
		check_sample(&v, nodes, s, false);
		if (round % 2 == 0) {
			ASSERT(busy->utime >= before + 2);
			ASSERT(BITTEST(busy->changed, VMON_PROC_STAT_UTIME));
			ASSERT(nodes[BUSY]->activity & VMON_WANT_PROC_STAT);
		}
		for (int w = 0; w < SUBJECTS; w++) {
			const vmon_proc_stat_t *st = nodes[w]->stores[VMON_STORE_PROC_STAT];

			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_PID));
			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_PPID));
			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_START));
			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_COMM));
			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_CMDLINE));
			ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_EXE));
		}
	}
	vmon_destroy(&v);
	t_kill(pids[BUSY]);
	t_kill(pids[SLEEPER]);
	t_sync_close(&ready);
	free(s);
}

/* a process renaming itself: the comm bit and the stat store's activity
 * say so (the seed did not count comm, cmdline and wchan changes) */
struct retitle {
	struct t_sync go, done;
};

static bool retitle_main(void *arg)
{
	struct retitle *r = arg;

	t_sync_post(&r->done);
	t_sync_wait(&r->go);
	if (prctl(PR_SET_NAME, "renamed"))
		return false;
	t_sync_post(&r->done);
	for (;;)
		pause();
	return true;
}

TEST(compare_changed_comm_counts_as_activity)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_proc_stat_t *st;
	struct snap *prev = malloc(sizeof(*prev));
	struct retitle r;
	vmon_proc_t *n;
	pid_t pid;
	vmon_t v;

	ASSERT(prev);
	t_sync_init(&r.go);
	t_sync_init(&r.done);
	pid = t_fork(retitle_main, &r);
	t_sync_wait(&r.done);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	n = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	ASSERT(n);
	ASSERT(vmon_sample(&v));
	st = n->stores[VMON_STORE_PROC_STAT];
	take(prev, info, st);
	ASSERT(vmon_sample(&v));
	changed_matches(prev, info, st, "child");
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_COMM));

	t_sync_post(&r.go);
	t_sync_wait(&r.done);
	ASSERT(vmon_sample(&v));
	ASSERT_STREQ(st->comm.array, "renamed");
	ASSERT(BITTEST(st->changed, VMON_PROC_STAT_COMM));
	ASSERT(n->activity & VMON_WANT_PROC_STAT);
	changed_matches(prev, info, st, "child");
	ASSERT(vmon_sample(&v));
	ASSERT(!BITTEST(st->changed, VMON_PROC_STAT_COMM));
	changed_matches(prev, info, st, "child");
	vmon_destroy(&v);
	t_kill(pid);
	t_sync_close(&r.go);
	t_sync_close(&r.done);
	free(prev);
}
