/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse.h - the parser interface: pure functions of bytes (parse.c,
 * parse_tokens.c, rows.c) and each store's parser and reflection table
 * (in its sampler file).  This is what the unit tests and the fuzzers
 * feed; nothing here opens a file or needs an instance.
 */
#ifndef VMON_PARSE_H
#define VMON_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmon/vmon.h"

/* ---- parsing primitives (parse.c): pure functions of bytes ---- */

/* Parse a decimal number at *p (optional '-' for signed), stopping at end or
 * the first byte that is not a digit.  0 on success with *p past it;
 * -EINVAL for no digits, a '-' on an unsigned value, or overflow. */
int vmon__parse_ull(const char **p, const char *end, unsigned long long *out);
int vmon__parse_ll(const char **p, const char *end, long long *out);

/* Store value v in the scalar field f of store, setting its changed bit if
 * it differs and clearing its unavailable bit. */
void vmon__field_set_ull(const vmon_field_t *f, void *store, char *changed,
			 char *unavailable, unsigned long long v);
void vmon__field_set_ll(const vmon_field_t *f, void *store, char *changed,
			char *unavailable, long long v);

/* Parse token [tok, end) as the number type of field f and store it; an
 * invalid token marks the field unavailable.  0 or -EINVAL. */
int vmon__field_parse(const vmon_field_t *f, void *store, char *changed,
		      char *unavailable, const char *tok, const char *end);

/* Replace the bytes of a char array by [src, src + len) (NUL-terminated),
 * setting changed bit sym if they differ.  0 or -ENOMEM (unchanged then). */
int vmon__chars_set(vmon_char_array_t *ca, const char *src, size_t len,
		    char *changed, int sym);
/* The same for a string whose len counts its terminating NUL (comm, as the
 * original kept it): len + 1 bytes, the last a NUL, and a NUL after. */
int vmon__chars_setz(vmon_char_array_t *ca, const char *src, size_t len,
		     char *changed, int sym);
void vmon__chars_free(vmon_char_array_t *ca);

/* Any of the first nr bits set; set the first nr bits. */
bool vmon__bits_any(const char *bits, int nr);
void vmon__bits_fill(char *bits, int nr);

/* The next blank-separated token at *p before end or a newline: its start
 * (NULL when there is none) and *tok_end; *p moves past it. */
const char *vmon__next_token(const char **p, const char *end, const char **tok_end);

/* Parse the blank-separated tokens at p as fields first .. first + nr - 1
 * of info; fields without a token are marked unavailable. */
void vmon__parse_columns(const vmon_store_info_t *info, int first, int nr,
			 void *store, char *changed, char *unavailable,
			 const char *p, const char *end);

/* Parse the blank-separated columns at p (up to a newline or end) as the
 * fields syms[0 .. nr - 1] name (-1: skip the column), in one pass;
 * missing or malformed columns leave their field unavailable. */
void vmon__parse_positions(const vmon_store_info_t *info, const signed char *syms,
			   int nr, void *store, char *changed, char *unavailable,
			   const char *p, const char *end);
/* Fill syms[0 .. nr - 1]: the symbol of the scalar field whose source is
 * column first + i, or -1.  Returns how many columns reach the last field
 * (parsing can stop there). */
int vmon__positions_build(const vmon_store_info_t *info, int first, signed char *syms, int nr);

/* Parse "Key: value [kB]" lines by key against the fields' sources: order
 * never matters, unknown keys are skipped, missing keys leave their field
 * unavailable, a repeated key is ignored (the first one counts).  Used for
 * meminfo and io. */
void vmon__parse_keyed(const vmon_store_info_t *info, void *store,
		       char *changed, char *unavailable,
		       const char *buf, size_t len);

/* ---- the parsers of each store (pure; fed by the samplers, the tests and
 * the fuzzers) ---- */
int vmon__parse_sys_stat(vmon_sys_stat_t *st, const char *buf, size_t len);
/* meminfo: the members, and every key by name in vm->keys[] (0 or -ENOMEM) */
int vmon__parse_sys_vm(vmon_sys_vm_t *vm, const char *buf, size_t len);
void vmon__sys_vm_free(vmon_sys_vm_t *vm);
int vmon__parse_proc_stat(vmon_proc_stat_t *st, const char *buf, size_t len);
int vmon__parse_proc_vm(vmon_proc_vm_t *vm, const char *buf, size_t len);
int vmon__parse_proc_io(vmon_proc_io_t *io, const char *buf, size_t len);
/* Set cmdline, argc and argv from raw bytes; 0 or -ENOMEM. */
int vmon__parse_cmdline(vmon_proc_stat_t *st, const char *buf, size_t len);
void vmon__proc_stat_free(vmon_proc_stat_t *st);
/* Parse a whitespace-separated pid list (children files), calling fn for
 * each pid; stops early when fn returns non-zero and returns that. */
int vmon__parse_pids(const char *buf, size_t len,
		     int (*fn)(void *ctx, int pid), void *ctx);

/* ---- reflection tables (each in its sampler file) ---- */
/* The tables read outside their sampler file (by the dump, the rates, the
 * exit records, the checker, the public row accessors, the BPF backend
 * and the parser tests); every other store is reached through its descriptor
 * (vmon_proc_store_info(), vmon_sys_store_info()). */
