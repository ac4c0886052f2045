/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_run.c - vmon running real workloads under it: a shell script
 * with three CPU burners in parallel, a command that exits 3 and one
 * killed by a signal, a double-forked daemon (kept by the subreaper, or
 * left running), a multi-threaded program, a pipeline, and twenty
 * processes under a descriptor limit too low for them (vmon raises its
 * own, and gives the command the one it was given), and twenty burners
 * too short for the sampling rate: without events only the kernel's wait
 * accounting of vmon as their reaper counts their CPU; with the netlink
 * source (as root) every one of them is recorded, with its status and
 * exact CPU, and the kernel's count is a check.  Each burner
 * measures its own CPU and reports it, with its pid and parent, in a file
 * apart from vmon; the record must agree with it (births and exits with
 * the right pid, ppid, comm and status, CPU within 10%), and the summary's
 * totals must be the sums of the record.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"
#include "want_util.h"

struct run {
	struct vt_dir dir;
	char rec[256], sum[256], rep[256], err[16384];
	char env_burn[300], env_rep[300];
	char *env[3];
	pid_t vmon;
	int status;
	const char *events;	/* --events, when set */
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	vt_mkdir(&r->dir);
	vt_file(&r->dir, "record.jsonl", r->rec, sizeof(r->rec));
	vt_file(&r->dir, "summary.json", r->sum, sizeof(r->sum));
	vt_file(&r->dir, "report", r->rep, sizeof(r->rep));
	snprintf(r->env_burn, sizeof(r->env_burn), "BURN=%s", vt_burn());
	snprintf(r->env_rep, sizeof(r->env_rep), "REPORT=%s", r->rep);
	r->env[0] = r->env_burn;
	r->env[1] = r->env_rep;
}

/* vmon --no-live -z 100 --record --summary-json [extra] [--events E] -- command... */
static void run_vmon(struct run *r, const char *extra, char *const *cmd, int in_fd, int keep_fd)
{
	char *argv[32];
	struct vt_proc p;
	int n = 0;

	argv[n++] = (char *)vt_vmon();
	argv[n++] = "--no-live";
	argv[n++] = "-z";
	argv[n++] = "100";
	argv[n++] = "--record";
	argv[n++] = r->rec;
	argv[n++] = "--summary-json";
	argv[n++] = r->sum;
	if (extra)
		argv[n++] = (char *)extra;
	if (r->events) {
		argv[n++] = "--events";
		argv[n++] = (char *)r->events;
	}
	argv[n++] = "--";
	while (*cmd && n < 31)
		argv[n++] = *cmd++;
	argv[n] = NULL;
	vt_start(&p, argv, r->env, in_fd, keep_fd);
	r->vmon = p.pid;
	r->status = vt_finish(&p, r->err, sizeof(r->err));
}

static long long summary_num(struct run *r, const char *within, const char *key)
{
	char *text = t_read_file(r->sum, NULL);
	long long v = -1;

	ASSERT_MSG(text, "no summary JSON");
	ASSERT_MSG(vt_json_num(text, within, key, &v), "summary: no %s in %s", key, within);
	free(text);
	return v;
}

static void check_cpu(const struct vt_track *t, long long cpu_us)
{
	long long got = (long long)(t->exit_utime + t->exit_stime) * 1000000 / sysconf(_SC_CLK_TCK);

	ASSERT_MSG(llabs(got - cpu_us) <= cpu_us / 10, "pid %d: vmon saw %lld us of CPU, the "
		   "process measured %lld us (more than 10%% apart)", t->pid, got, cpu_us);
}

/* the sum of key in the summary's per-process "io" objects (each
 * process's own I/O) */
static unsigned long long own_io_sum(struct run *r, const char *key)
{
	char *text = t_read_file(r->sum, NULL), *p;
	unsigned long long sum = 0;
	long long v;

	ASSERT_MSG(text, "no summary JSON");
	p = strstr(text, "\"all\":[");
	ASSERT(p);
	while ((p = strstr(p, "\"io\":{"))) {
		ASSERT(vt_json_num(p, NULL, key, &v));
		sum += (unsigned long long)v;
		p++;
	}
	free(text);
	return sum;
}

