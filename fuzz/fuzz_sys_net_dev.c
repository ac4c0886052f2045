/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_sys_net_dev.c - libFuzzer target for vmon__parse_sys_net_dev(), the
 * /proc/net/dev parser (a row per interface name after a colon).  Checks
 * the rows as fuzz_sys_diskstats.c does.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static void check(const vmon_sys_net_dev_t *nd)
{
	FUZZ_CHECK(nd->ifaces_nr >= 0 && (size_t)nd->ifaces_nr <= nd->ifaces_alloc);
	for (int i = 0; i < nd->ifaces_nr; i++) {
		const vmon_sys_netif_t *n = &nd->ifaces[i];

		FUZZ_CHECK(n->name.array && n->name.len && !n->name.array[n->name.len]);
		FUZZ_CHECK(!memchr(n->name.array, ':', n->name.len));
		FUZZ_CHECK(!(n->is_new && n->is_stale));
		if (!n->is_stale)
			continue;
		FUZZ_CHECK(!vmon__bits_any(n->changed, VMON_SYS_NETIF_NR));
		for (int k = 0; k < VMON_SYS_NETIF_NR; k++)
			FUZZ_CHECK(BITTEST(n->unavailable, k));
	}
}

static bool any_changed(const vmon_sys_net_dev_t *nd)
{
	for (int i = 0; i < nd->ifaces_nr; i++)
		if (nd->ifaces[i].is_new || nd->ifaces[i].is_stale ||
		    vmon__bits_any(nd->ifaces[i].changed, VMON_SYS_NETIF_NR))
			return true;
	return vmon__bits_any(nd->changed, VMON_SYS_NET_DEV_NR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmon_sys_net_dev_t nd;

	memset(&nd, 0, sizeof(nd));
	FUZZ_CHECK(vmon__parse_sys_net_dev(&nd, (const char *)data, size) == 0);
	check(&nd);
	FUZZ_CHECK(vmon__parse_sys_net_dev(&nd, (const char *)data, size) == 0);
	FUZZ_CHECK(!any_changed(&nd));
	FUZZ_CHECK(vmon__parse_sys_net_dev(&nd, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size)) == 0);
	check(&nd);
	vmon__sys_net_dev_free(&nd);
	return 0;
}
