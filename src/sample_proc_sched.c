/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_sched.c - VMON_WANT_PROC_SCHED: /proc/PID/schedstat (three
 * numbers: time on a CPU and waiting on a run queue, in ns, and timeslices;
 * present with CONFIG_SCHED_INFO) and fields 40-42 of /proc/PID/stat
 * (rt_priority, policy, delayacct_blkio_ticks; proc_pid_stat(5)), counted
 * from the last ')' as the stat store does.  Both descriptors are held; a
 * sample is two pread()s.  stat is read here, even when the stat want is
 * on, because that store does not keep fields 40 and 41.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_sched_t
static const vmon_field_t proc_sched_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_sched.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_sched_info, "proc_sched", "/proc/PID/{schedstat,stat}",
		 vmon_proc_sched_t, proc_sched_fields, VMON_PROC_SCHED_NR);

struct proc_sched_state {
	vmon_proc_sched_t pub;
	struct vmon__file schedstat, stat;
	bool sampled;
	int last_gen;		/* vmon_set_want_interval() */
};

int vmon__parse_proc_sched(vmon_proc_sched_t *sc, const char *buf, size_t len)
{
	memset(sc->changed, 0, sizeof(sc->changed));
	vmon__parse_columns(&vmon__proc_sched_info, VMON_PROC_SCHED_RUN_NS, 3, sc,
			    sc->changed, sc->unavailable, buf, buf + len);
	return 0;
}

int vmon__parse_proc_sched_stat(vmon_proc_sched_t *sc, const char *buf, size_t len)
{
	const vmon_store_info_t *info = &vmon__proc_sched_info;
	const char *t, *t_end;

	for (int sym = VMON_PROC_SCHED_RT_PRIORITY; sym <= VMON_PROC_SCHED_DELAY_BLKIO; sym++) {
		const vmon_field_t *f = &info->fields[sym];

		/* the source of these rows is their field number, 40 to 42 */
		if (vmon__stat_token(buf, len, 40 + sym - VMON_PROC_SCHED_RT_PRIORITY,
				     &t, &t_end) < 0)
			BITSET(sc->unavailable, sym);
		else
			vmon__field_parse(f, sc, sc->changed, sc->unavailable, t, t_end);
	}
	return 0;
}

/* schedstat; -ESRCH when the task is gone, -ENOMEM, else 0 */
static int read_schedstat(vmon_t *vmon, int dirfd, struct proc_sched_state *s)
{
	ssize_t n = vmon__file_read(vmon, dirfd, "schedstat", &s->schedstat,
				    &vmon->internal->buf);

	if (n == -ESRCH || n == -ENOMEM)
		return n;
	if (n < 0) {	/* not in this kernel (or the thread went: stat says) */
		memset(s->pub.changed, 0, sizeof(s->pub.changed));
		for (int sym = VMON_PROC_SCHED_RUN_NS; sym <= VMON_PROC_SCHED_TIMESLICES; sym++)
			BITSET(s->pub.unavailable, sym);
		return 0;
	}
	return vmon__parse_proc_sched(&s->pub, vmon->internal->buf.data, n);
}

static void proc_sched_init(void *state)
{
	struct proc_sched_state *s = state;

	vmon__file_init(&s->schedstat);
	vmon__file_init(&s->stat);
}

static enum vmon__outcome proc_sched_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_sched_state *s = state;
	int dirfd = vmon__node(proc)->dirfd, err;
	ssize_t n;

	err = read_schedstat(vmon, dirfd, s);
	if (err == -ESRCH)
		return VMON__GONE;
	if (err == -ENOMEM)
		return VMON__NOMEM;
	n = vmon__file_read(vmon, dirfd, "stat", &s->stat, &vmon->internal->buf);
	/* every task has a stat: in a task/TID directory ENOENT means gone */
	if (n == -ESRCH || n == -ENOENT)
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0)
		vmon__parse_proc_sched_stat(&s->pub, "", 0);
	else
		vmon__parse_proc_sched_stat(&s->pub, vmon->internal->buf.data, n);
	if (!s->sampled)
		vmon__bits_fill(s->pub.changed, VMON_PROC_SCHED_NR);
	s->sampled = true;
	return vmon__store_changed(&vmon__proc_sched_info, &s->pub);
}

static void proc_sched_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_sched_state *s = state;

	(void)vmon;
	(void)proc;
	vmon__file_close(&s->schedstat);
	vmon__file_close(&s->stat);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_sched, vmon__proc_sched_info, struct proc_sched_state,
		   VMON__INTERVAL(struct proc_sched_state), proc_sched_init, proc_sched_sample,
		   proc_sched_close, NULL);