/* the summary's totals are the sums of the record's last figures: an exit
 * line's, which has what the exit record added to the last sample's.  I/O
 * is each process's own, which the record's figures (/proc/PID/io, which
 * also counts the children a process reaped) bound from above */
static void check_totals(struct run *r, struct vt_record *rec)
{
	unsigned long long u = 0, s = 0, rc = 0, wc = 0;
	int procs = 0, threads = 0;

	for (int i = 0; i < rec->ntracks; i++) {
		struct vt_track *t = &rec->tracks[i];

		if (t->tid) {
			threads++;
			continue;
		}
		procs++;
		u += t->exited ? t->exit_utime : t->utime;
		s += t->exited ? t->exit_stime : t->stime;
		/* an exit record's I/O counts where it is more */
		rc += t->final_io && t->final_rchar > t->rchars ? t->final_rchar : t->rchars;
		wc += t->final_io && t->final_wchar > t->wchars ? t->final_wchar : t->wchars;
		if (t->exited) {
			ASSERT_MSG(t->exit_utime >= t->utime && t->exit_stime >= t->stime,
				   "pid %d: exit figures %llu+%llu below the last sample's %llu+%llu",
				   t->pid, t->exit_utime, t->exit_stime, t->utime, t->stime);
		}
	}
	ASSERT_EQ(summary_num(r, "\"cpu\":", "user_ticks"), u);
	ASSERT_EQ(summary_num(r, "\"cpu\":", "system_ticks"), s);
	ASSERT(summary_num(r, "\"io\":", "rchar") <= (long long)rc);
	ASSERT(summary_num(r, "\"io\":", "wchar") <= (long long)wc);
	ASSERT_EQ(summary_num(r, "\"io\":", "rchar"), own_io_sum(r, "rchar"));
	ASSERT_EQ(summary_num(r, "\"io\":", "wchar"), own_io_sum(r, "wchar"));
	ASSERT_EQ(summary_num(r, "\"processes\":", "seen"), procs);
	ASSERT_EQ(summary_num(r, "\"threads\":", "seen"), threads);
	ASSERT_EQ(summary_num(r, "\"sampling\":", "samples"), rec->samples);
}

static void expect_exit(struct run *r, int code)
{
	ASSERT_MSG(WIFEXITED(r->status) && WEXITSTATUS(r->status) == code,
		   "vmon: status %#x, expected exit %d; stderr:\n%s", r->status, code, r->err);
}

TEST(vmon_parallel_burners)
{
	char *cmd[] = { "/bin/sh", "tests/workloads/parallel.sh", NULL };
	struct vt_report rep[8];
	struct vt_record rec;
	struct vt_track *sh;
	struct run r;
	int n;

	run_init(&r);
	run_vmon(&r, NULL, cmd, -1, -1);
	expect_exit(&r, 0);
	n = vt_reports(r.rep, rep, 8);
	ASSERT_EQ(n, 4);
	vt_record_load(r.rec, &rec);
	ASSERT(rec.has_end);
	ASSERT_EQ(rec.end_code, 0);
	ASSERT_EQ(rec.monitor_pid, r.vmon);
	ASSERT_EQ(rec.ntracks, 4);	/* the script and its three burners, no more */
	sh = vt_record_pid(&rec, rep[0].pid);
	ASSERT_MSG(sh, "the script (pid %d) has no birth in the record", rep[0].pid);
	ASSERT_EQ(rec.command_pid, sh->pid);
	ASSERT_EQ(sh->ppid, r.vmon);
	ASSERT_STREQ(sh->comm, "sh");
	ASSERT(sh->exited);
	ASSERT_EQ(sh->code, 0);
	for (int i = 1; i < n; i++) {
		struct vt_track *t = vt_record_pid(&rec, rep[i].pid);

		ASSERT_MSG(t, "burner %d has no birth in the record", rep[i].pid);
		ASSERT_EQ(t->ppid, sh->pid);
		ASSERT_EQ(rep[i].ppid, sh->pid);
		ASSERT_EQ(t->parent, sh->id);
		ASSERT_STREQ(t->comm, "burn");
		ASSERT_STREQ(t->argv0, vt_burn());
		ASSERT(t->exited);
		/* reaped by the script: only an event source tells (netlink,
		 * the default as root) */
		ASSERT_EQ(t->code, geteuid() == 0 ? rep[i].code : -1);
		check_cpu(t, rep[i].cpu_us);
	}
	check_totals(&r, &rec);
	ASSERT_EQ(summary_num(&r, "\"processes\":", "peak_concurrent"), 4);
	ASSERT_MSG(strstr(r.err, "wall time") && strstr(r.err, "heaviest by CPU"),
		   "no summary on stderr:\n%s", r.err);
	vt_cleanup(&r.dir);
}

