/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_net_dev.c - VMON_WANT_SYS_NET_DEV: /proc/net/dev, one line
 * per network interface after two header lines:
 *
 *     eth0: 18876181 466 0 0 0 0 0 0 27097 327 0 0 0 0 0 0
 *
 * eight receive counters, then eight transmit counters.  The header lines
 * have no ':' (an interface name cannot contain one), so every line with a
 * colon is an interface, and the headers need no special case.  The
 * interfaces are those of the network namespace of the process reading the
 * proc root.  Interfaces come and go (veth pairs of every container): each
 * row is found by name (rows.c), appears with is_new and leaves as
 * is_stale for one sample.  The file is read to EOF.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_net_dev_t
static const vmon_field_t sys_net_dev_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_net_dev.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_net_dev_info, "sys_net_dev", "/proc/net/dev", vmon_sys_net_dev_t,
		 sys_net_dev_fields, VMON_SYS_NET_DEV_NR);

#define VMON__STORE_TYPE vmon_sys_netif_t
static const vmon_field_t sys_netif_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_netif.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_netif_info, "sys_netif", "/proc/net/dev row", vmon_sys_netif_t,
		 sys_netif_fields, VMON_SYS_NETIF_NR);

/* One line: -ENOMEM when a new interface could not be added. */
static int parse_line(struct vmon__rows *r, const char *p, const char *eol)
{
	const char *colon = memchr(p, ':', eol - p), *name_end;
	vmon_sys_netif_t *row;
	int err;

	if (!colon)
		return 0;	/* a header line */
	while (p < colon && (*p == ' ' || *p == '\t'))
		p++;
	for (name_end = colon; name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t');)
		name_end--;
	if (name_end == p)
		return 0;
	row = vmon__rows_get(r, p, name_end - p, &err);
	if (!row)
		return err;
	BITCLEAR(row->unavailable, VMON_SYS_NETIF_NAME);
	vmon__parse_columns(&vmon__sys_netif_info, VMON_SYS_NETIF_RX_BYTES,
			    VMON_SYS_NETIF_NR - VMON_SYS_NETIF_RX_BYTES, row, row->changed,
			    row->unavailable, colon + 1, eol);
	return 0;
}

static const struct vmon__row_store sys_net_dev_store = {
	.row = {
		.size = sizeof(vmon_sys_netif_t),
		.name_off = offsetof(vmon_sys_netif_t, name),
		.new_off = offsetof(vmon_sys_netif_t, is_new),
		.stale_off = offsetof(vmon_sys_netif_t, is_stale),
		.fields_nr = VMON_SYS_NETIF_NR,
	},
	.info = &vmon__sys_net_dev_info,
	.nr_sym = VMON_SYS_NET_DEV_IFACES_NR,
	.rows_off = offsetof(vmon_sys_net_dev_t, ifaces),
	.nr_off = offsetof(vmon_sys_net_dev_t, ifaces_nr),
	.alloc_off = offsetof(vmon_sys_net_dev_t, ifaces_alloc),
	.path = "net/dev",
	.want = VMON_WANT_SYS_NET_DEV,
	.parse_line = parse_line,
};

struct sys_net_dev_state {
	vmon_sys_net_dev_t pub;
	struct vmon__file_store fs;
};

int vmon__parse_sys_net_dev(vmon_sys_net_dev_t *store, const char *buf, size_t len)
{
	return vmon__row_store_parse(&sys_net_dev_store, store, buf, len);
}

void vmon__sys_net_dev_free(vmon_sys_net_dev_t *store)
{
	vmon__row_store_free(&sys_net_dev_store, store);
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__row_store_parse(&sys_net_dev_store, store, buf, len);
}

static void sys_net_dev_init(void *state)
{
	vmon__file_init(&((struct sys_net_dev_state *)state)->fs.file);
}

static enum vmon__outcome sys_net_dev_sample(vmon_t *vmon, void *state)
{
	struct sys_net_dev_state *s = state;

	return vmon__row_store_sample(vmon, &sys_net_dev_store, &s->fs, &s->pub, parse);
}

static void sys_net_dev_close(vmon_t *vmon, void *state)
{
	struct sys_net_dev_state *s = state;

	(void)vmon;
	vmon__file_close(&s->fs.file);
	vmon__sys_net_dev_free(&s->pub);
}

VMON__SYS_SAMPLER(vmon__sampler_sys_net_dev, vmon__sys_net_dev_info, struct sys_net_dev_state,
		  sys_net_dev_init, sys_net_dev_sample, sys_net_dev_close);
