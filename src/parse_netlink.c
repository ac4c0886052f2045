/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_netlink.c - the pure parsers of the NETLINK event source
 * (source_netlink.c): the datagrams of the proc connector (fork, exec and
 * exit events) and of the taskstats generic netlink family (each task's
 * final figures), and the kernel's answers to the source's requests.
 * They take bytes, never descriptors, so the tests feed them fixtures and
 * the fuzzer (fuzz/fuzz_netlink.c) anything at all.
 *
 * Every length the bytes claim is checked against the bytes there are
 * before anything is read: a message, an attribute or an event that says
 * it is longer than what holds it, or too short for its header, ends the
 * walk of what holds it.  Fields are copied out with memcpy(), as the
 * datagrams the fuzzer makes are not aligned.  The kernel's structures
 * grow at their end (struct taskstats is at version 16 on Linux 6.18, 13
 * in Debian 12's headers): a field is read when the length covers it, and
 * a shorter structure from an older kernel leaves the fields it lacks
 * unknown.
 */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

/* A fork event is stamped a little after the task's start_time (the end
 * of copy_process()): how far after the start it may be. */
#define FORK_SLACK_NS 1000000ull
/* How long before the upper bound of a start its fork event may be. */
#define FORK_WITHIN_NS 1000000000ull

/* Does a structure of len bytes hold member m of type t? */
#define HOLDS(t, m, len) (offsetof(t, m) + sizeof(((t *)0)->m) <= (len))
/* Copy member m of the t at p into *out, when len bytes hold it. */
#define TAKE(t, p, m, len, out) \
	(HOLDS(t, m, len) ? (memcpy((out), (const char *)(p) + offsetof(t, m), \
				    sizeof(((t *)0)->m)), true) : false)

/* The netlink messages of a datagram, one at a time: the payload of the
 * next whole message and its type, or NULL at the end or at a message
 * that claims more bytes than there are. */
struct nl_walk {
	const char *buf;
	size_t len, off;
};

static const char *next_msg(struct nl_walk *w, struct nlmsghdr *h, size_t *payload)
{
	const char *p;

	if (w->off > w->len || w->len - w->off < sizeof(*h))
		return NULL;
	memcpy(h, w->buf + w->off, sizeof(*h));
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > w->len - w->off)
		return NULL;
	p = w->buf + w->off + NLMSG_HDRLEN;
	*payload = h->nlmsg_len - NLMSG_HDRLEN;
	w->off += NLMSG_ALIGN(h->nlmsg_len);
	return p;
}

/* The attributes of a payload, the same way. */
static const char *next_attr(const char *buf, size_t len, size_t *off, int *type, size_t *alen)
{
	struct nlattr a;
	const char *p;

	if (*off > len || len - *off < sizeof(a))
		return NULL;
	memcpy(&a, buf + *off, sizeof(a));
	if (a.nla_len < NLA_HDRLEN || a.nla_len > len - *off)
		return NULL;
	p = buf + *off + NLA_HDRLEN;
	*type = a.nla_type & NLA_TYPE_MASK;
	*alen = a.nla_len - NLA_HDRLEN;
	*off += NLA_ALIGN(a.nla_len);
	return p;
}

/* ---- the proc connector ---- */

/* The proc_event of one connector message, if it is one: its length. */
static const char *proc_event_of(const char *p, size_t len, size_t *ev_len, struct cn_msg *cn)
{
	if (len < sizeof(*cn))
		return NULL;
	memcpy(cn, p, sizeof(*cn));
	if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
	    cn->len > len - sizeof(*cn) || cn->len < offsetof(struct proc_event, event_data))
		return NULL;
	*ev_len = cn->len;
	return p + sizeof(*cn);
}

static unsigned long long boottime_of(unsigned long long mono_ns, long long boot_offset_ns)
{
	if (!mono_ns)
		return 0;
	if (boot_offset_ns < 0 && (unsigned long long)-boot_offset_ns >= mono_ns)
		return 0;
	return mono_ns + (unsigned long long)boot_offset_ns;
}

