/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon.c - an instance's life: vmon_init(), vmon_sample() and
 * vmon_destroy().  This file only orchestrates; the tree lives in
 * proc_tree.c, the samplers in sample_*.c and follow_*.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* samples between re-reads of cmdline/exe and wchan (vmon_set_refresh()):
 * every sample, as the original libvmon read them, so that its programs
 * see them current and their change bits exact */
#define VMON__REFRESH_DEFAULT 1

static const unsigned flags_known = 0
#define vmon_flag(_sym, _bit, _desc) | VMON_FLAG_ ## _sym
#include "vmon/defs/flags.def"
	;

static int check_args(vmon_t *vmon, const char *root, vmon_flags_t flags,
		      vmon_sys_wants_t sys_wants, vmon_proc_wants_t proc_wants)
{
	if (!vmon || !root || (flags & ~flags_known) ||
	    (sys_wants & ~((1u << VMON_STORE_SYS_NR) - 1)) ||
	    (proc_wants & ~((1u << VMON_STORE_PROC_NR) - 1)))
		return -EINVAL;
	/* every process is already top-level: following children would need
	 * a node to be in two places */
	if ((flags & VMON_FLAG_PROC_ALL) && (proc_wants & VMON_WANT_PROC_FOLLOW_CHILDREN))
		return -EINVAL;
	return 0;
}

VMON_EXPORT int vmon_init_root(vmon_t *vmon, const char *root, vmon_flags_t flags,
			       vmon_sys_wants_t sys_wants, vmon_proc_wants_t proc_wants)
{
	struct vmon_internal *in;
	int err = check_args(vmon, root, flags, sys_wants, proc_wants);

	if (err < 0) {
		errno = -err;
		return 0;
	}
	memset(vmon, 0, sizeof(*vmon));
	vmon__digest_init();
	in = vmon__calloc(1, sizeof(*in));
	if (!in)
		return 0;
	if (vmon__pidhash_init(&in->procs) < 0 || vmon__pidhash_init(&in->threads) < 0) {
		err = ENOMEM;
		goto out_free;
	}
	vmon->proc_dir = opendir(root);
	if (!vmon->proc_dir) {
		err = errno;
		goto out_free;
	}
	in->proc_fd = dirfd(vmon->proc_dir);
	in->page_size = sysconf(_SC_PAGESIZE);
	INIT_LIST_HEAD(&in->stale);
	INIT_LIST_HEAD(&in->doomed);
	INIT_LIST_HEAD(&in->moves);
	INIT_LIST_HEAD(&in->fresh);
	INIT_LIST_HEAD(&vmon->processes);
	INIT_LIST_HEAD(&vmon->orphans);
	INIT_LIST_HEAD(&vmon->fobjects);
	vmon->internal = in;
	vmon->flags = flags;
	vmon->sys_wants = sys_wants;
	vmon->proc_wants = proc_wants;
	vmon->array_hint_free = -1;
	vmon->ticks_per_sec = sysconf(_SC_CLK_TCK);
	vmon->num_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (vmon->num_cpus <= 0)	/* never 0: callers scale by it */
		vmon->num_cpus = 1;
	in->fd_budget_set = -1;
	in->fds_held = 1;	/* the proc root */
	vmon__fd_budget_update(vmon);
	in->refresh[VMON_REFRESH_CMDLINE] = VMON__REFRESH_DEFAULT;
	in->refresh[VMON_REFRESH_WCHAN] = VMON__REFRESH_DEFAULT;
	vmon__backend_init(vmon);
	if ((flags & VMON_FLAG_EVENTS) && vmon__events_init(vmon) < 0) {
		vmon_destroy(vmon);
		errno = ENOMEM;
		return 0;
	}
	return 1;

out_free:
	vmon__pidhash_destroy(&in->procs);
	vmon__pidhash_destroy(&in->threads);
	vmon__free(in);
	errno = err;
	return 0;
}

VMON_EXPORT int vmon_init(vmon_t *vmon, vmon_flags_t flags,
			  vmon_sys_wants_t sys_wants, vmon_proc_wants_t proc_wants)
{
	return vmon_init_root(vmon, "/proc", flags, sys_wants, proc_wants);
}

static void sample_sys(vmon_t *vmon)
{
	vmon->activity = 0;
	vmon->unavailable = 0;
	for (int i = 0; i < VMON_STORE_SYS_NR; i++) {
		const struct vmon__sys_sampler *s = vmon__sys_samplers[i];
		enum vmon__outcome o;

		if (!(vmon->sys_wants & (1u << i)))
			continue;
		if (!vmon->stores[i]) {
			vmon->stores[i] = vmon__calloc(1, s->state_size);
			if (!vmon->stores[i]) {
				vmon__sample_error(vmon, -ENOMEM);
				continue;
			}
			if (s->init)
				s->init(vmon->stores[i]);
		}
		o = s->sample(vmon, vmon->stores[i]);
		if (o != VMON__GONE && vmon__store_unavailable(s->info, vmon->stores[i]))
			vmon->unavailable |= 1u << i;
		switch (o) {
		case VMON__CHANGED:
			vmon->activity |= 1u << i;
			break;
		case VMON__NOMEM:
			vmon__sample_error(vmon, -ENOMEM);
			break;
		default:
			break;
		}
	}
}

static unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Start counting what this sample costs. */
static void cost_begin(struct vmon_internal *in)
{
	in->cost.wall_ns = now_ns(CLOCK_MONOTONIC);
	in->cost.cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID);
	in->io = (struct vmon__io_counters){ 0 };
	vmon__io_count(&in->io);
}

static void cost_end(struct vmon_internal *in)
{
	vmon__io_count(NULL);
	in->cost.wall_ns = now_ns(CLOCK_MONOTONIC) - in->cost.wall_ns;
	in->cost.cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - in->cost.cpu_ns;
	in->cost.reads = in->io.reads;
	in->cost.bytes_read = in->io.bytes;
	in->cost.opens = in->io.opens;
	in->cost.fallback_files = in->io.fallback_files;
	in->cost.fallback_nodes = in->io.fallback_nodes;
	in->cost.fds_held = in->fds_held;
	in->cost.fd_budget = in->fd_budget;
	in->cost.backend = in->backend.snap_gen ? VMON_BACKEND_BPF : VMON_BACKEND_PROCFS;
	in->cost.backend_error = -in->backend.error;
	in->cost.backend_nodes = in->backend.nodes;
}

/* the event figures too: their lost count is since the last sample */
static void cost_events(vmon_t *vmon)
{
	vmon__events_cost(vmon, &vmon->internal->cost);
}

/* Node directories are worth holding only while every file fits too: a
 * node whose files are held opens nothing, and its directory is needed
 * only to open them.  When files were read open-per-sample for want of
 * budget, directories are let go (each at its node's next sample), and
 * held again once the budget has a slot left for every node. */
static void shed_dirs_update(struct vmon_internal *in)
{
	long nodes = (long)in->procs.count + (long)in->threads.count;

	if (in->cost.fallback_files > 0)	/* in the last sample */
		in->shed_dirs = true;
	else if (in->shed_dirs && in->fd_budget - in->fds_held >= nodes)
		in->shed_dirs = false;
}

VMON_EXPORT int vmon_sample(vmon_t *vmon)
{
	struct vmon_internal *in;
	int err;

	if (!vmon || !(in = vmon->internal) || in->in_sample) {
		errno = EINVAL;
		return 0;
	}
	cost_begin(in);
	in->in_sample = true;
	in->error = 0;
	vmon->generation++;
	vmon->processes_changed = in->top_pending;
	in->top_pending = false;
	vmon__fd_budget_update(vmon);
	shed_dirs_update(in);
	vmon__tree_reap(vmon);
	vmon__heap_settle(vmon);
	vmon__fd_shed(vmon);	/* before anything is opened */
	vmon__events_apply(vmon);
	sample_sys(vmon);
	if (vmon->sample_cb)
		vmon->sample_cb(vmon, vmon->sample_cb_arg);
	vmon__backend_sample(vmon);
	if (vmon->flags & VMON_FLAG_PROC_ALL) {
		err = vmon__proc_all_scan(vmon);
		if (err < 0)
			vmon__sample_error(vmon, err);
	}
	vmon__sample_procs(vmon);
	vmon__events_settle(vmon);
	vmon__fresh_age(vmon);
	in->in_sample = false;
	vmon__tree_settle(vmon);
	cost_end(in);
	cost_events(vmon);
#ifdef VMON_TESTING
	if (vmon__check(vmon) < 0)
		abort();
#endif
	if (in->error) {
		errno = -in->error;
		return 0;
	}
	return 1;
}

VMON_EXPORT void vmon_destroy(vmon_t *vmon)
{
	struct vmon_internal *in;
	bool trim;

	if (!vmon || !(in = vmon->internal))
		return;
	trim = vmon__heap_trim_due(vmon);
	in->in_sample = false;
	vmon__events_destroy(vmon);	/* first: a source may watch the nodes */
	vmon__node_free_all(vmon);
	vmon__backend_destroy(vmon);
	for (int i = 0; i < VMON_STORE_SYS_NR; i++) {
		if (!vmon->stores[i])
			continue;
		vmon__sys_samplers[i]->close(vmon, vmon->stores[i]);
		vmon__free(vmon->stores[i]);
		vmon->stores[i] = NULL;
	}
	vmon__array_destroy(vmon);
	vmon__fobject_table_destroy(vmon);
	vmon__pidhash_destroy(&in->procs);
	vmon__pidhash_destroy(&in->threads);
	vmon__free(in->buf.data);
	vmon__free(in->link.data);
	vmon__free(in->ident.data);
	vmon__free(in->ids);
	vmon__free(in->sorted);
	vmon__free(in->fd_gens);
	closedir(vmon->proc_dir);
	vmon__free(in);
	vmon->proc_dir = NULL;
	vmon->internal = NULL;
	if (trim)
		vmon__heap_trim();
}
