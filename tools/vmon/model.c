/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model.c - the tracks and samples of a run (model.h).  Every figure is an
 * integer (microseconds, ticks, kB) so that a live run and the replay of
 * its recording compute the same summary to the last digit.
 *
 * A track's CPU history is the ticks it used in each sample's interval
 * (the difference of its cumulative utime and stime), kept for the samples
 * where it is not 0.
 *
 * A track's I/O is its own (model_io.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_io.h"

void model_init(struct model *m, long tps, long page_size, int ncpu)
{
	memset(m, 0, sizeof(*m));
	m->tps = tps > 0 ? tps : 100;
	m->page_size = page_size > 0 ? page_size : 4096;
	m->ncpu = ncpu > 0 ? ncpu : 1;
	m->exit_status = -1;
	m->mode = "run";
	snprintf(m->events, sizeof(m->events), "none");
}

static void free_strv(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void model_free(struct model *m)
{
	for (int i = 0; i < m->ntracks; i++) {
		struct track *t = m->tracks[i];

		free(t->comm);
		free_strv(t->argv, t->argc);
		free(t->points);
		free(t);
	}
	free(m->tracks);
	free(m->samples);
	free_strv(m->cmd, m->cmdc);
	free(m->cpu_busy);
	free(m->cpu_user);
	free(m->cpu_sys);
	free(m->ends);
	memset(m, 0, sizeof(*m));
}

static char **copy_strv(char *const *argv, int argc)
{
	char **v = xcalloc(argc + 1, sizeof(*v));

	for (int i = 0; i < argc; i++)
		v[i] = xstrdup(argv[i]);
	return v;
}

void model_set_cmd(struct model *m, const char *mode, char *const *argv, int argc)
{
	free_strv(m->cmd, m->cmdc);
	m->mode = mode;
	m->cmd = copy_strv(argv, argc);
	m->cmdc = argc;
}

int model_sample(struct model *m, vt_us t, vt_us late)
{
	struct sample *s;

	xgrow((void **)&m->samples, &m->samples_alloc, m->nsamples + 1, sizeof(*s));
	s = &m->samples[m->nsamples];
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->late = late;
	if (m->nsamples)
		s->sys = m->samples[m->nsamples - 1].sys;
	m->end = t;
	return m->nsamples++;
}

struct sample *model_cur(struct model *m)
{
	return m->nsamples ? &m->samples[m->nsamples - 1] : NULL;
}

void model_close_sample(struct model *m)
{
	struct sample *s = model_cur(m);
	unsigned long long rss = 0;

	if (!s)
		return;
	model_io_settle(m);
	for (int h = 0; h < MODEL_HASH; h++) {
		for (struct track *t = m->hash[0][h]; t; t = t->hnext) {
			rss += t->v.rss_kb;
			model_io_rates(m, t);
		}
		for (struct track *t = m->hash[1][h]; t; t = t->hnext)
			model_io_rates(m, t);
	}
	m->events_seen += s->events;
	m->events_lost += s->events_lost;
	s->procs = m->live_procs;
	s->threads = m->live_threads;
	s->rss_kb = rss;
	if (m->live_procs > m->peak_procs)
		m->peak_procs = m->live_procs;
	if (m->live_threads > m->peak_threads)
		m->peak_threads = m->live_threads;
	if (rss > m->peak_rss_kb) {
		m->peak_rss_kb = rss;
		m->peak_rss_t = s->t;
	}
}

static struct track **bucket(struct model *m, int pid, bool thread)
{
	return &m->hash[thread][(unsigned)pid % MODEL_HASH];
}

struct track *model_find(struct model *m, int pid, bool thread)
{
	for (struct track *t = *bucket(m, pid, thread); t; t = t->hnext)
		if (t->pid == pid)
			return t;
	return NULL;
}

struct track *model_track(struct model *m, int id)
{
	return id >= 1 && id <= m->ntracks ? m->tracks[id - 1] : NULL;
}

struct track *model_birth(struct model *m, int id, int pid, int tgid, bool is_thread,
			  bool preexisting)
{
	struct track *t = xcalloc(1, sizeof(*t)), **b;
	struct sample *s = model_cur(m);

	if (id <= m->ntracks)
		id = m->ntracks + 1;
	xgrow((void **)&m->tracks, &m->tracks_alloc, id, sizeof(*m->tracks));
	m->tracks[id - 1] = t;
	m->ntracks = id;
	t->id = id;
	t->pid = pid;
	t->tgid = is_thread ? tgid : pid;
	t->is_thread = is_thread;
	t->preexisting = preexisting;
	t->status = -1;
	t->comm = xstrdup("");
	t->argv = xcalloc(1, sizeof(*t->argv));
	t->birth = s ? s->t : 0;
	t->first = m->nsamples ? m->nsamples - 1 : 0;
	t->updated_at = t->ended_at = t->seen_at = -1;
	b = bucket(m, pid, is_thread);
	t->hnext = *b;
	*b = t;
	if (is_thread) {
		m->live_threads++;
		m->nthreads++;
	} else {
		m->live_procs++;
		m->nprocs++;
	}
	return t;
}

/* at the end of a list, kept by its last member: one step however many
 * siblings there are (a record may give a process 100,000 children) */
static void append(struct track **head, struct track **last, struct track *t)
{
	if (*last)
		(*last)->next = t;
	else
		*head = t;
	*last = t;
}

void model_link(struct model *m, struct track *t, struct track *parent)
{
	t->parent = parent;
	t->level = parent ? parent->level + 1 : 0;
	if (!parent) {
		append(&m->roots, &m->last_root, t);
	} else if (t->is_thread) {
		append(&parent->threads, &parent->last_thread, t);
	} else {
		append(&parent->children, &parent->last_child, t);
	}
}

void model_set_comm(struct track *t, const char *comm)
{
	free(t->comm);
	t->comm = xstrdup(comm);
}

void model_set_argv(struct track *t, char *const *argv, int argc)
{
	/* a zombie's or a process's after it freed its arguments: keep the
	 * command line it had */
	if (argc == 0 && t->argc > 0)
		return;
	free_strv(t->argv, t->argc);
	t->argv = copy_strv(argv, argc);
	t->argc = argc;
}

static void add_cpu(struct track *t, int i, unsigned long long du, unsigned long long ds)
{
	struct cpu_point *p;

	if (!du && !ds)
		return;
	if (!t->npoints || t->points[t->npoints - 1].sample != i) {
		xgrow((void **)&t->points, &t->points_alloc, t->npoints + 1, sizeof(*t->points));
		p = &t->points[t->npoints++];
		p->sample = i;
		p->du = p->ds = 0;
	}
	p = &t->points[t->npoints - 1];
	p->du += (unsigned)du;
	p->ds += (unsigned)ds;
}

static unsigned long long diff(unsigned long long now, unsigned long long before)
{
	return now > before ? now - before : 0;
}

void model_update(struct model *m, struct track *t, const struct track_vals *v)
{
	int i = m->nsamples - 1;

	if (i < t->first)
		return;
	if (!t->updated) {
		/* a process born under monitoring used all its CPU since */
		if (t->preexisting)
			t->base = *v;
		else
			t->base.io_ok = v->io_ok;
		t->v = t->base;
		t->updated = true;
	}
	if (v->io_ok && !t->base.io_ok) {
		/* io readable for the first time: count from here */
		t->base.rchar = v->rchar;
		t->base.wchar = v->wchar;
		t->base.read_bytes = v->read_bytes;
		t->base.write_bytes = v->write_bytes;
		t->base.io_ok = 1;
	}
	add_cpu(t, i, diff(v->utime, t->v.utime), diff(v->stime, t->v.stime));
	t->v = *v;
	t->updated_at = i;
	if (v->rss_kb > t->rss_peak_kb)
		t->rss_peak_kb = v->rss_kb;
}

static void unhash(struct model *m, struct track *t)
{
	for (struct track **p = bucket(m, t->pid, t->is_thread); *p; p = &(*p)->hnext)
		if (*p == t) {
			*p = t->hnext;
			t->hnext = NULL;
			return;
		}
}

void model_exit(struct model *m, struct track *t, int status)
{
	struct sample *s = model_cur(m);

	if (t->exited)
		return;
	unhash(m, t);
	t->exited = true;
	t->status = status;
	t->death = s ? s->t : 0;
	t->ended_at = m->nsamples - 1;
	t->rate_r = t->rate_w = 0;
	if (t->is_thread)
		m->live_threads--;
	else
		m->live_procs--;
	model_io_ended(m, t);
}

static vt_us clamp(vt_us v, vt_us lo, vt_us hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* us * tps / US_PER_S exactly, split so that no product overflows for
 * any us >= 0 (an exit record's) and tps up to US_PER_S */
static unsigned long long us_ticks(const struct model *m, vt_us us)
{
	unsigned long long u = (unsigned long long)us, tps = (unsigned long long)m->tps;

	return u / US_PER_S * tps + u % US_PER_S * tps / US_PER_S;
}

void model_final(struct model *m, struct track *t, const struct track_final *f)
{
	struct track_vals v = t->v;
	int i = m->nsamples - 1;

	t->fin = *f;
	if (f->known & FINAL_CPU) {
		/* the ticks it used after its last sample go to this one */
		unsigned long long u = us_ticks(m, f->user_us), s = us_ticks(m, f->sys_us);

		add_cpu(t, i, diff(u, v.utime), diff(s, v.stime));
		v.utime = u > v.utime ? u : v.utime;
		v.stime = s > v.stime ? s : v.stime;
	}
	/* its I/O when the sample closes (final_io()) */
	t->v = v;
	if ((f->known & FINAL_RSS) && f->peak_rss_kb > t->rss_peak_kb)
		t->rss_peak_kb = f->peak_rss_kb;
	if (!t->exited || i < 0 || t->first != i)
		return;
	/* a life within one interval: when it began and ended, as told */
	if (f->known & FINAL_ENDED)
		t->death = clamp(f->ended, i ? m->samples[i - 1].t : 0, m->samples[i].t);
	if ((f->known & FINAL_BORN) && !t->preexisting)
		t->birth = clamp(f->born, i ? m->samples[i - 1].t : 0, t->death);
}

void model_end(struct model *m, vt_us t)
{
	m->end = t;
	m->ended = true;
	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->exited)
			m->tracks[i]->death = t;
}

unsigned long long track_user(const struct track *t)
{
	return diff(t->v.utime, t->base.utime);
}

unsigned long long track_sys(const struct track *t)
{
	return diff(t->v.stime, t->base.stime);
}

/* ticks * US_PER_S / tps exactly, split as us_ticks() is: within a vt_us
 * for ticks us_ticks() made, or up to 2^43 (record_read.c MAX_TICKS) */
static vt_us ticks_us(const struct model *m, unsigned long long ticks)
{
	unsigned long long tps = (unsigned long long)m->tps;

	return (vt_us)(ticks / tps * US_PER_S + ticks % tps * US_PER_S / tps);
}

vt_us track_user_us(const struct model *m, const struct track *t)
{
	if ((t->fin.known & FINAL_CPU) && !t->preexisting)
		return t->fin.user_us;
	return ticks_us(m, track_user(t));
}

vt_us track_sys_us(const struct model *m, const struct track *t)
{
	if ((t->fin.known & FINAL_CPU) && !t->preexisting)
		return t->fin.sys_us;
	return ticks_us(m, track_sys(t));
}

vt_us model_cpu(const struct model *m, vt_us *user, vt_us *sys)
{
	*user = *sys = 0;
	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread) {
			*user += track_user_us(m, m->tracks[i]);
			*sys += track_sys_us(m, m->tracks[i]);
		}
	return *user + *sys;
}

bool model_every_exit_told(const struct model *m)
{
	return !strcmp(m->events, "netlink") || !strcmp(m->events, "ptrace");
}

/* That of processes born and gone between two samples, and what the
 * others used after their last sample (only vmon's own children are read
 * as zombies): what exited processes were seen to use is taken away,
 * never below 0 (a zombie left unreaped at the end was seen, not reaped). */
vt_us model_unseen_cpu(const struct model *m)
{
	vt_us reaped = m->reaped_user + m->reaped_sys, exited = 0;

	if (!m->reaped_known)
		return 0;
	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread && m->tracks[i]->exited)
			exited += track_user_us(m, m->tracks[i]) + track_sys_us(m, m->tracks[i]);
	return reaped > exited ? reaped - exited : 0;
}

