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
 * whole line.  Every value used is checked (record_values.h); what is
 * wrong is reported by a jump back to record_read(), which frees what the
 * reader holds: the line handlers hold nothing of their own across a
 * check that may fail.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "json.h"
#include "record.h"
#include "record_read.h"
#include "record_tree.h"
#include "record_values.h"

struct replay {
	struct model *m;
	struct rline at;		/* the line being read */
	struct record_info *info;
	bool header, ended;
	long long version;		/* the header's */
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

/* what is wrong at the line being read */
#define bad_record(r, ...) rv_refuse(&(r)->at, __VA_ARGS__)

/* Cumulative CPU ticks are bounded so that model.c's ticks_us() holds
 * them in a vt_us for any ticks_per_sec: 2^43 ticks is 2,789 years of
 * CPU at 100 a second. */
#define MAX_TICKS (1ULL << 43)

/* The summary and the chart add up every process's CPU, which only a
 * crafted record can take past a vt_us: the total is kept as figures
 * change, and a record that would overflow it refused. */
static vt_us cpu_of(struct replay *r, const struct track *t)
{
	vt_us sum;

	rv_add(&r->at, &sum, track_user_us(r->m, t), track_sys_us(r->m, t),
	       "the processes' CPU adds up");
	return sum;
}

/* t's figures changed from before (its cpu_of() then) */
static void count_cpu(struct replay *r, const struct track *t, vt_us before)
{
	if (!t->is_thread)
		rv_add(&r->at, &r->cpu, r->cpu - before, cpu_of(r, t), "the processes' CPU adds up");
}

/* the track the "id" of a line names */
static struct track *need_track(struct replay *r, const struct jval *obj, const char *what)
{
	long long id = rv_need_int(&r->at, obj, "id", LLONG_MIN, LLONG_MAX);

