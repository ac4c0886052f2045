/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sampler.c - vmon-export's sampling thread: libvmon watching every
 * process (VMON_FLAG_PROC_ALL) with its event source (VMON_FLAG_EVENTS:
 * as root, the kernel's netlink events and taskstats tell of every
 * process that ends, with its final figures, even one born and gone
 * between two samples), a track per process (groups.h), and after each
 * sample a new snapshot published for the scrapes (export.h).
 *
 * Between samples the thread waits on the event source's descriptor, so
 * that events are read as they come (an exec's arguments while the
 * process still exists, and no overrun of the socket in a fork storm),
 * and on a pipe that says stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#include "buf.h"
#include "clock.h"
#include "groups.h"
#include "naming.h"
#include "sampler_sys.h"

#define PF_KTHREAD 0x00200000	/* the kernel's flag in stat's flags */

struct sampler {
	struct export_opts opts;
	vmon_t v;
	bool v_ready;
	struct group_table *gt;
	struct namer *namer;
	struct buf name;
	pthread_t thread;
	int stop_pipe[2];
	pthread_mutex_t lock;		/* over cur */
	struct snapshot *cur;
	double boot_time;
	long page_size;
	unsigned long long samples, cpu_ns, events_lost;
	const char *source;
	/* this sample's live tracks, for the per-pid series */
	struct track **alive;
	int nalive, alive_cap;
};

static void proc_ctor(vmon_t *v, vmon_proc_t *p)
{
	(void)v;
	if (!p->is_thread)
		p->foo = calloc(1, sizeof(struct track));
}

static void proc_dtor(vmon_t *v, vmon_proc_t *p)
{
	struct sampler *s = v->sample_cb_arg;
	struct track *t = p->foo;

	if (!t)
		return;
	if (!t->final)
		gt_forget(s->gt, t);
	free(t);
	p->foo = NULL;
}

static void raise_to(unsigned long long *c, unsigned long long v)
{
	if (v > *c)
		*c = v;
}

static enum pstate state_of(char c)
{
	switch (c) {
	case 'R': return S_RUNNING;
	case 'S': return S_SLEEPING;
	case 'D': return S_WAITING;
	case 'Z': return S_ZOMBIE;
	default: return S_OTHER;
	}
}

/* t's figures from p's stores; counters only ever rise */
static void read_figures(struct sampler *s, vmon_proc_t *p, struct track *t)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_vm_t *vm = p->stores[VMON_STORE_PROC_VM];
	const vmon_proc_io_t *io = p->stores[VMON_STORE_PROC_IO];
	const vmon_proc_status_t *ss = p->stores[VMON_STORE_PROC_STATUS];
	unsigned long long hz = (unsigned long long)s->v.ticks_per_sec;

	raise_to(&t->cur[C_USER_US], st->utime * 1000000ULL / hz);
	raise_to(&t->cur[C_SYSTEM_US], st->stime * 1000000ULL / hz);
	raise_to(&t->cur[C_MAJFLT], st->majflt);
	raise_to(&t->cur[C_MINFLT], st->minflt);
	t->g[G_VSIZE_BYTES] = st->vsize;
	t->g[G_THREADS] = st->num_threads > 0 ? (unsigned long long)st->num_threads : 1;
	t->g[G_RSS_BYTES] = (vm ? vm->resident_pages : st->rss) * (unsigned long long)s->page_size;
	t->start_ticks = st->start;
	t->state = state_of(st->state);
	t->pid = p->pid;
	snprintf(t->comm, sizeof(t->comm), "%s", st->comm.array ? st->comm.array : "");
	if (io) {
		raise_to(&t->cur[C_READ_BYTES], io->read_bytes);
		raise_to(&t->cur[C_WRITE_BYTES], io->write_bytes);
	}
	if (ss) {
		raise_to(&t->cur[C_VCSW], ss->vol_ctxt_switches);
		raise_to(&t->cur[C_IVCSW], ss->nonvol_ctxt_switches);
		t->g[G_SWAP_BYTES] = ss->vm_swap_kb * 1024ULL;
	}
}

/* The exit record's final figures, where they are larger than the last
 * sample's (they are taken at the exit, the sample before it). */
static void read_exit(const vmon_exit_t *x, struct track *t)
{
	if (x->known & VMON_EXIT_CPU_SPLIT) {
		raise_to(&t->cur[C_USER_US], x->utime_us);
		raise_to(&t->cur[C_SYSTEM_US], x->stime_us);
	}
	if (x->known & VMON_EXIT_IO) {
		raise_to(&t->cur[C_READ_BYTES], x->read_bytes);
		raise_to(&t->cur[C_WRITE_BYTES], x->write_bytes);
	}
	if (x->known & VMON_EXIT_FAULTS) {
		raise_to(&t->cur[C_MAJFLT], x->majflt);
		raise_to(&t->cur[C_MINFLT], x->minflt);
	}
}

