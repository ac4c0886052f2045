/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fields.c - reflection: a store's description by want (each sampler file
 * builds its store's table, one vmon_field_t per .def row, from the same
 * rows that declare the struct members and the change-bit symbols, so they
 * can never disagree), and a field's changed and unavailable bits and its
 * value as text, by symbol.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Each store's reflection is its sampler's (the descriptor of its want):
 * one table by want bit, no list to keep. */
VMON_EXPORT const vmon_store_info_t *vmon_proc_store_info(vmon_proc_store_t store)
{
	if ((unsigned)store >= VMON_STORE_PROC_NR) {
		errno = EINVAL;
		return NULL;
	}
	return vmon__proc_samplers[store]->info;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_store_info(vmon_sys_store_t store)
{
	if ((unsigned)store >= VMON_STORE_SYS_NR) {
		errno = EINVAL;
		return NULL;
	}
	return vmon__sys_samplers[store]->info;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_cpu_info(void)
{
	return &vmon__sys_cpu_info;
}

static int bitmap_test(const vmon_store_info_t *info, const void *store,
		       int sym, size_t map)
{
	const char *bits;

	if (!info || !store || !info->bitmaps || sym < 0 || sym >= info->fields_nr) {
		errno = EINVAL;
		return 0;
	}
	bits = (const char *)store + map * BITNSLOTS(info->fields_nr);
	return BITTEST(bits, sym) != 0;
}

VMON_EXPORT int vmon_field_changed(const vmon_store_info_t *info, const void *store, int sym)
{
	return bitmap_test(info, store, sym, 0);
}

VMON_EXPORT int vmon_field_unavailable(const vmon_store_info_t *info, const void *store, int sym)
{
	return bitmap_test(info, store, sym, 1);
}

/* A bounded appender: counts what it would write, as snprintf() does. */
struct out {
	char *buf;
	size_t size;
	size_t n;
};

static void put(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++, o->n++)
		if (o->n + 1 < o->size)
			o->buf[o->n] = s[i];
	if (o->size)
		o->buf[o->n < o->size ? o->n : o->size - 1] = '\0';
}

/* append bytes escaped: printable ASCII as is, the rest (and \) as \xHH */
static void put_escaped(struct out *o, const char *s, size_t len)
{
	char hex[5];

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			put(o, (const char *)&c, 1);
		} else {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			put(o, hex, 4);
		}
	}
}

VMON_EXPORT int vmon_field_format(const vmon_store_info_t *info, const void *store,
				  int sym, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const vmon_field_t *f;
	const char *m;
	char num[32];

	if (!info || !store || sym < 0 || sym >= info->fields_nr) {
		errno = EINVAL;
		return -1;
	}
	f = &info->fields[sym];
	m = (const char *)store + f->offset;
	put(&o, "", 0);
	switch (f->type) {
	case VMON_FIELD_ULL:
		put(&o, num, snprintf(num, sizeof(num), "%llu", *(const unsigned long long *)m));
		break;
	case VMON_FIELD_ULONG:
		put(&o, num, snprintf(num, sizeof(num), "%lu", *(const unsigned long *)m));
		break;
	case VMON_FIELD_LL:
		put(&o, num, snprintf(num, sizeof(num), "%lld", *(const long long *)m));
		break;
	case VMON_FIELD_INT:
		put(&o, num, snprintf(num, sizeof(num), "%d", *(const int *)m));
		break;
	case VMON_FIELD_CHAR:
		put_escaped(&o, m, *m ? 1 : 0);
		break;
	case VMON_FIELD_STR: {
		const vmon_char_array_t *ca = (const vmon_char_array_t *)m;

		put_escaped(&o, ca->array, ca->array ? ca->len : 0);
		break;
	}
	case VMON_FIELD_STRZ: {
		const vmon_char_array_t *ca = (const vmon_char_array_t *)m;

		put_escaped(&o, ca->array, ca->array && ca->len ? ca->len - 1 : 0);
		break;
	}
	case VMON_FIELD_ARGV: {
		char *const *argv = *(char *const *const *)m;

		for (int i = 0; argv && argv[i]; i++) {
			if (i)
				put(&o, " ", 1);
			put_escaped(&o, argv[i], strlen(argv[i]));
		}
		break;
	}
	}
	return (int)o.n;
}


VMON_EXPORT const vmon_store_info_t *vmon_sys_disk_info(void)
{
	return &vmon__sys_disk_info;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_netif_info(void)
{
	return &vmon__sys_netif_info;
}
