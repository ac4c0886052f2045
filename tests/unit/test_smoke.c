/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

TEST(init_sample_destroy_self)
{
	vmon_t v;
	vmon_proc_t *p;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, VMON_WANT_PROC_STAT));
	p = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(p);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(((vmon_proc_stat_t *)p->stores[VMON_STORE_PROC_STAT])->pid, getpid());
	vmon_destroy(&v);
}
