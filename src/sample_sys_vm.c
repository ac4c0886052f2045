/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_vm.c - VMON_WANT_SYS_VM: /proc/meminfo (proc_meminfo(5)),
 * parsed by key through the source column of sys_vm.def: a kernel that adds,
 * drops or reorders keys (MemAvailable since 3.14, KReclaimable, Zswap...)
 * changes nothing for the others.  The seed parsed it as a fixed sequence.
 *
 * Every key the kernel prints, the table's included, is also kept by name
 * in vm->keys[], as vmstat's are: the keys kernels add every few releases
 * (SecPageTables 6.0, Unaccepted 6.5, ...) reach callers without a new
 * row.  The members are parsed by vmon__parse_keyed() and the rows in a
 * second pass over the same text (about 60 short lines, once per sample
 * of the instance): the members then keep the exact behaviour they had.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_vm_t
static const vmon_field_t sys_vm_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_vm.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__sys_vm_info, "sys_vm", "/proc/meminfo", vmon_sys_vm_t, sys_vm_fields,
		 VMON_SYS_VM_NR);

static const struct vmon__row_type key_rows = {
	.size = sizeof(vmon_sys_vm_key_t),
	.name_off = offsetof(vmon_sys_vm_key_t, name),
	.new_off = offsetof(vmon_sys_vm_key_t, is_new),
	.stale_off = offsetof(vmon_sys_vm_key_t, is_stale),
	.fields_nr = 0,
};

struct sys_vm_state {
	vmon_sys_vm_t pub;
	struct vmon__file_store fs;
	bool parsed;		/* the last read was parsed, not found unchanged */
};

static void rows_of(vmon_sys_vm_t *vm, struct vmon__rows *r)
{
	*r = (struct vmon__rows){ &key_rows, (void **)&vm->keys, &vm->keys_nr,
				  &vm->keys_alloc, 0, false };
}

/* One "Key:<blanks>value[ kB]" line: the row of the key.  A line whose
 * value is no number (what vmon__parse_keyed() would not take either) has
 * no row.  -ENOMEM when a new key could not be added. */
static int parse_row(struct vmon__rows *r, const char *p, const char *eol)
{
	const char *colon = memchr(p, ':', eol - p), *v, *t;
	unsigned long long value;
	vmon_sys_vm_key_t *row;
	int err;

	if (!colon || colon == p)
		return 0;
	for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
		;
	t = v;
	if (vmon__parse_ull(&t, eol, &value) < 0 || (t < eol && *t != ' '))
		return 0;
	row = vmon__rows_get(r, p, colon - p, &err);
	if (!row)
		return err;
	row->changed = row->is_new || row->value != value;
	row->value = value;
	return 0;
}

int vmon__parse_sys_vm(vmon_sys_vm_t *vm, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	struct vmon__rows r;
	int err = 0;

	memset(vm->changed, 0, sizeof(vm->changed));
	vmon__parse_keyed(&vmon__sys_vm_info, vm, vm->changed, vm->unavailable, buf, len);
	rows_of(vm, &r);
	vmon__rows_begin(&r);
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if (parse_row(&r, p, eol) < 0)
			err = -ENOMEM;
		p = eol + 1;
	}
	vmon__rows_end(&r);
	for (int i = 0; i < vm->keys_nr; i++)
		if (vm->keys[i].is_stale)
			vm->keys[i].changed = 0;
	return err;
}

void vmon__sys_vm_free(vmon_sys_vm_t *vm)
{
	struct vmon__rows r;

	rows_of(vm, &r);
	vmon__rows_free(&r);
}

/* A sample that did not parse: the bytes were those of the last parse (its
 * rows hold, and what was new or stale then is no longer), or the file could
 * not be read (every row goes stale: no value is shown as current). */
static void rows_unparsed(vmon_sys_vm_t *vm, bool readable)
{
	struct vmon__rows r;

	rows_of(vm, &r);
	vmon__rows_begin(&r);
	for (int i = 0; i < vm->keys_nr; i++) {
		vm->keys[i].is_stale = !readable;
		vm->keys[i].changed = 0;
	}
}

VMON_EXPORT int vmon_sys_vm_get(const vmon_sys_vm_t *vm, const char *name,
				unsigned long long *value)
{
	size_t len;

	if (!vm || !name || !value) {
		errno = EINVAL;
		return 0;
	}
	len = strlen(name);
	for (int i = 0; i < vm->keys_nr; i++) {
		const vmon_sys_vm_key_t *k = &vm->keys[i];

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
	((struct sys_vm_state *)store)->parsed = true;	/* the public store comes first */
	return vmon__parse_sys_vm(store, buf, len);
}

static void sys_vm_init(void *state)
{
	vmon__file_init(&((struct sys_vm_state *)state)->fs.file);
}

static enum vmon__outcome sys_vm_sample(vmon_t *vmon, void *state)
{
	struct sys_vm_state *s = state;
	enum vmon__outcome o;

	s->parsed = false;
	o = vmon__sample_file(vmon, vmon->internal->proc_fd, "meminfo", &s->fs,
			      &vmon__sys_vm_info, &s->pub, parse);
	/* a read that failed forgot the file's digest; one that found the
	 * bytes unchanged kept it */
	if (!s->parsed)
		rows_unparsed(&s->pub, o != VMON__GONE && s->fs.file.last_len != UINT32_MAX);
	for (int i = 0; o == VMON__UNCHANGED && i < s->pub.keys_nr; i++)
		if (s->pub.keys[i].changed || s->pub.keys[i].is_stale)
			o = VMON__CHANGED;
	return o;
}

static void sys_vm_close(vmon_t *vmon, void *state)
{
	struct sys_vm_state *s = state;

	(void)vmon;
	vmon__file_close(&s->fs.file);
	vmon__sys_vm_free(&s->pub);
}

VMON__SYS_SAMPLER(vmon__sampler_sys_vm, vmon__sys_vm_info, struct sys_vm_state, sys_vm_init,
		  sys_vm_sample, sys_vm_close);
