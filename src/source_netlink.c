/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * source_netlink.c - the NETLINK event source: the kernel's proc connector
 * tells of every fork, exec and exit on the machine as it happens, and
 * taskstats gives each task's final figures (exact CPU time, peak RSS,
 * I/O, faults) as it exits.  Both need CAP_NET_ADMIN: without it the open
 * fails with EPERM and VMON_EVENTS_AUTO takes the WAIT source instead.
 *
 * Two sockets, one epoll descriptor holding both for vmon_event_fd().  The
 * kernel sends a task's taskstats record before its connector exit event
 * (do_exit() calls taskstats_exit() before exit_notify() and
 * proc_exit_connector()), and both after the fork that made it.  So each
 * read drains the connector first, then taskstats, which by then holds the
 * record of every exit the connector told; the connector's events are
 * posted in their order, each exit event and its task's record as one
 * event.  The exit event gives the record the time of the exit, and with
 * its elapsed time (and the fork event) the task's start, which tells a
 * record of a reused pid apart.  A record whose exit event has not come yet (the task is still
 * in exit_mm()) waits for the next read; one whose event never comes (the
 * connector's buffer overran) is posted without a start after a second.
 *
 * The parsers are pure (parse_netlink.c); this file holds the sockets.
 * Only the events of processes the library wants are posted (those of the
 * followed trees, every one under VMON_FLAG_PROC_ALL), and an exec's
 * arguments and name are read for them at once, as a short-lived process
 * is gone by the next sample.
 *
 * Where the kernel-side capture loads (netlink_bpf.c, through the
 * catcher), an exec's arguments are the kernel's record of the exec, and
 * each task's exit gets its exact CPU, faults and I/O from the record of
 * its last switch off its CPU, which may come a little after its exit
 * event: the read waits for it (FINAL_WAIT_US, once in vain per read at
 * most).  Where it does not, the catcher reads /proc.
 *
 * Cost, measured on Linux 6.18 (2 vCPUs, HZ=250, a -O2 build): a monitor
 * follows a driver that runs /bin/true 2000 times in a row (fork, exec,
 * exit, reaped) and samples every 100 ms; its own CPU (getrusage()) with
 * the source, less the same run without events, less what the datagrams
 * about the machine's other processes cost (counted in the run, and
 * priced by a run of the same length with no driver).  About 12 us of CPU
 * per program run, so 4 us per event applied (a fork, an exec with its
 * cmdline and comm read, an exit with its record), the core's born-gone
 * node included; the run without the source cost 4.7 us per program.
 * Every other process on the machine costs 0.8 us per datagram (a
 * connector event or a taskstats record, parsed and dropped): 8 ms of CPU
 * a second beside a test suite whose 3400 task exits a second made 10000
 * datagrams a second.  Most of that is the recvfrom() call per datagram.
 * That was before the catcher thread (netlink_catch.c), which reads each
 * exec's cmdline and comm and each exit's CPU clock on its own socket:
 * bench/events.sh now measures the whole, the monitor's own CPU and what
 * the monitored programs pay (docs/events.md has the table): examples/exits
 * over the same driver took 73 us of its own CPU per program run, and the
 * programs 75 us more each than alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Receive buffers: a connector event is charged about 1 KiB of socket
 * memory, a taskstats record about 2 KiB; the kernel doubles what is
 * asked.  Room for some ten thousand exits between two reads. */
#define CONN_RCVBUF (8 << 20)
#define TS_RCVBUF (16 << 20)
/* Datagrams are one message each, a few hundred bytes. */
#define RX_SIZE 16384
/* Datagrams read from one socket in one read at most: a storm must not
 * keep the reader in its loop for ever. */
#define DRAIN_MAX 65536
/* How long a taskstats record waits for its exit event. */
#define HOLD_NS 1000000000ull
#define HELD_MAX 65536
/* Event arrays longer than this are freed once empty. */
#define SHRINK_OVER 1024
/* How long an exit waits for the capture's record of its task's last
 * switch off its CPU, which a preempted dying task can delay. */
