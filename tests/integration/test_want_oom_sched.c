/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_oom_sched.c - VMON_WANT_PROC_OOM and VMON_WANT_PROC_SCHED on
 * real processes the test starts:
 *
 *   - a child that set its oom_score_adj: score and adj equal the two
 *     files read after the sample, and ps's oom and oomadj columns;
 *   - a busy child: run and wait time and timeslices between a read of
 *     /proc/PID/schedstat before the sample and one after, growing from
 *     sample to sample;
 *   - children under SCHED_BATCH, SCHED_IDLE and (as root) SCHED_FIFO 10:
 *     policy and rt_priority equal stat fields 40-41 and ps's cls and
 *     rtprio; delay_blkio equals field 42.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static vmon_proc_t *start(vmon_t *v, pid_t pid, vmon_proc_wants_t wants)
{
	vmon_proc_t *p;

	ASSERT(vmon_init(v, VMON_FLAG_NONE, 0, wants));
	ASSERT((p = vmon_proc_monitor(v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(v));
	ASSERT(!p->is_stale);
	return p;
}

static bool oom_main(void *arg)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, "500\n", 4) != 4)
		return false;
	close(fd);
	return t_sleeper(arg);
}

/* `ps -o FIELDS -p pid`'s first line */
static void ps_line(pid_t pid, const char *fields, char *line, size_t size)
{
	char cmd[256];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ps -o %s -p %d", fields, pid);
	ASSERT((f = popen(cmd, "r")));
	ASSERT_MSG(fgets(line, size, f), "%s printed nothing", cmd);
	pclose(f);
}

TEST(want_oom_score_and_adj_of_a_child)
{
	struct t_sync ready;
	unsigned long long ps[2];
	char path[64], line[128];
	vmon_proc_oom_t *oom;
	vmon_t v;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(oom_main, &ready);
	t_sync_wait(&ready);
	t_wait_sleeping(pid);
	oom = start(&v, pid, VMON_WANT_PROC_OOM)->stores[VMON_STORE_PROC_OOM];
	ASSERT_EQ(oom->adj, 500);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	ASSERT_EQ(oom->adj, t_file_ll(path));
	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	ASSERT_EQ(oom->score, t_file_ll(path));
	ASSERT(oom->score >= 500);	/* the adjustment is added */
	ps_line(pid, "oom=,oomadj=", line, sizeof(line));
	ASSERT_EQ(t_numbers(line, ps, 2), 2);
	ASSERT_EQ(ps[0], oom->score);
	ASSERT_EQ(ps[1], oom->adj);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(oom->adj, 500);
	vmon_destroy(&v);
	t_kill(pid);
}

/* Wait (bounded: a loaded machine may not run the child for a while)
 * until pid's CPU time, per schedstat, is past ns. */
static void wait_run_past(pid_t pid, unsigned long long ns)
{
	unsigned long long v[3];

	for (int i = 0; i < 10000; i++) {
		t_schedstat(pid, 0, v);
		if (v[0] > ns)
			return;
		usleep(1000);
	}
	ASSERT_MSG(0, "pid %d got no CPU in 10 s", pid);
}

static bool spin_main(void *arg)
{
	t_sync_post(arg);
	for (volatile unsigned long i = 0;; i++)
		;
	return true;
}

TEST(want_sched_schedstat_of_a_busy_child)
{
	struct t_sync ready;
	unsigned long long before[3], after[3], last_run = 0;
	vmon_proc_sched_t *sc;
	vmon_t v;
	vmon_proc_t *p;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(spin_main, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_SCHED));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	for (int round = 0; round < 3; round++) {
		t_schedstat(pid, 0, before);
		ASSERT(vmon_sample(&v));
		t_schedstat(pid, 0, after);
		sc = p->stores[VMON_STORE_PROC_SCHED];
		for (int sym = 0; sym < VMON_PROC_SCHED_NR; sym++)
			ASSERT(!BITTEST(sc->unavailable, sym));
		ASSERT(before[0] <= sc->run_ns && sc->run_ns <= after[0]);
		ASSERT(before[1] <= sc->wait_ns && sc->wait_ns <= after[1]);
		ASSERT(before[2] <= sc->timeslices && sc->timeslices <= after[2]);
		ASSERT(round == 0 || sc->run_ns > last_run);
		last_run = sc->run_ns;
		ASSERT_EQ(sc->policy, 0);
		ASSERT_EQ(sc->delay_blkio, t_stat_ull(pid, 0, 42));
		wait_run_past(pid, sc->run_ns);
	}
	ASSERT(BITTEST(sc->changed, VMON_PROC_SCHED_RUN_NS));
	vmon_destroy(&v);
	t_kill(pid);
}

struct policy_child {
	struct t_sync ready;
	int policy, prio;
};

static bool policy_main(void *arg)
{
	struct policy_child *c = arg;
	struct sched_param sp = { .sched_priority = c->prio };

	if (sched_setscheduler(0, c->policy, &sp))
		return false;
	return t_sleeper(&c->ready);
}

static void check_policy(int policy, int prio, const char *cls)
{
	struct policy_child c = { .policy = policy, .prio = prio };
	char line[128], got_cls[16], got_prio[16];
	vmon_proc_sched_t *sc;
	vmon_t v;
	pid_t pid;

	t_sync_init(&c.ready);
	pid = t_fork(policy_main, &c);
	t_sync_wait(&c.ready);
	t_wait_sleeping(pid);
	sc = start(&v, pid, VMON_WANT_PROC_SCHED)->stores[VMON_STORE_PROC_SCHED];
	ASSERT_EQ(sc->policy, policy);
	ASSERT_EQ(sc->rt_priority, prio);
	ASSERT_EQ(sc->policy, t_stat_ull(pid, 0, 41));
	ASSERT_EQ(sc->rt_priority, t_stat_ull(pid, 0, 40));
	ASSERT_EQ(sc->delay_blkio, t_stat_ull(pid, 0, 42));
	ps_line(pid, "cls=,rtprio=", line, sizeof(line));
	ASSERT_EQ(sscanf(line, "%15s %15s", got_cls, got_prio), 2);
	ASSERT_STREQ(got_cls, cls);
	ASSERT_EQ(atoi(got_prio), prio);	/* "-" only for SCHED_OTHER */
	vmon_destroy(&v);
	t_kill(pid);
}

TEST(want_sched_policies)
{
	check_policy(SCHED_BATCH, 0, "B");
	check_policy(SCHED_IDLE, 0, "IDL");
	t_need_root();
	check_policy(SCHED_FIFO, 10, "FF");
}
