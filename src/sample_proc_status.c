/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_status.c - VMON_WANT_PROC_STATUS: /proc/PID/status
 * (proc_pid_status(5)), parsed by key: credentials, peak and split memory,
 * context switches, signal masks, capabilities, seccomp, the CPUs allowed.
 *
 * Lines are found by their key, never by position (keys came and went over
 * the years: RssAnon 4.5, CapAmb 4.3, Kthread 6.x), and a key may carry
 * several values ("Uid: real effective saved fs", "SigQ: 0/96365"): the
 * rows of proc_status.def say which value by "Key.N".  The masks are
 * hexadecimal.  The Name line is ignored: the kernel escapes it here, and
 * the stat store has the raw bytes.
 *
 * Two lines are lists, parsed whole into arrays beside the store: NSpid
 * (the task's pid in each nested pid namespace) and Cpus_allowed, the
 * affinity mask in the kernel's "%*pb" form (32-bit hexadecimal groups
 * separated by commas, the lowest CPUs in the last group), which callers
 * test CPU by CPU without parsing the list string.
 *
 * Whether the task is a kernel thread comes from PF_KTHREAD in the flags
 * word of stat (older kernels print no Kthread line).  A task's kind never
 * changes, so it is learnt once per node: from the stat store when this
 * sample filled it, else from one read of stat.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_status_t
static const vmon_field_t proc_status_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_status.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_status_info, "proc_status", "/proc/PID/status", vmon_proc_status_t,
		 proc_status_fields, VMON_PROC_STATUS_NR);

#define VMON__PF_KTHREAD 0x00200000ULL
/* Pid namespaces nest at most 32 deep (MAX_PID_NS_LEVEL); CPUs number at
 * most 8,192 in the kernels of today (NR_CPUS): beyond these a line is
 * not the kernel's and is unavailable, whatever its length. */
#define VMON__NSPID_MAX 64
#define VMON__CPUS_MAX 65536

struct proc_status_state {
	vmon_proc_status_t pub;
	struct vmon__file_store fs;
	struct vmon__file stat;	/* read once, when no stat store says it */
	int last_gen;		/* vmon_set_want_interval() */
	bool kthread_known;
};

static bool is_mask(int sym)
{
	return sym >= VMON_PROC_STATUS_SIG_PENDING && sym <= VMON_PROC_STATUS_CAP_AMB;
}

static bool is_value_sep(char c)
{
	return c == ' ' || c == '\t' || c == '/';
}

/* the nth value of [p, eol), values separated by blanks, tabs or '/' */
static const char *value_token(const char *p, const char *eol, int n, const char **t_end)
{
	const char *t = NULL;

	for (int i = 0; i < n; i++) {
		while (p < eol && is_value_sep(*p))
			p++;
		if (p == eol)
			return NULL;
		for (t = p; p < eol && !is_value_sep(*p); p++)
			;
	}
	*t_end = p;
	return t;
}

/* "Key.N": N, else 1 */
static int column_of(const vmon_field_t *f)
{
	const char *dot = strchr(f->source, '.');

	return dot ? atoi(dot + 1) : 1;
}

/* Groups: blank-separated gids, possibly none.  The list is replaced only
 * when every gid parses and the memory for it is there. */
static int parse_groups(vmon_proc_status_t *st, const char *p, const char *eol)
{
	const char *t, *t_end;
	unsigned long long v;
	int n = 0, old = st->ngroups;

	for (const char *q = p; (t = vmon__next_token(&q, eol, &t_end)); n++) {
		const char *d = t;

		if (vmon__parse_ull(&d, t_end, &v) < 0 || d != t_end || v > (gid_t)-1) {
			BITSET(st->unavailable, VMON_PROC_STATUS_NGROUPS);
			return 0;
		}
	}
	if (n > st->ngroups) {
		gid_t *g = vmon__realloc(st->groups, (size_t)n * sizeof(*g));

		if (!g) {
			BITSET(st->unavailable, VMON_PROC_STATUS_NGROUPS);
			return -ENOMEM;
		}
		st->groups = g;
	}
	if (n != st->ngroups)
		BITSET(st->changed, VMON_PROC_STATUS_NGROUPS);
	st->ngroups = n;
	/* entries past the old count are new memory: a change already */
	for (int i = 0; (t = vmon__next_token(&p, eol, &t_end)); i++) {
		vmon__parse_ull(&t, t_end, &v);
		if (i < old && st->groups[i] != (gid_t)v)
			BITSET(st->changed, VMON_PROC_STATUS_NGROUPS);
		st->groups[i] = (gid_t)v;
	}
	BITCLEAR(st->unavailable, VMON_PROC_STATUS_NGROUPS);
	return 0;
}