#define FINAL_WAIT_US 100000
/* Fork times of wanted processes, by pid (direct-mapped: a pid whose slot
 * another took has its start from its exit alone). */
#define FORKS 4096

/* The event filter of Linux 6.6 (struct proc_input of linux/cn_proc.h,
 * which Debian 12's headers lack): only forks, execs and exits. */
struct nl_proc_input {
	uint32_t mcast_op;
	uint32_t event_type;
};

/* A taskstats record waiting for its connector exit event. */
struct held {
	struct vmon__nl_event rec;
	unsigned long long since_ns;	/* CLOCK_MONOTONIC when read */
	int next;			/* the next record of its pid, or -1 */
	bool done;			/* posted */
};

struct nl_state {
	vmon_t *vmon;
	int conn;			/* NETLINK_CONNECTOR, group CN_IDX_PROC */
	int exec_conn;			/* the same, exec events, the catcher's */
	struct vmon__nl_catch *catcher;	/* netlink_catch.c */
	int ts;				/* NETLINK_GENERIC, a taskstats listener */
	int ep;				/* epoll of both: vmon_event_fd() */
	int family;			/* taskstats' generic netlink id */
	bool listening;			/* the connector sends to conn */
	bool registered;		/* taskstats sends to ts */
	uint32_t seq;			/* of the last request */
	long long boot_offset_ns;	/* CLOCK_BOOTTIME - CLOCK_MONOTONIC */
	unsigned long long now_ns;	/* CLOCK_MONOTONIC of this read */
	int posted;			/* by this read */
	unsigned final_wait_us;		/* for a capture's final record, this read */
	char *rx;
	struct vmon__nl_event *batch;	/* the connector's events, to post */
	size_t batch_nr, batch_alloc;
	struct held *held;
	size_t held_nr, held_alloc;
	int *slots;			/* pid hash of held: first record */
	size_t slots_alloc;
	int *born;			/* forked under a wanted parent in this
					 * read: wanted at their exec */
	size_t born_nr, born_alloc;
	struct fork_time {
		int pid;
		unsigned long long when_ns;
	} *forks;			/* FORKS of them, allocated at the first */
	struct vmon__buf buf;		/* an exec's cmdline and comm */
};

static const struct sockaddr_nl kernel_addr = { .nl_family = AF_NETLINK };

static unsigned long long ns_of(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000000ull + (unsigned long long)ts->tv_nsec;
}

/* The clocks at this read: the kernel stamps connector events with
 * CLOCK_MONOTONIC, the library's times are CLOCK_BOOTTIME. */
static void read_clocks(struct nl_state *s)
{
	struct timespec m, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	s->now_ns = ns_of(&m);
	s->boot_offset_ns = (long long)(ns_of(&b) - ns_of(&m));
}

/* ---- what the parsers give ---- */

static bool born_has(const struct nl_state *s, int pid)
{
	for (size_t i = 0; i < s->born_nr; i++)
		if (s->born[i] == pid)
			return true;
	return false;
}

/* A child of a wanted process is wanted at its exec, though the core only
 * learns of its fork when this read has posted it. */
static bool wanted(struct nl_state *s, int pid)
{
	return vmon__event_wanted(s->vmon, pid) || born_has(s, pid);
}

static void note_fork(struct nl_state *s, const struct vmon__event *ev)
{
	if (ev->pid != ev->tgid)
		return;
	if (vmon__grow((void **)&s->born, &s->born_alloc, s->born_nr + 1, sizeof(int)) == 0)
		s->born[s->born_nr++] = ev->pid;
	if (!s->forks)
		s->forks = vmon__calloc(FORKS, sizeof(*s->forks));
	if (s->forks && ev->when_ns) {
		s->forks[ev->pid % FORKS].pid = ev->pid;
		s->forks[ev->pid % FORKS].when_ns = ev->when_ns;
	}
}

/* The time of the fork of pid this source saw (0: none), forgotten: the
 * next process to have the pid has its own. */
