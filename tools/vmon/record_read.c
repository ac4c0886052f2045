/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record_read.c - a record back into the model (record_read.h).  The model
 * is fed exactly as observe.c fed it live (same calls, same integers, same
 * order: a sample's births, its figures, its exits), so the summary is the
 * live run's, digit for digit.
 *
 * Lines of an unknown type, and fields this vmon does not use, are
 * skipped: a newer minor format still replays.  A record cut short (no
 * end line, or a last line without its newline) replays up to its last
 * whole line.  What is wrong with a record
 * is reported by a jump back to record_read(), which frees what the
 * reader holds: the line handlers hold nothing of their own across a
 * check that may fail.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "json.h"
#include "record.h"
#include "record_read.h"

struct replay {
	struct model *m;
	const char *path;
	struct record_info *info;
	jmp_buf fail;		/* bad_record() jumps back to record_read() */
	int line;
	bool header, ended;
	int seq;			/* the open sample, -1 before the first */
	struct track_vals *vals;	/* per id: the figures recorded so far */
	int *born_at;			/* per id: the line of its birth */
	int vals_alloc, born_alloc;
	struct track **births;		/* of the open sample, linked at its close */
	int *parents;
	int nbirths, births_alloc, parents_alloc;
	vt_us late, cpu;		/* the sums summary.c makes of them */
	struct jarena arena;		/* the line's values */
	char *text;			/* the line */
	size_t text_cap;
};

static void bad_record(struct replay *r, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void bad_record(struct replay *r, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->info->err, sizeof(r->info->err), "%s:%d: %s", r->path, r->line, why);
	longjmp(r->fail, 1);
}

/* Integers are checked as the long long they are read into before they
 * are narrowed: 4294967297 must not become 1. */
static bool opt_int(struct replay *r, const struct jval *obj, const char *key, long long lo,
		    long long hi, long long *out)
{
	const struct jval *v = json_get(obj, key);

	if (!v || v->type == J_NULL)
		return false;
	if (!json_ll(v, out))
		bad_record(r, "\"%s\" is not an integer", key);
	if (*out < lo || *out > hi)
		bad_record(r, "\"%s\" %lld is out of range (%lld to %lld)", key, *out, lo, hi);
	return true;
}

static long long need_int(struct replay *r, const struct jval *obj, const char *key,
			  long long lo, long long hi)
{
	long long v;

	if (!opt_int(r, obj, key, lo, hi, &v))
		bad_record(r, "\"%s\" is missing", key);
	return v;
}

static long long need_ll(struct replay *r, const struct jval *obj, const char *key)
{
	return need_int(r, obj, key, LLONG_MIN, LLONG_MAX);
}

/* Cumulative CPU ticks are bounded so that model.c's ticks_us() holds
 * them in a vt_us for any ticks_per_sec: 2^43 ticks is 2,789 years of
 * CPU at 100 a second. */
#define MAX_TICKS (1ULL << 43)

static bool opt_ull(struct replay *r, const struct jval *obj, const char *key,
		    unsigned long long max, unsigned long long *out)
{
	const struct jval *v = json_get(obj, key);
	unsigned long long x;

	if (!v || v->type == J_NULL)
		return false;
	if (!json_ull(v, &x) || x > max)
		bad_record(r, "\"%s\" is not an integer from 0 to %llu", key, max);
	*out = x;
	return true;
}

/* a time in seconds with six decimals, from lo (0, or -VT_US_MAX for
 * the times an event source tells, which may precede the start) */
static bool opt_time(struct replay *r, const struct jval *obj, const char *key, vt_us lo,
		     vt_us *out)
{
	const struct jval *v = json_get(obj, key);
	vt_us t;

	if (!v || v->type == J_NULL)
		return false;
	if (!json_us(v, &t) || t < lo)
		bad_record(r, "\"%s\" is not a time in seconds from %s to %lld", key,
			   lo ? "-9223372036853" : "0", VT_US_MAX / US_PER_S - 1);
	*out = t;
	return true;
}

static vt_us need_time(struct replay *r, const struct jval *obj, const char *key)
{
	vt_us t;

	if (!opt_time(r, obj, key, 0, &t))
		bad_record(r, "\"%s\" is missing", key);
	return t;
}

/* a + b into *sum, or the record is refused: the summary adds up the
 * samples' lateness and the processes' CPU, which only a crafted record
 * can take past a vt_us */
static void add_up(struct replay *r, vt_us *sum, vt_us a, vt_us b, const char *what)
{
	if (__builtin_add_overflow(a, b, sum))
		bad_record(r, "%s to more than vmon can count", what);
}

static vt_us cpu_of(struct replay *r, const struct track *t)
{
	vt_us sum;

	add_up(r, &sum, track_user_us(r->m, t), track_sys_us(r->m, t), "the processes' CPU adds up");
	return sum;
}

/* t's figures changed from before (its cpu_of() then): the total the
 * summary and the chart will make of every process's CPU, kept */
static void count_cpu(struct replay *r, const struct track *t, vt_us before)
{
	if (!t->is_thread)
		add_up(r, &r->cpu, r->cpu - before, cpu_of(r, t), "the processes' CPU adds up");
}

/* the track the "id" of a line names */
static struct track *need_track(struct replay *r, const struct jval *obj, const char *what)
{
	long long id = need_ll(r, obj, "id");

	if (id < 1 || id > r->m->ntracks)
		bad_record(r, "%s an unknown track (id %lld)", what, id);
	return model_track(r->m, (int)id);
}

static char **strv(const struct jval *a, int *n)
{
	char **v;

	*n = a && a->type == J_ARR ? a->n : 0;
	v = xcalloc(*n + 1, sizeof(*v));
	for (int i = 0; i < *n; i++)
		v[i] = xstrdup(json_text(&a->items[i]) ? json_text(&a->items[i]) : "");
	return v;
}

static void free_strv(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void on_header(struct replay *r, const struct jval *h)
{
	const char *fmt = json_text(json_get(h, "format")), *mode = json_text(json_get(h, "mode"));
	long long version = need_ll(r, h, "version");
	char **cmd;
	int n;

	if (!fmt || strcmp(fmt, RECORD_FORMAT))
		bad_record(r, "not a vmon record");
	if (version > RECORD_VERSION)
		bad_record(r, "a newer version of the record format than this vmon reads");
	model_init(r->m, need_int(r, h, "ticks_per_sec", 1, US_PER_S),
		   need_int(r, h, "page_size", 1, LONG_MAX),
		   (int)need_int(r, h, "num_cpus", 1, INT_MAX));
	r->m->self_pid = (int)need_int(r, h, "monitor_pid", 0, INT_MAX);
	if (json_text(json_get(h, "events")))	/* version 2 */
		snprintf(r->m->events, sizeof(r->m->events), "%s", json_text(json_get(h, "events")));
	r->m->hz = 0;	/* absent from the oldest records */
	if (json_get(h, "hz") && !json_num(json_get(h, "hz"), &r->m->hz))
		bad_record(r, "\"hz\" is not a number");
	if (r->m->hz < 0)
		bad_record(r, "\"hz\" %g is out of range (0 or more)", r->m->hz);
	cmd = strv(json_get(h, "command"), &n);
	model_set_cmd(r->m, !mode ? "run" : !strcmp(mode, "pid") ? "pid" :
			     !strcmp(mode, "all") ? "all" : "run", cmd, n);
	free_strv(cmd, n);
	r->header = true;
}

/* a parent a birth names: a process that is not the track itself */
static struct track *parent_of(struct replay *r, const struct track *t, int id)
{
	struct track *p = model_track(r->m, id);

	if (id && !p)
		bad_record(r, "a birth names an unknown parent (id %d)", id);
	if (p && p->is_thread)
		bad_record(r, "a birth's parent is a thread (id %d)", id);
	if (p == t)
		bad_record(r, "a process cannot be its own parent (id %d)", id);
	return p;
}

static void close_sample(struct replay *r)
{
	for (int i = 0; i < r->nbirths; i++) {
		struct track *t = r->births[i];
		int line = r->line;

		r->line = r->born_at[t->id];	/* what is wrong is there */
		model_link(r->m, t, parent_of(r, t, r->parents[i]));
		r->line = line;
	}
	r->nbirths = 0;
	if (r->seq >= 0)
		model_close_sample(r->m);
}

/* the sample a line belongs to, opened by its first line */
static void at_sample(struct replay *r, const struct jval *v)
{
	long long seq = need_ll(r, v, "seq");
	vt_us t;

	if (seq == r->seq)
		return;
	if (seq != (long long)r->seq + 1)
		bad_record(r, "samples out of order");
	/* the chart and model_sample_at() take times as they come */
	t = need_time(r, v, "t");
	if (r->m->nsamples && t < model_cur(r->m)->t)
		bad_record(r, "\"t\" %lld.%06lld is before the sample before it", t / US_PER_S,
			   t % US_PER_S);
	close_sample(r);
	model_sample(r->m, t, 0);
	r->seq = (int)seq;
}

static void on_birth(struct replay *r, const struct jval *b)
{
	long long id = need_ll(r, b, "id"), parent = 0;
	bool thread = json_get(b, "tid") != NULL;
	const struct jval *pre = json_get(b, "preexisting");
	struct track *t;
	char **argv;
	int n;

	int pid = (int)need_int(r, b, thread ? "tid" : "pid", 1, INT_MAX);
	int tgid = (int)need_int(r, b, "pid", 1, INT_MAX);
	int ppid = thread ? 0 : (int)need_int(r, b, "ppid", 0, INT_MAX);

	at_sample(r, b);
	if (id != (long long)r->m->ntracks + 1)
		bad_record(r, "track ids out of order");
	/* a process's parent may be born later in the same sample: it is
	 * looked up at the sample's close */
	if (opt_int(r, b, "parent", LLONG_MIN, LLONG_MAX, &parent) &&
	    (parent < 1 || parent > (thread ? r->m->ntracks : INT_MAX)))
		bad_record(r, "a birth names an unknown parent (id %lld)", parent);
	t = model_birth(r->m, (int)id, pid, tgid, thread, pre && pre->b);
	t->ppid = ppid;
	model_set_comm(t, json_text(json_get(b, "comm")) ? json_text(json_get(b, "comm")) : "");
	argv = strv(json_get(b, "argv"), &n);
	model_set_argv(t, argv, n);
	free_strv(argv, n);
	xgrow((void **)&r->vals, &r->vals_alloc, (int)id + 1, sizeof(*r->vals));
	xgrow((void **)&r->born_at, &r->born_alloc, (int)id + 1, sizeof(*r->born_at));
	r->born_at[id] = r->line;
	if (thread) {	/* observe.c links threads at first sight */
		model_link(r->m, t, parent_of(r, t, (int)parent));
		return;
	}
	xgrow((void **)&r->births, &r->births_alloc, r->nbirths + 1, sizeof(*r->births));
	xgrow((void **)&r->parents, &r->parents_alloc, r->nbirths + 1, sizeof(*r->parents));
	r->births[r->nbirths] = t;
	r->parents[r->nbirths++] = (int)parent;
}

static void ull(struct replay *r, const struct jval *store, const char *key,
		unsigned long long *out)
{
	opt_ull(r, store, key, ULLONG_MAX, out);
}

/* apply one track's changed fields, then feed the model */
static void on_proc(struct replay *r, const struct jval *p)
{
	struct track *t = need_track(r, p, "figures for");
	vt_us before = cpu_of(r, t);
	const struct jval *st = json_get(p, "proc_stat"), *io = json_get(p, "proc_io");
	struct track_vals *v;
	unsigned long long x;
	long long n64;
	char **argv;
	int n;

	v = &r->vals[t->id];
	opt_ull(r, st, "utime", MAX_TICKS, &v->utime);
	opt_ull(r, st, "stime", MAX_TICKS, &v->stime);
	if (opt_ull(r, st, "rss", ULLONG_MAX, &x) && !t->is_thread)
		v->rss_kb = x * (unsigned long long)r->m->page_size / 1024;
	if (opt_int(r, st, "ppid", 0, INT_MAX, &n64))
		v->ppid = (int)n64;
	if (opt_int(r, st, "num_threads", 0, INT_MAX, &n64))
		v->threads = (int)n64;
	if (json_text(json_get(st, "state")))
		v->state = json_text(json_get(st, "state"))[0];
	if (json_text(json_get(st, "comm")))
		model_set_comm(t, json_text(json_get(st, "comm")));
	if (json_get(st, "argv")) {
		argv = strv(json_get(st, "argv"), &n);
		model_set_argv(t, argv, n);
		free_strv(argv, n);
	}
	if (json_get(io, "rchars"))
		v->io_ok = 1;
	ull(r, io, "rchars", &v->rchar);
	ull(r, io, "wchars", &v->wchar);
	ull(r, io, "read_bytes", &v->read_bytes);
	ull(r, io, "write_bytes", &v->write_bytes);
	model_update(r->m, t, v);
	count_cpu(r, t, before);
}

static void on_sample(struct replay *r, const struct jval *s)
{
	const struct jval *procs = json_get(s, "procs"), *sys = json_get(s, "sys");
	const struct jval *st = json_get(sys, "sys_stat"), *vm = json_get(sys, "sys_vm");
	struct sys_vals *sv;

	at_sample(r, s);
	if (opt_time(r, s, "late", 0, &model_cur(r->m)->late))
		add_up(r, &r->late, r->late, model_cur(r->m)->late, "\"late\": the samples' lateness adds up");
	if (json_get(s, "events")) {	/* version 2 */
		unsigned long long n = 0, lost = 0;

		ull(r, json_get(s, "events"), "applied", &n);
		ull(r, json_get(s, "events"), "lost", &lost);
		model_cur(r->m)->events = n;
		model_cur(r->m)->events_lost = lost;
	}
	sv = &model_cur(r->m)->sys;
	ull(r, st, "user", &sv->user);
	ull(r, st, "nice", &sv->nice);
	ull(r, st, "system", &sv->system);
	ull(r, st, "idle", &sv->idle);
	ull(r, st, "iowait", &sv->iowait);
	ull(r, st, "irq", &sv->irq);
	ull(r, st, "softirq", &sv->softirq);
	ull(r, st, "steal", &sv->steal);
	ull(r, vm, "total_kb", &sv->mem_total_kb);
	ull(r, vm, "available_kb", &sv->mem_avail_kb);
	for (int i = 0; procs && procs->type == J_ARR && i < procs->n; i++)
		on_proc(r, &procs->items[i]);
}

static int status_of(const struct jval *st)
{
	long long code, sig;

	if (json_ll(json_get(st, "code"), &code))
		return (int)(code & 0xff) << 8;
	if (json_ll(json_get(st, "signal"), &sig))
		return (int)(sig & 0x7f) | (json_get(st, "core") ? 0x80 : 0);
	return -1;
}

/* version 2's "final" of an exit line, as observe.c took it live */
static void final_of(struct replay *r, const struct jval *j, struct track_final *f)
{
	memset(f, 0, sizeof(*f));
	if (!j)
		return;
	if (json_get(j, "user_us")) {
		f->user_us = need_int(r, j, "user_us", 0, VT_US_MAX);
		f->sys_us = need_int(r, j, "system_us", 0, VT_US_MAX);
		f->known |= FINAL_CPU;
	}
	if (opt_ull(r, j, "peak_rss_kb", ULLONG_MAX, &f->peak_rss_kb))
		f->known |= FINAL_RSS;
	if (json_get(j, "rchar")) {
		ull(r, j, "rchar", &f->rchar);
		ull(r, j, "wchar", &f->wchar);
		ull(r, j, "read_bytes", &f->read_bytes);
		ull(r, j, "write_bytes", &f->write_bytes);
		f->known |= FINAL_IO;
	}
	if (opt_time(r, j, "born", -(VT_US_MAX / US_PER_S - 1) * US_PER_S, &f->born))
		f->known |= FINAL_BORN;
	if (opt_time(r, j, "ended", -(VT_US_MAX / US_PER_S - 1) * US_PER_S, &f->ended))
		f->known |= FINAL_ENDED;
}

static void on_exit_line(struct replay *r, const struct jval *e)
{
	struct track_final f;
	struct track *t;

	vt_us before;

	at_sample(r, e);
	t = need_track(r, e, "the exit of");
	before = cpu_of(r, t);
	final_of(r, json_get(e, "final"), &f);
	model_exit(r->m, t, status_of(json_get(e, "status")));
	model_final(r->m, t, &f);
	count_cpu(r, t, before);
}

static void on_end(struct replay *r, const struct jval *e)
{
	const struct jval *rc;
	vt_us t;

	close_sample(r);
	r->seq = -2;	/* nothing may follow */
	if (opt_time(r, e, "t", 0, &t)) {
		if (r->m->nsamples && t < model_cur(r->m)->t)
			bad_record(r, "\"t\" %lld.%06lld is before the last sample", t / US_PER_S,
				   t % US_PER_S);
		r->m->end = t;
	}
	r->m->missed = (int)need_int(r, e, "missed", 0, INT_MAX);
	r->m->exit_status = status_of(json_get(e, "exit_status"));
	/* version 1 records of run mode have it; older ones do not */
	rc = json_get(e, "reaped_cpu");
	if (rc) {
		vt_us sum;

		if (!opt_time(r, rc, "user", 0, &r->m->reaped_user) ||
		    !opt_time(r, rc, "system", 0, &r->m->reaped_sys))
			bad_record(r, "reaped_cpu without user and system");
		add_up(r, &sum, r->m->reaped_user, r->m->reaped_sys,
		       "\"reaped_cpu\": user and system add up");
		r->m->reaped_known = true;
	}
	r->ended = true;
}

static void on_line(struct replay *r, const struct jval *v)
{
	const char *type = json_text(json_get(v, "type"));

	if (!type)
		bad_record(r, "a line without a type");
	if (!r->header && strcmp(type, "header"))
		bad_record(r, "not a vmon record (no header)");
	if (r->ended)
		bad_record(r, "lines after the end");
	if (!strcmp(type, "header") && !r->header)
		on_header(r, v);
	else if (!strcmp(type, "birth"))
		on_birth(r, v);
	else if (!strcmp(type, "sample"))
		on_sample(r, v);
	else if (!strcmp(type, "exit"))
		on_exit_line(r, v);
	else if (!strcmp(type, "end"))
		on_end(r, v);
}

/* A process's parent may be born after it in the same sample (observe.c
 * links a sample's births at its close), so in a crafted record parents
 * can loop: the tracks of the loop, and those under it, are under no root,
 * and the chart would leave out what the summary counts.  Looked for once
 * every birth is in; the loop is named by its first-born process. */
static void check_loops(struct replay *r)
{
	struct track **list, *t, *first;
	int n = model_tree(r->m, &list, true, NULL, NULL, NULL), id = 1;
	bool *listed;

	if (n == r->m->ntracks) {
		free(list);
		return;
	}
	listed = xcalloc(r->m->ntracks + 1, sizeof(*listed));
	for (int i = 0; i < n; i++)
		listed[list[i]->id] = true;
	while (listed[id])
		id++;
	free(list);
	free(listed);
	/* up from a track under no root: within ntracks steps, in the loop */
	t = model_track(r->m, id);
	for (int i = 0; i < r->m->ntracks; i++)
		t = t->parent;
	first = t;
	for (struct track *u = t->parent; u != t; u = u->parent)
		if (u->id < first->id)
			first = u;
	r->line = r->born_at[first->id];
	bad_record(r, "a loop of parents: process %d is its own ancestor", first->id);
}

static void read_lines(struct replay *r, FILE *f)
{
	ssize_t n;

	while ((n = getline(&r->text, &r->text_cap, f)) > 0) {
		const char *err = "bad JSON";
		struct jval *v;

		r->line++;
		/* vmon writes whole lines: a last one without its newline was
		 * cut short (a full disk, a copy interrupted), and even when
		 * it parses it may have lost fields; the record is replayed up
		 * to the line before */
		if (r->text[n - 1] != '\n') {
			if (r->line == 1)
				bad_record(r, "the record is cut short within its first line");
			r->info->cut = r->line;
			break;
		}
		v = json_parse(&r->arena, r->text, n, &err);
		if (!v)
			bad_record(r, "%s", err);
		on_line(r, v);
		jarena_reset(&r->arena);
	}
	if (ferror(f))
		bad_record(r, "cannot read: %s", strerror(errno));
	if (!r->header)
		bad_record(r, "empty: not a vmon record");
	if (!r->ended)
		close_sample(r);
	check_loops(r);
}

static void reader_free(struct replay *r)
{
	jarena_reset(&r->arena);
	free(r->text);
	free(r->vals);
	free(r->born_at);
	free(r->births);
	free(r->parents);
}

bool record_read(FILE *f, const char *path, struct model *m, struct record_info *info)
{
	struct replay *r = xcalloc(1, sizeof(*r));
	bool ok = false;

	memset(info, 0, sizeof(*info));
	model_init(m, 0, 0, 0);
	r->m = m;
	r->path = path;
	r->info = info;
	r->seq = -1;
	if (!setjmp(r->fail)) {
		read_lines(r, f);
		info->ended = r->ended;
		ok = true;
	} else {
		model_free(m);
	}
	reader_free(r);
	free(r);
	return ok;
}
