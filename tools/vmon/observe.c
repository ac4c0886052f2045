/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * observe.c - after each vmon_sample(), walk libvmon's tree and tell the
 * model (and the recorder) what happened: tracks first seen (births), the
 * figures of every track, and exits.
 *
 * Holding: vmon takes its own reference on every process node (in the
 * constructor callback) so that a process whose parent exits is not
 * dropped with it: libvmon makes it a top-level orphan, and since vmon is a
 * child subreaper the kernel reparents it to vmon, whose node follows its
 * children and so adopts it back.  The track goes on, under the parent it
 * was born under.  When a track's exit has been recorded its references
 * are dropped and libvmon frees the node.
 *
 * Exits: a stale node is an exit, and so is a zombie, whose figures are
 * final.  A child of vmon (the command, an adopted orphan) seen as a zombie
 * is reaped here, right after the sample that read its final figures, and
 * its exit is recorded with its status.  Other zombies are their parents'
 * to reap: without events their status is not known; with an event source
 * that tells every exit (netlink, ptrace) the node's exit record has it,
 * and its exact CPU, peak RSS and I/O, and a zombie whose record has not
 * come yet is kept until it has (or until it is reaped).
 *
 * Reaps: a process gone from /proc has been reaped, and its parent's io
 * now counts its I/O; the model takes it out of the parent's
 * (model_reaped(), docs/vmon-io.md).  A zombie is seen reaped at a later
 * sample, as its node goes stale: vmon holds it no longer, but its
 * parent's node follows it until then.
 *
 * Events also make nodes of processes born and gone between two samples:
 * such a node is first seen stale, with its exit record, and becomes a
 * track that is born and ends in the same sample, at the times the record
 * gives.
 */
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

static struct session *session_of(vmon_t *v)
{
	return (struct session *)((char *)v - offsetof(struct session, vmon));
}

static void node_ctor(vmon_t *v, vmon_proc_t *p)
{
	struct session *s = session_of(v);
	struct nodeinfo *ni = xcalloc(1, sizeof(*ni));

	p->foo = ni;
	if (p->is_thread || p->pid == s->watched.self || s->o->mode == MODE_ALL)
		return;
	if (vmon_proc_monitor(v, p->pid, 0, NULL, NULL))
		ni->holds++;
}

static void node_dtor(vmon_t *v, vmon_proc_t *p)
{
	(void)v;
	free(p->foo);
	p->foo = NULL;
}

void observe_init(struct session *s)
{
	s->vmon.proc_ctor_cb = node_ctor;
	s->vmon.proc_dtor_cb = node_dtor;
}

static void push(void *vec, int *n, int *alloc, void *item)
{
	void ***v = vec;

	xgrow((void **)v, alloc, *n + 1, sizeof(void *));
	(*v)[(*n)++] = item;
}

static void set_identity(struct track *t, const vmon_proc_t *p, bool all)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	char comm[512];

	if (all || vmon_field_changed(info, st, VMON_PROC_STAT_COMM)) {
		vmon_field_format(info, st, VMON_PROC_STAT_COMM, comm, sizeof(comm));
		model_set_comm(t, comm);
	}
	if (!t->is_thread && (all || vmon_field_changed(info, st, VMON_PROC_STAT_ARGV))) {
		char **argv = xcalloc(st->argc + 1, sizeof(*argv));

		for (int i = 0; i < st->argc && st->argv[i]; i++)
			argv[i] = escape_bytes(st->argv[i], strlen(st->argv[i]));
		model_set_argv(t, argv, st->argc);
		for (int i = 0; i < st->argc; i++)
			free(argv[i]);
		free(argv);
	}
}

/* The figures of node p: the stores' values (unavailable fields keep their
 * last ones, as the record and so the replay see them). */
static void node_vals(struct session *s, const vmon_proc_t *p, const struct track *t,
		      struct track_vals *v)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_io_t *io = p->stores[VMON_STORE_PROC_IO];
	const vmon_store_info_t *ioi = vmon_proc_store_info(VMON_STORE_PROC_IO);

	*v = t->v;
	v->utime = st->utime;
	v->stime = st->stime;
	v->state = st->state;
	v->threads = (int)st->num_threads;
	v->ppid = (int)st->ppid;
	v->rss_kb = t->is_thread ? 0 : st->rss * (unsigned long long)s->m.page_size / 1024;
	if (io && (t->v.io_ok || !vmon_field_unavailable(ioi, io, VMON_PROC_IO_RCHARS))) {
		v->io_ok = 1;
		v->rchar = io->rchars;
		v->wchar = io->wchars;
		v->read_bytes = io->read_bytes;
		v->write_bytes = io->write_bytes;
	}
}

