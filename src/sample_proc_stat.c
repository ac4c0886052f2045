/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_stat.c - VMON_WANT_PROC_STAT: /proc/PID/stat
 * (proc_pid_stat(5)) and its companions cmdline, exe and wchan.
 *
 * stat is read whole (one pread) before anything is parsed: comm is the
 * bytes between the first '(' and the *last* ')' of the file, and the
 * fields after it are counted from there.  Any user can name a process
 * "x) Z 1 1" or put a newline in the name (docs/design/kernel.md K1, K2),
 * so no other split is safe; the seed's use of /proc/PID/comm's length was
 * racy and spoofable.  comm comes from stat; /proc/PID/comm is never read.
 *
 * Kernel threads (PF_KTHREAD in the flags word) have no cmdline and no exe
 * (K3): they are not read for them, and exe is marked unavailable.  exe
 * fails with ENOENT for zombies and EACCES for other users' processes:
 * unavailable, and EACCES is retried after a back-off.
 *
 * comm's len counts a terminating NUL, as the original libvmon's did (it
 * kept /proc/PID/comm's bytes with their newline): its programs print
 * len - 1 bytes.
 *
 * cmdline, exe and wchan are read at every sample by default, as the
 * original did.  The cheap refresh (vmon_set_refresh(), every > 1) reads
 * cmdline and exe on the first sample, when stat shows an exec (a new comm
 * or memory layout) and while a cmdline reads empty (mid-exec); cmdline
 * alone every Nth sample for processes that rewrite their title (a title
 * is in the process's memory; its exe changes only with an exec); and
 * wchan on the first sample and every Nth: a steady-state sample is then
 * one pread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_stat_t
static const vmon_field_t proc_stat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_stat.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_stat_info, "proc_stat", "/proc/PID/{stat,cmdline,exe,wchan}",
		 vmon_proc_stat_t, proc_stat_fields, VMON_PROC_STAT_NR);

#define VMON__PF_KTHREAD 0x00200000ULL
#define VMON__STAT_FIELDS_MAX 64	/* proc(5) documents 52 */

struct proc_stat_state {
	vmon_proc_stat_t pub;
	struct vmon__file stat, cmdline, wchan;
	struct vmon__file exe;	/* only its back-off is used: exe is a link */
	bool sampled;
	bool recheck;		/* cmdline read empty: read it again next sample */
	unsigned long long cpu_prev[2];	/* BPF backend: utime, stime shown last (ns) */
	/* what an event's hint changed since the last sample: still changed
	 * in the next, which reads the same values again */
	__typeof__(((vmon_proc_stat_t *)0)->changed) hinted;
};

/* field 3 + i of stat -> symbol of the scalar field it fills, or -1 */
#define VMON__STAT_POSITIONS (VMON__STAT_FIELDS_MAX - 2)
static signed char stat_syms[VMON__STAT_POSITIONS];
static int stat_syms_used;	/* columns up to the last one wanted */
static pthread_once_t stat_syms_once = PTHREAD_ONCE_INIT;

static void stat_syms_build(void)
{
	stat_syms_used = vmon__positions_build(&vmon__proc_stat_info, 3, stat_syms,
					       VMON__STAT_POSITIONS);
}

/* mark every field that comes from the stat file unavailable */
static void stat_fields_unavailable(vmon_proc_stat_t *st)
{
	pthread_once(&stat_syms_once, stat_syms_build);
	for (int i = 0; i < VMON__STAT_POSITIONS; i++)
		if (stat_syms[i] >= 0)
			BITSET(st->unavailable, stat_syms[i]);
	BITSET(st->unavailable, VMON_PROC_STAT_PID);
	BITSET(st->unavailable, VMON_PROC_STAT_COMM);
}

int vmon__parse_proc_stat(vmon_proc_stat_t *st, const char *buf, size_t len)
{
	const vmon_store_info_t *info = &vmon__proc_stat_info;
	const char *end = buf + len, *open, *close, *p, *t, *t_end;

	pthread_once(&stat_syms_once, stat_syms_build);
	open = memchr(buf, '(', len);
	close = memrchr(buf, ')', len);
	if (!open || !close || close < open) {
		stat_fields_unavailable(st);	/* not a stat line */
		return 0;
	}
	/* (1) pid, before the '(' */
	p = buf;
	t = vmon__next_token(&p, open, &t_end);
	if (t)
		vmon__field_parse(&info->fields[VMON_PROC_STAT_PID], st,
				  st->changed, st->unavailable, t, t_end);
	else
		BITSET(st->unavailable, VMON_PROC_STAT_PID);
	/* (2) comm */
	if (vmon__chars_setz(&st->comm, open + 1, close - open - 1,
			     st->changed, VMON_PROC_STAT_COMM) < 0)
		return -ENOMEM;
	BITCLEAR(st->unavailable, VMON_PROC_STAT_COMM);
	/* (3) state onwards, counted from the last ')', in one pass */
	vmon__parse_positions(info, stat_syms, stat_syms_used, st,
			      st->changed, st->unavailable, close + 1, end);
	return 0;
}

/* Arguments are NUL-terminated; bytes after the last NUL (a title rewritten
 * without one, docs/design/kernel.md K11) are one more argument. */
static int count_args(const char *buf, size_t len)
{
	int argc = 0;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			argc++;
	if (len && buf[len - 1] != '\0')
		argc++;
	return argc;
}

int vmon__parse_cmdline(vmon_proc_stat_t *st, const char *buf, size_t len)
{
	char **argv;
	int argc;

	if (st->argv && st->cmdline.array && st->cmdline.len == len &&
	    !memcmp(st->cmdline.array, buf, len))
		goto out_available;
	/* allocate everything before changing anything: on ENOMEM the store
	 * keeps its old, consistent cmdline, argc and argv */
	argc = count_args(buf, len);
	/* room for the old argv too, which must stay whole if the cmdline
	 * copy below fails */
	argv = vmon__realloc(st->argv, (size_t)((argc > st->argc ? argc : st->argc) + 1) *
			     sizeof(char *));
	if (!argv)
		return -ENOMEM;
	argv[st->argc] = NULL;	/* a first allocation has no terminator yet */
	st->argv = argv;
	if (vmon__chars_set(&st->cmdline, buf, len, st->changed, VMON_PROC_STAT_CMDLINE) < 0)
		return -ENOMEM;
	argc = 0;
	for (size_t i = 0; i < len; i += strlen(st->cmdline.array + i) + 1)
		st->argv[argc++] = st->cmdline.array + i;
	st->argv[argc] = NULL;
	if (st->argc != argc)
		BITSET(st->changed, VMON_PROC_STAT_ARGC);
	st->argc = argc;
	BITSET(st->changed, VMON_PROC_STAT_CMDLINE);
	BITSET(st->changed, VMON_PROC_STAT_ARGV);
out_available:
	BITCLEAR(st->unavailable, VMON_PROC_STAT_CMDLINE);
	BITCLEAR(st->unavailable, VMON_PROC_STAT_ARGC);
	BITCLEAR(st->unavailable, VMON_PROC_STAT_ARGV);
	return 0;
}

void vmon__proc_stat_free(vmon_proc_stat_t *st)
{
	vmon__chars_free(&st->comm);
	vmon__chars_free(&st->cmdline);
	vmon__chars_free(&st->exe);
	vmon__chars_free(&st->wchan);
	vmon__free(st->argv);
	st->argv = NULL;
	st->argc = 0;
}

/* Read a companion file of text (wchan) into field sym. */
static enum vmon__outcome read_text(vmon_t *vmon, int dirfd, const char *name,
				    struct vmon__file *f, vmon_proc_stat_t *st, int sym)
{
	ssize_t n = vmon__file_read(vmon, dirfd, name, f, &vmon->internal->buf);

	if (n == -ESRCH)
		return VMON__GONE;
	if (n < 0) {
		BITSET(st->unavailable, sym);
		return n == -ENOMEM ? VMON__NOMEM : VMON__UNCHANGED;
	}
	if (vmon__chars_set((vmon_char_array_t *)((char *)st + vmon__proc_stat_info.fields[sym].offset),
			    vmon->internal->buf.data, n, st->changed, sym) < 0)
		return VMON__NOMEM;
	BITCLEAR(st->unavailable, sym);
	return VMON__UNCHANGED;
}

/* An empty cmdline never replaces one read before: a zombie's (and a
 * process's mid-exec) reads empty, and the original libvmon kept the last
 * arguments then, so an exited process keeps showing what it ran. */
static enum vmon__outcome read_cmdline(vmon_t *vmon, int dirfd, struct proc_stat_state *s)
{
	vmon_proc_stat_t *st = &s->pub;
	ssize_t n = vmon__file_read(vmon, dirfd, "cmdline", &s->cmdline, &vmon->internal->buf);

	if (n == -ESRCH)
		return VMON__GONE;
	if (n < 0) {
		BITSET(st->unavailable, VMON_PROC_STAT_CMDLINE);
		BITSET(st->unavailable, VMON_PROC_STAT_ARGC);
		BITSET(st->unavailable, VMON_PROC_STAT_ARGV);
		return n == -ENOMEM ? VMON__NOMEM : VMON__UNCHANGED;
	}
	if (n == 0 && st->cmdline.len)
		return VMON__UNCHANGED;
	return vmon__parse_cmdline(st, vmon->internal->buf.data, n) < 0 ?
	       VMON__NOMEM : VMON__UNCHANGED;
}

static enum vmon__outcome read_exe(vmon_t *vmon, int dirfd, struct proc_stat_state *s)
{
	vmon_proc_stat_t *st = &s->pub;
	ssize_t n;

	if (!vmon__file_may_retry(vmon, &s->exe)) {
		BITSET(st->unavailable, VMON_PROC_STAT_EXE);
		return VMON__UNCHANGED;
	}
	n = vmon__readlink(dirfd, "exe", &vmon->internal->link);
	if (n == -ESRCH)
		return VMON__GONE;
	if (n < 0) {
		if (n == -EACCES)
			vmon__file_refused(vmon, &s->exe);
		BITSET(st->unavailable, VMON_PROC_STAT_EXE);
		return n == -ENOMEM ? VMON__NOMEM : VMON__UNCHANGED;
	}
	if (vmon__chars_set(&st->exe, vmon->internal->link.data, n, st->changed,
			    VMON_PROC_STAT_EXE) < 0)
		return VMON__NOMEM;
	s->exe.backoff = 0;
	s->exe.retry_gen = 0;
	BITCLEAR(st->unavailable, VMON_PROC_STAT_EXE);
	return VMON__UNCHANGED;
}

/* A kernel thread has neither cmdline nor exe: say so without asking. */
static enum vmon__outcome kthread_companions(vmon_proc_stat_t *st)
{
	if (vmon__parse_cmdline(st, "", 0) < 0)
		return VMON__NOMEM;
	BITSET(st->unavailable, VMON_PROC_STAT_EXE);
	return VMON__UNCHANGED;
}

/* set the scalar field sym (changed bit if it differs, available) */
static void set_ull(vmon_proc_stat_t *st, int sym, unsigned long long v)
{
	vmon__field_set_ull(&vmon__proc_stat_info.fields[sym], st, st->changed, st->unavailable, v);
}

static void set_ll(vmon_proc_stat_t *st, int sym, long long v)
{
	vmon__field_set_ll(&vmon__proc_stat_info.fields[sym], st, st->changed, st->unavailable, v);
}

int vmon__proc_stat_from_events(vmon_t *vmon, vmon_proc_stat_t *st, int pid, int ppid,
				const char *comm, size_t comm_len, const char *cmdline,
				size_t cmdline_len, const vmon_exit_t *exit)
{
	struct proc_stat_state *s = (struct proc_stat_state *)st;
	unsigned long long tps = vmon->ticks_per_sec > 0 ? (unsigned long long)vmon->ticks_per_sec : 100;

	if (!s->sampled) {	/* what no event says stays unavailable */
		vmon__bits_fill(st->unavailable, VMON_PROC_STAT_NR);
		vmon__bits_fill(st->changed, VMON_PROC_STAT_NR);
		s->sampled = true;
	}
	set_ll(st, VMON_PROC_STAT_PID, pid);
	if (ppid > 0)
		set_ll(st, VMON_PROC_STAT_PPID, ppid);
	if (comm && comm_len) {
		if (vmon__chars_setz(&st->comm, comm, comm_len, st->changed, VMON_PROC_STAT_COMM) < 0)
			return -ENOMEM;
		BITCLEAR(st->unavailable, VMON_PROC_STAT_COMM);
	}
	if (cmdline && vmon__parse_cmdline(st, cmdline, cmdline_len) < 0)
		return -ENOMEM;
	if (!exit)
		return 0;
	set_ll(st, VMON_PROC_STAT_STATE, 'X');	/* dead, and reaped by now */
	if (exit->known & VMON_EXIT_CPU_SPLIT) {
		set_ull(st, VMON_PROC_STAT_UTIME, exit->utime_us * tps / 1000000);
		set_ull(st, VMON_PROC_STAT_STIME, exit->stime_us * tps / 1000000);
	}
	if (exit->known & VMON_EXIT_FAULTS) {
		set_ull(st, VMON_PROC_STAT_MINFLT, exit->minflt);
		set_ull(st, VMON_PROC_STAT_MAJFLT, exit->majflt);
	}
	if (exit->known & VMON_EXIT_START)
		set_ull(st, VMON_PROC_STAT_START, exit->start);
	if (exit->known & VMON_EXIT_PPID)
		set_ll(st, VMON_PROC_STAT_PPID, exit->ppid);
	return 0;
}

int vmon__proc_stat_hint(vmon_proc_stat_t *st, int ppid, const char *comm, size_t comm_len,
			 const char *cmdline, size_t cmdline_len)
{
	struct proc_stat_state *s = (struct proc_stat_state *)st;
	__typeof__(st->changed) before;
	int err = 0;

	if (!s->sampled) {	/* what no sample read yet stays unavailable */
		vmon__bits_fill(st->unavailable, VMON_PROC_STAT_NR);
		vmon__bits_fill(st->changed, VMON_PROC_STAT_NR);
		if (ppid > 0)
			set_ll(st, VMON_PROC_STAT_PPID, ppid);
	}
	memcpy(before, st->changed, sizeof(before));
	memset(st->changed, 0, sizeof(st->changed));
	if (comm && comm_len) {
		if (vmon__chars_setz(&st->comm, comm, comm_len, st->changed, VMON_PROC_STAT_COMM) < 0)
			err = -ENOMEM;
		else
			BITCLEAR(st->unavailable, VMON_PROC_STAT_COMM);
	}
	if (!err && cmdline && vmon__parse_cmdline(st, cmdline, cmdline_len) < 0)
		err = -ENOMEM;
	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		s->hinted[i] |= st->changed[i];
		st->changed[i] |= before[i];
	}
	return err;
}

