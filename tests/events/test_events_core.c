/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_events_core.c - what VMON_FLAG_EVENTS does with the events a source
 * posts, independent of any source: events are posted here as a source
 * would (vmon__event_post()), about real processes this test starts.  A
 * fork of a followed process becomes a node in the same sample; one whose
 * process is already gone becomes a born-gone node, new and stale in one
 * sample, with its parent's name and arguments and its exit's figures; an
 * exit gives the node an exit record; a thread's figures add to its
 * process's.  And vmon_reap(), the WAIT source, which needs no event.
 * The tests that post events select the WAIT source, which posts none of
 * its own: a real source (NETLINK, as root) would add its own events of the
 * same processes to theirs.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

static int ctors;
static void count_ctor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; ctors++; }

static void post_fork(vmon_t *v, int pid, int ppid)
{
	struct vmon__event ev = { .type = VMON__EV_FORK, .pid = pid, .tgid = pid, .ppid = ppid };

	ASSERT(vmon__event_post(v, &ev) == 0);
}

static void post_exit(vmon_t *v, int pid, int tgid, int status, unsigned long long utime_us,
		      bool per_task)
{
	struct vmon__event ev = { .type = VMON__EV_EXIT, .pid = pid, .tgid = tgid,
				  .per_task = per_task };

	ev.exit.known = VMON_EXIT_CPU_SPLIT | (pid == tgid ? VMON_EXIT_STATUS : 0);
	ev.exit.status = status;
	ev.exit.utime_us = utime_us;
	ev.exit.stime_us = 1000;
	ev.exit.source = VMON_EVENTS_NETLINK;
	ASSERT(vmon__event_post(v, &ev) == 0);
}

static bool exit_at_once(void *arg)
{
	(void)arg;
	_exit(7);
}

TEST(events_born_gone_child_is_a_node_for_one_sample)
{
	vmon_proc_t *self, *c;
	vmon_proc_stat_t *st;
	pid_t kid;
	vmon_t v;

	ctors = 0;
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	v.proc_ctor_cb = count_ctor;
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	/* a child born and reaped between two samples: no sample sees it */
	kid = t_fork(exit_at_once, NULL);
	ASSERT_EQ(t_wait(kid), 7 << 8);
	post_fork(&v, kid, getpid());
	post_exit(&v, kid, kid, 7 << 8, 30000, false);
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT_MSG(c, "no node for the child born and gone between two samples");
	ASSERT(c->is_new && c->is_stale && self->children_changed);
	ASSERT_EQ(ctors, 2);
	ASSERT(c->exit && (c->exit->known & VMON_EXIT_STATUS));
	ASSERT(WIFEXITED(c->exit->status) && WEXITSTATUS(c->exit->status) == 7);
	ASSERT_EQ(c->exit->source, VMON_EVENTS_NETLINK);
	/* its stores come from the events: its parent's name, its exit's CPU */
	st = c->stores[VMON_STORE_PROC_STAT];
	ASSERT(st);
	ASSERT_STREQ(st->comm.array,
		     ((vmon_proc_stat_t *)self->stores[VMON_STORE_PROC_STAT])->comm.array);
	ASSERT_EQ(st->pid, kid);
	ASSERT_EQ(st->ppid, getpid());
	ASSERT_EQ(st->state, 'X');
	ASSERT_ULL_EQ(st->utime, 30000ull * v.ticks_per_sec / 1000000);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STAT_COMM));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STAT_VSIZE));
	/* freed at the next sample, like any stale node */
	ASSERT(vmon_sample(&v));
	ASSERT(!t_child_node(self, kid));
	vmon_destroy(&v);
}