static bool proc_fork(const char *e, size_t len, struct vmon__event *ev)
{
	struct fork_proc_event f;

	if (!TAKE(struct proc_event, e, event_data.fork, len, &f))
		return false;
	ev->type = VMON__EV_FORK;
	ev->pid = f.child_pid;
	ev->tgid = f.child_tgid;
	ev->ppid = f.parent_tgid > 0 ? f.parent_tgid : 0;
	return true;
}

static bool proc_exec(const char *e, size_t len, struct vmon__event *ev)
{
	struct exec_proc_event x;

	if (!TAKE(struct proc_event, e, event_data.exec, len, &x))
		return false;
	ev->type = VMON__EV_EXEC;
	ev->pid = x.process_pid;
	ev->tgid = x.process_tgid;
	return true;
}

/* An exit: the status is the task's exit_code, a wait status, which only
 * says how a process ended when the task is its leader; the parent is
 * given since Linux 4.18, and 0 when it reaped the task before the event
 * was sent (proc_exit_connector() runs after exit_notify()). */
static bool proc_exit(const char *e, size_t len, struct vmon__event *ev)
{
	struct exit_proc_event x;

	if (!TAKE(struct proc_event, e, event_data.exit.exit_code, len, &x.exit_code) ||
	    !TAKE(struct proc_event, e, event_data.exit.process_tgid, len, &x.process_tgid) ||
	    !TAKE(struct proc_event, e, event_data.exit.process_pid, len, &x.process_pid))
		return false;
	ev->type = VMON__EV_EXIT;
	ev->pid = x.process_pid;
	ev->tgid = x.process_tgid;
	ev->exit.source = VMON_EVENTS_NETLINK;
	if (ev->pid == ev->tgid) {
		ev->exit.status = (int)x.exit_code;
		ev->exit.known |= VMON_EXIT_STATUS;
	}
	if (ev->when_ns) {
		ev->exit.end_ns = ev->when_ns;
		ev->exit.known |= VMON_EXIT_END;
	}
	if (TAKE(struct proc_event, e, event_data.exit.parent_tgid, len, &x.parent_tgid) &&
	    x.parent_tgid > 0) {
		ev->exit.ppid = x.parent_tgid;
		ev->exit.known |= VMON_EXIT_PPID;
	}
	return true;
}

/* One proc_event: true when it is a fork, exec or exit of valid ids. */
static bool proc_event(const char *e, size_t len, long long boot_offset_ns, struct vmon__event *ev)
{
	unsigned long long ts;
	uint32_t what;
	bool ok;

	memset(ev, 0, sizeof(*ev));
	memcpy(&what, e + offsetof(struct proc_event, what), sizeof(what));
	memcpy(&ts, e + offsetof(struct proc_event, timestamp_ns), sizeof(ts));
	ev->when_ns = boottime_of(ts, boot_offset_ns);
	switch (what) {
	case PROC_EVENT_FORK: ok = proc_fork(e, len, ev); break;
	case PROC_EVENT_EXEC: ok = proc_exec(e, len, ev); break;
	case PROC_EVENT_EXIT: ok = proc_exit(e, len, ev); break;
	default: return false;	/* an ack, or an event not asked for */
	}
	return ok && ev->pid > 0 && ev->tgid > 0;
}

int vmon__nl_parse_proc(const void *buf, size_t len, long long boot_offset_ns,
			vmon__nl_emit_fn emit, void *ctx)
{
	struct nl_walk w = { buf, len, 0 };
	struct nlmsghdr h;
	const char *p;
	size_t plen;
	int n = 0, err;

	while ((p = next_msg(&w, &h, &plen))) {
		struct vmon__nl_event ev = { .etime_us = 0 };
		struct cn_msg cn;
		const char *e;
		size_t elen;

		if (h.nlmsg_type != NLMSG_DONE || !(e = proc_event_of(p, plen, &elen, &cn)) ||
		    !proc_event(e, elen, boot_offset_ns, &ev.ev))
			continue;
		err = emit(ctx, &ev);
		if (err < 0)
			return err;
		n++;
	}
	return n;
}