static void proc_stat_init(void *state)
{
	struct proc_stat_state *s = state;

	vmon__file_init(&s->stat);
	vmon__file_init(&s->cmdline);
	vmon__file_init(&s->wchan);
	vmon__file_init(&s->exe);
}

/* Is a refresh of `what` due for this node in this sample?  The pid spreads
 * the refreshes of many processes over the interval. */
static bool refresh_due(const vmon_t *vmon, const vmon_proc_t *proc, vmon_refresh_t what)
{
	unsigned every = vmon->internal->refresh[what];

	return every && (unsigned)(vmon->generation + proc->pid) % every == 0;
}

/* Did this stat show an exec: a new comm, or a new memory layout? */
static bool exec_seen(const vmon_proc_stat_t *st)
{
	return BITTEST(st->changed, VMON_PROC_STAT_COMM) ||
	       BITTEST(st->changed, VMON_PROC_STAT_STARTCODE) ||
	       BITTEST(st->changed, VMON_PROC_STAT_ENDCODE) ||
	       BITTEST(st->changed, VMON_PROC_STAT_STARTSTACK);
}

/* The start time (22) of a stat line, or 0 if it has none. */
static unsigned long long stat_start(const char *buf, size_t len)
{
	const char *close = memrchr(buf, ')', len), *p, *t, *t_end, *end = buf + len;
	unsigned long long v = 0;

	if (!close)
		return 0;
	p = close + 1;
	for (int pos = 3; pos <= 22; pos++) {
		t = vmon__next_token(&p, end, &t_end);
		if (!t)
			return 0;
		if (pos == 22 && vmon__parse_ull(&t, t_end, &v) < 0)
			return 0;
	}
	return v;
}