extern const vmon_store_info_t vmon__proc_stat_info, vmon__proc_io_info, vmon__proc_vm_info,
	vmon__proc_files_info, vmon__proc_status_info, vmon__sys_stat_info,
	vmon__sys_cpu_info, vmon__sys_vm_info, vmon__sys_disk_info, vmon__sys_netif_info,
	vmon__sys_pressure_cpu_info;

/* ---- the parsers of the other stores ---- */

/* The pure parsers, one per store: 0, or -ENOMEM (the store then keeps a
 * consistent state, the field that needed memory unavailable). */
int vmon__parse_proc_status(vmon_proc_status_t *st, const char *buf, size_t len);
void vmon__proc_status_free(vmon_proc_status_t *st);
int vmon__parse_proc_smaps_rollup(vmon_proc_smaps_rollup_t *sr, const char *buf, size_t len);
int vmon__parse_proc_cgroup(vmon_proc_cgroup_t *cg, const char *buf, size_t len);
void vmon__proc_cgroup_free(vmon_proc_cgroup_t *cg);
/* the ns links' targets, "TYPE:[INODE]" one per line */
int vmon__parse_proc_ns(vmon_proc_ns_t *ns, const char *buf, size_t len);
/* oom_score's bytes then oom_score_adj's, one number per line */
int vmon__parse_proc_oom(vmon_proc_oom_t *oom, const char *buf, size_t len);
/* schedstat (clears the changed bits), then the stat line (fields 40-42) */
int vmon__parse_proc_sched(vmon_proc_sched_t *sc, const char *buf, size_t len);
int vmon__parse_proc_sched_stat(vmon_proc_sched_t *sc, const char *buf, size_t len);
/* limits: the soft and hard limit of each resource line, by name */
int vmon__parse_proc_limits(vmon_proc_limits_t *lim, const char *buf, size_t len);
int vmon__parse_sys_loadavg(vmon_sys_loadavg_t *la, const char *buf, size_t len);
int vmon__parse_sys_uptime(vmon_sys_uptime_t *up, const char *buf, size_t len);
int vmon__parse_sys_vmstat(vmon_sys_vmstat_t *vs, const char *buf, size_t len);
void vmon__sys_vmstat_free(vmon_sys_vmstat_t *vs);
int vmon__parse_sys_pressure(vmon_sys_pressure_t *ps, const char *buf, size_t len);
int vmon__parse_sys_diskstats(vmon_sys_diskstats_t *ds, const char *buf, size_t len);
void vmon__sys_diskstats_free(vmon_sys_diskstats_t *ds);
int vmon__parse_sys_net_dev(vmon_sys_net_dev_t *nd, const char *buf, size_t len);
void vmon__sys_net_dev_free(vmon_sys_net_dev_t *nd);

/* Parse helpers (parse_more.c), pure.  The field whose source's key (the
 * part before any '.') is key[0 .. len), trying *hint first as
 * vmon__parse_keyed() does; NULL if none. */
const vmon_field_t *vmon__field_by_key(const vmon_store_info_t *info, int *hint,
				       const char *key, size_t len);
/* hexadecimal digits (a mask of status); "12.34" as 1234, the two-decimal
 * figures of loadavg, uptime and pressure.  0 with *p past the number, or
 * -EINVAL (no digits, more than two decimals, overflow). */
int vmon__parse_hex(const char **p, const char *end, unsigned long long *out);
int vmon__parse_x100(const char **p, const char *end, unsigned long long *out);
/* Field n (>= 3, proc(5) numbering) of a stat line, counted from the last
 * ')': 0 with [*tok, *tok_end), or -EINVAL. */
int vmon__stat_token(const char *buf, size_t len, int n, const char **tok,
		     const char **tok_end);
/* Field n (>= 3) of a stat line as an unsigned number, or ~0 without one. */
unsigned long long vmon__stat_ull(const char *buf, size_t len, int n);

/* ---- rows found by name (rows.c) ---- */

/* Rows found by name (rows.c): the devices of diskstats, the interfaces of
 * net/dev, the keys of vmstat.  A row type says where a row keeps its name
 * and its is_new and is_stale flags, and how many bits its bitmaps (at its
 * start) have, 0 for none. */
struct vmon__row_type {
	size_t size;
	size_t name_off, new_off, stale_off;
	int fields_nr;
};

/* One parse of a set: the store's array, count and allocation. */
struct vmon__rows {
	const struct vmon__row_type *type;
	void **rows;
	int *nr;
	size_t *alloc;
	int hint;		/* the row after the last one found */
	bool changed;		/* a row appeared or went */
};

/* Begin a parse: remove the rows stale since the last parse and mark the
 * others unseen. */
void vmon__rows_begin(struct vmon__rows *r);
/* The row named name[0 .. len), added (is_new, all bits set) if new; NULL
 * for a name already seen in this parse (*err 0) or on ENOMEM (*err
 * -ENOMEM, nothing added).  Its changed bits are cleared. */
void *vmon__rows_get(struct vmon__rows *r, const char *name, size_t len, int *err);
/* End a parse: the rows not seen become is_stale, every field unavailable. */
void vmon__rows_end(struct vmon__rows *r);
void vmon__rows_free(struct vmon__rows *r);

#endif
