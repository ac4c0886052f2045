/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_util.c - the helpers of test_vmon_util.h.  The record reader
 * scans the JSON text itself (string-aware brace matching, keys looked up
 * within an object's bounds) rather than using vmon's parser.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

void vt_mkdir(struct vt_dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/vmon-test-XXXXXX");
	ASSERT_MSG(mkdtemp(d->path), "mkdtemp: %s", strerror(errno));
}

const char *vt_file(struct vt_dir *d, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", d->path, name);
	return buf;
}

void vt_cleanup(struct vt_dir *d)
{
	DIR *dir = opendir(d->path);
	struct dirent *e;
	char path[512];

	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", d->path, e->d_name);
			unlink(path);
		}
	if (dir)
		closedir(dir);
	rmdir(d->path);
}

void vt_same_files(const char *a, const char *b)
{
	size_t la, lb;
	char *x = t_read_file(a, &la), *y = t_read_file(b, &lb);
	size_t at = 0;

	ASSERT_MSG(x && y, "cannot read %s or %s", a, b);
	while (at < la && at < lb && x[at] == y[at])
		at++;
	/* where they part, with some context, so a failure says what differs */
	ASSERT_MSG(la == lb && at == la, "%s and %s differ at byte %zu: '%.160s' against '%.160s'",
		   a, b, at, x + (at > 80 ? at - 80 : 0), y + (at > 80 ? at - 80 : 0));
	free(x);
	free(y);
}

bool vt_mount_tmpfs(const char *dir, const char *opts, unsigned long flags)
{
	static bool unshared;

	if (!unshared) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return false;
		unshared = true;
	}
	return mount("vmon-test", dir, "tmpfs", flags, opts) == 0;
}

void vt_umount(const char *dir)
{
	ASSERT_MSG(umount2(dir, MNT_DETACH) == 0, "umount %s: %s", dir, strerror(errno));
}

const char *vt_vmon(void)
{
	static char buf[256];

	return t_build_path("vmon", buf, sizeof(buf));
}

const char *vt_burn(void)
{
	static char buf[256];

	return t_build_path("workloads/burn", buf, sizeof(buf));
}

static void child(char *const argv[], char *const env[], int in_fd, int keep_fd, int err_w)
{
	int null = open("/dev/null", O_RDWR);

	dup2(in_fd >= 0 ? in_fd : null, 0);
	dup2(null, 1);
	dup2(err_w, 2);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep_fd)
			close(fd);
	if (keep_fd >= 0)
		fcntl(keep_fd, F_SETFD, 0);
	for (int i = 0; env && env[i]; i++)
		putenv(env[i]);
	execv(argv[0], argv);
	_exit(126);
}