/* Read stat: 0, or the outcome to return at once. */
static int read_stat(vmon_t *vmon, struct vmon__node *node, struct proc_stat_state *s)
{
	int dirfd = node->dirfd;
	vmon_proc_stat_t *st = &s->pub;
	ssize_t n = vmon__file_read(vmon, dirfd, "stat", &s->stat, &vmon->internal->buf);
	const char *buf = vmon->internal->buf.data;

	/* every task has a stat: opening it in a task/TID directory whose
	 * thread has exited gives ENOENT (a process directory says ESRCH) */
	if (n == -ESRCH || n == -ENOENT)
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0) {
		vmon__file_forget(&s->stat);
		stat_fields_unavailable(st);
		return 0;
	}
	/* another start time is another process that got the pid: possible
	 * only when the directory is not held and files are opened by path
	 * (a held one fails with ESRCH once its process is gone) */
	if (!node->dir_held && s->sampled && st->start && stat_start(buf, n) != st->start)
		return VMON__GONE;
	if (vmon__file_unchanged(&s->stat, buf, n) && s->sampled)
		return 0;	/* the same bytes: nothing to parse, nothing changed */
	if (vmon__parse_proc_stat(st, buf, n) < 0) {
		vmon__file_forget(&s->stat);
		return VMON__NOMEM;
	}
	if (!node->start && !BITTEST(st->unavailable, VMON_PROC_STAT_START))
		node->start = st->start;
	return 0;
}

