/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_vmstat.c - VMON_WANT_SYS_VMSTAT: /proc/vmstat, "key value"
 * lines.  Every key the kernel prints is kept by name in vmstat->keys[]
 * (kernels add and rename keys all the time: pgsteal_kswapd_normal became
 * pgsteal_kswapd, allocstall split per zone, ...), and the keys of
 * sys_vmstat.def are also members, found by key, so order never matters.
 *
 * The file is generated record by record, about a page per read, and is
 * larger than a page: it is read to EOF.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_vmstat_t
static const vmon_field_t sys_vmstat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_vmstat.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_vmstat_info, "sys_vmstat", "/proc/vmstat", vmon_sys_vmstat_t,
		 sys_vmstat_fields, VMON_SYS_VMSTAT_NR);

static const struct vmon__row_type key_rows = {
	.size = sizeof(vmon_sys_vmstat_key_t),
	.name_off = offsetof(vmon_sys_vmstat_key_t, name),
	.new_off = offsetof(vmon_sys_vmstat_key_t, is_new),
	.stale_off = offsetof(vmon_sys_vmstat_key_t, is_stale),
	.fields_nr = 0,
};

struct sys_vmstat_state {
	vmon_sys_vmstat_t pub;
	struct vmon__file_store fs;
};

static void rows_of(vmon_sys_vmstat_t *vs, struct vmon__rows *r)
{
	*r = (struct vmon__rows){ &key_rows, (void **)&vs->keys, &vs->keys_nr,
				  &vs->keys_alloc, 0, false };
}

/* One "key value" line: the row of the key and, if the table has it, the
 * member.  -ENOMEM when a new key could not be added. */
static int parse_line(vmon_sys_vmstat_t *vs, struct vmon__rows *r, int *hint,
		      char *seen, const char *p, const char *eol)
{
	const char *k_end, *k = vmon__next_token(&p, eol, &k_end), *v_end, *v;
	const vmon_field_t *f;
	unsigned long long value;
	vmon_sys_vmstat_key_t *row;
	int err;

	if (!k)
		return 0;
	v = vmon__next_token(&p, eol, &v_end);
	/* a repeated key: the first line counts, as for its row */
	if ((f = vmon__field_by_key(&vmon__sys_vmstat_info, hint, k, k_end - k)) &&
	    !BITTEST(seen, f->sym)) {
		BITSET(seen, f->sym);
		if (v)
			vmon__field_parse(f, vs, vs->changed, vs->unavailable, v, v_end);
		else
			BITSET(vs->unavailable, f->sym);
	}
	if (!v || vmon__parse_ull(&v, v_end, &value) < 0 || v != v_end)
		return 0;	/* not a key and a number: no row */
	row = vmon__rows_get(r, k, k_end - k, &err);
	if (!row)
		return err;
	row->changed = row->is_new || row->value != value;
	row->value = value;
	return 0;
}

int vmon__parse_sys_vmstat(vmon_sys_vmstat_t *vs, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char seen[BITNSLOTS(VMON_SYS_VMSTAT_NR)] = { 0 };
	struct vmon__rows r;
	int hint = 0, err = 0;

	memset(vs->changed, 0, sizeof(vs->changed));
	vmon__bits_fill(vs->unavailable, VMON_SYS_VMSTAT_NR);	/* until a line says */
	rows_of(vs, &r);
	vmon__rows_begin(&r);
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if (parse_line(vs, &r, &hint, seen, p, eol) < 0)
			err = -ENOMEM;
		p = eol + 1;
	}
	vmon__rows_end(&r);
	for (int i = 0; i < vs->keys_nr; i++)
		if (vs->keys[i].is_stale)
			vs->keys[i].changed = 0;
	return err;
}

void vmon__sys_vmstat_free(vmon_sys_vmstat_t *vs)
{
	struct vmon__rows r;

	rows_of(vs, &r);
	vmon__rows_free(&r);
}

VMON_EXPORT int vmon_sys_vmstat_get(const vmon_sys_vmstat_t *vs, const char *name,
				   unsigned long long *value)
{
	size_t len;

	if (!vs || !name || !value) {
		errno = EINVAL;
		return 0;
	}
	len = strlen(name);
	for (int i = 0; i < vs->keys_nr; i++) {
		const vmon_sys_vmstat_key_t *k = &vs->keys[i];

		if (!k->is_stale && k->name.len == len && !memcmp(k->name.array, name, len)) {
			*value = k->value;
			return 1;
		}
	}
	errno = ENOENT;
	return 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_sys_vmstat(store, buf, len);
}

static void sys_vmstat_init(void *state)
{
	vmon__file_init(&((struct sys_vmstat_state *)state)->fs.file);
}

static enum vmon__outcome sys_vmstat_sample(vmon_t *vmon, void *state)
{
	struct sys_vmstat_state *s = state;
	enum vmon__outcome o = vmon__sample_records(vmon, vmon->internal->proc_fd, "vmstat",
						    &s->fs, &vmon__sys_vmstat_info, &s->pub,
						    parse);

	for (int i = 0; o == VMON__UNCHANGED && i < s->pub.keys_nr; i++)
		if (s->pub.keys[i].changed || s->pub.keys[i].is_stale)
			o = VMON__CHANGED;
	return o;
}

static void sys_vmstat_close(vmon_t *vmon, void *state)
{
	struct sys_vmstat_state *s = state;

	(void)vmon;
	vmon__file_close(&s->fs.file);
	vmon__sys_vmstat_free(&s->pub);
}

VMON__SYS_SAMPLER(vmon__sampler_sys_vmstat, vmon__sys_vmstat_info, struct sys_vmstat_state,
		  sys_vmstat_init, sys_vmstat_sample, sys_vmstat_close);
