/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_smaps_rollup.c - VMON_WANT_PROC_SMAPS_ROLLUP:
 * /proc/PID/smaps_rollup (4.14+), parsed by key: proportional (PSS) and
 * unique (USS = Private_Clean + Private_Dirty) memory, what psutil's
 * memory_full_info() reports.
 *
 * The costly want: each read walks every page table of the target under
 * its mm lock, so it is opt-in and honours vmon_set_want_interval().
 *
 * A thread shares its process's memory map, so its smaps_rollup says what
 * the process's does: a thread node takes its process node's figures when
 * that node was sampled in the same sample (always, in the depth-first
 * orders, where a process's samplers run before its threads'), instead of
 * walking the same page tables once per thread.
 *
 * Two kernel behaviours shape the sampler.  A kernel thread or a zombie has
 * no mm, and the file then fails with ESRCH just as a dead process's does:
 * a live task's stat still opens (vmon__proc_gone()), so the store is
 * unavailable, retried after a back-off, and the node lives on.  And the
 * file takes the target's mm when it is opened, so a descriptor held
 * across an exec reads the old, dead mm (ESRCH): it is reopened once
 * before the failure counts.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_smaps_rollup_t
static const vmon_field_t proc_smaps_rollup_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_smaps_rollup.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_smaps_rollup_info, "proc_smaps_rollup", "/proc/PID/smaps_rollup",
		 vmon_proc_smaps_rollup_t, proc_smaps_rollup_fields, VMON_PROC_SMAPS_ROLLUP_NR);

struct proc_smaps_state {
	vmon_proc_smaps_rollup_t pub;
	struct vmon__file file;
	bool sampled;
	int last_gen;		/* vmon_set_want_interval() */
};

int vmon__parse_proc_smaps_rollup(vmon_proc_smaps_rollup_t *sr, const char *buf, size_t len)
{
	const vmon_field_t *uss = &vmon__proc_smaps_rollup_info.fields[VMON_PROC_SMAPS_ROLLUP_USS_KB];

	memset(sr->changed, 0, sizeof(sr->changed));
	/* the first line ("55aa...-7ffc... ---p ... [rollup]") has no key of
	 * the table and is skipped like any unknown key */
	vmon__parse_keyed(&vmon__proc_smaps_rollup_info, sr, sr->changed, sr->unavailable,
			  buf, len);
	if (BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_PRIVATE_CLEAN_KB) ||
	    BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_PRIVATE_DIRTY_KB) ||
	    sr->private_clean_kb > ~0ULL - sr->private_dirty_kb)
		BITSET(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_USS_KB);
	else
		vmon__field_set_ull(uss, sr, sr->changed, sr->unavailable,
				    sr->private_clean_kb + sr->private_dirty_kb);
	return 0;
}

/* A thread node: its process's figures, when this sample has them. */
static bool copy_process(const vmon_t *vmon, const vmon_proc_t *proc,
			 vmon_proc_smaps_rollup_t *sr)
{
	const vmon_store_info_t *info = &vmon__proc_smaps_rollup_info;
	const vmon_proc_t *p = proc->parent;
	const vmon_proc_smaps_rollup_t *ps;

	if (!proc->is_thread || !p || p->is_stale || p->generation != vmon->generation ||
	    !(ps = p->stores[VMON_STORE_PROC_SMAPS_ROLLUP]))
		return false;
	memset(sr->changed, 0, sizeof(sr->changed));
	for (int i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];

		if (BITTEST(ps->unavailable, i))
			BITSET(sr->unavailable, i);
		else
			vmon__field_set_ull(f, sr, sr->changed, sr->unavailable,
					    *(const unsigned long long *)((const char *)ps + f->offset));
	}
	return true;
}

/* Read the file: its length, -ESRCH when the task is gone, or another
 * -errno when it cannot be read now (no mm: -ENODATA, after a back-off). */
static ssize_t read_rollup(vmon_t *vmon, vmon_proc_t *proc, struct proc_smaps_state *s)
{
	int dirfd = vmon__node(proc)->dirfd;
	bool was_open = s->file.fd >= 0;
	ssize_t n = vmon__file_read(vmon, dirfd, "smaps_rollup", &s->file, &vmon->internal->buf);

	if (n != -ESRCH && n != -ENOENT)
		return n;
	if (vmon__proc_gone(proc))
		return -ESRCH;
	if (was_open) {		/* held across an exec: the mm it took is gone */
		vmon__file_close(&s->file);
		n = vmon__file_read(vmon, dirfd, "smaps_rollup", &s->file, &vmon->internal->buf);
		if (n >= 0 || (n != -ESRCH && n != -ENOENT))
			return n;
	}
	vmon__file_refused(vmon, &s->file);	/* no mm: ask again later */
	return -ENODATA;
}

static void proc_smaps_init(void *state)
{
	vmon__file_init(&((struct proc_smaps_state *)state)->file);
}

/* Fill the store from the file (or, for a thread node, from its process's
 * store): false when it could not be read (the store is then unavailable),
 * with *o set for a gone task or ENOMEM. */
static bool fill(vmon_t *vmon, vmon_proc_t *proc, struct proc_smaps_state *s,
		 enum vmon__outcome *o)
{
	vmon_proc_smaps_rollup_t *sr = &s->pub;
	ssize_t n;

	if (copy_process(vmon, proc, sr))
		return true;
	n = read_rollup(vmon, proc, s);
	if (n == -ESRCH || n == -ENOMEM) {
		*o = n == -ESRCH ? VMON__GONE : VMON__NOMEM;
		return false;
	}
	if (n < 0) {
		memset(sr->changed, 0, sizeof(sr->changed));
		vmon__bits_fill(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_NR);
		return false;
	}
	vmon__parse_proc_smaps_rollup(sr, vmon->internal->buf.data, n);
	return true;
}

static enum vmon__outcome proc_smaps_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_smaps_state *s = state;
	vmon_proc_smaps_rollup_t *sr = &s->pub;
	enum vmon__outcome o = VMON__UNCHANGED;

	if (fill(vmon, proc, s, &o) && !s->sampled) {
		vmon__bits_fill(sr->changed, VMON_PROC_SMAPS_ROLLUP_NR);
		s->sampled = true;
	}
	return o == VMON__UNCHANGED ? vmon__store_changed(&vmon__proc_smaps_rollup_info, sr) : o;
}

static void proc_smaps_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	vmon__file_close(&((struct proc_smaps_state *)state)->file);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_smaps_rollup, vmon__proc_smaps_rollup_info,
		   struct proc_smaps_state, VMON__INTERVAL(struct proc_smaps_state),
		   proc_smaps_init, proc_smaps_sample, proc_smaps_close, NULL);
