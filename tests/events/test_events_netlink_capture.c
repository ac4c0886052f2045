/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_events_netlink_capture.c - NETLINK's exit record of a threaded
 * process against the kernel's count (getrusage(RUSAGE_CHILDREN) of the
 * test across the reap): two threads burn CPU, one of them touching
 * 256 MiB first, and end; the leader, last, tears that memory down, which
 * costs it milliseconds of system time after its taskstats record was
 * taken.
 *
 * With the kernel-side capture (docs/events.md) each task's CPU is taken
 * at its last switch off its CPU, and the process's is its tasks' added
 * up: within 1% of the kernel's.  Without it (VMON_TEST_NO_BPF=1) the
 * record is taskstats', short by the teardown, unless the catcher read
 * the zombie's clock before the test reaped it: only printed.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#include "test.h"
#include "want_util.h"

#define MEMORY (256ul << 20)

static void burn_ms(long ms)
{
	struct timespec ts;
	long long until;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	until = ts.tv_sec * 1000000000LL + ts.tv_nsec + ms * 1000000LL;
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	while (ts.tv_sec * 1000000000LL + ts.tv_nsec < until);
}

static void *burner(void *arg)
{
	(void)arg;
	burn_ms(40);
	return NULL;
}

/* touches the memory the last thread to go tears down */
static void *toucher(void *arg)
{
	char *p = mmap(NULL, MEMORY, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < MEMORY; i += 4096)
		p[i] = 1;
	burn_ms(40);
	return NULL;
}

static bool threaded(void *arg)
{
	pthread_t t[2];

	(void)arg;
	if (pthread_create(&t[0], NULL, burner, NULL) || pthread_create(&t[1], NULL, toucher, NULL))
		_exit(3);
	burn_ms(10);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return true;	/* the leader last: exit_mm() is its */
}

static long long children_cpu_ns(void)
{
	struct rusage ru;

	ASSERT(getrusage(RUSAGE_CHILDREN, &ru) == 0);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

TEST(events_netlink_threaded_exit_cpu_is_the_kernels)
{
	vmon_sample_cost_t cost;
	long long before, truth, cpu = -1;
	unsigned long long start, exit_start = 0;
	vmon_proc_t *self, *c;
	pid_t kid;
	vmon_t v;

	t_need_root();
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_NETLINK));
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_MSG(cost.event_capture == !getenv("VMON_TEST_NO_BPF"),
		   "the kernel-side capture %s", cost.event_capture ? "in use" : "not in use");
	before = children_cpu_ns();
	kid = t_fork(threaded, NULL);
	start = t_stat_ull(kid, 0, 22);	/* it runs, or is a zombie, until reaped */
	ASSERT_EQ(t_wait(kid), 0);
	truth = children_cpu_ns() - before;
	/* the process's CPU is known once its leader's record is in (its
	 * threads' come first), in the sample that reads it; the node is
	 * freed at the next */
	for (int i = 0; i < 50 && cpu < 0; i++) {
		struct pollfd p = { .fd = vmon_event_fd(&v), .events = POLLIN };

		(void)poll(&p, 1, 100);
		ASSERT(vmon_sample(&v));
		c = t_child_node(self, kid);
		if (c && c->exit && (c->exit->known & VMON_EXIT_CPU)) {
			cpu = (long long)c->exit->cpu_ns;
			exit_start = c->exit->known & VMON_EXIT_START ? c->exit->start : 0;
		}
	}
	vmon_destroy(&v);
	ASSERT_MSG(cpu >= 0, "no exit record with CPU for pid %d", kid);
	fprintf(stderr, "  # %s: exit record %lld us, the kernel's %lld us (%+.2f%%)\n",
		cost.event_capture ? "kernel capture" : "/proc", cpu / 1000, truth / 1000,
		100.0 * (double)(cpu - truth) / (double)truth);
	if (cost.event_capture)
		ASSERT_MSG(llabs(cpu - truth) <= truth / 100, "exit record %lld ns, the kernel's %lld ns",
			   cpu, truth);
	/* the start the record is matched to its node by: the capture's is
	 * the kernel's own; the events' estimate is never early */
	ASSERT_MSG(exit_start, "the exit record has no start");
	if (cost.event_capture)
		ASSERT_ULL_EQ(exit_start, start);
	else
		ASSERT_MSG(exit_start + 1 >= start, "start %llu, before the process's %llu",
			   exit_start, start);
}