void vt_start(struct vt_proc *p, char *const argv[], char *const env[], int in_fd,
	      int keep_fd)
{
	int errp[2];

	ASSERT_MSG(pipe2(errp, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	fflush(NULL);
	p->pid = fork();
	ASSERT_MSG(p->pid >= 0, "fork: %s", strerror(errno));
	if (p->pid == 0)
		child(argv, env, in_fd, keep_fd, errp[1]);
	close(errp[1]);
	p->err_fd = errp[0];
}

int vt_finish(struct vt_proc *p, char *err, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char sink[4096];

	while ((r = read(p->err_fd, n + 1 < size ? err + n : sink,
			 n + 1 < size ? size - n - 1 : sizeof(sink))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (n + 1 < size)
			n += r;
	}
	if (size)
		err[n < size ? n : size - 1] = '\0';
	close(p->err_fd);
	return t_wait(p->pid);
}

int vt_run(char *const argv[], char *const env[], char *err, size_t size)
{
	struct vt_proc p;

	vt_start(&p, argv, env, -1, -1);
	return vt_finish(&p, err, size);
}

/* ---- JSON scanning ---- */

static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* past the object or array opening at p */
static const char *skip_nested(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"') {
			p = skip_string(p) - 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return p;
}

/* the value of key in [p, end), at any depth, or NULL */
static const char *find_key(const char *p, const char *end, const char *key)
{
	char pat[64];
	size_t n = (size_t)snprintf(pat, sizeof(pat), "\"%s\":", key);

	for (; p && p + n <= end; p++) {
		if (*p == '"' && !strncmp(p, pat, n))
			return p + n;
		if (*p == '"')
			p = skip_string(p) - 1;
	}
	return NULL;
}

static bool num_in(const char *p, const char *end, const char *key, long long *out)
{
	const char *v = find_key(p, end, key);
	char *e;

	if (!v || (*v != '-' && (*v < '0' || *v > '9')))
		return false;
	*out = strtoll(v, &e, 10);
	return e != v;
}

static bool time_in(const char *p, const char *end, const char *key, double *out)
{
	const char *v = find_key(p, end, key);
	char *e;

	if (!v)
		return false;
	*out = strtod(v, &e);
	return e != v;
}

static bool str_in(const char *p, const char *end, const char *key, char *out, size_t size)
{
	const char *v = find_key(p, end, key), *e;

	if (!v || *v != '"')
		return false;
	e = skip_string(v) - 1;
	snprintf(out, size, "%.*s", (int)(e - v - 1), v + 1);
	return true;
}

bool vt_json_num(const char *text, const char *within, const char *key, long long *out)
{
	const char *p = within ? strstr(text, within) : text;

	return p && num_in(p, p + strlen(p), key, out);
}

/* ---- records ---- */

static struct vt_track *track(struct vt_record *r, long long id)
{
	ASSERT_MSG(id >= 1 && id <= r->ntracks, "record: unknown track id %lld", id);
	return &r->tracks[id - 1];
}

static void status_of(const char *p, const char *end, int *code, int *sig)
{
	const char *v = find_key(p, end, "status");
	long long x;

	*code = *sig = -1;
	if (!v || *v != '{')
		return;
	if (num_in(v, skip_nested(v), "code", &x))
		*code = (int)x;
	if (num_in(v, skip_nested(v), "signal", &x))
		*sig = (int)x;
}

/* argv[0] of a birth or exit line (an exit's is the last: after exec) */
static void argv0(struct vt_track *t, const char *l, const char *end)
{
	const char *a = find_key(l, end, "argv");

	ASSERT_MSG(a && *a == '[', "record: a process line without argv");
	if (a[1] == '"') {
		const char *e = skip_string(a + 1) - 1;

		snprintf(t->argv0, sizeof(t->argv0), "%.*s", (int)(e - a - 2), a + 2);
	}
}

static void birth(struct vt_record *r, const char *l, const char *end)
{
	long long id = 0, x;
	struct vt_track *t;

	ASSERT(num_in(l, end, "id", &id));
	ASSERT_MSG(id == r->ntracks + 1 && id <= 256, "record: birth ids out of order (%lld)", id);
	t = &r->tracks[r->ntracks++];
	memset(t, 0, sizeof(*t));
	t->id = (int)id;
	t->code = t->signal = -1;
	if (num_in(l, end, "tid", &x))
		t->tid = (int)x;
	ASSERT(num_in(l, end, "pid", &x));
	t->pid = (int)x;
	if (num_in(l, end, "ppid", &x))
		t->ppid = (int)x;
	if (num_in(l, end, "parent", &x))
		t->parent = (int)x;
	ASSERT(str_in(l, end, "comm", t->comm, sizeof(t->comm)));
	ASSERT(time_in(l, end, "t", &t->birth_t));
	if (!t->tid)
		argv0(t, l, end);
}

static void exit_line(struct vt_record *r, const char *l, const char *end)
{
	long long id = 0, x;
	struct vt_track *t;

	ASSERT(num_in(l, end, "id", &id));
	t = track(r, id);
	ASSERT_MSG(!t->exited, "record: track %lld exits twice", id);
	t->exited = true;
	ASSERT(time_in(l, end, "t", &t->exit_t));
	if (num_in(l, end, "ppid", &x))
		t->exit_ppid = (int)x;
	ASSERT(num_in(l, end, "utime", &x));
	t->exit_utime = x;
	ASSERT(num_in(l, end, "stime", &x));
	t->exit_stime = x;
	str_in(l, end, "comm", t->comm, sizeof(t->comm));
	if (!t->tid)
		argv0(t, l, end);
	status_of(l, end, &t->code, &t->signal);
	/* version 2: the exit record's I/O, in "final" */
	if (num_in(l, end, "rchar", &x) && (t->final_io = true))
		t->final_rchar = x;
	if (num_in(l, end, "wchar", &x))
		t->final_wchar = x;
}

static void sample(struct vt_record *r, const char *l, const char *end)
{
	const char *p = find_key(l, end, "procs");

	r->samples++;
	ASSERT_MSG(p && *p == '[', "record: a sample without procs");
	for (p++; *p == '{' || *p == ','; ) {
		const char *e;
		long long id, x;
		struct vt_track *t;

		if (*p == ',') {
			p++;
			continue;
		}
		e = skip_nested(p);
		ASSERT(num_in(p, e, "id", &id));
		t = track(r, id);
		if (num_in(p, e, "utime", &x))
			t->utime = x;
		if (num_in(p, e, "stime", &x))
			t->stime = x;
		if (num_in(p, e, "rchars", &x))
			t->rchars = x;
		if (num_in(p, e, "wchars", &x))
			t->wchars = x;
		p = e;
	}
}

static void end_line(struct vt_record *r, const char *l, const char *end)
{
	long long x;
	const char *run = find_key(l, end, "running"), *v;

	r->has_end = true;
	ASSERT(time_in(l, end, "t", &r->end_t));
	ASSERT(num_in(l, end, "missed", &x));
	r->missed = (int)x;
	v = find_key(l, end, "exit_status");
	r->end_code = r->end_signal = -1;
	if (v && *v == '{') {
		if (num_in(v, skip_nested(v), "code", &x))
			r->end_code = (int)x;
		if (num_in(v, skip_nested(v), "signal", &x))
			r->end_signal = (int)x;
	}
	for (const char *p = run + 1; run && *p && *p != ']'; p++)
		if (*p >= '0' && *p <= '9') {
			r->nrunning++;
			while (p[1] >= '0' && p[1] <= '9')
				p++;
		}
}

static void header(struct vt_record *r, const char *l, const char *end)
{
	long long x;
	char fmt[32];

	ASSERT(str_in(l, end, "format", fmt, sizeof(fmt)));
	ASSERT_STREQ(fmt, "vmon-record");
	ASSERT(num_in(l, end, "version", &x));
	r->version = (int)x;
	ASSERT(num_in(l, end, "monitor_pid", &x));
	r->monitor_pid = (int)x;
	ASSERT(num_in(l, end, "pid", &x));
	r->command_pid = (int)x;
}

void vt_record_load(const char *path, struct vt_record *r)
{
	char *text = t_read_file(path, NULL), *line, *nl, type[16];

	ASSERT_MSG(text, "cannot read the record %s", path);
	memset(r, 0, sizeof(*r));
	for (line = text; *line; line = nl + 1) {
		const char *end;

		nl = strchr(line, '\n');
		ASSERT_MSG(nl, "record: the last line has no newline");
		*nl = '\0';
		end = nl;
		ASSERT_MSG(line[0] == '{' && skip_nested(line) == end,
			   "record line %d is not one JSON object", r->lines + 1);
		ASSERT(str_in(line, end, "type", type, sizeof(type)));
		ASSERT_MSG(r->lines > 0 || !strcmp(type, "header"), "record: no header first");
		ASSERT_MSG(!r->has_end, "record: lines after the end");
		if (!strcmp(type, "header"))
			header(r, line, end);
		else if (!strcmp(type, "birth"))
			birth(r, line, end);
		else if (!strcmp(type, "exit"))
			exit_line(r, line, end);
		else if (!strcmp(type, "sample"))
			sample(r, line, end);
		else if (!strcmp(type, "end"))
			end_line(r, line, end);
		r->lines++;
	}
	free(text);
}

struct vt_track *vt_record_pid(struct vt_record *r, int pid)
{
	for (int i = 0; i < r->ntracks; i++)
		if (r->tracks[i].pid == pid && !r->tracks[i].tid)
			return &r->tracks[i];
	return NULL;
}

/* ---- reports ---- */

int vt_reports(const char *path, struct vt_report *out, int max)
{
	char *text = t_read_file(path, NULL), *line;
	int n = 0;

	for (line = text; line && *line && n < max; line = strchr(line, '\n') + 1) {
		struct vt_report *r = &out[n];

		memset(r, 0, sizeof(*r));
		if (sscanf(line, "pid=%d ppid=%d comm=%31s cpu_us=%lld read=%llu wrote=%llu exit=%d",
			   &r->pid, &r->ppid, r->comm, &r->cpu_us, &r->read, &r->wrote, &r->code) >= 3)
			n++;
		if (!strchr(line, '\n'))
			break;
	}
	free(text);
	return n;
}

/* ---- charts ---- */

static FILE *pngdump(const char *path, const char *rect)
{
	char cmd[768], tool[256];

	snprintf(cmd, sizeof(cmd), "%s %s %s", t_build_path("workloads/pngdump", tool,
							    sizeof(tool)), path, rect);
	return popen(cmd, "r");
}

static void layout_line(struct vt_png *p, const char *l)
{
	sscanf(strstr(l, "plot_x=") ? strstr(l, "plot_x=") : "", "plot_x=%d plot_w=%d rows_y=%d "
	       "row_h=%d rows=%d", &p->plot_x, &p->plot_w, &p->rows_y, &p->row_h, &p->nrows);
	if (strstr(l, "t_end_us="))
		p->t_end_us = atoll(strstr(l, "t_end_us=") + 9);
}

void vt_png_load(const char *path, struct vt_png *p)
{
	FILE *f = pngdump(path, "");
	char line[512], key[64] = "";
	int n = 0;

	ASSERT(f);
	memset(p, 0, sizeof(*p));
	while (fgets(line, sizeof(line), f)) {
		struct vt_png_row *r = &p->rows[n];

		if (sscanf(line, "size %d %d", &p->w, &p->h) == 2)
			continue;
		if (sscanf(line, "text %63s", key) == 1)
			continue;
		if (!strcmp(key, "vmon:layout") && line[0] == '|')
			layout_line(p, line);
		if (!strcmp(key, "vmon:rows") && n < 256 &&
		    sscanf(line, "| %d %d %d %d %d", &r->id, &r->pid, &r->tid, &r->y, &r->h) == 5)
			n++;
	}
	ASSERT_EQ(pclose(f), 0);
	ASSERT_MSG(p->w > 0 && p->plot_w > 0, "pngdump: no size or layout in %s", path);
	ASSERT_EQ(n, p->nrows);
}

long vt_png_count(const char *path, int x, int y, int w, int h, unsigned color)
{
	char rect[96], line[128];
	unsigned c;
	long n, total = 0;
	FILE *f;

	snprintf(rect, sizeof(rect), "%d %d %d %d", x, y, w, h);
	f = pngdump(path, rect);
	ASSERT(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%6x %ld", &c, &n) == 2 && strlen(line) < 32 && c == color)
			total += n;
	ASSERT_EQ(pclose(f), 0);
	return total;
}
