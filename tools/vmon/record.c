/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record.c - the JSON Lines recording (record.h).  Field names, types and
 * descriptions come from libvmon's reflection tables, so a field added to
 * a .def table is recorded without a change here.  Values are formatted by
 * vmon_field_format(): numbers as JSON numbers, text as JSON strings of the
 * library's escaped form (bytes outside printable ASCII, and the backslash,
 * as \xHH); argv is an array of such strings.  The raw cmdline is left out
 * (argv carries it) and so are fields the sample could not read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "outfile.h"
#include "record.h"

/* the process stores vmon records (and wants) */
static const vmon_proc_store_t recorded[] = {
	VMON_STORE_PROC_STAT, VMON_STORE_PROC_VM, VMON_STORE_PROC_IO
};
#define NRECORDED ((int)(sizeof(recorded) / sizeof(*recorded)))

/* the record's value types: a comm (its NUL counted in C) is a string
 * like any other, an unsigned long a number like an unsigned long long */
static const char *type_name(vmon_field_type_t t)
{
	static const char *names[] = {
		[VMON_FIELD_ULL] = "ull", [VMON_FIELD_LL] = "ll", [VMON_FIELD_INT] = "int",
		[VMON_FIELD_CHAR] = "char", [VMON_FIELD_STR] = "str", [VMON_FIELD_ARGV] = "argv",
		[VMON_FIELD_ULONG] = "ull", [VMON_FIELD_STRZ] = "str",
	};

	return (unsigned)t < sizeof(names) / sizeof(*names) ? names[t] : "?";
}

static bool is_text(vmon_field_type_t t)
{
	return t == VMON_FIELD_STR || t == VMON_FIELD_STRZ || t == VMON_FIELD_CHAR;
}

/* "store":{"field":{"label":...,"type":...,"desc":...},...} */
static void describe_store(struct sbuf *b, const vmon_store_info_t *info)
{
	json_key(b, info->name);
	sb_putc(b, '{');
	for (int i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];

		sb_puts(b, i ? "," : "");
		json_key(b, f->name);
		sb_putc(b, '{');
		json_key(b, "label");
		json_string(b, f->label);
		sb_printf(b, ",\"type\":\"%s\",", type_name(f->type));
		json_key(b, "source");
		json_string(b, f->source);
		sb_putc(b, ',');
		json_key(b, "desc");
		json_string(b, f->desc);
		sb_putc(b, '}');
	}
	sb_putc(b, '}');
}

static void header(struct recorder *r, const struct model *m, int pid)
{
	struct sbuf *b = &r->out;
	char when[64];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	sb_printf(b, "{\"type\":\"header\",\"format\":\"%s\",\"version\":%d,"
		  "\"vmon\":\"%s\",\"mode\":\"%s\",\"command\":", RECORD_FORMAT,
		  RECORD_VERSION, VMON_TOOL_VERSION, m->mode);
	json_strv(b, m->cmd, m->cmdc);
	sb_puts(b, ",\"events\":");
	json_string(b, m->events);
	sb_printf(b, ",\"pid\":%d,\"monitor_pid\":%d,\"hz\":%g,\"ticks_per_sec\":%ld,"
		  "\"page_size\":%ld,\"num_cpus\":%d,\"start\":\"%s\",\"fields\":{",
		  pid, m->self_pid, m->hz, m->tps, m->page_size, m->ncpu, when);
	describe_store(b, vmon_sys_store_info(VMON_STORE_SYS_STAT));
	sb_putc(b, ',');
	describe_store(b, vmon_sys_store_info(VMON_STORE_SYS_VM));
	sb_putc(b, ',');
	describe_store(b, vmon_sys_cpu_info());
	for (int i = 0; i < NRECORDED; i++) {
		sb_putc(b, ',');
		describe_store(b, vmon_proc_store_info(recorded[i]));
	}
	sb_puts(b, "}}\n");
}

struct recorder *rec_open(const char *path)
{
	struct recorder *r;
	bool own;
	int fd = out_open_stream(path, &own);