static unsigned long long fork_time(struct nl_state *s, int pid)
{
	struct fork_time *f = s->forks ? &s->forks[pid % FORKS] : NULL;
	unsigned long long when = 0;

	if (f && f->pid == pid) {
		when = f->when_ns;
		f->pid = 0;
	}
	return when;
}

/* /proc/PID/name through the instance's proc root into s->buf. */
static ssize_t read_proc(struct nl_state *s, int pid, const char *name)
{
	struct vmon__file f;
	char path[48];
	ssize_t n;

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	vmon__file_init(&f);
	f.transient = true;
	n = vmon__file_read(s->vmon, s->vmon->internal->proc_fd, path, &f, &s->buf);
	vmon__file_close(&f);
	return n;
}

/* An exec's arguments and name, read while the process still runs: by
 * the exec catcher at once, or here if it has not got to it yet; if the
 * process is gone by now, the catcher may still have them a moment
 * later. */
static void read_exec(struct nl_state *s, struct vmon__event *ev)
{
	ssize_t n;

	if (vmon__nl_catch_take(s->catcher, ev, 0))
		return;
	n = read_proc(s, ev->tgid, "cmdline");
	if (n <= 0 && vmon__nl_catch_take(s->catcher, ev, 2000))
		return;
	if (n > 0) {	/* whole, where the kernel's record was cut */
		vmon__free(ev->cmdline);
		ev->cmdline = NULL;
		ev->cmdline_len = 0;
	}
	if (n > 0 && (ev->cmdline = vmon__malloc((size_t)n))) {
		memcpy(ev->cmdline, s->buf.data, (size_t)n);
		ev->cmdline_len = (size_t)n;
	}
	n = read_proc(s, ev->tgid, "comm");
	if (n > 0 && s->buf.data[n - 1] == '\n')
		n--;
	if (n > 0) {
		if ((size_t)n >= sizeof(ev->comm))
			n = sizeof(ev->comm) - 1;
		memcpy(ev->comm, s->buf.data, (size_t)n);
		ev->comm[n] = '\0';
	}
}

/* Is the event about a process the library wants (the parent, for a
 * fork)?  The connector tells of every process on the machine; the others
 * would only fill the queue for the core to drop. */
static bool relevant(struct nl_state *s, const struct vmon__event *ev)
{
	return wanted(s, ev->type == VMON__EV_FORK ? ev->ppid : ev->tgid);
}

static int conn_emit(void *ctx, struct vmon__nl_event *e)
{
	struct nl_state *s = ctx;

	if (!relevant(s, &e->ev))
		return 0;
	if (e->ev.type == VMON__EV_FORK)
		note_fork(s, &e->ev);
	else if (e->ev.type == VMON__EV_EXEC)
		read_exec(s, &e->ev);
	if (vmon__grow((void **)&s->batch, &s->batch_alloc, s->batch_nr + 1,
		       sizeof(*s->batch)) < 0) {
		vmon__free(e->ev.cmdline);
		vmon__events_lost(s->vmon, 1);
		return 0;
	}
	s->batch[s->batch_nr++] = *e;
	return 0;
}

static int ts_emit(void *ctx, struct vmon__nl_event *e)
{
	struct nl_state *s = ctx;
	struct held *h;

	if (!relevant(s, &e->ev))
		return 0;
	if (s->held_nr >= HELD_MAX ||
	    vmon__grow((void **)&s->held, &s->held_alloc, s->held_nr + 1, sizeof(*s->held)) < 0) {
		vmon__events_lost(s->vmon, 1);
		return 0;
	}
	h = &s->held[s->held_nr++];
	h->rec = *e;
	h->since_ns = s->now_ns;
	h->next = -1;
	h->done = false;
	return 0;
}

/* ---- reading ---- */

/* Read what waits on fd, without blocking, into the batch (connector) or
 * the held records (taskstats).  An overrun of the socket's buffer lost
 * events, how many the kernel does not say: counted one. */
