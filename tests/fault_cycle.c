/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fault_cycle.c - the cycle the fault sweeps run over the puppet tree
 * (fault_cycle.h, puppet.c), the tree's signature that tells a recovered
 * instance from a damaged one, and the sweep loop itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "fault_cycle.h"
#include "internal.h"
#include "test.h"

/* The puppet's wants (test.h): the others would double every sweep's
 * calls and the cost of every cycle, past the runner's time under ASan,
 * so they are swept on a smaller tree of their own (test_fault_wants.c). */
#define ALL_SYS_WANTS T_WANTS_PUPPET_SYS
#define ALL_PROC_WANTS T_WANTS_PUPPET_PROC

/* ---- the cycle ---- */

static void cycle_cb(vmon_t *v, void *a, vmon_proc_t *p, void *b)
{
	(void)v; (void)a; (void)p; (void)b;
}

static void check_errno(const struct fc_expect *e, const char *call)
{
	int err = errno;

	if (err == ENOMEM)
		return;
	for (int i = 0; i < 3 && e->errs[i]; i++)
		if (e->errs[i] == err)
			return;
	vmon_test_fail(__FILE__, __LINE__, "%s failed with %s, not an expected error", call,
		       strerror(err));
}

/* no live task of the puppet may be reported gone */
static void check_alive(const struct fc_puppet *pp, list_head_t *siblings)
{
	vmon_proc_t *p, *t;

	list_for_each_entry(p, siblings, siblings) {
		ASSERT_MSG(!p->is_stale || !fc_puppet_alive(pp, p->pid),
			   "live process %d reported gone", p->pid);
		list_for_each_entry(t, &p->threads, threads)
			ASSERT_MSG(!t->is_stale || !fc_puppet_alive(pp, t->pid),
				   "live thread %d reported gone", t->pid);
		check_alive(pp, &p->children);
	}
}

static void sample(vmon_t *v, const struct fc_puppet *pp, const struct fc_expect *e)
{
	if (!vmon_sample(v))
		check_errno(e, "vmon_sample()");
	t_check_tree(v);
	if (!e->gone_ok)
		check_alive(pp, &v->processes);
	if (e->after_sample)
		e->after_sample(v, e->ctx);
}

unsigned long fc_cycle(struct fc_puppet *pp, vmon_flags_t flags, const struct fc_expect *e,
		       char *sig, size_t sig_size)
{
	vmon_proc_t *r = NULL;
	unsigned long fired;
	bool ok;
	vmon_t v;

	if (sig)
		sig[0] = '\0';
	ok = vmon_init(&v, flags, ALL_SYS_WANTS, ALL_PROC_WANTS);
	if (!ok)
		check_errno(e, "vmon_init()");
	/* every file at every sample: a sweep must reach every read */
	if (ok && (!vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, 1) ||
		   !vmon_set_refresh(&v, VMON_REFRESH_WCHAN, 1)))
		vmon_test_fail(__FILE__, __LINE__, "vmon_set_refresh");
	if (ok && !(r = vmon_proc_monitor(&v, pp->root, 0, cycle_cb, NULL)))
		check_errno(e, "vmon_proc_monitor()");
	if (r)
		sample(&v, pp, e);
	fc_puppet_births(pp);
	if (r)
		sample(&v, pp, e);
	fc_puppet_exec(pp);
	if (r)
		sample(&v, pp, e);
	fc_puppet_exits(pp);
	for (int i = 0; r && i < 2; i++)
		sample(&v, pp, e);
	fired = vmon_test_fault_fired();
	if (r && e->recover && sig) {
		vmon_test_fault_clear();
		for (int i = 0; i < 2; i++)
			sample(&v, pp, e);
		if (r->is_stale)
			snprintf(sig, sig_size, "gone");
		else
			fc_signature(&v, sig, sig_size);
	}
	if (r) {
		vmon_proc_unmonitor(&v, r, cycle_cb, NULL);
		t_check_tree(&v);
		ASSERT_MSG(list_empty(&v.processes), "nodes left after the last unmonitor");
	}
	if (ok)
		vmon_destroy(&v);
	return fired > vmon_test_fault_fired() ? fired : vmon_test_fault_fired();
}