TEST(events_fork_of_a_live_child_is_one_node_sampled_at_once)
{
	struct t_sync ready;
	vmon_proc_t *self, *c;
	pid_t kid;
	vmon_t v;

	ctors = 0;
	t_sync_init(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	v.proc_ctor_cb = count_ctor;
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	post_fork(&v, kid, getpid());
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT(c && c->is_new && !c->is_stale && c->generation == v.generation);
	ASSERT_EQ(((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->pid, kid);
	ASSERT_EQ(ctors, 2);	/* the event and the children list: one node */
	ASSERT(!c->exit);
	/* it is killed: the exit event gives the record, sampling the stale */
	t_kill(kid);
	post_exit(&v, kid, kid, SIGKILL, 0, false);
	ASSERT(vmon_sample(&v));
	ASSERT(c->is_stale && c->exit);
	ASSERT(WIFSIGNALED(c->exit->status) && WTERMSIG(c->exit->status) == SIGKILL);
	vmon_destroy(&v);
	t_sync_close(&ready);
}

/* taskstats tells each task's own figures: a process's add up */
TEST(events_threads_figures_add_up_to_their_process)
{
	struct t_sync ready;
	vmon_proc_t *self, *c;
	pid_t kid;
	vmon_t v;

	t_sync_init(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT(c);
	post_exit(&v, kid + 100000, kid, 0, 20000, true);	/* a thread of it */
	post_exit(&v, kid + 100001, kid, 0, 30000, true);
	ASSERT(vmon_sample(&v));
	/* threads alone: figures gathered, no exit record while it runs
	 * (a caller took the record for the process's end) */
	ASSERT(!c->exit);
	t_kill(kid);
	post_exit(&v, kid, kid, SIGKILL, 50000, true);	/* the leader's own */
	ASSERT(vmon_sample(&v));
	ASSERT(c->exit->known & VMON_EXIT_CPU_SPLIT);
	ASSERT_ULL_EQ(c->exit->utime_us, 100000);
	ASSERT_ULL_EQ(c->exit->stime_us, 3000);
	/* a process's totals later (vmon_reap(), ptrace) do not count twice */
	vmon_destroy(&v);
	t_sync_close(&ready);
}

static bool exit_when_told(void *arg)
{
	struct t_sync *go = arg;
	char c;

	ASSERT(read(go->fd[0], &c, 1) == 1);
	for (volatile long i = 0; i < 100000000; i++)	/* a few ticks of CPU */
		;
	_exit(3);
}

TEST(events_reap_gives_the_status_and_the_last_figures)
{
	struct t_sync go;
	vmon_proc_t *self, *c;
	int status = -1;
	pid_t kid;
	vmon_t v;

	t_sync_init(&go);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	kid = t_fork(exit_when_told, &go);
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT(c && !c->exit);
	t_sync_post(&go);
	/* no event source needed: the caller reaps through the library */
	ASSERT_EQ(vmon_reap(&v, kid, &status, 0), kid);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	ASSERT(c->exit && c->exit->source == VMON_EVENTS_WAIT);
	ASSERT(c->exit->known & VMON_EXIT_STATUS);
	ASSERT_EQ(c->exit->status, status);
	ASSERT(c->exit->known & VMON_EXIT_CPU_SPLIT);
	ASSERT(c->exit->utime_us + c->exit->stime_us > 0);	/* it spun */
	ASSERT(c->exit->known & VMON_EXIT_START);
	ASSERT_ULL_EQ(c->exit->start, ((vmon_proc_stat_t *)c->stores[VMON_STORE_PROC_STAT])->start);
	ASSERT_EQ(c->exit->ppid, getpid());
	ASSERT(vmon_sample(&v));
	ASSERT(c->is_stale);
	/* nothing left to reap */
	errno = 0;
	ASSERT_EQ(vmon_reap(&v, -1, NULL, WNOHANG), -1);
	ASSERT_EQ(errno, ECHILD);
	vmon_destroy(&v);
	t_sync_close(&go);
}

TEST(events_source_selection)
{
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_NONE);
	errno = 0;
	ASSERT(!vmon_set_event_source(&v, VMON_EVENTS_WAIT) && errno == EINVAL);
	ASSERT_EQ(vmon_event_fd(&v), -1);
	vmon_destroy(&v);
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_event_source(&v) == VMON_EVENTS_NETLINK ||
	       vmon_event_source(&v) == VMON_EVENTS_WAIT);
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_WAIT);
	ASSERT_EQ(vmon_event_fd(&v), -1);
	ASSERT_STREQ(vmon_event_source_name(VMON_EVENTS_PTRACE), "ptrace");
	ASSERT_STREQ(vmon_event_source_name((vmon_event_source_t)99), "unknown");
	errno = 0;
	ASSERT(!vmon_set_event_source(&v, VMON_EVENTS_NONE) && errno == EINVAL);
	vmon_destroy(&v);
}

/* records are keyed by pid and start time: another process's is dropped */
TEST(events_exit_of_another_process_with_the_pid_is_dropped)
{
	struct t_sync ready;
	struct vmon__event ev = { .type = VMON__EV_EXIT };
	vmon_proc_t *self, *c;
	pid_t kid;
	vmon_t v;

	t_sync_init(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	kid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT(c);
	ev.pid = ev.tgid = kid;
	ev.exit.known = VMON_EXIT_STATUS | VMON_EXIT_START;
	ev.exit.start = t_stat_ull(kid, 0, 22) + 1000;	/* ten seconds off */
	ASSERT(vmon__event_post(&v, &ev) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(!c->exit);
	/* an exact start (the capture's) two ticks off is another's */
	ev.exit.start = t_stat_ull(kid, 0, 22) + 2;
	ASSERT(vmon__event_post(&v, &ev) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(!c->exit);
	/* one estimated from event times is never early: two ticks before
	 * the start, another process's */
	ev.start_late = true;
	ev.exit.start = t_stat_ull(kid, 0, 22) - 2;
	ASSERT(vmon__event_post(&v, &ev) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(!c->exit);
	/* and late by as long as the kernel's sender was held up on a busy
	 * machine: five ticks after, this one's (its status was lost so,
	 * and a fork storm's child ended with none) */
	ev.exit.start = t_stat_ull(kid, 0, 22) + 5;
	ASSERT(vmon__event_post(&v, &ev) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(c->exit && (c->exit->known & VMON_EXIT_STATUS));
	vmon_destroy(&v);
	t_kill(kid);
	t_sync_close(&ready);
}

static pid_t counted_pid;
static int counted_ctors, counted_dtors;
static void ctor_of_pid(vmon_t *v, vmon_proc_t *p) { (void)v; counted_ctors += p->pid == counted_pid; }
static void dtor_of_pid(vmon_t *v, vmon_proc_t *p) { (void)v; counted_dtors += p->pid == counted_pid; }

/* PROC_ALL with events (posted by the test: the WAIT source posts none),
 * sampled once, then a child running body, whose nodes made and freed are
 * counted */
static pid_t counting_start(vmon_t *v, bool (*body)(void *))
{
	counted_ctors = counted_dtors = 0;
	ASSERT(vmon_init(v, VMON_FLAG_EVENTS | VMON_FLAG_PROC_ALL, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_set_event_source(v, VMON_EVENTS_WAIT));
	v->proc_ctor_cb = ctor_of_pid;
	v->proc_dtor_cb = dtor_of_pid;
	ASSERT(vmon_sample(v));
	counted_pid = t_fork(body, NULL);
	return counted_pid;
}

/* kid ends (status), its exit told at once, its parent slow to reap:
 * /proc lists its zombie until the reaping, and through it all the
 * process is one node, freed once */
static void told_end_of_a_zombie(vmon_t *v, pid_t kid, int status)
{
	siginfo_t si;

	ASSERT(waitid(P_PID, kid, &si, WEXITED | WNOWAIT) == 0);
	post_exit(v, kid, kid, status, 1000, false);
	for (int i = 0; i < 4; i++)
		ASSERT(vmon_sample(v));
	ASSERT_MSG(counted_ctors == 1, "the process was made a node %d times", counted_ctors);
	ASSERT_EQ(t_wait(kid), status);
	ASSERT(vmon_sample(v));
	ASSERT(vmon_sample(v));
	ASSERT_EQ(counted_ctors, 1);
	ASSERT_EQ(counted_dtors, 1);
	vmon_destroy(v);
}

/* PROC_ALL: a process whose fork and exit the source told in one batch,
 * before its parent reaped it: the listings of its zombie must not make
 * it a second node. */
TEST(events_proc_all_exited_zombie_is_not_born_again)
{
	vmon_t v;
	pid_t kid = counting_start(&v, exit_at_once);

	post_fork(&v, kid, getpid());
	told_end_of_a_zombie(&v, kid, 7 << 8);
}

/* A fork event's time is when the kernel sent it, a little after the
 * child started: in ticks it can be the next one.  Taken for the node's
 * start time, it made the node's process look like another one with the
 * same pid at the next check: a live process was staled and, listed
 * again, made a second node (the exporter counted it twice).  Here the
 * event says one tick after the real start. */
TEST(events_fork_time_is_not_the_start_time)
{
	struct vmon__event ev = { .type = VMON__EV_FORK };
	vmon_t v;
	pid_t kid = counting_start(&v, t_sleeper);
	unsigned long long start = t_stat_ull(kid, 0, 22);

	ev.pid = ev.tgid = kid;
	ev.ppid = getpid();
	ev.when_ns = (start + 1) * (1000000000ull / (unsigned long long)v.ticks_per_sec);
	ASSERT(vmon__event_post(&v, &ev) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample(&v));
	kill(kid, SIGKILL);
	told_end_of_a_zombie(&v, kid, SIGKILL);
}

/* the events a source would read during the sample: posted from a read */
static struct vmon__event late_fork, late_exit;
static vmon_t *late_vmon;
static int late_posted;

static void post_late(void *arg)
{
	struct vmon__event f = late_fork, e = late_exit;

	(void)arg;
	if (late_posted++)
		return;
	ASSERT(vmon__event_post(late_vmon, &f) == 0);
	ASSERT(vmon__event_post(late_vmon, &e) == 0);
}

/* The fork (when_ticks after boot) and the exit (status) of kid, which
 * sampling found and has seen end, told during the next sample as a
 * source reads them; two samples more, and the process was one node,
 * made and freed once. */
static void fork_and_exit_told_late(vmon_t *v, pid_t kid, unsigned long long when_ticks,
				    int status)
{
	struct vmon_fault_plan during = { .armed = 1, .countdown = 1, .hook = post_late };

	late_vmon = v;
	late_posted = 0;
	memset(&late_fork, 0, sizeof(late_fork));
	late_fork.type = VMON__EV_FORK;
	late_fork.pid = late_fork.tgid = kid;
	late_fork.ppid = getpid();
	late_fork.when_ns = when_ticks * (1000000000ull / (unsigned long long)v->ticks_per_sec);
	memset(&late_exit, 0, sizeof(late_exit));
	late_exit.type = VMON__EV_EXIT;
	late_exit.pid = late_exit.tgid = kid;
	late_exit.exit.known = VMON_EXIT_STATUS;
	late_exit.exit.status = status;
	late_exit.exit.source = VMON_EVENTS_NETLINK;
	vmon_test_fault_set(VMON__FAULT_READ, &during);
	ASSERT(vmon_sample(v));
	vmon_test_fault_clear();
	ASSERT(late_posted > 0);
	ASSERT(vmon_sample(v));
	ASSERT(vmon_sample(v));
	ASSERT_MSG(counted_ctors == 1, "the process was made a node %d times", counted_ctors);
	ASSERT_EQ(counted_dtors, 1);
}

/* PROC_ALL found a child and then saw it gone, before its fork and exit
 * events came (they are applied after the walk, in the same sample): the
 * fork made a second, born-gone node of the same process, and a caller
 * counting ends (the exporter) counted it twice. */
TEST(events_fork_of_a_process_sampling_saw_end_is_not_a_second_node)
{
	vmon_t v;
	pid_t kid = counting_start(&v, t_sleeper);
	unsigned long long start = t_stat_ull(kid, 0, 22);

	ASSERT(vmon_sample(&v));
	ASSERT_EQ(counted_ctors, 1);
	t_kill(kid);	/* and reaped: the next listing has it no more */
	fork_and_exit_told_late(&v, kid, start, SIGKILL);
	vmon_destroy(&v);
}

static char gone_cmdline[256];
static size_t gone_cmdline_len;

static void dtor_keeps_cmdline(vmon_t *v, vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];

	dtor_of_pid(v, p);
	if (p->pid != counted_pid || !st)
		return;
	gone_cmdline_len = st->cmdline.len < sizeof(gone_cmdline) ? st->cmdline.len : 0;
	memcpy(gone_cmdline, st->cmdline.array, gone_cmdline_len);
}

/* The same, with the fork event five ticks after the child's start (its
 * sender held up on a busy machine), of a child that sampling first read
 * as a zombie, which has no arguments: still one node, and the arguments
 * it ran with are its parent's (a storm's child had none in exits' list). */
TEST(events_late_fork_of_a_process_sampling_saw_end_gives_it_its_arguments)
{
	const vmon_proc_stat_t *self_st;
	vmon_proc_t *self;
	siginfo_t si;
	vmon_t v;
	pid_t kid = counting_start(&v, exit_at_once);
	unsigned long long start = t_stat_ull(kid, 0, 22);

	v.proc_dtor_cb = dtor_keeps_cmdline;
	gone_cmdline_len = 0;
	ASSERT(waitid(P_PID, kid, &si, WEXITED | WNOWAIT) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(counted_ctors, 1);
	self = vmon__proc_find_or_gone(&v, getpid());
	ASSERT(self && (self_st = self->stores[VMON_STORE_PROC_STAT]) && self_st->cmdline.len);
	ASSERT_EQ(t_wait(kid), 7 << 8);
	fork_and_exit_told_late(&v, kid, start + 5, 7 << 8);
	ASSERT_MSG(gone_cmdline_len == self_st->cmdline.len &&
		   !memcmp(gone_cmdline, self_st->cmdline.array, gone_cmdline_len),
		   "the child's arguments (%zu bytes) are not its parent's (%zu)",
		   gone_cmdline_len, self_st->cmdline.len);
	vmon_destroy(&v);
}