int vmon__nl_proc_ack(const void *buf, size_t len, uint32_t seq)
{
	struct nl_walk w = { buf, len, 0 };
	struct nlmsghdr h;
	const char *p;
	size_t plen;

	while ((p = next_msg(&w, &h, &plen))) {
		struct cn_msg cn;
		uint32_t what, err;
		const char *e;
		size_t elen;

		/* the kernel numbers its messages itself (send_msg() sets
		 * seq since Linux 4.x): the request's is in the ack alone */
		if (h.nlmsg_type != NLMSG_DONE || !(e = proc_event_of(p, plen, &elen, &cn)) ||
		    cn.ack != seq + 1 ||
		    !TAKE(struct proc_event, e, event_data.ack.err, elen, &err))
			continue;
		memcpy(&what, e + offsetof(struct proc_event, what), sizeof(what));
		if (what == PROC_EVENT_NONE)
			return err < 4096 ? (int)err : EPROTO;
	}
	return -1;
}

/* ---- taskstats ---- */

/* CPU time: the kernel's ac_utime and ac_stime are what task_cputime()
 * says, which tick-based accounting (CONFIG_TICK_CPU_ACCOUNTING, the
 * common case) samples a tick at a time: a task that ran 3 ms shows 0 or
 * 4 ms at HZ=250.  cpu_run_virtual_total is the task's sum_exec_runtime,
 * exact to the nanosecond, which delayacct_add_tsk() fills whenever the
 * kernel is built with CONFIG_TASK_DELAY_ACCT (since Linux 5.14 whatever
 * kernel.task_delayacct says; before, unless booted with nodelayacct).  It
 * gives cpu_ns, and the split is scaled to it as the kernel scales what
 * /proc/PID/stat and getrusage() report (cputime_adjust()); a task that
 * ran has a runtime, so 0 says the kernel did not fill it, and then the
 * sampled figures are all there is. */
static void ts_cpu(const char *s, size_t len, vmon_exit_t *x)
{
	unsigned long long ut, st, rt = 0, u, t;

	if (!TAKE(struct taskstats, s, ac_utime, len, &ut) ||
	    !TAKE(struct taskstats, s, ac_stime, len, &st) ||
	    ut > ~0ull / 2000 || st > ~0ull / 2000)
		return;
	(void)TAKE(struct taskstats, s, cpu_run_virtual_total, len, &rt);
	x->known |= VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT;
	if (!rt) {
		x->cpu_ns = (ut + st) * 1000;
		x->utime_us = ut;
		x->stime_us = st;
		return;
	}
	x->cpu_ns = rt;
	if (!st)
		t = 0;
	else if (!ut)
		t = rt;
	else
		t = (unsigned long long)((long double)rt * st / (ut + st));
	u = rt - t;
	x->utime_us = u / 1000;
	x->stime_us = t / 1000;
}

static void ts_figures(const char *s, size_t len, vmon_exit_t *x)
{
	unsigned long long rc, wc, rb, wb;

	ts_cpu(s, len, x);
	if (TAKE(struct taskstats, s, hiwater_rss, len, &x->peak_rss_kb))
		x->known |= VMON_EXIT_PEAK_RSS;
	if (TAKE(struct taskstats, s, read_char, len, &rc) &&
	    TAKE(struct taskstats, s, write_char, len, &wc) &&
	    TAKE(struct taskstats, s, read_bytes, len, &rb) &&
	    TAKE(struct taskstats, s, write_bytes, len, &wb)) {
		x->rchar = rc;
		x->wchar = wc;
		x->read_bytes = rb;
		x->write_bytes = wb;
		x->known |= VMON_EXIT_IO;
	}
	if (TAKE(struct taskstats, s, ac_minflt, len, &x->minflt) &&
	    TAKE(struct taskstats, s, ac_majflt, len, &x->majflt))
		x->known |= VMON_EXIT_FAULTS;
}