static int drain(struct nl_state *s, int fd)
{
	for (int i = 0; i < DRAIN_MAX; i++) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, s->rx, RX_SIZE, MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from, &flen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			vmon__events_lost(s->vmon, 1);
			continue;
		}
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n > RX_SIZE) {	/* cut short: never the kernel's */
			vmon__events_lost(s->vmon, 1);
			continue;
		}
		if (flen < sizeof(from) || from.nl_pid != 0)
			continue;	/* not from the kernel */
		if (fd == s->conn)
			(void)vmon__nl_parse_proc(s->rx, (size_t)n, s->boot_offset_ns, conn_emit, s);
		else
			(void)vmon__nl_parse_taskstats(s->rx, (size_t)n, s->family, ts_emit, s);
	}
	return 0;
}

/* Index the held records by pid, each pid's in arrival order; without
 * memory for the index, held_take() searches them in turn. */
static void held_index(struct nl_state *s)
{
	size_t want = 16, mask;

	if (!s->held_nr)
		return;
	while (want < 2 * s->held_nr)
		want *= 2;
	/* sized to the records, so that a storm's index is not cleared at
	 * every read after it */
	if (want > s->slots_alloc || want * 4 < s->slots_alloc) {
		int *slots = vmon__malloc(want * sizeof(int));

		vmon__free(s->slots);
		s->slots = slots;
		s->slots_alloc = slots ? want : 0;
		if (!slots)
			return;
	}
	mask = s->slots_alloc - 1;
	memset(s->slots, 0xff, s->slots_alloc * sizeof(int));
	for (size_t i = s->held_nr; i-- > 0;) {
		struct held *h = &s->held[i];
		size_t k = (size_t)h->rec.ev.pid & mask;

		while (s->slots[k] >= 0 && s->held[s->slots[k]].rec.ev.pid != h->rec.ev.pid)
			k = (k + 1) & mask;
		h->next = s->slots[k];
		s->slots[k] = (int)i;
	}
}

/* The oldest record of pid not posted yet. */
static struct held *held_take(struct nl_state *s, int pid)
{
	size_t mask, k;
	int i;

	if (!s->held_nr)
		return NULL;	/* (the index is of an earlier read) */
	if (!s->slots) {
		for (size_t j = 0; j < s->held_nr; j++)
			if (!s->held[j].done && s->held[j].rec.ev.pid == pid)
				return &s->held[j];
		return NULL;
	}
	mask = s->slots_alloc - 1;
	for (k = (size_t)pid & mask; s->slots[k] >= 0; k = (k + 1) & mask)
		if (s->held[s->slots[k]].rec.ev.pid == pid)
			break;
	for (i = s->slots[k]; i >= 0; i = s->held[i].next)
		if (!s->held[i].done)
			return &s->held[i];
	return NULL;
}

static void post(struct nl_state *s, struct vmon__event *ev)
{
	if (vmon__event_post(s->vmon, ev) == 0)
		s->posted++;
}

/* The process's whole CPU time, if the catcher read it from the zombie:
 * the records were taken before the tasks' last 40 to 140 us. */
static void zombie_cpu(struct nl_state *s, struct vmon__event *rec,
		       const struct vmon__event *exit)
{
	unsigned long long cpu;

	if (rec->pid == rec->tgid && vmon__nl_catch_end_cpu(s->catcher, exit, &cpu))
		rec->group_cpu_ns = cpu;
}

/* The task's own figures from the kernel-side capture's final record,
 * exact where the exit record's are not: the CPU time to the end (its
 * tick-sampled split scaled to it, as the kernel scales its own), the
 * faults, the I/O to the byte. */