/* The stat fields from the BPF backend's record of the node: 0, an
 * outcome to return at once, or -1 when there is none (read the file). */
static int stat_from_bpf(vmon_t *vmon, struct vmon__node *node, struct proc_stat_state *s)
{
	bool gone;
	const struct vmon_bpf_task *r = vmon__backend_task(vmon, node, &gone);

	if (gone)
		return VMON__GONE;
	if (!r || vmon__bpf_named_by_proc(r))
		return -1;	/* read from /proc */
	/* the same record as last time: the same values, nothing changed
	 * (its digest takes the place of the file's: a read of the file
	 * later is parsed) */
	if (vmon__bpf_unchanged(&s->stat, node) && s->sampled)
		return 0;
	if (vmon__bpf_fill_stat(vmon, &s->pub, r, s->cpu_prev) < 0) {
		vmon__file_forget(&s->stat);
		return VMON__NOMEM;
	}
	return 0;
}

/* cmdline, exe and wchan, each when due. */
static enum vmon__outcome read_companions(vmon_t *vmon, vmon_proc_t *proc, int dirfd,
					  struct proc_stat_state *s, bool first)
{
	vmon_proc_stat_t *st = &s->pub;
	enum vmon__outcome c = VMON__UNCHANGED;
	/* read at every sample only when the caller asks.  Else cmdline is
	 * held while every node's files fit with it (budget.c), and let go
	 * as soon as they do not; wchan is opened for each read: held, the
	 * kernel keeps a page of buffer for it, 4 KiB a process to save two
	 * calls in 32 samples */
	s->cmdline.transient = vmon->internal->refresh[VMON_REFRESH_CMDLINE] != 1 &&
			       !vmon__companions_room(vmon);
	s->wchan.transient = vmon->internal->refresh[VMON_REFRESH_WCHAN] != 1;
	if (s->cmdline.transient)
		vmon__file_let_go(&s->cmdline);
	if (!BITTEST(st->unavailable, VMON_PROC_STAT_FLAGS) && (st->flags & VMON__PF_KTHREAD)) {
		c = kthread_companions(st);
	} else if (first || s->recheck || exec_seen(st) || vmon__node(proc)->exec_seen ||
		   refresh_due(vmon, proc, VMON_REFRESH_CMDLINE)) {
		/* a title rewrite changes cmdline, never exe: the periodic
		 * refresh of the cheap mode reads cmdline alone */
		bool exe = first || s->recheck || exec_seen(st) || vmon__node(proc)->exec_seen ||
			   vmon->internal->refresh[VMON_REFRESH_CMDLINE] == 1;

		vmon__node(proc)->exec_seen = 0;
		if ((c = read_cmdline(vmon, dirfd, s)) == VMON__UNCHANGED && exe)
			c = read_exe(vmon, dirfd, s);
		/* mid-exec a cmdline reads empty: look again next sample */
		s->recheck = !st->cmdline.len && st->state != 'Z';
	}
	if (c == VMON__UNCHANGED && (first || refresh_due(vmon, proc, VMON_REFRESH_WCHAN)))
		c = read_text(vmon, dirfd, "wchan", &s->wchan, st, VMON_PROC_STAT_WCHAN);
	return c;
}