bool track_brief(const struct model *m, const struct track *t)
{
	return t->exited && !t->preexisting && model_sample_at(m, t->death) == t->first;
}

void track_cpu_range(const struct track *t, int from, int to,
		     unsigned long long *u, unsigned long long *s)
{
	int lo = 0, hi = t->npoints;

	*u = *s = 0;
	while (lo < hi) {	/* the first point at or after from */
		int mid = (lo + hi) / 2;

		if (t->points[mid].sample < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->npoints && t->points[lo].sample < to; lo++) {
		*u += t->points[lo].du;
		*s += t->points[lo].ds;
	}
}

int model_sample_at(const struct model *m, vt_us t)
{
	int lo = 0, hi = m->nsamples;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (m->samples[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One track whose threads or children are being listed (t NULL: the
 * roots).  The walk keeps its own stack of these rather than recursing: a
 * record's parent chain can be as deep as it has tracks. */
struct walk_frame {
	struct track *t;
	int at;			/* t's place in the list */
	bool below;		/* something under t is listed */
	bool children;		/* listing its children (else its threads) */
	struct track **v;	/* the siblings being listed, in order */
	int n, i;
};

struct tree_walk {
	struct track **out;
	int n, alloc;
	bool threads;
	int (*cmp)(const void *, const void *);
	track_filter keep;
	void *arg;
	struct walk_frame *stack;
	int depth, stack_alloc;	/* frames in use */
};

/* the list from head, in birth order or sorted, to be walked by f */
static void open_list(struct tree_walk *w, struct walk_frame *f, struct track *head)
{
	int n = 0;

	for (struct track *t = head; t; t = t->next)
		n++;
	f->v = xmalloc(n * sizeof(*f->v));
	f->n = n;
	f->i = 0;
	n = 0;
	for (struct track *t = head; t; t = t->next)
		f->v[n++] = t;
	if (w->cmp)
		qsort(f->v, f->n, sizeof(*f->v), w->cmp);
}

/* list t at the depth of the frames open, and open its frame */
static void enter(struct tree_walk *w, struct track *t)
{
	struct walk_frame *f;

	xgrow((void **)&w->out, &w->alloc, w->n + 1, sizeof(*w->out));
	t->depth = w->depth - 1;
	xgrow((void **)&w->stack, &w->stack_alloc, w->depth + 1, sizeof(*w->stack));
	f = &w->stack[w->depth++];
	f->t = t;
	f->at = w->n;
	f->below = false;
	f->children = !w->threads;
	w->out[w->n++] = t;
	open_list(w, f, f->children ? t->children : t->threads);
}

/* t's frame is done: it stays listed if something under it is, or keep
 * takes it (nothing under it is listed either way, then) */
static void leave(struct tree_walk *w)
{
	struct walk_frame *f = &w->stack[--w->depth];

	free(f->v);
	if (!f->t)
		return;
	if (f->below || !w->keep || w->keep(f->t, w->arg))
		w->stack[w->depth - 1].below = true;
	else
		w->n = f->at;
}

static void walk(struct tree_walk *w, struct track *roots)
{
	xgrow((void **)&w->stack, &w->stack_alloc, 1, sizeof(*w->stack));
	memset(w->stack, 0, sizeof(*w->stack));
	w->stack[0].children = true;
	w->depth = 1;
	open_list(w, &w->stack[0], roots);
	while (w->depth) {
		struct walk_frame *f = &w->stack[w->depth - 1];

		if (f->i < f->n) {
			enter(w, f->v[f->i++]);
		} else if (!f->children) {	/* its threads done: its children */
			free(f->v);
			f->children = true;
			open_list(w, f, f->t->children);
		} else {
			leave(w);
		}
	}
	free(w->stack);
}

int model_tree(struct model *m, struct track ***out, bool with_threads,
	       int (*cmp)(const void *, const void *), track_filter keep, void *arg)
{
	struct tree_walk w = { NULL, 0, 0, with_threads, cmp, keep, arg, NULL, 0, 0 };

	walk(&w, m->roots);
	*out = w.out;
	return w.n;
}