static struct track *first_sight(struct session *s, vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	bool pre = s->o->mode != MODE_RUN && s->m.nsamples == 1;
	struct nodeinfo *pi;
	struct track *t;

	if (p->is_thread) {
		pi = p->parent ? p->parent->foo : NULL;
		if (!pi || !pi->track || pi->track->exited)
			return NULL;
		t = model_birth(&s->m, 0, p->pid, p->parent->pid, true, pre);
		model_link(&s->m, t, pi->track);
	} else {
		t = model_birth(&s->m, 0, p->pid, p->pid, false, pre);
		t->ppid = (int)st->ppid;
	}
	set_identity(t, p, true);
	push(&s->changes.births, &s->changes.nbirths, &s->changes.births_alloc, t);
	return t;
}

/* A zombie has exited (its parent has not reaped it yet): its figures are
 * final.  Not so a process whose main thread alone exited: it shows as a
 * zombie while its other threads run. */
static bool ended(const struct track_vals *v)
{
	return (v->state == 'Z' || v->state == 'X') && v->threads <= 1;
}

static bool status_known(const vmon_proc_t *p)
{
	return p->exit && (p->exit->known & VMON_EXIT_STATUS);
}

/* A source that tells every exit: a zombie waits for its record. */
static bool wait_for_record(const struct session *s, const vmon_proc_t *p,
			    const struct track_vals *v)
{
	vmon_event_source_t src = vmon_event_source(&s->vmon);

	return (src == VMON_EVENTS_NETLINK || src == VMON_EVENTS_PTRACE) && !p->is_thread &&
	       !status_known(p) && v->ppid != s->watched.self;
}

/* microseconds since the start, of a CLOCK_BOOTTIME in nanoseconds */
static vt_us since_start(const struct session *s, unsigned long long boot_ns)
{
	return (vt_us)(boot_ns / 1000) - s->sched.boot0;
}

/* The exit record of p as the model takes it. */
static void final_of(const struct session *s, const vmon_proc_t *p, struct track_final *f)
{
	const vmon_exit_t *x = p->exit;

	memset(f, 0, sizeof(*f));
	if (!x)
		return;
	if (x->known & VMON_EXIT_CPU) {
		/* the exact total, split as the kernel splits it: in the
		 * proportion of the sampled user and system times */
		vt_us all = (vt_us)(x->cpu_ns / 1000);
		double ut = (double)x->utime_us, st = (double)x->stime_us;

		f->user_us = !(x->known & VMON_EXIT_CPU_SPLIT) || st == 0 ? all
			     : (vt_us)((double)all * ut / (ut + st) + 0.5);
		f->sys_us = all - f->user_us;
		f->known |= FINAL_CPU;
	}
	if (x->known & VMON_EXIT_PEAK_RSS) {
		f->peak_rss_kb = x->peak_rss_kb;
		f->known |= FINAL_RSS;
	}
	if (x->known & VMON_EXIT_IO) {
		f->rchar = x->rchar;
		f->wchar = x->wchar;
		f->read_bytes = x->read_bytes;
		f->write_bytes = x->write_bytes;
		/* taskstats tells each task's own; ptrace and vmon_reap()
		 * read /proc/PID/io, which counts the reaped children too */
		f->known |= FINAL_IO | (x->source == VMON_EVENTS_NETLINK ? FINAL_IO_OWN : 0);
	}
	if (x->known & VMON_EXIT_START) {
		f->born = (vt_us)(x->start * US_PER_S / s->vmon.ticks_per_sec) - s->sched.boot0;
		f->known |= FINAL_BORN;
	}
	if (x->known & VMON_EXIT_END) {
		f->ended = since_start(s, x->end_ns);
		f->known |= FINAL_ENDED;
	}
}

