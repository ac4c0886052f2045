/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_pressure.c - VMON_WANT_SYS_PRESSURE_CPU, _MEMORY and _IO:
 * /proc/pressure/{cpu,memory,io}, pressure stall information (4.20+,
 * Documentation/accounting/psi.rst):
 *
 *   some avg10=0.92 avg60=0.85 avg300=2.70 total=100774678
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * One parser and one table (sys_pressure.def) serve the three wants, each
 * of which reads its own file, so a caller pays only for the resources it
 * asks for.  Lines and keys are found by name; the averages are kept
 * exactly in hundredths.  Without PSI (an older kernel, CONFIG_PSI off, or
 * psi=0 on the command line) the file is missing or refuses reads: every
 * field is unavailable, and the open is retried after the back-off.
 */
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_pressure_t
static const vmon_field_t sys_pressure_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_pressure.def"
};
#undef VMON__STORE_TYPE

VMON__STORE_INFO(vmon__sys_pressure_cpu_info, "sys_pressure_cpu", "/proc/pressure/cpu",
		 vmon_sys_pressure_t, sys_pressure_fields, VMON_SYS_PRESSURE_NR);

VMON__STORE_INFO(vmon__sys_pressure_memory_info, "sys_pressure_memory", "/proc/pressure/memory",
		 vmon_sys_pressure_t, sys_pressure_fields, VMON_SYS_PRESSURE_NR);

VMON__STORE_INFO(vmon__sys_pressure_io_info, "sys_pressure_io", "/proc/pressure/io",
		 vmon_sys_pressure_t, sys_pressure_fields, VMON_SYS_PRESSURE_NR);

/* the three stores share one table: any of their infos has its rows */
#define PSI_INFO (&vmon__sys_pressure_cpu_info)

struct sys_pressure_state {
	vmon_sys_pressure_t pub;
	struct vmon__file_store fs;
};

/* the row of key[0 .. len) among the rows of one line, from first */
static const vmon_field_t *line_row(const vmon_field_t *first, const char *key, size_t len)
{
	const char *line_src = first->source;
	size_t line_len = strchr(line_src, '.') - line_src;

	for (int sym = first->sym; sym < PSI_INFO->fields_nr; sym++) {
		const char *src = PSI_INFO->fields[sym].source;

		if (strncmp(src, line_src, line_len + 1))
			break;	/* past the line's rows */
		if (strlen(src + line_len + 1) == len && !memcmp(src + line_len + 1, key, len))
			return &PSI_INFO->fields[sym];
	}
	return NULL;
}

/* One "key=value" token of the line whose first row is first. */
static void parse_pair(vmon_sys_pressure_t *ps, const vmon_field_t *first, const char *t,
		       const char *t_end, char *seen)
{
	const char *eq = memchr(t, '=', t_end - t), *v;
	const vmon_field_t *f;
	unsigned long long x;

	if (!eq || !(f = line_row(first, t, eq - t)) || BITTEST(seen, f->sym))
		return;
	BITSET(seen, f->sym);
	v = eq + 1;
	if (strncmp(t, "avg", 3)) {
		vmon__field_parse(f, ps, ps->changed, ps->unavailable, v, t_end);
	} else if (vmon__parse_x100(&v, t_end, &x) == 0 && v == t_end) {
		vmon__field_set_ull(f, ps, ps->changed, ps->unavailable, x);
	} else {
		BITSET(ps->unavailable, f->sym);
	}
}

int vmon__parse_sys_pressure(vmon_sys_pressure_t *ps, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char seen[BITNSLOTS(VMON_SYS_PRESSURE_NR)] = { 0 };
	int hint = 0;

	memset(ps->changed, 0, sizeof(ps->changed));
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *w, *w_end, *t, *t_end;
		const vmon_field_t *first;

		if (!eol)
			eol = end;
		w = vmon__next_token(&p, eol, &w_end);
		first = w ? vmon__field_by_key(PSI_INFO, &hint, w, w_end - w) : NULL;
		while (first && (t = vmon__next_token(&p, eol, &t_end)))
			parse_pair(ps, first, t, t_end, seen);
		p = eol + 1;
	}
	for (int sym = 0; sym < VMON_SYS_PRESSURE_NR; sym++)
		if (!BITTEST(seen, sym))
			BITSET(ps->unavailable, sym);
	return 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_sys_pressure(store, buf, len);
}

static void sys_pressure_init(void *state)
{
	vmon__file_init(&((struct sys_pressure_state *)state)->fs.file);
}

static enum vmon__outcome sample(vmon_t *vmon, void *state, const char *name,
				 const vmon_store_info_t *info)
{
	struct sys_pressure_state *s = state;

	return vmon__sample_file(vmon, vmon->internal->proc_fd, name, &s->fs, info, &s->pub,
				 parse);
}

static enum vmon__outcome sys_pressure_cpu_sample(vmon_t *vmon, void *state)
{
	return sample(vmon, state, "pressure/cpu", &vmon__sys_pressure_cpu_info);
}

static enum vmon__outcome sys_pressure_memory_sample(vmon_t *vmon, void *state)
{
	return sample(vmon, state, "pressure/memory", &vmon__sys_pressure_memory_info);
}

static enum vmon__outcome sys_pressure_io_sample(vmon_t *vmon, void *state)
{
	return sample(vmon, state, "pressure/io", &vmon__sys_pressure_io_info);
}

static void sys_pressure_close(vmon_t *vmon, void *state)
{
	(void)vmon;
	vmon__file_close(&((struct sys_pressure_state *)state)->fs.file);
}

#define PSI_SAMPLER(_res) \
	VMON__SYS_SAMPLER(vmon__sampler_sys_pressure_ ## _res, \
			  vmon__sys_pressure_ ## _res ## _info, struct sys_pressure_state, \
			  sys_pressure_init, sys_pressure_ ## _res ## _sample, sys_pressure_close)

PSI_SAMPLER(cpu);
PSI_SAMPLER(memory);
PSI_SAMPLER(io);
