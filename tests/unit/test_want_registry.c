/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_registry.c - a want is registered in one place, its sampler's
 * descriptor, named by its .def row: here every row's descriptor is
 * complete and agrees with the row (reflection named after the want,
 * hooks present), vmon_set_want_interval() accepts exactly the wants whose
 * descriptor says it applies, and a .def row's source survives a macro of
 * the same name (the sockets' "net/unix": `unix` is a predefined macro).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "test.h"

static const char *const proc_names[VMON_STORE_PROC_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = #_name,
#include "vmon/defs/proc_wants.def"
};

static const char *const sys_names[VMON_STORE_SYS_NR] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = #_name,
#include "vmon/defs/sys_wants.def"
};

static void check_info(const vmon_store_info_t *info, const char *name)
{
	ASSERT_MSG(info, "%s: no reflection", name);
	ASSERT_STREQ(info->name, name);
	ASSERT(info->source && *info->source);
	ASSERT(info->size > 0);
	ASSERT(info->fields_nr == 0 || info->fields);
	for (int f = 0; f < info->fields_nr; f++) {
		ASSERT_EQ(info->fields[f].sym, f);
		ASSERT(info->fields[f].offset < info->size);
	}
}

TEST(want_registry_every_row_has_a_whole_descriptor)
{
	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		const struct vmon__proc_sampler *s = vmon__proc_samplers[i];

		ASSERT(s && s->sample && s->close);
		/* the state begins with the public store (the files store's
		 * reflection describes one descriptor, a row of it) */
		ASSERT_MSG(i == VMON_STORE_PROC_FILES || s->state_size >= s->info->size,
			   "%s: state of %zu bytes, store of %zu", proc_names[i], s->state_size,
			   s->info->size);
		check_info(s->info, proc_names[i]);
		ASSERT(vmon_proc_store_info(i) == s->info);
	}
	for (int i = 0; i < VMON_STORE_SYS_NR; i++) {
		const struct vmon__sys_sampler *s = vmon__sys_samplers[i];

		ASSERT(s && s->sample && s->close);
		ASSERT_MSG(s->state_size >= s->info->size, "%s: state of %zu bytes, store of %zu",
			   sys_names[i], s->state_size, s->info->size);
		check_info(s->info, sys_names[i]);
		ASSERT(vmon_sys_store_info(i) == s->info);
	}
	errno = 0;
	ASSERT(!vmon_proc_store_info(VMON_STORE_PROC_NR) && errno == EINVAL);
	errno = 0;
	ASSERT(!vmon_sys_store_info(VMON_STORE_SYS_NR) && errno == EINVAL);
}

TEST(want_registry_interval_follows_the_descriptors)
{
	vmon_proc_wants_t interval = 0;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		vmon_proc_wants_t want = (vmon_proc_wants_t)1 << i;
		int ok;

		errno = 0;
		ok = vmon_set_want_interval(&v, want, 4);
		ASSERT_MSG(ok == (vmon__proc_samplers[i]->interval_gen != 0),
			   "%s: vmon_set_want_interval() gave %d", proc_names[i], ok);
		ASSERT(ok || errno == EINVAL);
		if (ok)
			interval |= want;
	}
	/* the files read rarely or costly, as documented in libvmon(3) */
	ASSERT(interval & VMON_WANT_PROC_SMAPS_ROLLUP);
	ASSERT(interval & VMON_WANT_PROC_LIMITS);
	ASSERT(!(interval & (VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN)));
	ASSERT(vmon_set_want_interval(&v, interval, 2));
	ASSERT(!vmon_set_want_interval(&v, interval | VMON_WANT_PROC_VM, 2) && errno == EINVAL);
	vmon_destroy(&v);
}

TEST(want_registry_source_named_like_a_macro)
{
	const vmon_store_info_t *so = vmon_sys_store_info(VMON_STORE_SYS_SOCKETS);
	int found = 0;

	for (int f = 0; f < so->fields_nr; f++)
		found += !strcmp(so->fields[f].source, "net/unix");
	ASSERT_EQ(found, 1);
}