/* NSpid: blank-separated pids, outermost first.  Replaced only when every
 * pid parses and the memory for them is there. */
static int parse_nspid(vmon_proc_status_t *st, const char *p, const char *eol)
{
	const vmon_field_t *inner = &vmon__proc_status_info.fields[VMON_PROC_STATUS_NSPID_INNER];
	const char *t, *t_end;
	unsigned long long v;
	int n = 0, old = st->nspid_nr;

	for (const char *q = p; (t = vmon__next_token(&q, eol, &t_end)); n++) {
		const char *d = t;

		if (n == VMON__NSPID_MAX || vmon__parse_ull(&d, t_end, &v) < 0 || d != t_end ||
		    v == 0 || v > INT_MAX)
			goto unavailable;
	}
	if (!n)
		goto unavailable;
	if (n > st->nspid_nr) {
		int *a = vmon__realloc(st->nspid, (size_t)n * sizeof(*a));

		if (!a) {
			BITSET(st->unavailable, VMON_PROC_STATUS_NSPID_NR);
			BITSET(st->unavailable, VMON_PROC_STATUS_NSPID_INNER);
			return -ENOMEM;
		}
		st->nspid = a;
	}
	if (n != st->nspid_nr)
		BITSET(st->changed, VMON_PROC_STATUS_NSPID_NR);
	st->nspid_nr = n;
	/* entries past the old count are new memory: a change already */
	for (int i = 0; (t = vmon__next_token(&p, eol, &t_end)); i++) {
		vmon__parse_ull(&t, t_end, &v);
		if (i < old && st->nspid[i] != (int)v)
			BITSET(st->changed, VMON_PROC_STATUS_NSPID_NR);
		st->nspid[i] = (int)v;
	}
	BITCLEAR(st->unavailable, VMON_PROC_STATUS_NSPID_NR);
	vmon__field_set_ll(inner, st, st->changed, st->unavailable, st->nspid[n - 1]);
	return 0;
unavailable:
	BITSET(st->unavailable, VMON_PROC_STATUS_NSPID_NR);
	BITSET(st->unavailable, VMON_PROC_STATUS_NSPID_INNER);
	return 0;
}

/* The hex digits of a "%*pb" mask ("ff,ffffffff": the first group of 1 to
 * 8 digits, every other of 8), or -1 when [p, end) is not one or is wider
 * than VMON__CPUS_MAX. */
static int mask_digits(const char *p, const char *end)
{
	int digits = 0, group = 0;
	bool first = true;

	for (; p < end; p++) {
		if (*p == ',') {
			if (first ? !group : group != 8)
				return -1;
			first = false;
			group = 0;
		} else if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			   (*p >= 'A' && *p <= 'F')) {
			if (++group > 8 || ++digits > VMON__CPUS_MAX / 4)
				return -1;
		} else {
			return -1;
		}
	}
	return group && (first || group == 8) ? digits : -1;
}

