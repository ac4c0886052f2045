/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_io.c - the I/O vmon reports for a tree counts every byte once.
 * Linux adds a reaped child's I/O to its parent's /proc/PID/io, so a tree
 * whose figures are simply added up counts a child's bytes again in its
 * parent, its grandparent and so on (`sh -c 'dd ...; true'` reported twice
 * what dd read).  dd says on its standard error how many bytes it copied:
 * the independent account.  Each shape (dd under sh, a pipeline of two
 * dds, dd under two shells, dd as the command itself, and a parent that
 * reaps dd long after it ended) runs with each event source, and the
 * tree's bytes read must be within 3% of what the dds read; the replay of
 * the record must say the same, and the parent's own I/O must not have
 * dd's in it.  And where I/O cannot be read at all (-p, as nobody, on a
 * process of root's), vmon says so rather than print 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"
#include "want_util.h"

/* 512-byte blocks: dd makes over a million read() and write() calls, a
 * few tenths of a second, over which vmon samples it many times */
#define DD "dd if=/dev/zero bs=512 count=600000"

/* The sum of the "N bytes ... copied" lines of the dds on stderr, and how
 * many there are. */
static unsigned long long dd_bytes(const char *err, int *n)
{
	unsigned long long sum = 0;
	const char *p = err;

	*n = 0;
	while ((p = strstr(p, " bytes"))) {
		const char *q = p;

		while (q > err && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q < p && strstr(p, "copied") && strchr(p, '\n') > strstr(p, "copied")) {
			sum += strtoull(q, NULL, 10);
			++*n;
		}
		p++;
	}
	return sum;
}

static long long json_num(const char *path, const char *within, const char *key)
{
	char *text = t_read_file(path, NULL);
	long long v = -1;

	ASSERT_MSG(text, "no %s", path);
	ASSERT_MSG(vt_json_num(text, within, key, &v), "%s: no %s in %s", path, key, within);
	free(text);
	return v;
}

/* the own "io" rchar of the process pid in the summary's "all" list */
static long long own_rchar(const char *path, int pid)
{
	char *text = t_read_file(path, NULL), key[48], *p, *end;
	long long v = -1;

	ASSERT(text);
	snprintf(key, sizeof(key), "\"pid\":%d,", pid);
	p = strstr(strstr(text, "\"all\":["), key);
	ASSERT_MSG(p, "no process %d in the summary", pid);
	end = strstr(p, "\"exited\"");
	p = strstr(end, "\"io\":{");
	ASSERT_MSG(p && vt_json_num(p, NULL, "rchar", &v), "no I/O for %d", pid);
	free(text);
	return v;
}

struct io_run {
	struct vt_dir dir;
	char rec[256], sum[256], sum2[256];
	char err[16384];
	unsigned long long dd;	/* the bytes the dds read */
	int ndd;
	long long tree;		/* the tree's rchar, per the summary */
};

