/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_events_netlink_parse.c - the NETLINK source's pure parsers on
 * messages built here as the kernel builds them: a taskstats record of
 * today's structure and of older, shorter ones (fields they lack are
 * unknown), the AGGR_TGID that follows a threaded process's last task
 * (ignored), the connector's fork, exec, exit and ack, lengths that lie,
 * and the start a record gets from its exit and its fork.  No privilege
 * needed.
 */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"
#include "test.h"

#define FAMILY 31

struct got {
	struct vmon__nl_event ev[8];
	int n;
};

static int keep(void *ctx, struct vmon__nl_event *e)
{
	struct got *g = ctx;

	ASSERT(g->n < 8);
	g->ev[g->n++] = *e;
	return 0;
}

/* ---- building messages ---- */

struct msg {
	char b[4096] __attribute__((aligned(8)));
	size_t len;
};

static void *put(struct msg *m, const void *data, size_t len)
{
	void *at = m->b + m->len;

	ASSERT(m->len + len <= sizeof(m->b));
	if (data)
		memcpy(at, data, len);
	else
		memset(at, 0, len);
	m->len += len;
	return at;
}

static struct nlattr *attr_open(struct msg *m, int type)
{
	struct nlattr *a = put(m, NULL, NLA_HDRLEN);

	a->nla_type = (uint16_t)type;
	return a;
}

static void attr_close(struct msg *m, struct nlattr *a)
{
	a->nla_len = (uint16_t)(m->b + m->len - (char *)a);
	m->len = NLA_ALIGN(m->len);
}

static void attr(struct msg *m, int type, const void *data, size_t len)
{
	struct nlattr *a = attr_open(m, type);

	put(m, data, len);
	attr_close(m, a);
}

/* A taskstats datagram with one AGGR_PID record of stats_len bytes of st
 * (and an AGGR_TGID after it when tgid_too). */
static void taskstats_msg(struct msg *m, const struct taskstats *st, size_t stats_len,
			  bool tgid_too)
{
	struct genlmsghdr g = { .cmd = TASKSTATS_CMD_NEW, .version = 1 };
	struct nlmsghdr *h;
	struct nlattr *a;
	uint32_t pid = st->ac_pid, tgid = st->ac_tgid;

	m->len = 0;
	h = put(m, NULL, NLMSG_HDRLEN);
	h->nlmsg_type = FAMILY;
	put(m, &g, GENL_HDRLEN);
	a = attr_open(m, TASKSTATS_TYPE_AGGR_PID);
	attr(m, TASKSTATS_TYPE_PID, &pid, sizeof(pid));
	attr(m, TASKSTATS_TYPE_STATS, st, stats_len);
	attr_close(m, a);
	if (tgid_too) {
		struct taskstats sum = *st;

		sum.ac_utime = 999999999;	/* delays only: never taken */
		a = attr_open(m, TASKSTATS_TYPE_AGGR_TGID);
		attr(m, TASKSTATS_TYPE_TGID, &tgid, sizeof(tgid));
		attr(m, TASKSTATS_TYPE_STATS, &sum, sizeof(sum));
		attr_close(m, a);
	}
	h->nlmsg_len = (uint32_t)m->len;
}

static void fill_stats(struct taskstats *st, uint32_t pid, uint32_t tgid)
{
	memset(st, 0, sizeof(*st));
	st->version = TASKSTATS_VERSION;
	st->ac_exitcode = 7 << 8;
	strcpy(st->ac_comm, "worker");
	st->ac_pid = pid;
	st->ac_tgid = tgid;
	st->ac_ppid = 42;
	st->ac_etime = 5000;
	st->ac_utime = 0;		/* tick-sampled: the tick fell in system time */
	st->ac_stime = 4000;
	st->cpu_run_virtual_total = 3039468;	/* sum_exec_runtime */
	st->ac_minflt = 90;
	st->ac_majflt = 1;
	st->hiwater_rss = 432;
	st->read_char = 10;
	st->write_char = 20;
	st->read_bytes = 4096;
	st->write_bytes = 8192;
}

/* A connector datagram of one proc_event. */
static void conn_msg(struct msg *m, const struct proc_event *e, uint32_t ack)
{
	struct cn_msg cn = { .id = { CN_IDX_PROC, CN_VAL_PROC }, .seq = 3, .ack = ack,
			     .len = sizeof(*e) };
	struct nlmsghdr *h;

	m->len = 0;
	h = put(m, NULL, NLMSG_HDRLEN);
	h->nlmsg_type = NLMSG_DONE;
	put(m, &cn, sizeof(cn));
	put(m, e, sizeof(*e));
	h->nlmsg_len = (uint32_t)m->len;
}

