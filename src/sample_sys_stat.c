/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_stat.c - VMON_WANT_SYS_STAT: /proc/stat (proc_stat(5)).
 *
 * Lines are recognised by their first word, never by position: "cpu" (the
 * aggregate, first occurrence only), "cpuN" (one row per online CPU, kept
 * by id in cpus[] so a hot-unplugged CPU leaves a gap instead of shifting
 * the others), "intr" (its first number, the total), "softirq" (the total
 * and each kind), and the single-number lines ctxt, btime, processes,
 * procs_running and procs_blocked.  Rows with fewer columns (old kernels)
 * leave the missing ones unavailable; unknown lines are skipped; of a line
 * repeated (lxcfs has printed two "cpu" lines) the first one counts.
 * boottime, the original's field, is no line of the file: it is read from
 * CLOCK_BOOTTIME at every sample.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_cpu_t
static const vmon_field_t sys_cpu_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_cpu.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_cpu_info, "sys_cpu", "/proc/stat cpuN", vmon_sys_cpu_t, sys_cpu_fields,
		 VMON_SYS_CPU_NR);

#define VMON__STORE_TYPE vmon_sys_stat_t
static const vmon_field_t sys_stat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_stat.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_stat_info, "sys_stat", "/proc/stat", vmon_sys_stat_t, sys_stat_fields,
		 VMON_SYS_STAT_NR);

/* CPU ids above this are taken as garbage, not as a reason to allocate */
#define VMON__CPU_ID_MAX 65535

struct sys_stat_state {
	vmon_sys_stat_t pub;
	struct vmon__file_store fs;
	bool parsed;		/* during a sample: the file was parsed */
};

static bool word_is(const char *w, const char *w_end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(w_end - w) == n && !memcmp(w, s, n);
}

/* the row of CPU id, growing cpus[] (new rows zeroed); NULL on ENOMEM */
static vmon_sys_cpu_t *cpu_row(vmon_sys_stat_t *st, int id)
{
	if (id >= st->cpus_nr) {
		vmon_sys_cpu_t *p = vmon__realloc(st->cpus, (size_t)(id + 1) * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + st->cpus_nr, 0, (size_t)(id + 1 - st->cpus_nr) * sizeof(*p));
		for (int i = st->cpus_nr; i <= id; i++) {
			/* a row seen for the first time has changed everywhere */
			vmon__bits_fill(p[i].changed, VMON_SYS_CPU_NR);
			vmon__bits_fill(p[i].unavailable, VMON_SYS_CPU_NR);
		}
		st->cpus = p;
		st->cpus_nr = id + 1;
	}
	return &st->cpus[id];
}

/* "cpuN ..." with N all digits: N, else -1 */
static int cpu_id(const char *w, const char *w_end)
{
	const char *p = w + 3;
	unsigned long long id;

	if (w_end - w < 4 || memcmp(w, "cpu", 3) ||
	    vmon__parse_ull(&p, w_end, &id) < 0 || p != w_end || id > VMON__CPU_ID_MAX)
		return -1;
	return (int)id;
}

static int parse_cpu_line(vmon_sys_stat_t *st, int id, const char *p, const char *eol)
{
	vmon_sys_cpu_t *row = cpu_row(st, id);

	if (!row)
		return -ENOMEM;
	if (row->online)	/* a duplicated row: the first one counts */
		return 0;
	row->online = 1;
	vmon__parse_columns(&vmon__sys_cpu_info, 0, VMON_SYS_CPU_NR, row,
			    row->changed, row->unavailable, p, eol);
	return 0;
}

/* the field whose source is the word, among the single-number lines */
static const vmon_field_t *keyed_field(const char *w, const char *w_end)
{
	for (int i = VMON_SYS_STAT_CTXT; i <= VMON_SYS_STAT_N_BLOCKED; i++)
		if (word_is(w, w_end, vmon__sys_stat_info.fields[i].source))
			return &vmon__sys_stat_info.fields[i];
	return NULL;
}

/* Parse fields first .. first + nr - 1 from a line, unless a line of the
 * same kind came before: a repeated line is ignored, the first one counts,
 * so the same bytes always give the same values and no false change. */
static void parse_once(vmon_sys_stat_t *st, char *met, int first, int nr,
		       const char *p, const char *eol)
{
	if (BITTEST(met, first))
		return;
	BITSET(met, first);
	vmon__parse_columns(&vmon__sys_stat_info, first, nr, st, st->changed,
			    st->unavailable, p, eol);
}

static int parse_line(vmon_sys_stat_t *st, const char *p, const char *eol, char *met)
{
	const char *w_end, *w = vmon__next_token(&p, eol, &w_end);
	const vmon_field_t *f;
	int id;

	if (!w)
		return 0;
	if (word_is(w, w_end, "cpu")) {
		parse_once(st, met, VMON_SYS_STAT_CPU_USER, VMON_SYS_CPU_NR, p, eol);
	} else if ((id = cpu_id(w, w_end)) >= 0) {
		return parse_cpu_line(st, id, p, eol);
	} else if (word_is(w, w_end, "intr")) {
		parse_once(st, met, VMON_SYS_STAT_INTR, 1, p, eol);
	} else if (word_is(w, w_end, "softirq")) {
		parse_once(st, met, VMON_SYS_STAT_SOFTIRQ_TOTAL,
			   VMON_SYS_STAT_SOFTIRQ_RCU - VMON_SYS_STAT_SOFTIRQ_TOTAL + 1, p, eol);
	} else if ((f = keyed_field(w, w_end))) {
		parse_once(st, met, f->sym, 1, p, eol);
	}
	return 0;
}

