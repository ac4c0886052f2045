/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_loadavg.c - VMON_WANT_SYS_LOADAVG: /proc/loadavg
 * (proc_loadavg(5)), "0.22 0.75 0.84 1/85 7399": the 1, 5 and 15 minute
 * load averages (kept in hundredths: the kernel prints exactly two
 * decimals of its fixed-point figures), runnable and total tasks, and the
 * last pid allocated.  One held descriptor, one pread() per sample.
 */
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_loadavg_t
static const vmon_field_t sys_loadavg_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_loadavg.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_loadavg_info, "sys_loadavg", "/proc/loadavg", vmon_sys_loadavg_t,
		 sys_loadavg_fields, VMON_SYS_LOADAVG_NR);

/* a hundredths figure into field sym, or the field unavailable */
static void set_x100(vmon_sys_loadavg_t *la, int sym, const char *t, const char *t_end)
{
	unsigned long long v;

	if (t && vmon__parse_x100(&t, t_end, &v) == 0 && t == t_end)
		vmon__field_set_ull(&vmon__sys_loadavg_info.fields[sym], la, la->changed,
				    la->unavailable, v);
	else
		BITSET(la->unavailable, sym);
}

/* "running/total" into its two fields */
static void set_tasks(vmon_sys_loadavg_t *la, const char *t, const char *t_end)
{
	const char *slash = t ? memchr(t, '/', t_end - t) : NULL;
	const vmon_field_t *f = vmon__sys_loadavg_info.fields;

	if (!slash) {
		BITSET(la->unavailable, VMON_SYS_LOADAVG_N_RUNNING);
		BITSET(la->unavailable, VMON_SYS_LOADAVG_N_TASKS);
		return;
	}
	vmon__field_parse(&f[VMON_SYS_LOADAVG_N_RUNNING], la, la->changed, la->unavailable,
			  t, slash);
	vmon__field_parse(&f[VMON_SYS_LOADAVG_N_TASKS], la, la->changed, la->unavailable,
			  slash + 1, t_end);
}

int vmon__parse_sys_loadavg(vmon_sys_loadavg_t *la, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *t, *t_end;

	memset(la->changed, 0, sizeof(la->changed));
	for (int sym = VMON_SYS_LOADAVG_LOAD1_X100; sym <= VMON_SYS_LOADAVG_LOAD15_X100; sym++) {
		t = vmon__next_token(&p, end, &t_end);
		set_x100(la, sym, t, t_end);
	}
	t = vmon__next_token(&p, end, &t_end);
	set_tasks(la, t, t_end);
	vmon__parse_columns(&vmon__sys_loadavg_info, VMON_SYS_LOADAVG_LAST_PID, 1, la,
			    la->changed, la->unavailable, p, end);
	return 0;
}

VMON__FILE_SYS_SAMPLER(vmon__sampler_sys_loadavg, vmon__sys_loadavg_info, vmon_sys_loadavg_t,
		       "loadavg", vmon__parse_sys_loadavg, VMON__NO_FREE);