/* ---- taskstats ---- */

TEST(events_netlink_parse_taskstats_record)
{
	struct taskstats st;
	struct msg m;
	struct got g = { .n = 0 };
	const struct vmon__event *ev;

	fill_stats(&st, 500, 500);
	taskstats_msg(&m, &st, sizeof(st), true);
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 1);
	ev = &g.ev[0].ev;
	ASSERT(ev->type == VMON__EV_EXIT && ev->per_task);
	ASSERT(ev->pid == 500 && ev->tgid == 500);
	ASSERT_STREQ(ev->comm, "worker");
	ASSERT_EQ(g.ev[0].etime_us, 5000);
	ASSERT_EQ(ev->exit.source, VMON_EVENTS_NETLINK);
	ASSERT_EQ(ev->exit.known, VMON_EXIT_STATUS | VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT |
				  VMON_EXIT_PEAK_RSS | VMON_EXIT_IO | VMON_EXIT_FAULTS | VMON_EXIT_PPID);
	ASSERT(WIFEXITED(ev->exit.status) && WEXITSTATUS(ev->exit.status) == 7);
	/* the exact runtime, the split scaled to it as /proc's is */
	ASSERT_ULL_EQ(ev->exit.cpu_ns, 3039468);
	ASSERT_ULL_EQ(ev->exit.utime_us, 0);
	ASSERT_ULL_EQ(ev->exit.stime_us, 3039);
	ASSERT_ULL_EQ(ev->exit.peak_rss_kb, 432);
	ASSERT_ULL_EQ(ev->exit.read_bytes, 4096);
	ASSERT_ULL_EQ(ev->exit.wchar, 20);
	ASSERT_ULL_EQ(ev->exit.minflt, 90);
	ASSERT_EQ(ev->exit.ppid, 42);
	/* the wrong family, or a request: nothing */
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY + 1, keep, &g), 0);
	/* a thread's record: its figures, never its process's status */
	fill_stats(&st, 501, 500);
	st.ac_utime = 3000;
	st.ac_stime = 1000;
	taskstats_msg(&m, &st, sizeof(st), false);
	g.n = 0;
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 1);
	ev = &g.ev[0].ev;
	ASSERT(ev->pid == 501 && ev->tgid == 500 && !(ev->exit.known & VMON_EXIT_STATUS));
	ASSERT_NEAR(ev->exit.utime_us + ev->exit.stime_us, 3039, 1);
	ASSERT_ULL_EQ(ev->exit.stime_us, 3039468ull * 1000 / 4000 / 1000);
}

/* A kernel whose structure is shorter than the header's: what it lacks
 * is unknown, the rest is read. */
TEST(events_netlink_parse_taskstats_older_kernels)
{
	struct taskstats st;
	struct msg m;
	struct got g = { .n = 0 };
	const struct vmon__event *ev;

	/* before version 12 (Linux 5.14): no ac_tgid; delay accounting off
	 * left cpu_run_virtual_total 0: the sampled times are all there is */
	fill_stats(&st, 600, 0);
	st.cpu_run_virtual_total = 0;
	taskstats_msg(&m, &st, offsetof(struct taskstats, ac_tgid), false);
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 1);
	ev = &g.ev[0].ev;
	ASSERT(ev->pid == 600 && ev->tgid == 600);
	ASSERT_ULL_EQ(ev->exit.cpu_ns, 4000000);
	ASSERT_ULL_EQ(ev->exit.stime_us, 4000);
	ASSERT(ev->exit.known & VMON_EXIT_IO);
	/* version 3's end: no I/O bytes, no IO at all */
	g.n = 0;
	taskstats_msg(&m, &st, offsetof(struct taskstats, read_bytes), false);
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 1);
	ASSERT(!(g.ev[0].ev.exit.known & VMON_EXIT_IO));
	ASSERT(g.ev[0].ev.exit.known & VMON_EXIT_PEAK_RSS);
	/* version 1: delays only, the pid from its attribute */
	g.n = 0;
	taskstats_msg(&m, &st, offsetof(struct taskstats, ac_comm), false);
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 1);
	ev = &g.ev[0].ev;
	ASSERT_EQ(ev->pid, 600);
	ASSERT_EQ(ev->exit.known, VMON_EXIT_STATUS);
	ASSERT_STREQ(ev->comm, "");
}