/* ---- signatures ---- */

struct sig_lines {
	char (*line)[200];
	int nr, max;
};

static void sig_node(struct sig_lines *s, vmon_proc_t *p)
{
	vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	vmon_proc_files_t *f = p->stores[VMON_STORE_PROC_FILES];
	vmon_proc_follow_children_t *fc = p->stores[VMON_STORE_PROC_FOLLOW_CHILDREN];
	vmon_proc_follow_threads_t *ft = p->stores[VMON_STORE_PROC_FOLLOW_THREADS];

	char stat_unavail[2 * sizeof(st->unavailable) + 1] = "-";

	if (s->nr == s->max)
		return;
	for (size_t i = 0; st && i < sizeof(st->unavailable); i++)
		snprintf(stat_unavail + 2 * i, 3, "%02x", (unsigned char)st->unavailable[i]);
	snprintf(s->line[s->nr++], sizeof(s->line[0]),
		 "%c%d stale=%d unavail=%#x stat_unavail=%s comm=%s argc=%d fds=%d "
		 "children=%d threads=%d",
		 p->is_thread ? 'T' : 'P', p->pid, p->is_stale, (unsigned)p->unavailable,
		 stat_unavail, st && st->comm.array ? st->comm.array : "-", st ? st->argc : -1,
		 f ? f->fds_nr : -1, fc ? fc->children_nr : -1, ft ? ft->threads_nr : -1);
}

static void sig_walk(struct sig_lines *s, list_head_t *siblings)
{
	vmon_proc_t *p, *t;

	list_for_each_entry(p, siblings, siblings) {
		sig_node(s, p);
		list_for_each_entry(t, &p->threads, threads)
			sig_node(s, t);
		sig_walk(s, &p->children);
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

void fc_signature(vmon_t *vmon, char *sig, size_t size)
{
	struct sig_lines s = { malloc(64 * sizeof(*s.line)), 0, 64 };
	size_t off = 0;

	ASSERT(s.line);
	sig_walk(&s, &vmon->processes);
	qsort(s.line, s.nr, sizeof(*s.line), cmp_line);
	sig[0] = '\0';
	for (int i = 0; i < s.nr && off < size; i++)
		off += snprintf(sig + off, size - off, "%s\n", s.line[i]);
	free(s.line);
}

/* ---- sweeps ---- */

#if defined(__SANITIZE_ADDRESS__)
#define FC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FC_SANITIZED 1
#endif
#endif

/* Every call is failed in the sanitizer build, where leaks and undefined
 * behaviour are caught too; the plain build fails every third one. */
unsigned long fc_sweep_stride(void)
{
	const char *s = getenv("VMON_SWEEP_STRIDE");
#ifdef FC_SANITIZED
	long v = s ? atol(s) : 1;
#else
	long v = s ? atol(s) : 3;
#endif

	return v > 0 ? (unsigned long)v : 1;
}

unsigned long fc_sweep(struct fc_puppet *pp, vmon_flags_t flags, int site,
		       const struct vmon_fault_plan *plan, const struct fc_expect *e,
		       const char *clean)
{
	unsigned long n, fired = 0, stride = fc_sweep_stride();
	int fds = t_count_fds();
	char sig[4096];

	for (n = 1; n < 100000; n += stride) {
		struct vmon_fault_plan p = *plan;

		p.countdown = n;
		vmon_test_fault_clear();
		vmon_test_fault_set(site, &p);
		if (!fc_cycle(pp, flags, e, e->recover ? sig : NULL, sizeof(sig)))
			break;
		fired++;
		ASSERT_EQ(t_count_fds(), fds);
		if (e->recover && clean && sig[0] && strcmp(sig, "gone"))
			ASSERT_MSG(!strcmp(sig, clean),
				   "fault at call %lu of site %d: after recovery\n%s\ninstead of\n%s",
				   n, site, sig, clean);
		if (e->recover && !strcmp(sig, "gone"))
			ASSERT_MSG(e->gone_ok, "fault at call %lu: the root was lost", n);
	}
	vmon_test_fault_clear();
	ASSERT_EQ(t_count_fds(), fds);
	return fired;
}