static int hex_value(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Cpus_allowed: the bitmap cpus_allowed[], its width and its count.  Replaced
 * only when the whole mask parses and the memory for it is there. */
static int parse_cpus(vmon_proc_status_t *st, const char *p, const char *eol)
{
	const vmon_field_t *count_f =
		&vmon__proc_status_info.fields[VMON_PROC_STATUS_CPUS_ALLOWED_COUNT];
	int digits, bits, count = 0, nibble = 0, slot = 0, old_slots;
	unsigned char byte = 0;
	bool changed;

	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t'))
		eol--;
	digits = mask_digits(p, eol);
	if (digits < 0) {
		BITSET(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR);
		BITSET(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT);
		return 0;
	}
	bits = digits * 4;
	if (BITNSLOTS(bits) > BITNSLOTS(st->cpus_allowed_nr)) {
		char *a = vmon__realloc(st->cpus_allowed, BITNSLOTS(bits));

		if (!a) {
			BITSET(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR);
			BITSET(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_COUNT);
			return -ENOMEM;
		}
		st->cpus_allowed = a;
	}
	/* a wider mask is a change; its new bytes are written, not compared */
	changed = bits != st->cpus_allowed_nr;
	old_slots = BITNSLOTS(st->cpus_allowed_nr);
	/* from the last digit (CPUs 0-3) back to the first, which p holds */
	for (const char *c = eol - 1; c >= p; c--) {
		int x;

		if (*c == ',')
			continue;
		x = hex_value(*c);
		count += __builtin_popcount(x);
		byte |= x << (4 * nibble);
		if (++nibble == 2 || c == p) {
			changed |= slot < old_slots && (unsigned char)st->cpus_allowed[slot] != byte;
			st->cpus_allowed[slot++] = (char)byte;
			byte = 0;
			nibble = 0;
		}
	}
	if (changed)
		BITSET(st->changed, VMON_PROC_STATUS_CPUS_ALLOWED_NR);
	st->cpus_allowed_nr = bits;
	BITCLEAR(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR);
	vmon__field_set_ll(count_f, st, st->changed, st->unavailable, count);
	return 0;
}

static int parse_text(vmon_proc_status_t *st, const vmon_field_t *f, const char *v,
		      const char *eol)
{
	vmon_char_array_t *ca = (vmon_char_array_t *)((char *)st + f->offset);

	while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t'))
		eol--;
	if (vmon__chars_set(ca, v, eol - v, st->changed, f->sym) < 0) {
		BITSET(st->unavailable, f->sym);
		return -ENOMEM;
	}
	BITCLEAR(st->unavailable, f->sym);
	return 0;
}

/* One field from the values v .. eol of its line. */
static int parse_field(vmon_proc_status_t *st, const vmon_field_t *f, const char *v,
		       const char *eol)
{
	const char *t, *t_end;
	unsigned long long x;

	if (f->sym == VMON_PROC_STATUS_NGROUPS)
		return parse_groups(st, v, eol);
	/* a list's first row parses the line for all of its rows */
	if (f->sym == VMON_PROC_STATUS_NSPID_INNER)
		return parse_nspid(st, v, eol);
	if (f->sym == VMON_PROC_STATUS_CPUS_ALLOWED_NR)
		return parse_cpus(st, v, eol);
	if (f->sym == VMON_PROC_STATUS_NSPID_NR || f->sym == VMON_PROC_STATUS_CPUS_ALLOWED_COUNT)
		return 0;
	if (f->type == VMON_FIELD_STR)
		return parse_text(st, f, v, eol);
	t = value_token(v, eol, column_of(f), &t_end);
	if (!t) {
		BITSET(st->unavailable, f->sym);
	} else if (!is_mask(f->sym)) {
		vmon__field_parse(f, st, st->changed, st->unavailable, t, t_end);
	} else if (vmon__parse_hex(&t, t_end, &x) == 0 && t == t_end) {
		vmon__field_set_ull(f, st, st->changed, st->unavailable, x);
	} else {
		BITSET(st->unavailable, f->sym);
	}
	return 0;
}

/* One "Key:<blanks>values" line: every row of the key. */
static int parse_line(vmon_proc_status_t *st, const char *p, const char *eol,
		      int *hint, char *seen)
{
	const vmon_store_info_t *info = &vmon__proc_status_info;
	const char *colon = memchr(p, ':', eol - p), *v;
	const vmon_field_t *f;
	int err = 0;

	/* a repeated key: the first line counts, so the same bytes always
	 * give the same values */
	if (!colon || !(f = vmon__field_by_key(info, hint, p, colon - p)) || BITTEST(seen, f->sym) ||
	    f->sym == VMON_PROC_STATUS_KTHREAD)	/* its source is stat, not a key */
		return 0;
	for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
		;
	/* the rows of one key are adjacent in the table */
	for (int sym = f->sym; sym < info->fields_nr; sym++) {
		const char *src = info->fields[sym].source;

		if (strncmp(src, f->source, colon - p) ||
		    (src[colon - p] != '\0' && src[colon - p] != '.'))
			break;
		if (parse_field(st, &info->fields[sym], v, eol) < 0)
			err = -ENOMEM;
		BITSET(seen, sym);
	}
	return err;
}

int vmon__parse_proc_status(vmon_proc_status_t *st, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char seen[BITNSLOTS(VMON_PROC_STATUS_NR)] = { 0 };
	int hint = 0, err = 0;

	memset(st->changed, 0, sizeof(st->changed));
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if (parse_line(st, p, eol, &hint, seen) < 0)
			err = -ENOMEM;
		p = eol + 1;
	}
	/* a key this kernel (or this task) does not print; kthread is not
	 * status's to say */
	for (int sym = 0; sym < VMON_PROC_STATUS_NR; sym++)
		if (!BITTEST(seen, sym) && sym != VMON_PROC_STATUS_KTHREAD)
			BITSET(st->unavailable, sym);
	return err;
}

