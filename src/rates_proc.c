/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rates_proc.c - vmon_proc_rates_update(): CPU percent, faults and I/O
 * bytes per second of a node, from its stores at two consecutive samples.
 *
 * The pitfalls it exists to get right once: the first sample has no rate
 * (NONE, not a misleading 0); a pid reused by another process (start time
 * differs) starts over instead of yielding a huge or negative delta; a
 * counter that goes backwards is clamped to 0 and flagged CLAMPED; and two
 * calls without a sample between them change nothing.  Time between
 * samples is CLOCK_MONOTONIC at each call.
 */
#include <errno.h>
#include <time.h>

#include "internal.h"

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* cur - prev times scale, clamped at 0 when the counter went backwards */
static void rate_set(vmon_rate_t *r, bool have, unsigned long long prev,
		     unsigned long long cur, double scale)
{
	if (!have) {
		*r = (vmon_rate_t){ 0, VMON_RATE_NONE };
	} else if (cur < prev) {
		*r = (vmon_rate_t){ 0, VMON_RATE_CLAMPED };
	} else {
		*r = (vmon_rate_t){ (double)(cur - prev) * scale, VMON_RATE_OK };
	}
}

/* a and b added: NONE if either is, CLAMPED if either is */
static vmon_rate_t rate_sum(vmon_rate_t a, vmon_rate_t b)
{
	vmon_rate_status_t s = VMON_RATE_OK;

	if (a.status == VMON_RATE_NONE || b.status == VMON_RATE_NONE)
		return (vmon_rate_t){ 0, VMON_RATE_NONE };
	if (a.status == VMON_RATE_CLAMPED || b.status == VMON_RATE_CLAMPED)
		s = VMON_RATE_CLAMPED;
	return (vmon_rate_t){ a.value + b.value, s };
}

static unsigned long long nonneg(long long v)
{
	return v < 0 ? 0 : (unsigned long long)v;
}

static bool stat_usable(const vmon_proc_stat_t *st)
{
	static const int syms[] = { VMON_PROC_STAT_UTIME, VMON_PROC_STAT_STIME,
		VMON_PROC_STAT_CUTIME, VMON_PROC_STAT_CSTIME, VMON_PROC_STAT_MINFLT,
		VMON_PROC_STAT_MAJFLT, VMON_PROC_STAT_START };

	if (!st)
		return false;
	for (size_t i = 0; i < VMON__ARRAY_SIZE(syms); i++)
		if (BITTEST(st->unavailable, syms[i]))
			return false;
	return true;
}

static void stat_rates(vmon_proc_rates_t *r, const vmon_proc_stat_t *st, bool have,
		       double tick_pct, double per_s)
{
	vmon_rate_t cu, cs;

	rate_set(&r->cpu_user, have, r->prev.utime, st->utime, tick_pct);
	rate_set(&r->cpu_system, have, r->prev.stime, st->stime, tick_pct);
	r->cpu_total = rate_sum(r->cpu_user, r->cpu_system);
	rate_set(&cu, have, r->prev.cutime, nonneg(st->cutime), tick_pct);
	rate_set(&cs, have, r->prev.cstime, nonneg(st->cstime), tick_pct);
	r->cpu_children = rate_sum(cu, cs);
	rate_set(&r->minflt, have, r->prev.minflt, st->minflt, per_s);
	rate_set(&r->majflt, have, r->prev.majflt, st->majflt, per_s);
	r->prev.utime = st->utime;
	r->prev.stime = st->stime;
	r->prev.cutime = nonneg(st->cutime);
	r->prev.cstime = nonneg(st->cstime);
	r->prev.minflt = st->minflt;
	r->prev.majflt = st->majflt;
	r->prev.start = st->start;
}

static void io_rates(vmon_proc_rates_t *r, const vmon_proc_io_t *io, bool have, double per_s)
{
	rate_set(&r->read_bytes, have, r->prev.read_bytes, io->read_bytes, per_s);
	rate_set(&r->write_bytes, have, r->prev.write_bytes, io->write_bytes, per_s);
	rate_set(&r->rchars, have, r->prev.rchars, io->rchars, per_s);
	rate_set(&r->wchars, have, r->prev.wchars, io->wchars, per_s);
	r->prev.read_bytes = io->read_bytes;
	r->prev.write_bytes = io->write_bytes;
	r->prev.rchars = io->rchars;
	r->prev.wchars = io->wchars;
}

/* every rate NONE, until this sample says otherwise */
static void rates_none(vmon_proc_rates_t *r)
{
	vmon_rate_t *all[] = { &r->cpu_user, &r->cpu_system, &r->cpu_total, &r->cpu_children,
			       &r->minflt, &r->majflt, &r->read_bytes, &r->write_bytes,
			       &r->rchars, &r->wchars };

	for (size_t i = 0; i < VMON__ARRAY_SIZE(all); i++)
		*all[i] = (vmon_rate_t){ 0, VMON_RATE_NONE };
}

VMON_EXPORT int vmon_proc_rates_update(vmon_t *vmon, vmon_proc_t *proc, vmon_proc_rates_t *r)
{
	const vmon_proc_stat_t *st;
	const vmon_proc_io_t *io;
	unsigned long long now;
	bool same, stat_ok, io_ok;
	double dt;

	if (!vmon || !vmon->internal || !proc || !r || vmon->ticks_per_sec <= 0) {
		errno = EINVAL;
		return 0;
	}
	if (r->prev.pid == proc->pid && r->prev.generation == proc->generation)
		return 1;	/* not sampled since the last call */
	st = proc->stores[VMON_STORE_PROC_STAT];
	io = proc->stores[VMON_STORE_PROC_IO];
	stat_ok = stat_usable(st);
	io_ok = io && !vmon__bits_any(io->unavailable, VMON_PROC_IO_NR);
	now = now_ns();
	dt = (double)(now - r->prev.ns) / 1e9;
	same = r->prev.pid == proc->pid && r->prev.generation && dt > 0 &&
	       (!stat_ok || !r->prev.stat || st->start == r->prev.start);
	rates_none(r);
	if (stat_ok)
		stat_rates(r, st, same && r->prev.stat, 100.0 / ((double)vmon->ticks_per_sec * dt),
			   1.0 / dt);
	if (io_ok)
		io_rates(r, io, same && r->prev.io, 1.0 / dt);
	r->prev.stat = stat_ok;
	r->prev.io = io_ok;
	r->prev.pid = proc->pid;
	r->prev.generation = proc->generation;
	r->prev.ns = now;
	return 1;
}