int vmon__parse_sys_stat(vmon_sys_stat_t *st, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char met[BITNSLOTS(VMON_SYS_STAT_NR)] = { 0 };	/* kinds of line met */
	int err = 0;

	memset(st->changed, 0, sizeof(st->changed));
	/* what no line sets stays unavailable */
	vmon__bits_fill(st->unavailable, VMON_SYS_STAT_NR);
	for (int i = 0; i < st->cpus_nr; i++) {
		memset(st->cpus[i].changed, 0, sizeof(st->cpus[i].changed));
		st->cpus[i].online = 0;
	}
	while (p < end && !err) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		err = parse_line(st, p, eol, met);
		p = eol + 1;
	}
	for (int i = 0; i < st->cpus_nr; i++)
		if (!st->cpus[i].online)
			vmon__bits_fill(st->cpus[i].unavailable, VMON_SYS_CPU_NR);
	return err;
}

static int parse(void *store, const char *buf, size_t len)
{
	((struct sys_stat_state *)store)->parsed = true;
	return vmon__parse_sys_stat(store, buf, len);
}

/* The file could not be read: the per-CPU rows are as unknown as the rest
 * (vmon__sample_file() marks the store's own fields only), so none may
 * still say online with available fields. */
static void rows_unavailable(vmon_sys_stat_t *st)
{
	for (int i = 0; i < st->cpus_nr; i++) {
		st->cpus[i].online = 0;
		memset(st->cpus[i].changed, 0, sizeof(st->cpus[i].changed));
		vmon__bits_fill(st->cpus[i].unavailable, VMON_SYS_CPU_NR);
	}
}

/* Not parsed and every field unavailable: the read failed (a file read the
 * same as last time is not parsed either, but keeps its fields). */
static bool read_failed(const struct sys_stat_state *s)
{
	if (s->parsed)
		return false;
	for (int i = 0; i < VMON_SYS_STAT_NR; i++)
		if (!BITTEST(s->pub.unavailable, i))
			return false;
	return true;
}

static void sys_stat_init(void *state)
{
	vmon__file_init(&((struct sys_stat_state *)state)->fs.file);
}

static bool cpus_changed(const vmon_sys_stat_t *st)
{
	for (int i = 0; i < st->cpus_nr; i++)
		if (vmon__bits_any(st->cpus[i].changed, VMON_SYS_CPU_NR))
			return true;
	return false;
}

/* boottime: the time since boot, suspend included, in ticks, as the
 * original computed it (CLOCK_BOOTTIME, not a line of the file).  Its
 * difference with a process's start (field 22, ticks since boot) is the
 * process's age. */
static void sample_boottime(vmon_t *vmon, vmon_sys_stat_t *st)
{
	const vmon_field_t *f = &vmon__sys_stat_info.fields[VMON_SYS_STAT_BOOTTIME];
	unsigned long long tps = vmon->ticks_per_sec > 0 ? (unsigned long long)vmon->ticks_per_sec : 100;
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0) {
		BITSET(st->unavailable, VMON_SYS_STAT_BOOTTIME);
		return;
	}
	vmon__field_set_ull(f, st, st->changed, st->unavailable,
			    (unsigned long long)ts.tv_sec * tps +
			    (unsigned long long)ts.tv_nsec * tps / 1000000000ull);
}

static enum vmon__outcome sys_stat_sample(vmon_t *vmon, void *state)
{
	struct sys_stat_state *s = state;
	enum vmon__outcome o;

	/* a file read the same is not parsed again: no row changed then */
	for (int i = 0; i < s->pub.cpus_nr; i++)
		memset(s->pub.cpus[i].changed, 0, sizeof(s->pub.cpus[i].changed));
	s->parsed = false;
	o = vmon__sample_file(vmon, vmon->internal->proc_fd, "stat", &s->fs,
			      &vmon__sys_stat_info, &s->pub, parse);
	if (read_failed(s))
		rows_unavailable(&s->pub);
	sample_boottime(vmon, &s->pub);
	if (o == VMON__UNCHANGED && (cpus_changed(&s->pub) ||
				     BITTEST(s->pub.changed, VMON_SYS_STAT_BOOTTIME)))
		o = VMON__CHANGED;
	return o;
}

static void sys_stat_close(vmon_t *vmon, void *state)
{
	struct sys_stat_state *s = state;

	(void)vmon;
	vmon__file_close(&s->fs.file);
	vmon__free(s->pub.cpus);
	s->pub.cpus = NULL;
	s->pub.cpus_nr = 0;
}

VMON__SYS_SAMPLER(vmon__sampler_sys_stat, vmon__sys_stat_info, struct sys_stat_state, sys_stat_init,
		  sys_stat_sample, sys_stat_close);