TEST(events_netlink_parse_lengths_that_lie)
{
	struct taskstats st;
	struct msg m;
	struct got g = { .n = 0 };
	struct nlattr *outer;

	fill_stats(&st, 700, 700);
	taskstats_msg(&m, &st, sizeof(st), false);
	/* the datagram cut anywhere: never an event from a part */
	for (size_t cut = 0; cut < m.len; cut += 7)
		ASSERT_EQ(vmon__nl_parse_taskstats(m.b, cut, FAMILY, keep, &g), 0);
	/* the message claims more than there is */
	((struct nlmsghdr *)m.b)->nlmsg_len = (uint32_t)m.len + 8;
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 0);
	((struct nlmsghdr *)m.b)->nlmsg_len = 0;
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 0);
	/* an attribute claims more than its message, or nothing */
	taskstats_msg(&m, &st, sizeof(st), false);
	outer = (struct nlattr *)(m.b + NLMSG_HDRLEN + GENL_HDRLEN);
	outer->nla_len = (uint16_t)(m.len + 4);
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 0);
	outer->nla_len = 0;
	ASSERT_EQ(vmon__nl_parse_taskstats(m.b, m.len, FAMILY, keep, &g), 0);
	ASSERT_EQ(g.n, 0);
}

/* ---- the connector ---- */

TEST(events_netlink_parse_connector_events)
{
	struct proc_event e = { .what = PROC_EVENT_FORK, .timestamp_ns = 5000000000ull };
	struct msg m, two;
	struct got g = { .n = 0 };
	const struct vmon__event *ev;

	e.event_data.fork.parent_pid = 10;
	e.event_data.fork.parent_tgid = 10;
	e.event_data.fork.child_pid = 11;
	e.event_data.fork.child_tgid = 11;
	conn_msg(&m, &e, 0);
	/* CLOCK_MONOTONIC stamps, 2 s behind CLOCK_BOOTTIME (a suspend) */
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 2000000000, keep, &g), 1);
	ev = &g.ev[0].ev;
	ASSERT(ev->type == VMON__EV_FORK && ev->pid == 11 && ev->tgid == 11 && ev->ppid == 10);
	ASSERT_ULL_EQ(ev->when_ns, 7000000000ull);
	ASSERT(!ev->per_task && !g.ev[0].etime_us);
	/* two messages in one datagram: both */
	memcpy(two.b, m.b, m.len);
	two.len = NLMSG_ALIGN(m.len);
	memset(&e.event_data, 0, sizeof(e.event_data));
	e.what = PROC_EVENT_EXIT;
	e.event_data.exit.process_pid = 11;
	e.event_data.exit.process_tgid = 11;
	e.event_data.exit.exit_code = SIGKILL;
	e.event_data.exit.parent_tgid = 10;
	conn_msg(&m, &e, 0);
	memcpy(two.b + two.len, m.b, m.len);
	two.len += m.len;
	g.n = 0;
	ASSERT_EQ(vmon__nl_parse_proc(two.b, two.len, 0, keep, &g), 2);
	ev = &g.ev[1].ev;
	ASSERT(ev->type == VMON__EV_EXIT && ev->pid == 11);
	ASSERT_EQ(ev->exit.known, VMON_EXIT_STATUS | VMON_EXIT_END | VMON_EXIT_PPID);
	ASSERT(WIFSIGNALED(ev->exit.status) && WTERMSIG(ev->exit.status) == SIGKILL);
	ASSERT_ULL_EQ(ev->exit.end_ns, 5000000000ull);
	ASSERT_EQ(ev->exit.ppid, 10);
	/* reaped before the event was sent: no parent; a thread: no status */
	e.event_data.exit.parent_tgid = 0;
	e.event_data.exit.process_pid = 12;
	conn_msg(&m, &e, 0);
	g.n = 0;
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 0, keep, &g), 1);
	ASSERT_EQ(g.ev[0].ev.exit.known, VMON_EXIT_END);
	/* an exec; the kinds not asked for and an ack are no events */
	memset(&e.event_data, 0, sizeof(e.event_data));
	e.what = PROC_EVENT_EXEC;
	e.event_data.exec.process_pid = 11;
	e.event_data.exec.process_tgid = 11;
	conn_msg(&m, &e, 0);
	g.n = 0;
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 0, keep, &g), 1);
	ASSERT(g.ev[0].ev.type == VMON__EV_EXEC && !g.ev[0].ev.comm[0]);
	e.what = PROC_EVENT_COMM;
	conn_msg(&m, &e, 0);
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 0, keep, &g), 0);
	/* a pid of 0 is no process */
	e.what = PROC_EVENT_EXEC;
	e.event_data.exec.process_pid = 0;
	conn_msg(&m, &e, 0);
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 0, keep, &g), 0);
}