static void observe_node(struct session *s, vmon_proc_t *p)
{
	struct sample_changes *c = &s->changes;
	struct nodeinfo *ni = p->foo;
	struct track_vals v;
	struct track *t;
	bool io_first;

	if (!ni || !p->stores[VMON_STORE_PROC_STAT] ||
	    (p->is_thread && p->parent && p->pid == p->parent->pid))
		return;		/* not sampled yet, or a main thread: its process */
	/* a stale node first seen is a process born and gone in between
	 * (new and stale at once, or with its exit record): a track of its
	 * own, which the events named */
	if (!ni->track && (!p->is_stale || p->exit || p->is_new))
		ni->track = first_sight(s, p);
	t = ni->track;
	if (t && t->exited && p->is_stale && !t->reaped)
		push(&c->reaps, &c->nreaps, &c->reaps_alloc, t);
	if (!t || t->exited)
		return;
	if (!p->is_new)
		set_identity(t, p, false);
	node_vals(s, p, t, &v);
	/* the first io read in full: a figure equal to the store's zero is
	 * not "changed", but the replay must see that io was read */
	io_first = v.io_ok && !t->v.io_ok;
	model_update(&s->m, t, &v);
	if (s->rec)
		rec_proc(s->rec, t->id, p, io_first);
	if (!p->is_stale && (!ended(&v) || wait_for_record(s, p, &v)))
		return;
	if (status_known(p))
		t->status = p->exit->status;
	else if (!p->is_stale && !t->is_thread)
		t->status = take_status(&s->vmon, &s->reaped, t->pid, v.ppid == s->watched.self);
	final_of(s, p, &t->fin);
	push(&c->exits, &c->nexits, &c->exits_alloc, t);
	if (p->is_stale && !t->is_thread)
		push(&c->reaps, &c->nreaps, &c->reaps_alloc, t);
	if (ni->holds)
		push(&c->unhold, &c->nunhold, &c->unhold_alloc, p);
}

static void observe_list(struct session *s, list_head_t *head)
{
	vmon_proc_t *p, *th;

	list_for_each_entry(p, head, siblings) {
		if (p->pid != s->watched.self) {
			observe_node(s, p);
			list_for_each_entry(th, &p->threads, threads)
				observe_node(s, th);
		}
		observe_list(s, &p->children);
	}
}

/* per-CPU busy shares for the live view's header, user and system apart */
static void observe_cpus(struct session *s)
{
	static struct { unsigned long long idle, all, user, sys; } *prev;
	static int prev_nr;
	const vmon_sys_stat_t *st = s->vmon.stores[VMON_STORE_SYS_STAT];

	if (!st)
		return;
	if (st->cpus_nr > prev_nr) {
		int a = prev_nr;

		xgrow((void **)&prev, &a, st->cpus_nr, sizeof(*prev));
		s->m.cpu_busy = xrealloc(s->m.cpu_busy, st->cpus_nr * sizeof(double));
		s->m.cpu_user = xrealloc(s->m.cpu_user, st->cpus_nr * sizeof(double));
		s->m.cpu_sys = xrealloc(s->m.cpu_sys, st->cpus_nr * sizeof(double));
		for (int c = prev_nr; c < st->cpus_nr; c++)
			s->m.cpu_busy[c] = s->m.cpu_user[c] = s->m.cpu_sys[c] = 0;
		prev_nr = st->cpus_nr;
	}
	s->m.cpu_busy_nr = st->cpus_nr;
	for (int c = 0; c < st->cpus_nr; c++) {
		const vmon_sys_cpu_t *cpu = &st->cpus[c];
		unsigned long long idle = cpu->idle + cpu->iowait, user = cpu->user + cpu->nice;
		unsigned long long sys = cpu->system + cpu->irq + cpu->softirq;
		unsigned long long all = idle + user + sys + cpu->steal;

		if (all > prev[c].all && idle >= prev[c].idle) {
			double span = (double)(all - prev[c].all);

			s->m.cpu_busy[c] = 1.0 - (idle - prev[c].idle) / span;
			s->m.cpu_user[c] = user >= prev[c].user ? (user - prev[c].user) / span : 0;
			s->m.cpu_sys[c] = sys >= prev[c].sys ? (sys - prev[c].sys) / span : 0;
		}
		if (!cpu->online)
			s->m.cpu_busy[c] = -1;
		prev[c].idle = idle;
		prev[c].all = all;
		prev[c].user = user;
		prev[c].sys = sys;
	}
}