	if (id < 1 || id > r->m->ntracks)
		bad_record(r, "%s an unknown track (id %lld)", what, id);
	return model_track(r->m, (int)id);
}

static void ull(struct replay *r, const struct jval *store, const char *key,
		unsigned long long *out)
{
	rv_ull(&r->at, store, key, ULLONG_MAX, out);
}

static void on_header(struct replay *r, const struct jval *h)
{
	const char *fmt = json_text(json_get(h, "format")), *mode = json_text(json_get(h, "mode"));
	long long version = rv_need_int(&r->at, h, "version", LLONG_MIN, LLONG_MAX);
	char **cmd;
	int n;

	if (!fmt || strcmp(fmt, RECORD_FORMAT))
		bad_record(r, "not a vmon record");
	if (version > RECORD_VERSION)
		bad_record(r, "a newer version of the record format than this vmon reads");
	r->version = version;
	model_init(r->m, rv_need_int(&r->at, h, "ticks_per_sec", 1, US_PER_S),
		   rv_need_int(&r->at, h, "page_size", 1, LONG_MAX),
		   (int)rv_need_int(&r->at, h, "num_cpus", 1, INT_MAX));
	r->m->self_pid = (int)rv_need_int(&r->at, h, "monitor_pid", 0, INT_MAX);
	r->m->reaps_seen = version >= 3;
	if (json_text(json_get(h, "events")))	/* version 2 */
		snprintf(r->m->events, sizeof(r->m->events), "%s", json_text(json_get(h, "events")));
	r->m->hz = 0;	/* absent from the oldest records */
	if (json_get(h, "hz") && !json_num(json_get(h, "hz"), &r->m->hz))
		bad_record(r, "\"hz\" is not a number");
	if (r->m->hz < 0)
		bad_record(r, "\"hz\" %g is out of range (0 or more)", r->m->hz);
	cmd = rv_strv(json_get(h, "command"), &n);
	model_set_cmd(r->m, !mode ? "run" : !strcmp(mode, "pid") ? "pid" :
			     !strcmp(mode, "all") ? "all" : "run", cmd, n);
	rv_free_strv(cmd, n);
	r->header = true;
}

static void close_sample(struct replay *r)
{
	for (int i = 0; i < r->nbirths; i++) {
		struct track *t = r->births[i];
		int line = r->at.line;

		r->at.line = r->born_at[t->id];	/* what is wrong is there */
		model_link(r->m, t, rt_parent(r->m, &r->at, t, r->parents[i]));
		r->at.line = line;
	}
	r->nbirths = 0;
	if (r->seq >= 0)
		model_close_sample(r->m);
}

/* the sample a line belongs to, opened by its first line */
static void at_sample(struct replay *r, const struct jval *v)
{
	long long seq = rv_need_int(&r->at, v, "seq", LLONG_MIN, LLONG_MAX);
	vt_us t;

	if (seq == r->seq)
		return;
	if (seq != (long long)r->seq + 1)
		bad_record(r, "samples out of order");
	/* the chart and model_sample_at() take times as they come */
	t = rv_need_time(&r->at, v, "t");
	if (r->m->nsamples && t < model_cur(r->m)->t)
		bad_record(r, "\"t\" %lld.%06lld is before the sample before it", t / US_PER_S,
			   t % US_PER_S);
	close_sample(r);
	model_sample(r->m, t, 0);
	r->seq = (int)seq;
}

static void on_birth(struct replay *r, const struct jval *b)
{
	bool thread = json_get(b, "tid") != NULL;
	long long id = rv_need_int(&r->at, b, "id", LLONG_MIN, LLONG_MAX), parent = 0;
	int pid = (int)rv_need_int(&r->at, b, thread ? "tid" : "pid", 1, INT_MAX);
	int tgid = (int)rv_need_int(&r->at, b, "pid", 1, INT_MAX);
	int ppid = thread ? 0 : (int)rv_need_int(&r->at, b, "ppid", 0, INT_MAX);
	const struct jval *pre = json_get(b, "preexisting");
	struct track *t;
	char **argv;
	int n;

	at_sample(r, b);
	if (id != (long long)r->m->ntracks + 1)
		bad_record(r, "track ids out of order");
	/* a process's parent may be born later in the same sample: it is
	 * looked up at the sample's close */
	if (rv_int(&r->at, b, "parent", LLONG_MIN, LLONG_MAX, &parent) &&
	    (parent < 1 || parent > (thread ? r->m->ntracks : INT_MAX)))
		bad_record(r, "a birth names an unknown parent (id %lld)", parent);
	t = model_birth(r->m, (int)id, pid, tgid, thread, pre && pre->b);
	t->ppid = ppid;
	model_set_comm(t, json_text(json_get(b, "comm")) ? json_text(json_get(b, "comm")) : "");
	argv = rv_strv(json_get(b, "argv"), &n);
	model_set_argv(t, argv, n);
	rv_free_strv(argv, n);
	xgrow((void **)&r->vals, &r->vals_alloc, (int)id + 1, sizeof(*r->vals));
	xgrow((void **)&r->born_at, &r->born_alloc, (int)id + 1, sizeof(*r->born_at));
	r->born_at[id] = r->at.line;
	if (thread) {	/* observe.c links threads at first sight */
		model_link(r->m, t, rt_parent(r->m, &r->at, t, (int)parent));
		return;
	}
	xgrow((void **)&r->births, &r->births_alloc, r->nbirths + 1, sizeof(*r->births));
	xgrow((void **)&r->parents, &r->parents_alloc, r->nbirths + 1, sizeof(*r->parents));
	r->births[r->nbirths] = t;
	r->parents[r->nbirths++] = (int)parent;
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
	rv_ull(&r->at, st, "utime", MAX_TICKS, &v->utime);
	rv_ull(&r->at, st, "stime", MAX_TICKS, &v->stime);
	if (rv_ull(&r->at, st, "rss", ULLONG_MAX, &x) && !t->is_thread)
		v->rss_kb = x * (unsigned long long)r->m->page_size / 1024;
	if (rv_int(&r->at, st, "ppid", 0, INT_MAX, &n64))
		v->ppid = (int)n64;
	if (rv_int(&r->at, st, "num_threads", 0, INT_MAX, &n64))
		v->threads = (int)n64;
	if (json_text(json_get(st, "state")))
		v->state = json_text(json_get(st, "state"))[0];
	if (json_text(json_get(st, "comm")))
		model_set_comm(t, json_text(json_get(st, "comm")));
	if (json_get(st, "argv")) {
		argv = rv_strv(json_get(st, "argv"), &n);
		model_set_argv(t, argv, n);
		rv_free_strv(argv, n);
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
	if (rv_time(&r->at, s, "late", 0, &model_cur(r->m)->late))
		rv_add(&r->at, &r->late, r->late, model_cur(r->m)->late,
		       "\"late\": the samples' lateness adds up");
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
		f->user_us = rv_need_int(&r->at, j, "user_us", 0, VT_US_MAX);
		f->sys_us = rv_need_int(&r->at, j, "system_us", 0, VT_US_MAX);
		f->known |= FINAL_CPU;
	}
	if (rv_ull(&r->at, j, "peak_rss_kb", ULLONG_MAX, &f->peak_rss_kb))
		f->known |= FINAL_RSS;
	if (json_get(j, "rchar")) {
		ull(r, j, "rchar", &f->rchar);
		ull(r, j, "wchar", &f->wchar);
		ull(r, j, "read_bytes", &f->read_bytes);
		ull(r, j, "write_bytes", &f->write_bytes);
		f->known |= FINAL_IO;
		if (json_get(j, "io_own") && json_get(j, "io_own")->type == J_BOOL &&
		    json_get(j, "io_own")->b)
			f->known |= FINAL_IO_OWN;
	}
	if (rv_time(&r->at, j, "born", RV_EARLIEST, &f->born))
		f->known |= FINAL_BORN;
	if (rv_time(&r->at, j, "ended", RV_EARLIEST, &f->ended))
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
	/* before version 3 no line said when a process was reaped: at its
	 * exit, most often */
	if (r->version < 3)
		model_reaped(r->m, t);
}

/* version 3: the process is gone from /proc, reaped by its parent */
static void on_reap(struct replay *r, const struct jval *e)
{
	struct track *t;

	at_sample(r, e);
	t = need_track(r, e, "the reap of");
	if (!t->exited)
		bad_record(r, "a reap before the exit of track %d", t->id);
	model_reaped(r->m, t);
}

static void on_end(struct replay *r, const struct jval *e)
{
	const struct jval *rc;
	vt_us t;

	close_sample(r);
	r->seq = -2;	/* nothing may follow */
	if (rv_time(&r->at, e, "t", 0, &t)) {
		if (r->m->nsamples && t < model_cur(r->m)->t)
			bad_record(r, "\"t\" %lld.%06lld is before the last sample", t / US_PER_S,
				   t % US_PER_S);
		r->m->end = t;
	}
	r->m->missed = (int)rv_need_int(&r->at, e, "missed", 0, INT_MAX);
	r->m->exit_status = status_of(json_get(e, "exit_status"));
	/* the rate set last in the live view, when it was changed there */
	if (json_get(e, "hz_end") && (!json_num(json_get(e, "hz_end"), &r->m->hz_end) ||
				      !(r->m->hz_end >= 1 && r->m->hz_end <= 1000)))
		bad_record(r, "\"hz_end\" is not a rate from 1 to 1000");
	/* version 1 records of run mode have it; older ones do not */
	rc = json_get(e, "reaped_cpu");
	if (rc) {
		vt_us sum;

		if (!rv_time(&r->at, rc, "user", 0, &r->m->reaped_user) ||
		    !rv_time(&r->at, rc, "system", 0, &r->m->reaped_sys))
			bad_record(r, "reaped_cpu without user and system");
		rv_add(&r->at, &sum, r->m->reaped_user, r->m->reaped_sys,
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
	else if (!strcmp(type, "reap"))
		on_reap(r, v);
	else if (!strcmp(type, "end"))
		on_end(r, v);
}

static void read_lines(struct replay *r, FILE *f)
{
	ssize_t n;

	while ((n = getline(&r->text, &r->text_cap, f)) > 0) {
		const char *err = "bad JSON";
		struct jval *v;

		r->at.line++;
		/* vmon writes whole lines: a last one without its newline was
		 * cut short (a full disk, a copy interrupted), and even when
		 * it parses it may have lost fields; the record is replayed up
		 * to the line before */
		if (r->text[n - 1] != '\n') {
			if (r->at.line == 1)
				bad_record(r, "the record is cut short within its first line");
			r->info->cut = r->at.line;
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
	rt_check_loops(r->m, &r->at, r->born_at);
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
	r->at.path = path;
	r->at.err = info->err;
	r->at.err_size = sizeof(info->err);
	r->info = info;
	r->seq = -1;
	if (!setjmp(r->at.fail)) {
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