/* open descriptors: the size of /proc/PID/fd (Linux 6.2 and later count
 * them there; older kernels say 0, and so does this) */
static unsigned long long count_fds(struct sampler *s, int pid)
{
	char path[32];
	struct stat sb;

	snprintf(path, sizeof(path), "%d/fd", pid);
	if (fstatat(dirfd(s->v.proc_dir), path, &sb, 0) < 0)
		return 0;
	return (unsigned long long)sb.st_size;
}

static void keep_alive(struct sampler *s, struct track *t)
{
	if (s->nalive == s->alive_cap) {
		int cap = s->alive_cap ? s->alive_cap * 2 : 1024;
		struct track **a = realloc(s->alive, cap * sizeof(*a));

		if (!a)
			return;
		s->alive = a;
		s->alive_cap = cap;
	}
	s->alive[s->nalive++] = t;
}

static void visit(struct sampler *s, vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	struct track *t = p->foo;
	bool ending;

	if (!t || t->final || !st)
		return;
	if (!t->named && (st->flags & PF_KTHREAD) && !s->opts.kernel_threads)
		t->ignored = true;
	if (t->ignored)
		return;
	read_figures(s, p, t);
	ending = p->exit || p->is_stale;
	/* a process's name is decided again when it ends, whatever the
	 * change bits say: its exec may have been learnt from the events
	 * only now, and it must end in the group of the name it ended with */
	if (!t->named || ending || namer_inputs_changed(s->namer, p)) {
		namer_name(s->namer, p, &s->name);
		gt_assign(s->gt, t, s->name.data ? s->name.data : "");
	}
	if (ending) {
		if (p->exit)
			read_exit(p->exit, t);
		gt_finish(s->gt, t);
		return;
	}
	t->g[G_FDS] = count_fds(s, p->pid);
	gt_add_live(s->gt, t);
	keep_alive(s, t);
}

static void walk(struct sampler *s, list_head_t *head)
{
	vmon_proc_t *p;

	list_for_each_entry(p, head, siblings) {
		visit(s, p);
		if (!list_empty(&p->children))
			walk(s, &p->children);
	}
}

static int by_cpu(const void *a, const void *b)
{
	const struct track *x = *(struct track *const *)a, *y = *(struct track *const *)b;
	unsigned long long cx = x->cur[C_USER_US] + x->cur[C_SYSTEM_US];
	unsigned long long cy = y->cur[C_USER_US] + y->cur[C_SYSTEM_US];

	return cx < cy ? 1 : cx > cy ? -1 : x->pid - y->pid;
}

/* per-pid series: the processes that used the most CPU, at most the cap */
static int add_pids(struct sampler *s, struct snapshot *snap)
{
	long hz = s->v.ticks_per_sec;
	int n = 0;

	if (!s->opts.pid_series_max)
		return 0;
	qsort(s->alive, s->nalive, sizeof(*s->alive), by_cpu);
	snap->pids = calloc(s->nalive ? s->nalive : 1, sizeof(*snap->pids));
	if (!snap->pids)
		return -1;
	for (int i = 0; i < s->nalive; i++) {
		const struct track *t = s->alive[i];
		struct snap_pid *sp = &snap->pids[n];
		const char *gname = gt_name(t->group);

		if (!gname)
			continue;
		if (n == s->opts.pid_series_max) {
			snap->pids_dropped++;
			continue;
		}
		sp->pid = t->pid;
		snprintf(sp->comm, sizeof(sp->comm), "%s", t->comm);
		name_sanitize(sp->comm);
		sp->group = strdup(gname);
		if (!sp->group)
			return -1;
		memcpy(sp->c, t->cur, sizeof(sp->c));
		memcpy(sp->g, t->g, sizeof(sp->g));
		sp->start = s->boot_time + (double)t->start_ticks / hz;
		snap->npids = ++n;
	}
	return 0;
}