/* One struct taskstats of a task (TASKSTATS_TYPE_AGGR_PID): its event,
 * the figures its own (per_task), the process its ac_tgid (version 12,
 * Linux 5.14; an older kernel's records are taken as their processes'
 * leaders', which for a thread's matches no process). */
static bool ts_record(const char *s, size_t len, uint32_t pid_attr, struct vmon__nl_event *out)
{
	struct vmon__event *ev = &out->ev;
	uint32_t pid = pid_attr, tgid = 0, ppid, code;
	char comm[TS_COMM_LEN];

	if (!pid && !TAKE(struct taskstats, s, ac_pid, len, &pid))
		return false;
	if (!pid || pid > INT32_MAX)
		return false;
	if (!TAKE(struct taskstats, s, ac_tgid, len, &tgid) || !tgid || tgid > INT32_MAX)
		tgid = pid;
	ev->type = VMON__EV_EXIT;
	ev->pid = (int)pid;
	ev->tgid = (int)tgid;
	ev->per_task = true;
	ev->exit.source = VMON_EVENTS_NETLINK;
	if (TAKE(struct taskstats, s, ac_comm, len, comm)) {
		size_t n = strnlen(comm, sizeof(comm));

		n = n < sizeof(ev->comm) ? n : sizeof(ev->comm) - 1;
		memcpy(ev->comm, comm, n);
		ev->comm[n] = '\0';
	}
	/* the parent as the task left it: the connector's exit event says
	 * none when the parent reaped the task before it was sent */
	if (TAKE(struct taskstats, s, ac_ppid, len, &ppid) && ppid && ppid <= INT32_MAX) {
		ev->exit.ppid = (int)ppid;
		ev->exit.known |= VMON_EXIT_PPID;
	}
	if (pid == tgid && TAKE(struct taskstats, s, ac_exitcode, len, &code)) {
		ev->exit.status = (int)code;
		ev->exit.known |= VMON_EXIT_STATUS;
	}
	ts_figures(s, len, &ev->exit);
	(void)TAKE(struct taskstats, s, ac_etime, len, &out->etime_us);
	return true;
}

/* TASKSTATS_TYPE_AGGR_PID: a PID attribute, then the STATS. */
static bool ts_aggr_pid(const char *p, size_t len, struct vmon__nl_event *out)
{
	const char *a, *stats = NULL;
	uint32_t pid = 0;
	size_t off = 0, alen, slen = 0;
	int type;

	while ((a = next_attr(p, len, &off, &type, &alen))) {
		if (type == TASKSTATS_TYPE_PID && alen >= sizeof(pid))
			memcpy(&pid, a, sizeof(pid));
		else if (type == TASKSTATS_TYPE_STATS) {
			stats = a;
			slen = alen;
		}
	}
	return stats && ts_record(stats, slen, pid, out);
}

int vmon__nl_parse_taskstats(const void *buf, size_t len, int family,
			     vmon__nl_emit_fn emit, void *ctx)
{
	struct nl_walk w = { buf, len, 0 };
	struct nlmsghdr h;
	const char *p;
	size_t plen;
	int n = 0, err;

	while ((p = next_msg(&w, &h, &plen))) {
		struct genlmsghdr g;
		const char *a;
		size_t off = GENL_HDRLEN, alen;
		int type;

		if (family <= 0 || h.nlmsg_type != (unsigned)family || plen < GENL_HDRLEN)
			continue;
		memcpy(&g, p, sizeof(g));
		if (g.cmd != TASKSTATS_CMD_NEW)
			continue;
		/* AGGR_TGID follows a process's last task: it sums its tasks'
		 * delays only, not the figures the records of its tasks gave */
		while ((a = next_attr(p, plen, &off, &type, &alen))) {
			struct vmon__nl_event ev = { .etime_us = 0 };

			memset(&ev.ev, 0, sizeof(ev.ev));
			if (type != TASKSTATS_TYPE_AGGR_PID || !ts_aggr_pid(a, alen, &ev))
				continue;
			err = emit(ctx, &ev);
			if (err < 0)
				return err;
			n++;
		}
	}
	return n;
}