static void final_figures(vmon_exit_t *x, const struct vmon__bpf_ev *f)
{
	unsigned long long us = f->cpu_ns / 1000, split = f->utime_ns + f->stime_ns;

	x->cpu_ns = f->cpu_ns;
	x->utime_us = split ? (unsigned long long)((double)us * (double)f->utime_ns /
						    (double)split + 0.5) : us;
	x->stime_us = us > x->utime_us ? us - x->utime_us : 0;
	x->minflt = f->minflt;
	x->majflt = f->majflt;
	x->rchar = f->rchar;
	x->wchar = f->wchar;
	x->read_bytes = f->read_bytes;
	x->write_bytes = f->write_bytes;
	x->known |= VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT | VMON_EXIT_FAULTS | VMON_EXIT_IO;
}

/* An exit with the capture's final record of its task, where it loaded:
 * start_ns, the task's start as its exit record gives it (0: none).  The
 * record's start is the task's own, exact where the events' is not. */
static bool kernel_final(struct nl_state *s, struct vmon__event *ev,
			 const struct vmon__event *exit, unsigned long long start_ns)
{
	struct vmon__bpf_ev f;

	if (!vmon__nl_catch_final(s->catcher, exit, start_ns, s->final_wait_us, &f)) {
		s->final_wait_us = 0;	/* one wait in vain per read at most */
		return false;
	}
	final_figures(&ev->exit, &f);
	ev->per_task = true;
	if (f.start_ns && ev->pid == ev->tgid) {
		ev->exit.start = vmon__ticks_of_ns(s->vmon, f.start_ns);
		ev->exit.known |= VMON_EXIT_START;
		ev->start_late = false;
	}
	return true;
}

/* A record, with what its exit event tells (NULL: none came): the time
 * of the exit, so its start, and the parent. */
static void post_record(struct nl_state *s, struct held *h, const struct vmon__event *exit)
{
	struct vmon__event *ev = &h->rec.ev;

	if (exit) {
		unsigned long long etime_ns = h->rec.etime_us * 1000;
		bool exact = kernel_final(s, ev, exit, etime_ns && etime_ns < exit->when_ns ?
							exit->when_ns - etime_ns : 0);

		if (!exact)
			zombie_cpu(s, ev, exit);
		ev->when_ns = exit->when_ns;
		ev->exit.known |= exit->exit.known & VMON_EXIT_END;
		ev->exit.end_ns = exit->exit.end_ns;
		if (!(ev->exit.known & VMON_EXIT_PPID) && (exit->exit.known & VMON_EXIT_PPID)) {
			ev->exit.known |= VMON_EXIT_PPID;
			ev->exit.ppid = exit->exit.ppid;
		}
		/* a thread's start is its own, not its process's */
		if (ev->pid == ev->tgid && !(exact && (ev->exit.known & VMON_EXIT_START)))
			vmon__nl_start_of(ev, h->rec.etime_us, exit->when_ns,
					  fork_time(s, ev->pid), s->vmon->ticks_per_sec);
	}
	post(s, ev);
	h->done = true;
}

/* The connector's events in order, each exit with its task's record in
 * one event, which says all the exit does (the status is the same
 * exit_code): the core takes a process that ended for gone at its first
 * exit event, and a second would find no node. */
static void post_batch(struct nl_state *s)
{
	struct held *h;

	held_index(s);
	for (size_t i = 0; i < s->batch_nr; i++) {
		struct vmon__event *ev = &s->batch[i].ev;

		if (ev->type == VMON__EV_EXIT && (h = held_take(s, ev->pid))) {
			post_record(s, h, ev);
		} else {
			/* an exit without its exit record: the capture's */
			if (ev->type == VMON__EV_EXIT)
				(void)kernel_final(s, ev, ev, 0);
			post(s, ev);
		}
	}
	s->batch_nr = 0;
	if (s->batch_alloc > SHRINK_OVER) {	/* a storm is over */
		vmon__free(s->batch);
		s->batch = NULL;
		s->batch_alloc = 0;
	}
}

/* Records whose exit event did not come within HOLD_NS (lost to an
 * overrun) go without a start; the others wait, in order. */