TEST(vmon_exit_status_passed_through)
{
	char *cmd[] = { (char *)vt_burn(), "-m", "50", "-x", "3", NULL };
	struct vt_record rec;
	struct vt_track *t;
	struct run r;

	run_init(&r);
	run_vmon(&r, NULL, cmd, -1, -1);
	expect_exit(&r, 3);
	vt_record_load(r.rec, &rec);
	ASSERT_EQ(rec.end_code, 3);
	t = vt_record_pid(&rec, rec.command_pid);
	ASSERT(t && t->exited);
	ASSERT_EQ(t->code, 3);
	ASSERT_EQ(t->ppid, r.vmon);
	ASSERT_STREQ(t->comm, "burn");
	ASSERT_EQ(summary_num(&r, "\"exit_status\":", "code"), 3);
	ASSERT(strstr(r.err, "exit 3"));
	vt_cleanup(&r.dir);
}

TEST(vmon_killed_command_is_128_plus_signal)
{
	char *cmd[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
	struct vt_record rec;
	struct vt_track *t;
	struct run r;

	run_init(&r);
	run_vmon(&r, NULL, cmd, -1, -1);
	expect_exit(&r, 128 + SIGTERM);
	vt_record_load(r.rec, &rec);
	ASSERT_EQ(rec.end_signal, SIGTERM);
	t = vt_record_pid(&rec, rec.command_pid);
	ASSERT(t && t->exited);
	ASSERT_EQ(t->signal, SIGTERM);
	ASSERT(strstr(r.err, "SIGTERM"));
	vt_cleanup(&r.dir);
}

TEST(vmon_daemon_kept_by_subreaper)
{
	char *cmd[] = { "/bin/sh", "-c", "\"$BURN\" -d -m 300 -x 4 -r \"$REPORT\"; exit 0", NULL };
	struct vt_report rep[4];
	struct vt_record rec;
	struct vt_track *t;
	struct run r;

	run_init(&r);
	run_vmon(&r, "-w", cmd, -1, -1);
	expect_exit(&r, 0);
	ASSERT_EQ(vt_reports(r.rep, rep, 4), 1);
	/* the daemon's parent went: the kernel gave it to vmon, its subreaper */
	ASSERT_EQ(rep[0].ppid, r.vmon);
	vt_record_load(r.rec, &rec);
	t = vt_record_pid(&rec, rep[0].pid);
	ASSERT_MSG(t, "the daemon (pid %d) has no birth in the record", rep[0].pid);
	ASSERT(t->exited);
	ASSERT_EQ(t->exit_ppid, r.vmon);
	ASSERT_EQ(t->code, 4);	/* vmon reaped it */
	ASSERT_STREQ(t->comm, "burn");
	check_cpu(t, rep[0].cpu_us);
	ASSERT_EQ(rec.nrunning, 0);
	ASSERT_EQ(rec.end_code, 0);
	check_totals(&r, &rec);
	vt_cleanup(&r.dir);
}

TEST(vmon_daemon_left_running_without_wait_all)
{
	char *cmd[] = { "/bin/sh", "-c", "\"$BURN\" -d -W -k 50 2>/dev/null && \"$BURN\" -m 200", NULL };
	struct vt_record rec;
	struct vt_track *t;
	struct t_sync ready, hold;
	struct run r;
	char line[32] = "";
	int daemon;

	run_init(&r);
	t_sync_init(&ready);
	t_sync_init(&hold);
	/* the daemon's stdin is hold's read end: it ends when the test closes
	 * the write end; it says it runs (its pid) on fd 50; its stderr is not
	 * vmon's, which the test reads to its end */
	dup2(ready.fd[1], 50);
	run_vmon(&r, NULL, cmd, hold.fd[0], 50);
	close(50);
	close(ready.fd[1]);
	ASSERT(read(ready.fd[0], line, sizeof(line) - 1) > 0);
	daemon = atoi(line);
	expect_exit(&r, 0);
	vt_record_load(r.rec, &rec);
	t = vt_record_pid(&rec, daemon);
	ASSERT_MSG(t, "the daemon (pid %d) has no birth in the record", daemon);
	ASSERT(!t->exited);
	ASSERT_EQ(rec.nrunning, 1);
	ASSERT_EQ(summary_num(&r, "\"processes\":", "running"), 1);
	ASSERT(strstr(r.err, "1 still running"));
	/* let it end; vmon is gone, so it is the test's child now */
	t_sync_close(&hold);
	ASSERT_EQ(t_wait(daemon), 0);
	close(ready.fd[0]);
	vt_cleanup(&r.dir);
}

TEST(vmon_threads)
{
	char *cmd[] = { (char *)vt_burn(), "-t", "3", "-m", "600", "-i", "300", "-r", NULL, NULL };
	struct vt_report rep[2];
	struct vt_record rec;
	struct vt_track *p;
	struct run r;
	int threads = 0;
	unsigned long long thread_ticks = 0;

	run_init(&r);
	cmd[8] = r.rep;
	run_vmon(&r, NULL, cmd, -1, -1);
	expect_exit(&r, 0);
	ASSERT_EQ(vt_reports(r.rep, rep, 2), 1);
	vt_record_load(r.rec, &rec);
	p = vt_record_pid(&rec, rep[0].pid);
	ASSERT(p && p->exited);
	check_cpu(p, rep[0].cpu_us);
	for (int i = 0; i < rec.ntracks; i++) {
		struct vt_track *t = &rec.tracks[i];

		if (!t->tid)
			continue;
		threads++;
		ASSERT_EQ(t->pid, p->pid);
		ASSERT_NE(t->tid, p->pid);
		ASSERT_EQ(t->parent, p->id);
		ASSERT_MSG(!strncmp(t->comm, "burn-", 5), "thread comm %s", t->comm);
		ASSERT(t->exited);
		/* each thread burned 600 ms of its own CPU */
		ASSERT((t->exit_utime + t->exit_stime) * 1000 / sysconf(_SC_CLK_TCK) >= 300);
		thread_ticks += t->exit_utime + t->exit_stime;
	}
	ASSERT_EQ(threads, 3);
	ASSERT(thread_ticks <= p->exit_utime + p->exit_stime);
	ASSERT_EQ(summary_num(&r, "\"threads\":", "peak_concurrent"), 3);
	check_totals(&r, &rec);
	vt_cleanup(&r.dir);
}

TEST(vmon_pipeline)
{
	char *cmd[] = { "/bin/sh", "-c", "\"$BURN\" -w 4000000 -m 300 | \"$BURN\" -R -r \"$REPORT\"",
			NULL };
	struct vt_report rep[2];
	struct vt_record rec;
	struct vt_track *sh, *writer = NULL, *reader;
	struct run r;

	run_init(&r);
	run_vmon(&r, NULL, cmd, -1, -1);
	expect_exit(&r, 0);
	ASSERT_EQ(vt_reports(r.rep, rep, 2), 1);
	ASSERT_ULL_EQ(rep[0].read, 4000000);
	vt_record_load(r.rec, &rec);
	sh = vt_record_pid(&rec, rec.command_pid);
	reader = vt_record_pid(&rec, rep[0].pid);
	ASSERT(sh && reader);
	for (int i = 0; i < rec.ntracks; i++)
		if (rec.tracks[i].pid != sh->pid && rec.tracks[i].pid != reader->pid)
			writer = &rec.tracks[i];
	ASSERT(writer);
	ASSERT_EQ(rec.ntracks, 3);
	ASSERT_EQ(writer->ppid, sh->pid);
	ASSERT_EQ(reader->ppid, sh->pid);
	ASSERT_STREQ(writer->comm, "burn");
	ASSERT_STREQ(reader->comm, "burn");
	ASSERT(writer->exited && reader->exited);
	ASSERT(writer->wchars >= 4000000);
	ASSERT(reader->rchars >= 4000000);
	ASSERT(summary_num(&r, "\"io\":", "wchar") >= 4000000);
	check_totals(&r, &rec);
	vt_cleanup(&r.dir);
}

TEST(vmon_raises_its_descriptor_limit_not_the_commands)
{
	char script[512], lim[256], *text;
	char *cmd[] = { "/bin/sh", "-c", script, NULL };
	struct vt_record rec;
	struct run r;
	char *argv[16];
	struct vt_proc p;
	int n = 0;

	run_init(&r);
	vt_file(&r.dir, "limit", lim, sizeof(lim));
	/* 21 processes need about 400 descriptors; vmon starts with 60 */
	snprintf(script, sizeof(script), "ulimit -n > %s; for i in 1 2 3 4 5 6 7 8 9 10 11 12 "
		 "13 14 15 16 17 18 19 20; do \"$BURN\" -i 300 & done; wait", lim);
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = "ulimit -Sn 60 && exec \"$@\"";
	argv[n++] = "sh";
	argv[n++] = (char *)vt_vmon();
	argv[n++] = "--no-live";
	argv[n++] = "-z";
	argv[n++] = "50";
	argv[n++] = "--record";
	argv[n++] = r.rec;
	argv[n++] = "--";
	for (int i = 0; cmd[i]; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	vt_start(&p, argv, r.env, -1, -1);
	r.status = vt_finish(&p, r.err, sizeof(r.err));
	expect_exit(&r, 0);
	ASSERT_MSG(!strstr(r.err, "descriptors"), "vmon ran short of descriptors: %s", r.err);
	vt_record_load(r.rec, &rec);
	ASSERT_EQ(rec.ntracks, 21);
	for (int i = 0; i < rec.ntracks; i++)
		ASSERT(rec.tracks[i].exited);
	text = t_read_file(lim, NULL);
	ASSERT(text);
	ASSERT_EQ(atoi(text), 60);	/* the command got the limit vmon was given */
	free(text);
	vt_cleanup(&r.dir);
}

/* the seconds after key within the summary's "reaped_cpu" object */
static double reaped_secs(struct run *r, const char *key)
{
	char *text = t_read_file(r->sum, NULL), *p, want[64];
	double v;

	ASSERT_MSG(text, "no summary JSON");
	p = strstr(text, "\"reaped_cpu\":{");
	ASSERT_MSG(p, "summary: no reaped_cpu object");
	snprintf(want, sizeof(want), "\"%s\":", key);
	p = strstr(p, want);
	ASSERT_MSG(p, "summary: no reaped_cpu.%s", key);
	v = strtod(p + strlen(want), NULL);
	free(text);
	return v;
}

TEST(vmon_counts_cpu_of_processes_too_short_to_sample)
{
	char *cmd[] = { "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 "
			"18 19 20; do \"$BURN\" -m 20 -r \"$REPORT\"; done", NULL };
	struct vt_report rep[32];
	double burnt = 0, reaped, sampled, unseen;
	struct run r;
	int n;

	run_init(&r);
	r.events = "wait";	/* sampling and vmon's own reaping only */
	run_vmon(&r, "-z2", cmd, -1, -1);	/* a sample every 500 ms */
	expect_exit(&r, 0);
	n = vt_reports(r.rep, rep, 32);
	ASSERT_EQ(n, 20);
	for (int i = 0; i < n; i++)
		burnt += rep[i].cpu_us / 1e6;
	reaped = reaped_secs(&r, "user_s") + reaped_secs(&r, "system_s");
	sampled = (double)(summary_num(&r, "\"cpu\":", "user_ticks") +
			   summary_num(&r, "\"cpu\":", "system_ticks")) / sysconf(_SC_CLK_TCK);
	unseen = reaped_secs(&r, "unseen_s");
	/* the kernel counted every burner (and the shell, a little more) */
	ASSERT_MSG(reaped >= burnt * 0.95 && reaped <= burnt * 1.5 + 0.2,
		   "reaped %.3f s for %.3f s burnt", reaped, burnt);
	/* sampling at 2 Hz saw at most the burners alive at its few samples */
	ASSERT_MSG(sampled < burnt / 2, "sampled %.3f s of %.3f s burnt", sampled, burnt);
	/* (the summary prints each at 1 us: user_s + system_s may fall 1 us
	 * short of unseen_s when no sample saw anything) */
	ASSERT_MSG(unseen >= reaped - sampled - 0.02 && unseen <= reaped + 2e-6,
		   "unseen %.3f s, reaped %.3f s, sampled %.3f s", unseen, reaped, sampled);
	ASSERT_MSG(strstr(r.err, "of it no sample saw"), "no reaped line:\n%s", r.err);
	vt_cleanup(&r.dir);
}

/* The same twenty burners with the netlink source: every one is a track
 * with its status, and the CPU of the exits adds up to the kernel's count
 * (the shell's included), which the summary prints as a check. */
TEST(vmon_netlink_records_processes_too_short_to_sample)
{
	char *cmd[] = { "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 "
			"18 19 20; do \"$BURN\" -m 20 -r \"$REPORT\"; done", NULL };
	struct vt_report rep[32];
	struct vt_record rec;
	double reaped, exited;
	struct run r;
	int n;

	t_need_root();
	run_init(&r);
	r.events = "netlink";
	run_vmon(&r, "-z2", cmd, -1, -1);
	expect_exit(&r, 0);
	n = vt_reports(r.rep, rep, 32);
	ASSERT_EQ(n, 20);
	vt_record_load(r.rec, &rec);
	ASSERT_EQ(rec.version, 3);
	for (int i = 0; i < n; i++) {
		struct vt_track *t = vt_record_pid(&rec, rep[i].pid);

		ASSERT_MSG(t, "burner %d has no track", rep[i].pid);
		ASSERT_STREQ(t->comm, "burn");
		ASSERT_STREQ(t->argv0, vt_burn());
		ASSERT_EQ(t->ppid, rep[i].ppid);
		ASSERT(t->exited);
		ASSERT_EQ(t->code, rep[i].code);
	}
	reaped = reaped_secs(&r, "user_s") + reaped_secs(&r, "system_s");
	exited = reaped_secs(&r, "exited_s");
	ASSERT_MSG(exited - reaped <= reaped * 0.02 + 0.005 &&
		   reaped - exited <= reaped * 0.02 + 0.005,
		   "the exits add up to %.6f s, the kernel counted %.6f s", exited, reaped);
	ASSERT_MSG(reaped_secs(&r, "unseen_s") <= reaped * 0.02 + 0.005, "unseen %.6f s",
		   reaped_secs(&r, "unseen_s"));
	ASSERT_MSG(strstr(r.err, "  check       the kernel counted"), "no check line:\n%s", r.err);
	vt_cleanup(&r.dir);
}

/* A shell that burns CPU in a child, then execs vmon: the kernel's count
 * of reaped CPU vmon inherits is the shell's child's, not the command's,
 * and the summary leaves it out (it reported the burner's 0.4 s for
 * `true`). */
TEST(vmon_reaped_cpu_leaves_out_what_came_before_it)
{
	char *cmd[] = { "/bin/sh", "-c", "\"$BURN\" -m 400 && exec \"$VMON\" --no-live -z 100 "
			"--summary-json \"$SUM\" -- true", NULL };
	char env_vmon[300], env_sum[300];
	char *env[4];
	struct vt_proc p;
	double reaped;
	struct run r;

	run_init(&r);
	snprintf(env_vmon, sizeof(env_vmon), "VMON=%s", vt_vmon());
	snprintf(env_sum, sizeof(env_sum), "SUM=%s", r.sum);
	env[0] = r.env_burn;
	env[1] = env_vmon;
	env[2] = env_sum;
	env[3] = NULL;
	vt_start(&p, cmd, env, -1, -1);
	r.status = vt_finish(&p, r.err, sizeof(r.err));
	expect_exit(&r, 0);
	reaped = reaped_secs(&r, "user_s") + reaped_secs(&r, "system_s");
	ASSERT_MSG(reaped < 0.1, "reaped %.3f s for `true` after a 0.4 s burner\n%s", reaped,
		   r.err);
	vt_cleanup(&r.dir);
}