	if (fd < 0) {
		out_error("the record", path, fd);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->own = own;
	r->path = path;
	return r;
}

void rec_header(struct recorder *r, const struct model *m, int pid)
{
	header(r, m, pid);
	rec_flush(r);
}

/* one field: ,"name":value */
static void put_field(struct sbuf *b, const vmon_store_info_t *info, const void *store,
		      int sym, bool *first)
{
	const vmon_field_t *f = &info->fields[sym];
	char small[256], *buf = small;
	int n;

	sb_puts(b, *first ? "" : ",");
	*first = false;
	json_key(b, f->name);
	if (f->type == VMON_FIELD_ARGV) {
		char *const *argv = *(char *const *const *)((const char *)store + f->offset);

		sb_putc(b, '[');
		for (int i = 0; argv && argv[i]; i++) {
			char *e = escape_bytes(argv[i], strlen(argv[i]));

			sb_puts(b, i ? "," : "");
			json_string(b, e);
			free(e);
		}
		sb_putc(b, ']');
		return;
	}
	n = vmon_field_format(info, store, sym, small, sizeof(small));
	if (n >= (int)sizeof(small)) {
		buf = xmalloc(n + 1);
		vmon_field_format(info, store, sym, buf, n + 1);
	}
	if (is_text(f->type))
		json_string(b, n < 0 ? "" : buf);
	else
		sb_puts(b, n < 0 ? "0" : buf);
	if (buf != small)
		free(buf);
}

/* "name":{changed fields} if any changed, or {every available field} when
 * whole; returns whether it wrote */
static bool put_store(struct sbuf *b, const char *name, const vmon_store_info_t *info,
		      const void *store, bool comma, bool whole)
{
	bool first = true;
	size_t at = b->len;

	if (!store)
		return false;
	for (int i = 0; i < info->fields_nr; i++) {
		if ((!whole && !vmon_field_changed(info, store, i)) ||
		    vmon_field_unavailable(info, store, i) ||
		    !strcmp(info->fields[i].name, "cmdline"))
			continue;
		if (first) {
			sb_puts(b, comma ? "," : "");
			json_key(b, name);
			sb_putc(b, '{');
		}
		put_field(b, info, store, i, &first);
	}
	if (first)
		return false;
	sb_putc(b, '}');
	return b->len > at;
}

void rec_proc(struct recorder *r, int id, const vmon_proc_t *p, bool io_whole)
{
	struct sbuf *b = &r->procs;
	size_t at = b->len;
	bool any = false;

	sb_printf(b, "%s{\"id\":%d", b->len ? "," : "", id);
	for (int i = 0; i < NRECORDED; i++) {
		const vmon_store_info_t *info = vmon_proc_store_info(recorded[i]);

		any |= put_store(b, info->name, info, p->stores[recorded[i]], true,
				 io_whole && recorded[i] == VMON_STORE_PROC_IO);
	}
	if (!any) {
		b->len = at;	/* nothing changed: no entry */
		b->s[at] = '\0';
		return;
	}
	sb_putc(b, '}');
}

/* seconds with six decimals */
static void put_secs(struct sbuf *b, vt_us t)
{
	sb_printf(b, "%s%lld.%06lld", t < 0 ? "-" : "", llabs(t) / US_PER_S, llabs(t) % US_PER_S);
}

static void put_time(struct sbuf *b, const char *key, vt_us t)
{
	sb_printf(b, ",\"%s\":", key);
	put_secs(b, t);
}

static void put_seq_time(struct sbuf *b, const struct model *m)
{
	sb_printf(b, ",\"seq\":%d", m->nsamples - 1);
	put_time(b, "t", model_cur((struct model *)m)->t);
}

void rec_birth(struct recorder *r, const struct model *m, const struct track *t)
{
	struct sbuf *b = &r->out;

	sb_puts(b, "{\"type\":\"birth\"");
	put_seq_time(b, m);
	sb_printf(b, ",\"id\":%d", t->id);
	if (t->is_thread)
		sb_printf(b, ",\"tid\":%d,\"pid\":%d", t->pid, t->tgid);
	else
		sb_printf(b, ",\"pid\":%d,\"ppid\":%d", t->pid, t->ppid);
	if (t->parent)
		sb_printf(b, ",\"parent\":%d", t->parent->id);
	else
		sb_puts(b, ",\"parent\":null");
	sb_puts(b, ",\"comm\":");
	json_string(b, t->comm);
	if (!t->is_thread) {
		sb_puts(b, ",\"argv\":");
		json_strv(b, t->argv, t->argc);
	}
	sb_printf(b, ",\"preexisting\":%s}\n", t->preexisting ? "true" : "false");
}

static void put_cpus(struct sbuf *b, const vmon_sys_stat_t *st, bool comma)
{
	const vmon_store_info_t *info = vmon_sys_cpu_info();
	bool any = false;
	char id[16];

	for (int c = 0; c < st->cpus_nr; c++) {
		if (!st->cpus[c].online)
			continue;
		snprintf(id, sizeof(id), "%d", c);
		if (!any) {
			size_t at = b->len;

			sb_puts(b, comma ? ",\"cpus\":{" : "\"cpus\":{");
			any = put_store(b, id, info, &st->cpus[c], false, false);
			if (!any) {
				b->len = at;
				b->s[at] = '\0';
			}
		} else {
			put_store(b, id, info, &st->cpus[c], true, false);
		}
	}
	if (any)
		sb_putc(b, '}');
}

void rec_sample(struct recorder *r, const struct model *m, const vmon_t *v)
{
	struct sbuf *b = &r->out;
	const struct sample *s = &m->samples[m->nsamples - 1];
	bool comma = false;

	sb_puts(b, "{\"type\":\"sample\"");
	put_seq_time(b, m);
	put_time(b, "late", s->late);
	if (strcmp(m->events, "none"))
		sb_printf(b, ",\"events\":{\"applied\":%lu,\"lost\":%lu}", s->events,
			  s->events_lost);
	sb_puts(b, ",\"sys\":{");
	comma |= put_store(b, "sys_stat", vmon_sys_store_info(VMON_STORE_SYS_STAT),
			   v->stores[VMON_STORE_SYS_STAT], comma, false);
	comma |= put_store(b, "sys_vm", vmon_sys_store_info(VMON_STORE_SYS_VM),
			   v->stores[VMON_STORE_SYS_VM], comma, false);
	if (v->stores[VMON_STORE_SYS_STAT])
		put_cpus(b, v->stores[VMON_STORE_SYS_STAT], comma);
	sb_puts(b, "},\"procs\":[");
	sb_put(b, r->procs.s ? r->procs.s : "", r->procs.len);
	sb_puts(b, "]}\n");
	sb_reset(&r->procs);
}

void json_status(struct sbuf *b, int status)
{
	if (status < 0)
		sb_puts(b, "null");
	else if (WIFSIGNALED(status))
		sb_printf(b, "{\"signal\":%d%s}", WTERMSIG(status),
			  WCOREDUMP(status) ? ",\"core\":true" : "");
	else
		sb_printf(b, "{\"code\":%d}", WEXITSTATUS(status));
}

/* ,"final":{...}: what the exit record said, as model_final() takes it */
static void put_final(struct sbuf *b, const struct track_final *f)
{
	const char *sep = "";

	if (!f->known)
		return;
	sb_puts(b, ",\"final\":{");
	if (f->known & FINAL_CPU) {
		sb_printf(b, "\"user_us\":%lld,\"system_us\":%lld", f->user_us, f->sys_us);
		sep = ",";
	}
	if (f->known & FINAL_RSS) {
		sb_printf(b, "%s\"peak_rss_kb\":%llu", sep, f->peak_rss_kb);
		sep = ",";
	}
	if (f->known & FINAL_IO) {
		sb_printf(b, "%s\"rchar\":%llu,\"wchar\":%llu,\"read_bytes\":%llu,"
			  "\"write_bytes\":%llu%s", sep, f->rchar, f->wchar, f->read_bytes,
			  f->write_bytes, f->known & FINAL_IO_OWN ? ",\"io_own\":true" : "");
		sep = ",";
	}
	if (f->known & FINAL_BORN) {
		sb_printf(b, "%s\"born\":", sep);
		put_secs(b, f->born);
		sep = ",";
	}
	if (f->known & FINAL_ENDED) {
		sb_printf(b, "%s\"ended\":", sep);
		put_secs(b, f->ended);
	}
	sb_putc(b, '}');
}

void rec_exit(struct recorder *r, const struct model *m, const struct track *t)
{
	struct sbuf *b = &r->out;

	sb_puts(b, "{\"type\":\"exit\"");
	put_seq_time(b, m);
	sb_printf(b, ",\"id\":%d", t->id);
	if (t->is_thread)
		sb_printf(b, ",\"tid\":%d,\"pid\":%d", t->pid, t->tgid);
	else
		sb_printf(b, ",\"pid\":%d,\"ppid\":%d", t->pid, t->v.ppid);
	sb_puts(b, ",\"comm\":");
	json_string(b, t->comm);
	if (!t->is_thread) {
		sb_puts(b, ",\"argv\":");
		json_strv(b, t->argv, t->argc);
	}
	sb_printf(b, ",\"utime\":%llu,\"stime\":%llu,\"status\":", t->v.utime, t->v.stime);
	json_status(b, t->status);
	put_final(b, &t->fin);
	sb_puts(b, "}\n");
}

void rec_reap(struct recorder *r, const struct model *m, const struct track *t)
{
	struct sbuf *b = &r->out;

	sb_puts(b, "{\"type\":\"reap\"");
	put_seq_time(b, m);
	sb_printf(b, ",\"id\":%d,\"pid\":%d}\n", t->id, t->pid);
}

/* A write failed (a full disk, a reader gone): recording stops, and a
 * file of vmon's own is cut back to its last sample written whole, so the
 * record never ends in part of a line and replays up to that sample.
 * What vmon did not create (a pipe, a device, a shared standard output)
 * cannot be taken back. */
static void write_failed(struct recorder *r, size_t written, int err)
{
	r->failed = 1;
	if (r->own && ftruncate(r->fd, r->whole))
		warnx_("writing the record %s: %s; recording stopped, and its last line could "
		       "not be taken back: %s", r->path, strerror(err), strerror(errno));
	else if (r->own || !written)
		warnx_("writing the record %s: %s; recording stopped after its last whole "
		       "sample", r->path, strerror(err));
	else
		warnx_("writing the record %s: %s; recording stopped in the middle of a line",
		       r->path, strerror(err));
}

/* One write() for the sample's lines where the system allows: on a full
 * disk a short write is the only partial one, and write_failed() takes
 * it back. */
void rec_flush(struct recorder *r)
{
	if (!r->failed && r->out.len) {
		size_t n = out_write_all(r->fd, r->out.s, r->out.len);

		if (n == r->out.len)
			r->whole += n;
		else
			write_failed(r, n, errno);
	}
	sb_reset(&r->out);
}

void rec_abort(struct recorder *r)
{
	close(r->fd);
	sb_free(&r->procs);
	sb_free(&r->out);
	free(r);
}

void rec_close(struct recorder *r, const struct model *m)
{
	struct sbuf *b = &r->out;
	bool first = true;

	sb_printf(b, "{\"type\":\"end\",\"seq\":%d", m->nsamples - 1);
	put_time(b, "t", m->end);
	sb_printf(b, ",\"samples\":%d,\"missed\":%d,", m->nsamples, m->missed);
	if (m->hz_end > 0)
		sb_printf(b, "\"hz_end\":%g,", m->hz_end);
	sb_puts(b, "\"exit_status\":");
	json_status(b, m->exit_status);
	if (m->reaped_known) {
		sb_puts(b, ",\"reaped_cpu\":{\"user\":");
		put_secs(b, m->reaped_user);
		sb_puts(b, ",\"system\":");
		put_secs(b, m->reaped_sys);
		sb_putc(b, '}');
	}
	sb_puts(b, ",\"running\":[");
	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->exited) {
			sb_printf(b, "%s%d", first ? "" : ",", m->tracks[i]->id);
			first = false;
		}
	sb_puts(b, "]}\n");
	rec_flush(r);
	if (close(r->fd) && !r->failed)
		warnx_("closing the record %s: %s", r->path, strerror(errno));
	sb_free(&r->procs);
	sb_free(&r->out);
	free(r);
}