static void held_settle(struct nl_state *s)
{
	size_t keep = 0;

	for (size_t i = 0; i < s->held_nr; i++) {
		struct held *h = &s->held[i];

		if (!h->done && s->now_ns - h->since_ns >= HOLD_NS)
			post_record(s, h, NULL);
		if (!h->done)
			s->held[keep++] = *h;
	}
	s->held_nr = keep;
	if (!keep && s->held_alloc > SHRINK_OVER) {
		vmon__free(s->held);
		s->held = NULL;
		s->held_alloc = 0;
	}
}

static int nl_read(vmon_t *vmon, void *state)
{
	struct nl_state *s = state;
	int err;

	(void)vmon;
	s->posted = 0;
	s->final_wait_us = FINAL_WAIT_US;
	read_clocks(s);
	err = drain(s, s->conn);
	if (!err)
		err = drain(s, s->ts);
	post_batch(s);
	held_settle(s);
	s->born_nr = 0;
	return err < 0 ? err : s->posted;
}

static bool nl_in_kernel(const void *state)
{
	return vmon__nl_catch_in_kernel(((const struct nl_state *)state)->catcher);
}

static int nl_fd(const void *state)
{
	return ((const struct nl_state *)state)->ep;
}

/* ---- opening ---- */

static void set_rcvbuf(int fd, int bytes)
{
	/* beyond net.core.rmem_max: CAP_NET_ADMIN, which the source has */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

static int nl_socket(int protocol, int *fd, int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	*fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
	if (*fd < 0)
		return errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT ? -ENOSYS : -errno;
	set_rcvbuf(*fd, rcvbuf);
	if (protocol == NETLINK_CONNECTOR)
		sa.nl_groups = CN_IDX_PROC;	/* needs CAP_NET_ADMIN */
	if (bind(*fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static int send_msg(int fd, const void *msg, size_t len)
{
	ssize_t n;

	do
		n = sendto(fd, msg, len, 0, (const struct sockaddr *)&kernel_addr,
			   sizeof(kernel_addr));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* A request to the proc connector on socket fd: the operation, and on
 * Linux 6.6 the events wanted. */
static int conn_send(struct nl_state *s, int fd, const void *data, size_t len)
{
	union {
		struct nlmsghdr h;
		char bytes[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(struct nl_proc_input))];
	} m;
	struct cn_msg cn = {
		.id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
		.seq = ++s->seq,
		.ack = s->seq,
		.len = (uint16_t)len,
	};

	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(cn) + len);
	m.h.nlmsg_type = NLMSG_DONE;
	m.h.nlmsg_seq = s->seq;
	memcpy(m.bytes + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy(m.bytes + NLMSG_HDRLEN + sizeof(cn), data, len);
	return send_msg(fd, &m, m.h.nlmsg_len);
}

/* The answer to a request (sent synchronously: it waits by the time
 * sendto() returns): what match() says of the first datagram holding one
 * (< 0 or 0), events before it read as a read would.  No answer: -EAGAIN. */
static int await(struct nl_state *s, int fd, int (*match)(struct nl_state *, ssize_t))
{
	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, s->rx, RX_SIZE, MSG_DONTWAIT, (struct sockaddr *)&from,
				     &flen);
		int r;

		if (n < 0 && (errno == EINTR || errno == ENOBUFS))
			continue;
		if (n < 0)
			return errno == EAGAIN ? -EAGAIN : -errno;
		if (flen < sizeof(from) || from.nl_pid != 0)
			continue;
		r = match(s, n);
		if (r <= 0)
			return r;
	}
}

static int conn_match(struct nl_state *s, ssize_t n)
{
	int err = vmon__nl_proc_ack(s->rx, (size_t)n, s->seq);

	if (err >= 0)
		return -err;
	(void)vmon__nl_parse_proc(s->rx, (size_t)n, s->boot_offset_ns, conn_emit, s);
	return 1;
}

static int conn_open(struct nl_state *s)
{
	uint32_t listen = PROC_CN_MCAST_LISTEN;
	struct nl_proc_input filter = {
		.mcast_op = PROC_CN_MCAST_LISTEN,
		.event_type = PROC_EVENT_FORK | PROC_EVENT_EXEC | PROC_EVENT_EXIT,
	};
	int err = nl_socket(NETLINK_CONNECTOR, &s->conn, CONN_RCVBUF);

	if (err < 0)
		return err;
	err = conn_send(s, s->conn, &listen, sizeof(listen));
	if (err < 0)
		return err;
	/* no answer: the kernel ignores listeners outside the initial pid
	 * and user namespaces, whose events it could not name */
	err = await(s, s->conn, conn_match);
	if (err < 0)
		return err == -EAGAIN ? -EPERM : err;
	s->listening = true;
	/* Linux 6.6 and later filter the events for this socket; earlier
	 * kernels ignore a request of this length and send every kind */
	(void)conn_send(s, s->conn, &filter, sizeof(filter));
	return 0;
}

/* The catcher's socket and thread.  Without them (no thread, no memory)
 * the source reads an exec's arguments itself, later, and an exit's CPU
 * is the exit record's. */
static void catcher_open(struct nl_state *s)
{
	uint32_t listen = PROC_CN_MCAST_LISTEN;
	struct nl_proc_input filter = {
		.mcast_op = PROC_CN_MCAST_LISTEN,
		.event_type = PROC_EVENT_EXEC | PROC_EVENT_EXIT,
	};

	/* the kernel-side capture first; where it does not load (no BPF,
	 * not permitted), /proc as the events come */
	s->catcher = vmon__nl_catch_start_bpf(s->vmon->internal->proc_fd);
	if (s->catcher)
		return;

	if (nl_socket(NETLINK_CONNECTOR, &s->exec_conn, CONN_RCVBUF) < 0 ||
	    conn_send(s, s->exec_conn, &listen, sizeof(listen)) < 0)
		return;
	(void)conn_send(s, s->exec_conn, &filter, sizeof(filter));
	s->catcher = vmon__nl_catch_start(s->exec_conn, s->vmon->internal->proc_fd);
}

/* A generic netlink request with one attribute. */
static int genl_send(struct nl_state *s, int type, int cmd, int attr, const void *data,
		     size_t len)
{
	union {
		struct nlmsghdr h;
		char bytes[NLMSG_SPACE(GENL_HDRLEN + NLA_HDRLEN + 1024)];
	} m;
	struct genlmsghdr g = { .cmd = (uint8_t)cmd, .version = 1 };
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = (uint16_t)attr };

	if (len > 1024)
		return -E2BIG;
	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(a.nla_len));
	m.h.nlmsg_type = (uint16_t)type;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = ++s->seq;
	memcpy(m.bytes + NLMSG_HDRLEN, &g, sizeof(g));
	memcpy(m.bytes + NLMSG_HDRLEN + GENL_HDRLEN, &a, sizeof(a));
	memcpy(m.bytes + NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN, data, len);
	return send_msg(s->ts, &m, m.h.nlmsg_len);
}

