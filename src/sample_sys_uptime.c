/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_uptime.c - VMON_WANT_SYS_UPTIME: /proc/uptime
 * (proc_uptime(5)), "2348.36 3526.93": seconds since boot and idle seconds
 * summed over the CPUs, kept exactly in hundredths of a second (the kernel
 * prints two decimals).  One held descriptor, one pread() per sample.
 */
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_uptime_t
static const vmon_field_t sys_uptime_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_uptime.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_uptime_info, "sys_uptime", "/proc/uptime", vmon_sys_uptime_t,
		 sys_uptime_fields, VMON_SYS_UPTIME_NR);

int vmon__parse_sys_uptime(vmon_sys_uptime_t *up, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	memset(up->changed, 0, sizeof(up->changed));
	for (int sym = VMON_SYS_UPTIME_UPTIME_CS; sym <= VMON_SYS_UPTIME_IDLE_CS; sym++) {
		const char *t_end, *t = vmon__next_token(&p, end, &t_end);
		unsigned long long v;

		if (t && vmon__parse_x100(&t, t_end, &v) == 0 && t == t_end)
			vmon__field_set_ull(&vmon__sys_uptime_info.fields[sym], up, up->changed,
					    up->unavailable, v);
		else
			BITSET(up->unavailable, sym);
	}
	return 0;
}

VMON__FILE_SYS_SAMPLER(vmon__sampler_sys_uptime, vmon__sys_uptime_info, vmon_sys_uptime_t, "uptime",
		       vmon__parse_sys_uptime, VMON__NO_FREE);