TEST(events_netlink_parse_connector_ack)
{
	struct proc_event e = { .what = PROC_EVENT_NONE };
	struct msg m;
	struct got g = { .n = 0 };

	e.event_data.ack.err = 0;
	conn_msg(&m, &e, 1001);
	ASSERT_EQ(vmon__nl_proc_ack(m.b, m.len, 1000), 0);
	ASSERT_EQ(vmon__nl_proc_ack(m.b, m.len, 999), -1);	/* another's */
	ASSERT_EQ(vmon__nl_parse_proc(m.b, m.len, 0, keep, &g), 0);
	e.event_data.ack.err = EPERM;
	conn_msg(&m, &e, 1001);
	ASSERT_EQ(vmon__nl_proc_ack(m.b, m.len, 1000), EPERM);
	/* the connector's length past its message */
	((struct cn_msg *)(m.b + NLMSG_HDRLEN))->len = 200;
	ASSERT_EQ(vmon__nl_proc_ack(m.b, m.len, 1000), -1);
}

/* ---- starts ---- */

TEST(events_netlink_parse_start_of_a_record)
{
	struct vmon__event ev;
	/* exit at 100.5 s after boot, 300 ms after its start */
	unsigned long long exit_ns = 100500000000ull, start_ns = 100200000000ull;

	/* from the exit alone */
	memset(&ev, 0, sizeof(ev));
	vmon__nl_start_of(&ev, 300000, exit_ns, 0, 100);
	ASSERT(ev.exit.known & VMON_EXIT_START);
	ASSERT_ULL_EQ(ev.exit.start, 10020);
	/* stamped 30 ms late (preempted in exit): the fork event corrects it */
	memset(&ev, 0, sizeof(ev));
	vmon__nl_start_of(&ev, 300000, exit_ns + 30000000, start_ns + 20000, 100);
	ASSERT_ULL_EQ(ev.exit.start, 10020);
	/* a fork of another process that had the pid long before: not taken */
	memset(&ev, 0, sizeof(ev));
	vmon__nl_start_of(&ev, 300000, exit_ns, start_ns - 5000000000ull, 100);
	ASSERT_ULL_EQ(ev.exit.start, 10020);
	/* nor one after the latest start there can be */
	memset(&ev, 0, sizeof(ev));
	vmon__nl_start_of(&ev, 300000, exit_ns, start_ns + 50000000, 100);
	ASSERT_ULL_EQ(ev.exit.start, 10020);
	/* no exit time, no elapsed time, or one longer than the uptime */
	memset(&ev, 0, sizeof(ev));
	vmon__nl_start_of(&ev, 300000, 0, start_ns, 100);
	vmon__nl_start_of(&ev, 0, exit_ns, start_ns, 100);
	vmon__nl_start_of(&ev, exit_ns, exit_ns, start_ns, 100);
	ASSERT(!(ev.exit.known & VMON_EXIT_START));
}

TEST(events_netlink_parse_kernel_answers)
{
	struct msg m;
	struct nlmsghdr *h;
	struct genlmsghdr gh = { .cmd = CTRL_CMD_NEWFAMILY };
	uint16_t id = 31;
	int32_t err = -EPERM;

	m.len = 0;
	h = put(&m, NULL, NLMSG_HDRLEN);
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_seq = 5;
	put(&m, &gh, GENL_HDRLEN);
	attr(&m, CTRL_ATTR_FAMILY_NAME, "TASKSTATS", 10);
	attr(&m, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	h->nlmsg_len = (uint32_t)m.len;
	ASSERT_EQ(vmon__nl_family_id(m.b, m.len, 5), 31);
	ASSERT_EQ(vmon__nl_family_id(m.b, m.len, 6), -EPROTO);	/* not ours */
	m.len = 0;
	h = put(&m, NULL, NLMSG_HDRLEN);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_seq = 5;
	put(&m, &err, sizeof(err));
	h->nlmsg_len = (uint32_t)m.len;
	ASSERT_EQ(vmon__nl_ack(m.b, m.len, 5), -EPERM);
	ASSERT_EQ(vmon__nl_ack(m.b, m.len, 4), 1);
	ASSERT_EQ(vmon__nl_family_id(m.b, m.len, 5), -EPERM);
	err = 0;
	memcpy(m.b + NLMSG_HDRLEN, &err, sizeof(err));
	ASSERT_EQ(vmon__nl_ack(m.b, m.len, 5), 0);
	ASSERT_EQ(vmon__nl_ack(m.b, NLMSG_HDRLEN + 2, 5), 1);	/* cut: no message */
}
