/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model_io.c - each track's own I/O (model_io.h).  /proc/PID/io also
 * counts the final I/O of the children a process reaped (the kernel adds
 * it at the wait), which the tree counts already in those children: what
 * each child a process was seen to reap had counted is taken out of it
 * (its kids).  Exits and reaps are settled when a sample closes, children
 * before their parents (docs/vmon-io.md).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_io.h"

static unsigned long long diff(unsigned long long now, unsigned long long before)
{
	return now > before ? now - before : 0;
}

/* a + b, at most ULLONG_MAX: a crafted record's figures may be anything */
static unsigned long long sum(unsigned long long a, unsigned long long b)
{
	return a + b < a ? ULLONG_MAX : a + b;
}

bool track_io(const struct track *t, struct io_vals *own)
{
	memset(own, 0, sizeof(*own));
	if (!t->v.io_ok)
		return false;
	own->rchar = diff(t->v.rchar, sum(t->base.rchar, t->kids.rchar));
	own->wchar = diff(t->v.wchar, sum(t->base.wchar, t->kids.wchar));
	own->read_bytes = diff(t->v.read_bytes, sum(t->base.read_bytes, t->kids.read_bytes));
	own->write_bytes = diff(t->v.write_bytes, sum(t->base.write_bytes, t->kids.write_bytes));
	return true;
}

/* Bytes per second of its own I/O, smoothed over about a second, for a
 * track given figures in this sample and the one before.  What it is
 * seen to have done counts once: its own I/O dips for a sample when vmon
 * reads its io just before it reaps a child whose exit it then sees, and
 * the way back up is not new I/O. */
void model_io_rates(struct model *m, struct track *t)
{
	struct sample *s = model_cur(m);
	struct io_vals own, seen = t->own_seen;
	int i = m->nsamples - 1, before = t->seen_at;
	double dt, a;

	if (t->updated_at != i || !track_io(t, &own))
		return;
	t->seen_at = i;
	if (own.rchar > t->own_seen.rchar)
		t->own_seen.rchar = own.rchar;
	if (own.wchar > t->own_seen.wchar)
		t->own_seen.wchar = own.wchar;
	if (i < 1 || t->first == i || before != i - 1)
		return;
	dt = (s->t - m->samples[m->nsamples - 2].t) / 1e6;
	if (dt <= 0)
		return;
	a = dt >= 1 ? 1 : dt;
	t->rate_r += a * (diff(own.rchar, seen.rchar) / dt - t->rate_r);
	t->rate_w += a * (diff(own.wchar, seen.wchar) / dt - t->rate_w);
}

void model_io_ended(struct model *m, struct track *t)
{
	xgrow((void **)&m->ends, &m->ends_alloc, m->nends + 1, sizeof(*m->ends));
	m->ends[m->nends++] = t;
}

void model_reaped(struct model *m, struct track *t)
{
	if (t->reaped || t->is_thread)
		return;
	t->reaped = true;
	model_io_ended(m, t);
}

/* The I/O of its exit record, as /proc/PID/io would have said it at the
 * end (the children it reaped included), when that is more than its last
 * sample saw: it did some after, or no sample saw it at all. */
static void final_io(struct track *t)
{
	const struct track_final *f = &t->fin;
	struct track_vals *v = &t->v;
	struct io_vals x = { f->rchar, f->wchar, f->read_bytes, f->write_bytes };

	if (!(f->known & FINAL_IO) || (!v->io_ok && t->preexisting))
		return;
	if (f->known & FINAL_IO_OWN) {
		x.rchar = sum(x.rchar, t->kids.rchar);
		x.wchar = sum(x.wchar, t->kids.wchar);
		x.read_bytes = sum(x.read_bytes, t->kids.read_bytes);
		x.write_bytes = sum(x.write_bytes, t->kids.write_bytes);
	}
	v->rchar = x.rchar > v->rchar ? x.rchar : v->rchar;
	v->wchar = x.wchar > v->wchar ? x.wchar : v->wchar;
	v->read_bytes = x.read_bytes > v->read_bytes ? x.read_bytes : v->read_bytes;
	v->write_bytes = x.write_bytes > v->write_bytes ? x.write_bytes : v->write_bytes;
	v->io_ok = 1;
}

/* Who reaped t: its parent when last seen, alive then (or ended in this
 * very sample, after the reap).  Not vmon, which is no track: what vmon
 * reaps is counted once already. */
static struct track *reaper(struct model *m, const struct track *t)
{
	int ppid = t->v.ppid ? t->v.ppid : t->ppid;
	struct track *r = t->parent && !t->parent->is_thread && t->parent->pid == ppid
			  ? t->parent : model_find(m, ppid, false);

	if (!r || r == t || (r->exited && r->ended_at != m->nsamples - 1))
		return NULL;
	return r;
}

static void credit(struct model *m, struct track *t)
{
	struct track *r = reaper(m, t);

	t->credited = true;
	/* the reaper's io counts it from the reap on, when it is read */
	if (!r || !t->v.io_ok || !r->base.io_ok)
		return;
	r->kids.rchar = sum(r->kids.rchar, t->v.rchar);
	r->kids.wchar = sum(r->kids.wchar, t->v.wchar);
	r->kids.read_bytes = sum(r->kids.read_bytes, t->v.read_bytes);
	r->kids.write_bytes = sum(r->kids.write_bytes, t->v.write_bytes);
	if (!m->reaps_seen || !r->reaped || r->ended_at != m->nsamples - 1)
		return;
	/* The reaper is gone too, and was last read before this reap: its
	 * io grew by t's, as the kernel added it, which its own reaper's
	 * io counts in turn.  (Its exit record, read after, may say more.) */
	r->v.rchar = sum(r->v.rchar, t->v.rchar);
	r->v.wchar = sum(r->v.wchar, t->v.wchar);
	r->v.read_bytes = sum(r->v.read_bytes, t->v.read_bytes);
	r->v.write_bytes = sum(r->v.write_bytes, t->v.write_bytes);
}

/* deepest first: a child's reap is credited to its parent before the
 * parent's own end is settled, which may count it (FINAL_IO_OWN) */
static int deepest_first(const void *a, const void *b)
{
	const struct track *x = *(const struct track *const *)a;
	const struct track *y = *(const struct track *const *)b;

	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return x->id - y->id;
}

/* The exits and reaps of the open sample, in an order that does not
 * depend on the order they were told in: live and replay agree. */
void model_io_settle(struct model *m)
{
	if (!m->nends)
		return;
	qsort(m->ends, m->nends, sizeof(*m->ends), deepest_first);
	for (int k = 0; k < m->nends; k++) {
		struct track *t = m->ends[k];

		if (t->exited && !t->io_settled) {
			t->io_settled = true;
			final_io(t);
		}
		if (t->reaped && t->exited && !t->credited)
			credit(m, t);
	}
	m->nends = 0;
}