void vmon__proc_status_free(vmon_proc_status_t *st)
{
	vmon__chars_free(&st->cpus_allowed_list);
	vmon__free(st->groups);
	st->groups = NULL;
	st->ngroups = 0;
	vmon__free(st->nspid);
	st->nspid = NULL;
	st->nspid_nr = 0;
	vmon__free(st->cpus_allowed);
	st->cpus_allowed = NULL;
	st->cpus_allowed_nr = 0;
}

static int parse(void *store, const char *buf, size_t len)
{
	return vmon__parse_proc_status(store, buf, len);
}

/* PF_KTHREAD from this sample's stat store, or from a read of stat: 0/1,
 * -1 unknown, -ESRCH gone. */
static int kthread_flag(vmon_t *vmon, vmon_proc_t *proc, struct proc_status_state *s)
{
	const vmon_proc_stat_t *ps = proc->stores[VMON_STORE_PROC_STAT];
	const char *t, *t_end;
	unsigned long long flags;
	ssize_t n;

	/* the stat store was parsed this sample when it holds this task's pid */
	if (ps && ps->pid == proc->pid && !BITTEST(ps->unavailable, VMON_PROC_STAT_FLAGS))
		return !!(ps->flags & VMON__PF_KTHREAD);
	n = vmon__file_read(vmon, vmon__node(proc)->dirfd, "stat", &s->stat,
			    &vmon->internal->buf);
	vmon__file_close(&s->stat);	/* needed once: not worth a held descriptor */
	if (n == -ESRCH || n == -ENOENT)
		return -ESRCH;
	if (n < 0 || vmon__stat_token(vmon->internal->buf.data, n, 9, &t, &t_end) < 0 ||
	    vmon__parse_ull(&t, t_end, &flags) < 0)
		return -1;
	return !!(flags & VMON__PF_KTHREAD);
}

static void proc_status_init(void *state)
{
	struct proc_status_state *s = state;

	vmon__file_init(&s->fs.file);
	vmon__file_init(&s->stat);
	/* kthread is unknown until learnt */
	BITSET(s->pub.unavailable, VMON_PROC_STATUS_KTHREAD);
}

static enum vmon__outcome proc_status_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_status_state *s = state;
	vmon_proc_status_t *st = &s->pub;
	enum vmon__outcome o;
	int k;

	o = vmon__sample_file(vmon, vmon__node(proc)->dirfd, "status", &s->fs,
			      &vmon__proc_status_info, st, parse);
	if (o == VMON__GONE)
		return o;
	if (s->kthread_known) {	/* learnt: whatever this read of status did */
		BITCLEAR(st->unavailable, VMON_PROC_STATUS_KTHREAD);
	} else {
		k = kthread_flag(vmon, proc, s);
		if (k == -ESRCH)
			return VMON__GONE;
		if (k >= 0) {
			vmon__field_set_ll(&vmon__proc_status_info.fields[VMON_PROC_STATUS_KTHREAD],
					   st, st->changed, st->unavailable, k);
			s->kthread_known = true;
		}
	}
	/* the kthread field may have changed after the read */
	return o == VMON__UNCHANGED ? vmon__store_changed(&vmon__proc_status_info, st) : o;
}

static void proc_status_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_status_state *s = state;

	(void)vmon;
	(void)proc;
	vmon__file_close(&s->fs.file);
	vmon__file_close(&s->stat);
	vmon__proc_status_free(&s->pub);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_status, vmon__proc_status_info, struct proc_status_state,
		   VMON__INTERVAL(struct proc_status_state), proc_status_init, proc_status_sample,
		   proc_status_close, NULL);