void snapshot_put(struct snapshot *snap)
{
	if (!snap || __atomic_sub_fetch(&snap->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (int i = 0; i < snap->ngroups; i++)
		free(snap->groups[i].name);
	for (int i = 0; i < snap->npids; i++)
		free(snap->pids[i].group);
	free(snap->groups);
	free(snap->pids);
	free(snap);
}

struct snapshot *sampler_get(struct sampler *s)
{
	struct snapshot *snap;

	pthread_mutex_lock(&s->lock);
	snap = s->cur;
	if (snap)
		__atomic_add_fetch(&snap->refs, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&s->lock);
	return snap;
}

static void publish(struct sampler *s, struct snapshot *snap)
{
	struct snapshot *old;

	pthread_mutex_lock(&s->lock);
	old = s->cur;
	s->cur = snap;
	pthread_mutex_unlock(&s->lock);
	snapshot_put(old);
}

/* one sample, and its snapshot */
static void sample_once(struct sampler *s)
{
	unsigned long long cpu0 = thread_cpu_ns();
	struct timespec t0, t1, now;
	vmon_sample_cost_t cost;
	struct snapshot *snap;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	vmon_sample(&s->v);
	s->nalive = 0;
	gt_begin(s->gt);
	walk(s, &s->v.processes);
	if (vmon_sample_cost(&s->v, &cost))
		s->events_lost += cost.events_lost;
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return;
	snap->refs = 1;
	sys_figures(&s->v, &snap->sys);
	if (snap->sys.boot_time)
		s->boot_time = (double)snap->sys.boot_time;
	if (gt_snapshot(s->gt, mono_now(), s->opts.grace, s->boot_time, s->v.ticks_per_sec,
			snap) < 0 || add_pids(s, snap) < 0) {
		snapshot_put(snap);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_REALTIME, &now);
	s->samples++;
	s->cpu_ns += thread_cpu_ns() - cpu0;
	snap->time = now.tv_sec + now.tv_nsec / 1e9;
	snap->samples = s->samples;
	snap->sample_cpu_ns = s->cpu_ns;
	snap->events_lost = s->events_lost;
	snap->last_sample_seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	snap->tracked = s->nalive;
	snap->event_source = s->source;
	publish(s, snap);
}

static void *run(void *arg)
{
	struct sampler *s = arg;
	double next = mono_now() + s->opts.interval;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = s->stop_pipe[0], .events = POLLIN },
			{ .fd = vmon_event_fd(&s->v), .events = POLLIN },
		};
		double left = next - mono_now();
		int rc;

		if (left <= 0) {
			sample_once(s);
			next += s->opts.interval;
			if (next < mono_now())	/* fell behind: no burst to catch up */
				next = mono_now() + s->opts.interval;
			continue;
		}
		rc = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, (int)(left * 1000) + 1);
		if (rc > 0 && pfd[0].revents)
			break;
		if (rc > 0 && pfd[1].revents)
			vmon_events_read(&s->v);
	}
	return NULL;
}

static void sampler_free(struct sampler *s)
{
	if (s->v_ready)
		vmon_destroy(&s->v);
	snapshot_put(s->cur);
	gt_free(s->gt);
	namer_free(s->namer);
	buf_free(&s->name);
	free(s->alive);
	if (s->stop_pipe[0] >= 0) {
		close(s->stop_pipe[0]);
		close(s->stop_pipe[1]);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

struct sampler *sampler_start(const struct export_opts *o, struct procnames *pn,
			      char *err, size_t errsize)
{
	struct sampler *s = calloc(1, sizeof(*s));
	vmon_proc_wants_t wants = VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO |
				  VMON_WANT_PROC_STATUS;

	if (!s) {
		procnames_free(pn);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	s->opts = *o;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->page_size = sysconf(_SC_PAGESIZE);
	s->gt = gt_new();
	s->namer = namer_new(o->group_by, pn);
	if (!s->namer)
		procnames_free(pn);
	if (!s->gt || !s->namer || pipe2(s->stop_pipe, O_CLOEXEC) < 0) {
		snprintf(err, errsize, "out of memory or descriptors");
		goto fail;
	}
	wants |= namer_wants(s->namer);
	if (!vmon_init(&s->v, VMON_FLAG_PROC_ALL | VMON_FLAG_EVENTS, SYS_WANTS, wants)) {
		snprintf(err, errsize, "vmon_init: %s", strerror(errno));
		goto fail;
	}
	s->v_ready = true;
	s->v.proc_ctor_cb = proc_ctor;
	s->v.proc_dtor_cb = proc_dtor;
	s->v.sample_cb_arg = s;
	/* cmdline and exe again only at an exec (and every 32 samples for
	 * processes that rewrite their title): naming needs no more */
	vmon_set_refresh(&s->v, VMON_REFRESH_CMDLINE, 32);
	vmon_set_refresh(&s->v, VMON_REFRESH_WCHAN, 0);
	s->source = vmon_event_source_name(vmon_event_source(&s->v));
	sample_once(s);
	if (!s->cur) {
		snprintf(err, errsize, "the first sample failed: out of memory");
		goto fail;
	}
	if (pthread_create(&s->thread, NULL, run, s)) {
		snprintf(err, errsize, "pthread_create failed");
		goto fail;
	}
	return s;
fail:
	sampler_free(s);
	return NULL;
}

void sampler_stop(struct sampler *s)
{
	if (!s)
		return;
	if (write(s->stop_pipe[1], "", 1) == 1)
		pthread_join(s->thread, NULL);
	sampler_free(s);
}