static void observe_sys(struct session *s)
{
	const vmon_sys_stat_t *st = s->vmon.stores[VMON_STORE_SYS_STAT];
	const vmon_sys_vm_t *vm = s->vmon.stores[VMON_STORE_SYS_VM];
	struct sys_vals *sv = &model_cur(&s->m)->sys;

	if (st) {
		sv->user = st->user;
		sv->nice = st->nice;
		sv->system = st->system;
		sv->idle = st->idle;
		sv->iowait = st->iowait;
		sv->irq = st->irq;
		sv->softirq = st->softirq;
		sv->steal = st->steal;
	}
	if (vm) {
		sv->mem_total_kb = vm->total_kb;
		sv->mem_avail_kb = vm->available_kb;
	}
	observe_cpus(s);
}

/* Births are put in the tree once the whole sample is known: a parent may
 * be seen after its child (the flat list of -a). */
static void link_births(struct model *m, const struct sample_changes *c)
{
	for (int i = 0; i < c->nbirths; i++) {
		struct track *t = c->births[i], *parent = NULL;

		if (t->is_thread)
			continue;	/* linked at first sight */
		if (t->ppid != t->pid)
			parent = model_find(m, t->ppid, false);
		model_link(m, t, parent);
	}
}

static void record_sample(struct session *s)
{
	const struct sample_changes *c = &s->changes;

	for (int i = 0; i < c->nbirths; i++)
		rec_birth(s->rec, &s->m, c->births[i]);
	rec_sample(s->rec, &s->m, &s->vmon);
	for (int i = 0; i < c->nexits; i++)
		rec_exit(s->rec, &s->m, c->exits[i]);
	for (int i = 0; i < c->nreaps; i++)
		rec_reap(s->rec, &s->m, c->reaps[i]);
	rec_flush(s->rec);
}

static void apply_exits(struct session *s)
{
	struct watched *w = &s->watched;

	for (int i = 0; i < s->changes.nexits; i++) {
		struct track *t = s->changes.exits[i];
		int status = t->status;

		struct track_final f = t->fin;

		if (status < 0 && !t->is_thread)
			status = take_status(&s->vmon, &s->reaped, t->pid, t->v.ppid == w->self);
		model_exit(&s->m, t, status);
		model_final(&s->m, t, &f);
		if (!t->is_thread && t->pid == w->command) {
			w->command_exited = true;
			s->m.exit_status = status;
		}
		if (w->root && !t->is_thread && t->pid == w->root->pid && s->o->mode == MODE_PID)
			w->root = NULL;
	}
	for (int i = 0; i < s->changes.nreaps; i++)
		model_reaped(&s->m, s->changes.reaps[i]);
}

/* Drop vmon's references on the nodes of exited processes (libvmon frees
 * each at the last one, now or at its next sample). */
static void let_go(vmon_t *v, const struct sample_changes *c)
{
	for (int i = 0; i < c->nunhold; i++) {
		vmon_proc_t *p = c->unhold[i];
		struct nodeinfo *ni = p->foo;
		int n = ni->holds;

		ni->holds = 0;
		for (int k = 0; k < n; k++)
			vmon_proc_unmonitor(v, p, NULL, NULL);
	}
}

void observe(struct session *s, vt_us t, vt_us late)
{
	vmon_sample_cost_t cost;

	model_sample(&s->m, t, late);
	if (vmon_sample_cost(&s->vmon, &cost)) {
		model_cur(&s->m)->events = cost.events;
		model_cur(&s->m)->events_lost = cost.events_lost;
	}
	observe_sys(s);
	s->changes.nbirths = s->changes.nexits = s->changes.nunhold = s->changes.nreaps = 0;
	observe_list(s, &s->vmon.processes);
	link_births(&s->m, &s->changes);
	apply_exits(s);
	model_close_sample(&s->m);
	if (s->rec)
		record_sample(s);
	let_go(&s->vmon, &s->changes);
}

void sample_changes_free(struct sample_changes *c)
{
	free(c->births);
	free(c->exits);
	free(c->reaps);
	free(c->unhold);
}
