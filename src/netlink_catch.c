/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netlink_catch.c - the NETLINK source's catcher: a thread that reads what
 * must be read the moment the kernel tells of an exec or an exit.
 *
 * The proc connector's exec event says only which process exec'd: its
 * arguments must be read from /proc/PID/cmdline while it runs, and a short
 * program is gone within a millisecond (sh -c 'exit 3' lives about one).
 * The source itself reads its sockets when the caller samples or reads
 * events, which a loaded machine delays by more than that: 6% of a fork
 * storm's exec'd children lost their arguments so.  And taskstats takes a
 * task's exit record before the task has torn down its memory and files,
 * which on this machine takes another 40 to 140 us of CPU: a storm of
 * 3 ms processes came out 4% short of the CPU the kernel charged their
 * parent.  The exit event comes after that, while the process is a zombie
 * its parent has not reaped yet, whose CPU clock then holds its whole CPU
 * time.
 *
 * This thread does nothing else: it sleeps on a connector socket of its
 * own, subscribed to exec and exit events, at the lowest real-time
 * priority where that is permitted, so that it runs ahead of the processes
 * it reads; at an exec it reads cmdline and comm, at a process's exit its
 * CPU clock; and it keeps them in rings for the source to take when it
 * handles the same events from its own socket (both sockets receive every
 * event, in the same order).  What the parent reaped first is not there:
 * the source then has the exit record's figure.
 *
 * It reads every exec and exit on the machine, not only the followed
 * trees': it cannot ask the tree which processes are wanted without a lock
 * on the whole instance.  That costs two small /proc reads per exec and a
 * clock read per exit (about 10 and 1 us here), on a thread otherwise
 * asleep.
 *
 * Where the kernel-side capture loads (netlink_bpf.c), the thread reads
 * its ring instead of a socket and /proc: each exec's arguments as the
 * kernel had them at the exec, each task's exact CPU at its last switch
 * off the CPU, which comes after its exit event (by microseconds, more
 * when the dying task is preempted): the source waits for it.  Whoever
 * looks for a record drains the ring first, under the lock, so that what
 * the kernel wrote is there though the thread has not woken yet.
 *
 * Its allocations do not take part in the test build's allocation
 * failures (vmon__malloc_unfaulted()): those count calls in one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* execs kept for the source to take: more than a storm can pile up
 * between two of its reads at a thousand execs a second */
#define RING 1024
/* the two sockets' stamps of one event, turned into CLOCK_BOOTTIME with
 * offsets read apart, differ by at most the offsets' jitter */
#define SAME_NS 50000ull
#define RX_SIZE 16384

struct caught {
	int tgid;
	bool taken;
	unsigned long long when_ns;
	unsigned long long start_ns;	/* the kernel's record: its start */
	bool truncated;			/* the kernel's record: cut short */
	char comm[16];
	char *cmdline;		/* vmon__malloc_unfaulted(), or NULL */
	size_t len;
};

/* a process's CPU clock read at its exit event, or (final) a task's
 * record of the kernel-side capture at its last switch */
struct ended {
	int pid;
	bool final, taken;
	unsigned long long when_ns, cpu_ns;
	struct vmon__bpf_ev rec;	/* final: its args are not kept */
};

struct vmon__nl_catch {
	int sock;		/* the connector, exec events only */
	int stop[2];		/* a pipe: written to end the thread */
	int proc_fd;		/* the instance's proc root */
	struct vmon__nl_bpf *bpf;	/* the kernel-side capture, or NULL */
	pthread_t thread;
	pthread_mutex_t lock;	/* the ring and last_ns */
	pthread_cond_t caught_cond;
	struct caught ring[RING];
	unsigned head;		/* the next slot to fill */
	struct ended ends[RING];
	unsigned ends_head;
	unsigned long long last_ns;	/* the latest exec handled */
	char rx[RX_SIZE];
	char *buf;		/* the thread's: a cmdline as read */
	size_t buf_size;
};

static long long boot_offset_ns(void)
{
	struct timespec m, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	return (b.tv_sec - m.tv_sec) * 1000000000LL + (b.tv_nsec - m.tv_nsec);
}

/* All of /proc/PID/name into c->buf (cmdline may be long): its length,
 * or -1. */