static int family_match(struct nl_state *s, ssize_t n)
{
	int id = vmon__nl_family_id(s->rx, (size_t)n, s->seq);

	if (id == -EPROTO)	/* not the answer */
		return 1;
	if (id > 0)
		s->family = id;
	return id < 0 ? id : 0;
}

static int ts_match(struct nl_state *s, ssize_t n)
{
	int err = vmon__nl_ack(s->rx, (size_t)n, s->seq);

	if (err <= 0)
		return err;
	(void)vmon__nl_parse_taskstats(s->rx, (size_t)n, s->family, ts_emit, s);
	return 1;
}

/* Every CPU there may ever be, as a list ("0-3"): taskstats sends a
 * task's record to the listeners of the CPU it exits on. */
static void possible_cpus(char *list, size_t size)
{
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, list, size - 1) : -1;
	long nr;

	if (fd >= 0)
		close(fd);
	while (n > 0 && (list[n - 1] == '\n' || list[n - 1] == ' '))
		n--;
	if (n > 0) {
		list[n] = '\0';
		return;
	}
	nr = sysconf(_SC_NPROCESSORS_CONF);
	snprintf(list, size, "0-%ld", nr > 1 ? nr - 1 : 0);
}

static int ts_open(struct nl_state *s)
{
	static const char name[] = TASKSTATS_GENL_NAME;
	char cpus[1024];
	int err = nl_socket(NETLINK_GENERIC, &s->ts, TS_RCVBUF);

	if (err < 0)
		return err;
	err = genl_send(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME, name,
			sizeof(name));
	if (!err)
		err = await(s, s->ts, family_match);
	if (err == -ENOENT)	/* a kernel without CONFIG_TASKSTATS */
		return -ENOSYS;
	if (err < 0)
		return err == -EAGAIN ? -EPROTO : err;
	possible_cpus(cpus, sizeof(cpus));
	err = genl_send(s, s->family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK,
			cpus, strlen(cpus) + 1);
	if (!err)
		err = await(s, s->ts, ts_match);
	if (err < 0)
		return err == -EAGAIN ? -EPROTO : err;
	s->registered = true;
	return 0;
}

