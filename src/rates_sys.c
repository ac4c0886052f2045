/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rates_sys.c - vmon_sys_rates_update(): CPU states in percent (the whole
 * machine and each CPU), context switches, forks and interrupts per second
 * from /proc/stat, page faults and swapping per second from /proc/vmstat,
 * over two consecutive samples.
 *
 * CPU percentages are shares of the ticks that passed (user + nice +
 * system + idle + iowait + irq + softirq + steal; guest and guest_nice are
 * already inside user and nice), as top and htop compute them, so no clock
 * is involved and they always add up to 100.  Counters that go backwards
 * (iowait may, idle does when NO_HZ accounting switches, a hypervisor's
 * steal, docs/design/kernel.md E1) are clamped to 0 and flagged.  Per-CPU
 * figures follow the CPU id, as vmon_sys_stat_t.cpus[] does: a CPU offline
 * has no value, and one back online has none until its second sample.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define VMON__CPU_COLS VMON_SYS_CPU_NR	/* user ... guest_nice */

struct cpu_prev {
	int have;
	unsigned long long v[VMON__CPU_COLS];
};

struct vmon_sys_rates_prev {
	int generation;
	unsigned long long ns;
	struct cpu_prev all;
	struct cpu_prev *cpus;
	int cpus_nr;
	int have_stat, have_vmstat;
	unsigned long long ctxt, forks, intr, pgfault, pgmajfault, pswpin, pswpout;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The ten columns of a CPU row (info: sys_cpu's, or sys_stat's from its
 * first row, whose first ten rows are the aggregate row's columns). */
static void cpu_row(const vmon_store_info_t *info, int first, const void *row,
		    unsigned long long *v)
{
	for (int k = 0; k < VMON__CPU_COLS; k++)
		v[k] = *(const unsigned long long *)((const char *)row +
						      info->fields[first + k].offset);
}

static void cpu_none(vmon_cpu_rates_t *c)
{
	vmon_rate_t *all[] = { &c->user, &c->nice, &c->system, &c->idle, &c->iowait, &c->irq,
			       &c->softirq, &c->steal, &c->guest, &c->guest_nice, &c->busy };

	for (size_t i = 0; i < VMON__ARRAY_SIZE(all); i++)
		*all[i] = (vmon_rate_t){ 0, VMON_RATE_NONE };
}

/* Percentages of one CPU (or all) from its previous and current counters. */
static void cpu_rates(vmon_cpu_rates_t *c, const struct cpu_prev *prev,
		      const unsigned long long *cur)
{
	vmon_rate_t *out[VMON__CPU_COLS] = { &c->user, &c->nice, &c->system, &c->idle,
		&c->iowait, &c->irq, &c->softirq, &c->steal, &c->guest, &c->guest_nice };
	unsigned long long d[VMON__CPU_COLS], total = 0;
	bool back[VMON__CPU_COLS];

	cpu_none(c);
	if (!prev->have)
		return;
	for (int k = 0; k < VMON__CPU_COLS; k++) {
		back[k] = cur[k] < prev->v[k];
		d[k] = back[k] ? 0 : cur[k] - prev->v[k];
		if (k <= VMON_SYS_CPU_STEAL)
			total += d[k];
	}
	if (!total)
		return;		/* no tick passed: no value yet */
	for (int k = 0; k < VMON__CPU_COLS; k++)
		*out[k] = (vmon_rate_t){ 100.0 * (double)d[k] / (double)total,
					 back[k] ? VMON_RATE_CLAMPED : VMON_RATE_OK };
	c->busy.value = 100.0 - c->idle.value - c->iowait.value;
	c->busy.status = back[VMON_SYS_CPU_IDLE] || back[VMON_SYS_CPU_IOWAIT] ?
			 VMON_RATE_CLAMPED : VMON_RATE_OK;
	if (c->busy.value < 0)
		c->busy.value = 0;
}

/* Size the per-CPU arrays to nr rows (new rows: no previous counters). */
static int cpus_resize(vmon_sys_rates_t *r, int nr)
{
	struct vmon_sys_rates_prev *p = r->prev;
	vmon_cpu_rates_t *c;
	struct cpu_prev *pc;

	if (nr <= r->cpus_nr)
		return 0;
	c = vmon__realloc(r->cpus, (size_t)nr * sizeof(*c));
	if (!c)
		return -ENOMEM;
	r->cpus = c;
	pc = vmon__realloc(p->cpus, (size_t)nr * sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	p->cpus = pc;
	for (int i = r->cpus_nr; i < nr; i++) {
		cpu_none(&r->cpus[i]);
		p->cpus[i].have = 0;
	}
	r->cpus_nr = p->cpus_nr = nr;
	return 0;
}

/* A counter per second; *prev takes the current value. */
static void counter(vmon_rate_t *r, bool have, unsigned long long *prev,
		    unsigned long long cur, double per_s)
{
	if (!have)
		*r = (vmon_rate_t){ 0, VMON_RATE_NONE };
	else if (cur < *prev)
		*r = (vmon_rate_t){ 0, VMON_RATE_CLAMPED };
	else
		*r = (vmon_rate_t){ (double)(cur - *prev) * per_s, VMON_RATE_OK };
	*prev = cur;
}

static bool all_available(const char *unavailable, const int *syms, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (BITTEST(unavailable, syms[i]))
			return false;
	return true;
}

/* Every CPU row of st; -ENOMEM when the per-CPU arrays cannot grow. */
static int per_cpu_rates(vmon_sys_rates_t *r, const vmon_sys_stat_t *st)
{
	struct vmon_sys_rates_prev *p = r->prev;
	unsigned long long cur[VMON__CPU_COLS];

	if (cpus_resize(r, st->cpus_nr) < 0)
		return -ENOMEM;
	for (int i = 0; i < st->cpus_nr; i++) {
		if (!st->cpus[i].online) {
			cpu_none(&r->cpus[i]);
			p->cpus[i].have = 0;
			continue;
		}
		cpu_row(&vmon__sys_cpu_info, VMON_SYS_CPU_USER, &st->cpus[i], cur);
		cpu_rates(&r->cpus[i], &p->cpus[i], cur);
		memcpy(p->cpus[i].v, cur, sizeof(cur));
		p->cpus[i].have = 1;
	}
	return 0;
}

static int stat_rates(vmon_sys_rates_t *r, const vmon_sys_stat_t *st, bool have_time,
		      double per_s)
{
	static const int syms[] = { VMON_SYS_STAT_CPU_USER, VMON_SYS_STAT_CTXT,
				    VMON_SYS_STAT_FORKS, VMON_SYS_STAT_INTR };
	struct vmon_sys_rates_prev *p = r->prev;
	bool ok = st && all_available(st->unavailable, syms, VMON__ARRAY_SIZE(syms));
	unsigned long long cur[VMON__CPU_COLS];

	cpu_none(&r->cpu);
	if (!ok) {
		r->ctxt = r->forks = r->intr = (vmon_rate_t){ 0, VMON_RATE_NONE };
		p->all.have = p->have_stat = 0;
		return 0;
	}
	cpu_row(&vmon__sys_stat_info, VMON_SYS_STAT_CPU_USER, st, cur);
	cpu_rates(&r->cpu, &p->all, cur);
	memcpy(p->all.v, cur, sizeof(cur));
	p->all.have = 1;
	have_time = have_time && p->have_stat;
	counter(&r->ctxt, have_time, &p->ctxt, st->ctxt, per_s);
	counter(&r->forks, have_time, &p->forks, st->forks, per_s);
	counter(&r->intr, have_time, &p->intr, st->intr, per_s);
	p->have_stat = 1;
	return per_cpu_rates(r, st);
}

static void vmstat_rates(vmon_sys_rates_t *r, const vmon_sys_vmstat_t *vs, bool have_time,
			 double per_s)
{
	static const int syms[] = { VMON_SYS_VMSTAT_PGFAULT, VMON_SYS_VMSTAT_PGMAJFAULT,
				    VMON_SYS_VMSTAT_PSWPIN, VMON_SYS_VMSTAT_PSWPOUT };
	struct vmon_sys_rates_prev *p = r->prev;

	if (!vs || !all_available(vs->unavailable, syms, VMON__ARRAY_SIZE(syms))) {
		r->pgfault = r->pgmajfault = r->pswpin = r->pswpout =
			(vmon_rate_t){ 0, VMON_RATE_NONE };
		p->have_vmstat = 0;
		return;
	}
	have_time = have_time && p->have_vmstat;
	counter(&r->pgfault, have_time, &p->pgfault, vs->pgfault, per_s);
	counter(&r->pgmajfault, have_time, &p->pgmajfault, vs->pgmajfault, per_s);
	counter(&r->pswpin, have_time, &p->pswpin, vs->pswpin, per_s);
	counter(&r->pswpout, have_time, &p->pswpout, vs->pswpout, per_s);
	p->have_vmstat = 1;
}

VMON_EXPORT int vmon_sys_rates_update(vmon_t *vmon, vmon_sys_rates_t *r)
{
	unsigned long long now;
	double dt;
	int err;

	if (!vmon || !vmon->internal || !r) {
		errno = EINVAL;
		return 0;
	}
	if (!r->prev && !(r->prev = vmon__calloc(1, sizeof(*r->prev)))) {
		errno = ENOMEM;
		return 0;
	}
	if (r->prev->generation == vmon->generation)
		return 1;	/* no sample since the last call */
	now = now_ns();
	dt = r->prev->ns ? (double)(now - r->prev->ns) / 1e9 : 0;
	err = stat_rates(r, vmon->stores[VMON_STORE_SYS_STAT], dt > 0, dt > 0 ? 1 / dt : 0);
	vmstat_rates(r, vmon->stores[VMON_STORE_SYS_VMSTAT], dt > 0, dt > 0 ? 1 / dt : 0);
	r->prev->generation = vmon->generation;
	r->prev->ns = now;
	if (err < 0) {
		errno = -err;
		return 0;
	}
	return 1;
}

VMON_EXPORT void vmon_sys_rates_free(vmon_sys_rates_t *r)
{
	if (!r)
		return;
	if (r->prev)
		vmon__free(r->prev->cpus);
	vmon__free(r->prev);
	vmon__free(r->cpus);
	memset(r, 0, sizeof(*r));
}