static ssize_t read_all(struct vmon__nl_catch *c, int pid, const char *name)
{
	char path[48];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	fd = vmon__openat(c->proc_fd, path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (;;) {
		if (len + 1024 > c->buf_size) {
			size_t size = c->buf_size ? c->buf_size * 2 : 4096;
			char *p = vmon__realloc_unfaulted(c->buf, size);

			if (!p)
				break;
			c->buf = p;
			c->buf_size = size;
		}
		n = read(fd, c->buf + len, c->buf_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return len ? (ssize_t)len : -1;
}

/* A process's exit: its CPU clock while it is a zombie. */
static void on_exit_event(struct vmon__nl_catch *c, const struct vmon__event *ev)
{
	struct ended end = { .pid = ev->pid, .when_ns = ev->when_ns };
	struct timespec ts;
	clockid_t clock;

	if (ev->pid != ev->tgid || clock_getcpuclockid(ev->pid, &clock) != 0 ||
	    clock_gettime(clock, &ts) != 0)
		return;
	end.cpu_ns = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
	pthread_mutex_lock(&c->lock);
	c->ends[c->ends_head++ % RING] = end;
	pthread_mutex_unlock(&c->lock);
}

static int on_event(void *ctx, struct vmon__nl_event *e)
{
	struct vmon__nl_catch *c = ctx;
	struct caught got = { .tgid = e->ev.tgid, .when_ns = e->ev.when_ns }, old;
	ssize_t n;

	if (e->ev.type == VMON__EV_EXIT)
		on_exit_event(c, &e->ev);
	if (e->ev.type != VMON__EV_EXEC)
		return 0;
	n = read_all(c, got.tgid, "cmdline");
	if (n > 0 && (got.cmdline = vmon__malloc_unfaulted((size_t)n))) {
		memcpy(got.cmdline, c->buf, (size_t)n);
		got.len = (size_t)n;
	}
	n = read_all(c, got.tgid, "comm");
	if (n > 0 && c->buf[n - 1] == '\n')
		n--;
	if (n > 0) {
		if ((size_t)n >= sizeof(got.comm))
			n = sizeof(got.comm) - 1;
		memcpy(got.comm, c->buf, (size_t)n);
	}
	pthread_mutex_lock(&c->lock);
	old = c->ring[c->head % RING];
	c->ring[c->head++ % RING] = got;
	if (got.when_ns > c->last_ns)
		c->last_ns = got.when_ns;
	pthread_cond_broadcast(&c->caught_cond);
	pthread_mutex_unlock(&c->lock);
	vmon__free(old.cmdline);
	return 0;
}

/* A record of the kernel-side capture, under the lock. */
static void on_record(void *ctx, const struct vmon__bpf_ev *r)
{
	struct vmon__nl_catch *c = ctx;
	struct caught got = { .tgid = r->tgid, .when_ns = r->when_ns, .start_ns = r->start_ns,
			      .truncated = r->truncated };
	struct ended end = { .pid = r->pid, .final = true, .when_ns = r->when_ns,
			     .cpu_ns = r->cpu_ns, .rec = *r };
	struct caught *slot;

	if (r->kind == VMON__BPF_FINAL) {
		end.rec.args = NULL;
		end.rec.args_len = 0;
		c->ends[c->ends_head++ % RING] = end;
		return;
	}
	/* a cut list of arguments: the source reads /proc, or has these */
	if (r->args_len && (got.cmdline = vmon__malloc_unfaulted(r->args_len))) {
		memcpy(got.cmdline, r->args, r->args_len);
		got.len = r->args_len;
	}
	memcpy(got.comm, r->comm, sizeof(got.comm));
	slot = &c->ring[c->head++ % RING];
	vmon__free(slot->cmdline);
	*slot = got;
	if (got.when_ns > c->last_ns)
		c->last_ns = got.when_ns;
}

/* What the kernel wrote since the last drain, under the lock. */
static void drain_ring(struct vmon__nl_catch *c)
{
	if (c->bpf && vmon__nl_bpf_drain(c->bpf, on_record, c) > 0)
		pthread_cond_broadcast(&c->caught_cond);
}

static void *catcher(void *arg)
{
	struct vmon__nl_catch *c = arg;
	struct pollfd p[2] = { { .fd = c->sock, .events = POLLIN },
			       { .fd = c->stop[0], .events = POLLIN } };
	struct sched_param low_rt = { .sched_priority = 1 };

	/* the lowest real-time priority, where permitted (CAP_SYS_NICE,
	 * which a root caller of this source has): it wakes ahead of the
	 * processes it reads, and sleeps at once */
	(void)pthread_setschedparam(pthread_self(), SCHED_FIFO, &low_rt);
	if (c->bpf)
		p[0].fd = vmon__nl_bpf_fd(c->bpf);
	for (;;) {
		long long offset;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (c->bpf) {
			pthread_mutex_lock(&c->lock);
			drain_ring(c);
			pthread_mutex_unlock(&c->lock);
			continue;
		}
		offset = boot_offset_ns();
		for (;;) {
			struct sockaddr_nl from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(c->sock, c->rx, sizeof(c->rx), MSG_DONTWAIT,
					     (struct sockaddr *)&from, &flen);

			if (n < 0 && (errno == EINTR || errno == ENOBUFS))
				continue;	/* an overrun: the source reads them itself */
			if (n <= 0)
				break;
			if (flen >= sizeof(from) && from.nl_pid == 0)
				(void)vmon__nl_parse_proc(c->rx, (size_t)n, offset, on_event, c);
		}
	}
	return NULL;
}

static struct vmon__nl_catch *start(int sock, int proc_fd, struct vmon__nl_bpf *bpf)
{
	struct vmon__nl_catch *c = vmon__calloc(1, sizeof(*c));
	sigset_t all, was;
	int err;

	if (!c)
		return NULL;
	c->sock = sock;
	c->proc_fd = proc_fd;
	c->bpf = bpf;
	if (pipe2(c->stop, O_CLOEXEC) < 0) {
		vmon__free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->caught_cond, NULL);
	/* the caller's signals are not this thread's to take */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &was);
	err = pthread_create(&c->thread, NULL, catcher, c);
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (err) {
		close(c->stop[0]);
		close(c->stop[1]);
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->caught_cond);
		vmon__free(c);
		errno = err;
		return NULL;
	}
	return c;
}

struct vmon__nl_catch *vmon__nl_catch_start(int sock, int proc_fd)
{
	return start(sock, proc_fd, NULL);
}

struct vmon__nl_catch *vmon__nl_catch_start_bpf(int proc_fd)
{
	struct vmon__nl_bpf *bpf;
	struct vmon__nl_catch *c;
	int err = vmon__nl_bpf_open(&bpf);

	if (err < 0) {
		errno = -err;
		return NULL;
	}
	c = start(-1, proc_fd, bpf);
	if (!c)
		vmon__nl_bpf_close(bpf);
	return c;
}

bool vmon__nl_catch_in_kernel(const struct vmon__nl_catch *c)
{
	return c && c->bpf;
}

void vmon__nl_catch_stop(struct vmon__nl_catch *c)
{
	char b = 0;

	if (!c)
		return;
	while (write(c->stop[1], &b, 1) < 0 && errno == EINTR)
		;
	pthread_join(c->thread, NULL);
	close(c->stop[0]);
	close(c->stop[1]);
	vmon__nl_bpf_close(c->bpf);
	for (int i = 0; i < RING; i++)
		vmon__free(c->ring[i].cmdline);
	vmon__free(c->buf);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->caught_cond);
	vmon__free(c);
}

