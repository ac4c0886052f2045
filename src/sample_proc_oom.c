/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_oom.c - VMON_WANT_PROC_OOM: /proc/PID/oom_score and
 * /proc/PID/oom_score_adj (proc_pid_oom_score(5)), one number each.  Both
 * descriptors are held and re-read with one pread() each; the parser takes
 * the two files' bytes one after the other (each ends in a newline), so
 * the tests and the fuzzer feed it the same way.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_oom_t
static const vmon_field_t proc_oom_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_oom.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_oom_info, "proc_oom", "/proc/PID/{oom_score,oom_score_adj}",
		 vmon_proc_oom_t, proc_oom_fields, VMON_PROC_OOM_NR);

#define VMON__OOM_LINE_MAX 32	/* "-1000\n", and room for odd kernels */

struct proc_oom_state {
	vmon_proc_oom_t pub;
	struct vmon__file score, adj;
	bool sampled;
	int last_gen;		/* vmon_set_want_interval() */
};

int vmon__parse_proc_oom(vmon_proc_oom_t *oom, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	memset(oom->changed, 0, sizeof(oom->changed));
	for (int sym = VMON_PROC_OOM_SCORE; sym <= VMON_PROC_OOM_ADJ; sym++) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		vmon__parse_columns(&vmon__proc_oom_info, sym, 1, oom, oom->changed,
				    oom->unavailable, p, eol);
		p = eol < end ? eol + 1 : end;
	}
	return 0;
}

/* Append the bytes of file name (or nothing, when it cannot be read) and a
 * newline to text at *len.  -ESRCH when the task is gone, -ENOMEM, else 0. */
static int append(vmon_t *vmon, vmon_proc_t *proc, const char *name, struct vmon__file *f,
		  char *text, size_t *len)
{
	ssize_t n = vmon__file_read(vmon, vmon__node(proc)->dirfd, name, f,
				    &vmon->internal->buf);

	if (n == -ESRCH || n == -ENOMEM)
		return n;
	if (n > 0 && n < VMON__OOM_LINE_MAX) {
		memcpy(text + *len, vmon->internal->buf.data, n);
		*len += n;
		if (text[*len - 1] == '\n')
			return 0;
	}
	text[(*len)++] = '\n';	/* an empty line: the field is unavailable */
	return 0;
}

static void proc_oom_init(void *state)
{
	struct proc_oom_state *s = state;

	vmon__file_init(&s->score);
	vmon__file_init(&s->adj);
}

static enum vmon__outcome proc_oom_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_oom_state *s = state;
	char text[2 * VMON__OOM_LINE_MAX + 2];
	size_t len = 0;
	int err;

	err = append(vmon, proc, "oom_score", &s->score, text, &len);
	if (!err)
		err = append(vmon, proc, "oom_score_adj", &s->adj, text, &len);
	if (err == -ESRCH)
		return VMON__GONE;
	if (err == -ENOMEM)
		return VMON__NOMEM;
	vmon__parse_proc_oom(&s->pub, text, len);
	if (!s->sampled)
		vmon__bits_fill(s->pub.changed, VMON_PROC_OOM_NR);
	s->sampled = true;
	return vmon__store_changed(&vmon__proc_oom_info, &s->pub);
}

static void proc_oom_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_oom_state *s = state;

	(void)vmon;
	(void)proc;
	vmon__file_close(&s->score);
	vmon__file_close(&s->adj);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_oom, vmon__proc_oom_info, struct proc_oom_state,
		   VMON__INTERVAL(struct proc_oom_state), proc_oom_init, proc_oom_sample,
		   proc_oom_close, NULL);