static int ep_add(int ep, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0 ? -errno : 0;
}

static void nl_free(struct nl_state *s)
{
	for (size_t i = 0; i < s->batch_nr; i++)
		vmon__free(s->batch[i].ev.cmdline);
	vmon__free(s->batch);
	vmon__free(s->held);
	vmon__free(s->slots);
	vmon__free(s->born);
	vmon__free(s->forks);
	vmon__free(s->buf.data);
	vmon__free(s->rx);
	vmon__free(s);
}

/* Stop listening: kernels before 6.6 count listeners by these requests
 * alone and would go on sending to nobody; taskstats forgets a closed
 * socket only when a send to it fails. */
static void nl_close(vmon_t *vmon, void *state)
{
	struct nl_state *s = state;
	uint32_t ignore = PROC_CN_MCAST_IGNORE;
	char cpus[1024];

	(void)vmon;
	vmon__nl_catch_stop(s->catcher);
	if (s->exec_conn >= 0) {
		(void)conn_send(s, s->exec_conn, &ignore, sizeof(ignore));
		close(s->exec_conn);
	}
	if (s->listening)
		(void)conn_send(s, s->conn, &ignore, sizeof(ignore));
	if (s->registered) {
		possible_cpus(cpus, sizeof(cpus));
		(void)genl_send(s, s->family, TASKSTATS_CMD_GET,
				TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, cpus, strlen(cpus) + 1);
	}
	if (s->ep >= 0)
		close(s->ep);
	if (s->conn >= 0)
		close(s->conn);
	if (s->ts >= 0)
		close(s->ts);
	nl_free(s);
}

static int nl_open(vmon_t *vmon, void **state)
{
	struct nl_state *s = vmon__calloc(1, sizeof(*s));
	struct timespec now;
	int err = -ENOMEM;

	if (!s)
		return -ENOMEM;
	s->vmon = vmon;
	s->conn = s->ts = s->ep = s->exec_conn = -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* the connector's acks reach every listener: a seq of our own */
	s->seq = (uint32_t)ns_of(&now) ^ ((uint32_t)getpid() << 16);
	read_clocks(s);
	s->rx = vmon__malloc(RX_SIZE);
	if (!s->rx)
		goto fail;
	err = conn_open(s);
	if (!err)
		err = ts_open(s);
	if (!err) {
		s->ep = epoll_create1(EPOLL_CLOEXEC);
		err = s->ep < 0 ? -errno : ep_add(s->ep, s->conn);
	}
	if (!err)
		err = ep_add(s->ep, s->ts);
	if (err < 0)
		goto fail;
	catcher_open(s);
	*state = s;
	return 0;
fail:
	nl_close(vmon, s);
	return err;
}

const struct vmon__source vmon__source_netlink = {
	.id = VMON_EVENTS_NETLINK,
	.open = nl_open,
	.fd = nl_fd,
	.read = nl_read,
	.close = nl_close,
	.in_kernel = nl_in_kernel,
};