static bool near(unsigned long long a, unsigned long long b)
{
	return (a > b ? a - b : b - a) <= SAME_NS;
}

static bool same(const struct caught *k, const struct vmon__event *ev)
{
	return k->tgid == ev->tgid && !k->taken && near(k->when_ns, ev->when_ns);
}

/* The kernel's record of ev's exec: the latest of its process not taken
 * that was written before the exec event was stamped (the tracepoint
 * fires first).  The connector's exec event carries no start time to
 * match: the exec's moment stands for it.  An earlier process with the
 * pid wrote its records before this one was born; the process's next exec
 * writes its record after this event was stamped. */
static struct caught *find_kernel(struct vmon__nl_catch *c, const struct vmon__event *ev)
{
	unsigned from = c->head > RING ? c->head - RING : 0;

	for (unsigned i = c->head; i-- > from;) {
		struct caught *k = &c->ring[i % RING];

		if (k->tgid == ev->tgid && !k->taken && k->when_ns <= ev->when_ns + SAME_NS)
			return k;
	}
	return NULL;
}

/* The oldest catch of ev's exec not taken (an exec chain of one process
 * gives several, in order). */
static struct caught *find(struct vmon__nl_catch *c, const struct vmon__event *ev)
{
	unsigned from = c->head > RING ? c->head - RING : 0;

