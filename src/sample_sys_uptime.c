/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_uptime.c - VMON_WANT_SYS_UPTIME: /proc/uptime
 * (proc_uptime(5)), "2348.36 3526.93": seconds since boot and idle seconds
 * summed over the CPUs, kept exactly in hundredths of a second (the kernel
 * prints two decimals).  One held descriptor, one pread() per sample.
 */
#include <string.h>

#include "internal.h"

struct sys_uptime_state {
	vmon_sys_uptime_t pub;
	struct vmon__file_store fs;
};

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

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_sys_uptime(store, buf, len);
}

static void sys_uptime_init(void *state)
{
	vmon__file_init(&((struct sys_uptime_state *)state)->fs.file);
}

static enum vmon__outcome sys_uptime_sample(vmon_t *vmon, void *state)
{
	struct sys_uptime_state *s = state;
	bool unavailable = false;
	enum vmon__outcome o = vmon__sample_file(vmon, vmon->internal->proc_fd, "uptime",
						 &s->fs, &vmon__sys_uptime_info, &s->pub,
						 parse, &unavailable);

	if (unavailable)
		vmon->unavailable |= VMON_WANT_SYS_UPTIME;
	return o;
}

static void sys_uptime_close(vmon_t *vmon, void *state)
{
	(void)vmon;
	vmon__file_close(&((struct sys_uptime_state *)state)->fs.file);
}

const struct vmon__sys_sampler vmon__sampler_sys_uptime = {
	.state_size = sizeof(struct sys_uptime_state),
	.init = sys_uptime_init,
	.sample = sys_uptime_sample,
	.close = sys_uptime_close,
};