static enum vmon__outcome proc_stat_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_stat_state *s = state;
	vmon_proc_stat_t *st = &s->pub;
	int dirfd = vmon__node(proc)->dirfd, ret;
	enum vmon__outcome o = VMON__UNCHANGED, c;

	memset(st->changed, 0, sizeof(st->changed));
	ret = stat_from_bpf(vmon, vmon__node(proc), s);
	if (ret < 0)
		ret = read_stat(vmon, vmon__node(proc), s);
	if (ret)
		return ret;
	c = read_companions(vmon, proc, dirfd, s, !s->sampled);
	if (c == VMON__GONE)
		return VMON__GONE;
	if (c == VMON__NOMEM)
		o = VMON__NOMEM;
	if (!s->sampled) {
		vmon__bits_fill(st->changed, VMON_PROC_STAT_NR);
		s->sampled = true;
	}
	for (size_t i = 0; i < sizeof(s->hinted) / sizeof(s->hinted[0]); i++)
		st->changed[i] |= s->hinted[i];
	memset(s->hinted, 0, sizeof(s->hinted));
	if (o == VMON__UNCHANGED && vmon__bits_any(st->changed, VMON_PROC_STAT_NR))
		o = VMON__CHANGED;
	return o;
}

static void proc_stat_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_stat_state *s = state;

	(void)vmon;
	(void)proc;
	vmon__file_close(&s->stat);
	vmon__file_close(&s->cmdline);
	vmon__file_close(&s->wchan);
	vmon__proc_stat_free(&s->pub);
}

VMON__PROC_SAMPLER(vmon__sampler_proc_stat, vmon__proc_stat_info, struct proc_stat_state,
		   VMON__NO_INTERVAL, proc_stat_init, proc_stat_sample, proc_stat_close, NULL);