	if (c->bpf) {
		drain_ring(c);
		return find_kernel(c, ev);
	}
	for (unsigned i = from; i < c->head; i++)
		if (same(&c->ring[i % RING], ev))
			return &c->ring[i % RING];
	return NULL;
}

bool vmon__nl_catch_take(struct vmon__nl_catch *c, struct vmon__event *ev,
			   unsigned wait_us)
{
	struct caught *k;
	struct timespec until;
	bool cut = false;

	if (!c)
		return false;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)wait_us * 1000;
	until.tv_sec += until.tv_nsec / 1000000000;
	until.tv_nsec %= 1000000000;
	pthread_mutex_lock(&c->lock);
	/* wait, if asked, until the thread has handled this exec */
	while (!(k = find(c, ev)) && wait_us && c->last_ns + SAME_NS < ev->when_ns &&
	       pthread_cond_timedwait(&c->caught_cond, &c->lock, &until) == 0)
		;
	if (k && (k->cmdline || k->comm[0])) {
		cut = k->truncated;
		k->taken = true;
		vmon__free(ev->cmdline);
		ev->cmdline = k->cmdline;
		ev->cmdline_len = k->len;
		k->cmdline = NULL;
		if (k->comm[0])
			snprintf(ev->comm, sizeof(ev->comm), "%s", k->comm);
	}
	pthread_mutex_unlock(&c->lock);
	return k && ev->cmdline && !cut;
}

bool vmon__nl_catch_end_cpu(struct vmon__nl_catch *c, const struct vmon__event *exit,
			    unsigned long long *cpu_ns)
{
	bool found = false;

	if (!c)
		return false;
	pthread_mutex_lock(&c->lock);
	for (unsigned i = c->ends_head; i-- > (c->ends_head > RING ? c->ends_head - RING : 0);) {
		const struct ended *e = &c->ends[i % RING];

		if (!e->final && e->pid == exit->pid && near(e->when_ns, exit->when_ns)) {
			*cpu_ns = e->cpu_ns;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

/* The final record of the task whose exit event is exit: its pid, alive
 * at the exit (started before it, ended after), and started at start_ns
 * when that is known (0: not; the estimate comes late by the time from
 * the task's exit record to its exit event). */
static struct ended *find_final(struct vmon__nl_catch *c, const struct vmon__event *exit,
				unsigned long long start_ns)
{
	unsigned from = c->ends_head > RING ? c->ends_head - RING : 0;

	drain_ring(c);
	for (unsigned i = from; i < c->ends_head; i++) {
		struct ended *e = &c->ends[i % RING];

		if (e->final && !e->taken && e->pid == exit->pid &&
		    e->rec.start_ns <= exit->when_ns && e->when_ns + SAME_NS >= exit->when_ns &&
		    (!start_ns || e->rec.start_ns <= start_ns + SAME_NS))
			return e;
	}
	return NULL;
}

bool vmon__nl_catch_final(struct vmon__nl_catch *c, const struct vmon__event *exit,
			  unsigned long long start_ns, unsigned wait_us,
			  struct vmon__bpf_ev *out)
{
	struct timespec until;
	struct ended *e;

	if (!c || !c->bpf)
		return false;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_us / 1000000;
	until.tv_nsec += (long)(wait_us % 1000000) * 1000;
	until.tv_sec += until.tv_nsec / 1000000000;
	until.tv_nsec %= 1000000000;
	pthread_mutex_lock(&c->lock);
	/* it comes after the exit event: the dying task has still to be
	 * switched out for the last time; unless the ring of them has
	 * moved past the exit (its record came and was overwritten) */
	while (!(e = find_final(c, exit, start_ns)) && wait_us &&
	       !(c->ends_head > RING && c->ends[c->ends_head % RING].when_ns > exit->when_ns) &&
	       pthread_cond_timedwait(&c->caught_cond, &c->lock, &until) == 0)
		;
	if (e) {
		e->taken = true;
		*out = e->rec;
	}
	pthread_mutex_unlock(&c->lock);
	return e != NULL;
}