/* vmon [--events events] -- cmd, with its record replayed */
static void run_io(struct io_run *r, const char *events, char *const *cmd, int dds)
{
	char *argv[24], args[1024], out[4096];
	int n = 0, status;
	FILE *f;

	memset(r, 0, sizeof(*r));
	vt_mkdir(&r->dir);
	vt_file(&r->dir, "record.jsonl", r->rec, sizeof(r->rec));
	vt_file(&r->dir, "summary.json", r->sum, sizeof(r->sum));
	vt_file(&r->dir, "replayed.json", r->sum2, sizeof(r->sum2));
	argv[n++] = (char *)vt_vmon();
	argv[n++] = "--no-live";
	argv[n++] = "-q";
	argv[n++] = "-z";
	argv[n++] = "100";
	argv[n++] = "--record";
	argv[n++] = r->rec;
	argv[n++] = "--summary-json";
	argv[n++] = r->sum;
	if (events) {
		argv[n++] = "--events";
		argv[n++] = (char *)events;
	}
	argv[n++] = "--";
	while (*cmd)
		argv[n++] = *cmd++;
	argv[n] = NULL;
	status = vt_run(argv, NULL, r->err, sizeof(r->err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status,
		   r->err);
	r->dd = dd_bytes(r->err, &r->ndd);
	ASSERT_MSG(r->ndd == dds, "%d dd reports, not %d, in: %s", r->ndd, dds, r->err);
	r->tree = json_num(r->sum, "\"io\":", "rchar");
	/* the record replays to the same figures */
	snprintf(args, sizeof(args), "%s replay %s --summary-json %s 2>&1", vt_vmon(), r->rec,
		 r->sum2);
	f = popen(args, "r");
	ASSERT(f);
	out[fread(out, 1, sizeof(out) - 1, f)] = '\0';
	ASSERT_MSG(pclose(f) == 0, "replay: %s", out);
	vt_same_files(r->sum, r->sum2);
}

static void expect_once(struct io_run *r, const char *what, const char *events,
			unsigned long long extra)
{
	double want = (double)(r->dd + extra);

	ASSERT_MSG(r->tree >= want * 0.97 && r->tree <= want * 1.03,
		   "%s (--events %s): the tree read %lld bytes, the dds %llu (+%llu): %.2fx",
		   what, events ? events : "auto", r->tree, r->dd, extra, r->tree / want);
}

/* An event source that tells every exit with its final I/O: what a child
 * did after its last sample is known.  Without one it is counted too, but
 * as its parent's, whose io has it after the reap.  The exits' records
 * must carry the I/O: as nobody, ptrace's read of /proc/PID/io at the
 * exit stop is refused (EACCES), and the record has none. */
static bool exits_told(const struct io_run *r)
{
	char *text = t_read_file(r->rec, NULL), *line;
	bool told = false;

	ASSERT(text);
	if (strstr(text, "\"events\":\"netlink\"") || strstr(text, "\"events\":\"ptrace\""))
		for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			if (strstr(line, "\"type\":\"exit\"") && strstr(line, "\"final\":{") &&
			    strstr(strstr(line, "\"final\":{"), "\"rchar\":"))
				told = true;
	free(text);
	return told;
}

static const char *sources[] = { NULL, "none", "wait", "ptrace" };
#define NSOURCES ((int)(sizeof(sources) / sizeof(*sources)))

TEST(vmon_io_of_dd_under_sh_counted_once)
{
	char *cmd[] = { "/bin/sh", "-c", DD " of=/dev/null; true", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		struct io_run r;
		struct vt_record rec;

		run_io(&r, sources[i], cmd, 1);
		expect_once(&r, "sh -c 'dd; true'", sources[i], 0);
		/* the shell's own reads: a few KiB, not dd's */
		vt_record_load(r.rec, &rec);
		ASSERT_MSG(!exits_told(&r) || own_rchar(r.sum, rec.command_pid) < 1 << 20,
			   "sh read %lld bytes itself (--events %s)",
			   own_rchar(r.sum, rec.command_pid), sources[i] ? sources[i] : "auto");
		vt_cleanup(&r.dir);
	}
}

TEST(vmon_io_of_a_pipeline_counted_once)
{
	char *cmd[] = { "/bin/sh", "-c", DD " | dd of=/dev/null bs=64k; true", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		struct io_run r;

		run_io(&r, sources[i], cmd, 2);
		/* the second dd read what the first wrote: both count */
		expect_once(&r, "sh -c 'dd | dd; true'", sources[i], 0);
		vt_cleanup(&r.dir);
	}
}

TEST(vmon_io_of_dd_under_two_shells_counted_once)
{
	char *cmd[] = { "/bin/sh", "-c", "/bin/sh -c '" DD " of=/dev/null; true'; true", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		struct io_run r;

		run_io(&r, sources[i], cmd, 1);
		expect_once(&r, "sh -c 'sh -c \"dd; true\"; true'", sources[i], 0);
		vt_cleanup(&r.dir);
	}
}

TEST(vmon_io_of_dd_as_the_command)
{
	char *cmd[] = { "/bin/dd", "if=/dev/zero", "bs=512", "count=600000", "of=/dev/null", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		struct io_run r;

		run_io(&r, sources[i], cmd, 1);
		expect_once(&r, "dd", sources[i], 0);
		vt_cleanup(&r.dir);
	}
}

/* A parent that reaps dd long after dd ended: dd is seen as a zombie, and
 * the parent's io counts dd's only from the reap on.  The parent says how
 * much it read itself before it reaped. */
TEST(vmon_io_of_a_child_reaped_late_counted_once)
{
	char *cmd[] = { "python3", "-c",
			"import os, subprocess, sys, time\n"
			"p = subprocess.Popen(['dd', 'if=/dev/zero', 'bs=512', 'count=600000', "
			"'of=/dev/null'])\n"
			"while open('/proc/%d/stat' % p.pid).read().split(') ')[1][0] != 'Z':\n"
			"    time.sleep(0.01)\n"
			"time.sleep(0.3)\n"
			"own = [l for l in open('/proc/self/io') if l.startswith('rchar')][0]\n"
			"p.wait()\n"
			"sys.stderr.write('parent ' + own)\n", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		unsigned long long parent;
		struct vt_record rec;
		struct io_run r;
		char *p;

		run_io(&r, sources[i], cmd, 1);
		p = strstr(r.err, "parent rchar: ");
		ASSERT_MSG(p, "no parent line: %s", r.err);
		parent = strtoull(p + 14, NULL, 10);
		expect_once(&r, "python reaping dd late", sources[i], parent);
		vt_record_load(r.rec, &rec);
		ASSERT_MSG(!exits_told(&r) ||
			   own_rchar(r.sum, rec.command_pid) < (long long)parent + (1 << 20),
			   "python read %lld bytes itself, it says %llu (--events %s)",
			   own_rchar(r.sum, rec.command_pid), parent,
			   sources[i] ? sources[i] : "auto");
		vt_cleanup(&r.dir);
	}
}

/* A child that reads nothing before its first sample: its io reads all
 * zero, which is the store's zero, so no field is "changed"; the record
 * must still say its io was read, or the replay calls it unavailable
 * where the run gave 0 B (seen as a replay differing now and then when a
 * short-lived child was caught once). */
TEST(vmon_io_of_a_quiet_child_is_zero_in_the_run_and_the_replay)
{
	char *cmd[] = { "python3", "-c",
			"import os, sys, time\n"
			"r, w = os.pipe()\n"
			"p = os.fork()\n"
			"if p == 0:\n"
			"    os.close(w)\n"
			"    os.read(r, 1)\n"
			"    os._exit(0)\n"
			"sys.stderr.write('child %d\\n' % p)\n"
			"time.sleep(0.3)\n"
			"os.write(w, b'x')\n"
			"os.waitpid(p, 0)\n", NULL };

	for (int i = 0; i < NSOURCES; i++) {
		struct io_run r;
		char *text, key[48], *p, *io;
		int child;

		run_io(&r, sources[i], cmd, 0);
		p = strstr(r.err, "child ");
		ASSERT_MSG(p, "no child line: %s", r.err);
		child = atoi(p + 6);
		text = t_read_file(r.sum, NULL);
		ASSERT(text);
		snprintf(key, sizeof(key), "\"pid\":%d,", child);
		p = strstr(strstr(text, "\"all\":["), key);
		ASSERT_MSG(p, "no process %d in the summary (--events %s)", child,
			   sources[i] ? sources[i] : "auto");
		io = strstr(p, "\"io\":");
		ASSERT_MSG(io && !strncmp(io, "\"io\":{\"rchar\":", 14),
			   "the child's I/O is not a read one (--events %s): %.120s",
			   sources[i] ? sources[i] : "auto", io ? io : p);
		free(text);
		vt_cleanup(&r.dir);
	}
}

/* As nobody, -p on root's process: its /proc/PID/io is EACCES.  The
 * summary said "read 0 B"; it says unavailable, and the JSON null. */
TEST(vmon_io_unreadable_is_unavailable_not_zero)
{
	struct vt_dir d;
	char sum[256], png[256], pid[16], err[8192], cmd[600], line[1024], tool[256];
	char *argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
			 (char *)vt_vmon(), "--no-live", "-z", "50", "-d", "0.3", "-p", pid,
			 "--summary-json", sum, "--png", png, NULL };
	bool said = false;
	FILE *f;
	char *text;
	pid_t target;
	int status;

	t_need_root();
	target = t_fork(t_sleeper, NULL);
	vt_mkdir(&d);
	ASSERT(chmod(d.path, 0777) == 0);
	vt_file(&d, "summary.json", sum, sizeof(sum));
	vt_file(&d, "chart.png", png, sizeof(png));
	snprintf(pid, sizeof(pid), "%d", target);
	status = vt_run(argv, NULL, err, sizeof(err));
	t_kill(target);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, "  I/O         unavailable"), "I/O not said unavailable:\n%s", err);
	ASSERT_MSG(!strstr(err, "0 B"), "a made-up 0:\n%s", err);
	text = t_read_file(sum, NULL);
	ASSERT(text);
	ASSERT_MSG(strstr(text, "},\"io\":null,"), "the tree's io is not null: %s", text);
	ASSERT_MSG(strstr(text, "\"exited\":false,\"status\":null,\"io\":null}"),
		   "the process's io is not null: %s", text);
	free(text);
	/* the chart's totals (its Description chunk: the lines under its
	 * title) say it too */
	snprintf(cmd, sizeof(cmd), "%s %s", t_build_path("workloads/pngdump", tool, sizeof(tool)),
		 png);
	f = popen(cmd, "r");
	ASSERT(f);
	while (fgets(line, sizeof(line), f))
		said |= line[0] == '|' && strstr(line, "   I/O unavailable") != NULL;
	ASSERT_EQ(pclose(f), 0);
	ASSERT_MSG(said, "the chart does not say the I/O is unavailable");
	vt_cleanup(&d);
}