/* The start of a task, after boot in ticks.  Its elapsed time at the exit
 * and the exit's time, which its connector event tells, bound it from
 * above: taskstats stamps ac_etime before the connector stamps the exit
 * (exit_mm() and exit_notify() run between, some 50 us, but a task
 * preempted there under load stamps its exit tens of milliseconds late).
 * Its fork event, when seen, gives it to the microsecond; it is taken
 * when it falls within a second below that bound, which a fork of
 * another process that had the pid before never does (that process
 * ended before this one began). */
void vmon__nl_start_of(struct vmon__event *ev, unsigned long long etime_us,
		       unsigned long long exit_boot_ns, unsigned long long fork_boot_ns,
		       long ticks_per_sec)
{
	unsigned long long tick_ns, etime_ns, upper, start;

	if (ticks_per_sec <= 0 || ticks_per_sec > 1000000000 || !exit_boot_ns || !etime_us ||
	    etime_us > ~0ull / 1000)
		return;
	etime_ns = etime_us * 1000;
	if (etime_ns > exit_boot_ns)
		return;
	upper = exit_boot_ns - etime_ns;
	start = upper;
	if (fork_boot_ns && fork_boot_ns <= upper + FORK_SLACK_NS &&
	    upper - fork_boot_ns < FORK_WITHIN_NS)
		start = fork_boot_ns;
	tick_ns = 1000000000ull / (unsigned long long)ticks_per_sec;
	ev->exit.start = start / tick_ns;
	ev->exit.known |= VMON_EXIT_START;
	ev->start_late = true;
}

/* ---- the kernel's answers ---- */

int vmon__nl_ack(const void *buf, size_t len, uint32_t seq)
{
	struct nl_walk w = { buf, len, 0 };
	struct nlmsghdr h;
	const char *p;
	size_t plen;

	while ((p = next_msg(&w, &h, &plen))) {
		struct nlmsgerr e;

		if (h.nlmsg_type != NLMSG_ERROR || h.nlmsg_seq != seq)
			continue;
		if (plen < sizeof(e.error))
			return -EPROTO;
		memcpy(&e.error, p, sizeof(e.error));
		return e.error <= 0 && e.error > -4096 ? e.error : -EPROTO;
	}
	return 1;
}

int vmon__nl_family_id(const void *buf, size_t len, uint32_t seq)
{
	struct nl_walk w = { buf, len, 0 };
	struct nlmsghdr h;
	const char *p;
	size_t plen;

	while ((p = next_msg(&w, &h, &plen))) {
		const char *a;
		size_t off = GENL_HDRLEN, alen;
		uint16_t id;
		int type, err;

		if (h.nlmsg_seq != seq)
			continue;
		if (h.nlmsg_type == NLMSG_ERROR) {
			err = vmon__nl_ack(p - NLMSG_HDRLEN, h.nlmsg_len, seq);
			return err < 0 ? err : -EPROTO;
		}
		if (h.nlmsg_type != GENL_ID_CTRL || plen < GENL_HDRLEN)
			continue;
		while ((a = next_attr(p, plen, &off, &type, &alen)))
			if (type == CTRL_ATTR_FAMILY_ID && alen >= sizeof(id)) {
				memcpy(&id, a, sizeof(id));
				return id > 0 ? id : -EPROTO;
			}
	}
	return -EPROTO;
}
