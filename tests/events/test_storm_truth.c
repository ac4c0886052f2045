/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_storm_truth.c - the fork storm with a ground truth (issue: every
 * birth and every exit): 5,000 children of 1 to 5 ms of CPU each, at most
 * four alive at once, reaped by the storm itself, each ending a known way
 * (an exit code, SIGTERM, or an exec of sh that exits with a code).  At
 * 10 samples a second nearly all of them are born and gone between two
 * samples.
 *
 * Under vmon (netlink as root, --trace as anyone) the record must hold
 * every child's birth and exit with the right ppid, comm, argv and
 * status, and the children's final CPU must add up to within 2% of what
 * the kernel charged the storm for them (getrusage(RUSAGE_CHILDREN), which
 * the storm writes at the end).  Through the library alone,
 * examples/exits must print the same.
 *
 * Netlink as root, where its kernel-side capture loads (BPF: an exec's
 * arguments and a task's exact CPU at its end, taken in the kernel,
 * docs/events.md), is held to ptrace's bar: every exec's arguments,
 * every exit with final figures, the CPU within 2%.  As root and not
 * denied bpf(2) (VMON_TEST_NO_BPF=1 denies it), the capture must load:
 * the test fails if it does not, rather than pass on the fallback.
 *
 * On the fallback (the /proc catcher) two limits of netlink are measured
 * here, not hidden: it reads an exec's arguments from /proc while the
 * process runs, and a child that execs sh and exits before the catcher
 * thread wakes (a busy virtual machine delayed it 1.2 ms, once in a few
 * thousand execs) keeps its parent's; and a child its parent reaps
 * before the catcher reads its CPU clock has the figure of its taskstats
 * record, taken before the kernel tears its memory down: the sum comes
 * out 0.8-1.1% short on a quiet machine, 1.3-2.2% beside a parallel
 * compile, 3.4% once with a fuzzer and two test suites beside it.  So
 * there netlink may miss the arguments of 1% of the execs and be 5%
 * short; and once, under ASan, 2 of its 5,000 exits came without their
 * taskstats figures: it may leave 0.1% of the exits without final
 * figures, and the count is printed.  Ptrace reads both at its stops and
 * must be exact.
 *
 * The record and the example's output are read here with a scanner of
 * their own, apart from vmon's parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmon/vmon.h>

#include "test.h"
#include "want_util.h"
#include "../integration/test_vmon_util.h"

#define CHILDREN 5000

/* Does the NETLINK source load its kernel-side capture here?  Asked of
 * the library (vmon_sample_cost()), and checked against what the test
 * knows: as root it must, unless bpf(2) is denied. */
static bool capture_in_use(void)
{
	static int known = -1;
	vmon_sample_cost_t cost;
	vmon_t v;

	if (known >= 0)
		return known;
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0, VMON_WANT_PROC_STAT));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_NETLINK));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	vmon_destroy(&v);
	known = cost.event_capture;
	ASSERT_MSG(known == !getenv("VMON_TEST_NO_BPF"),
		   "the kernel-side capture %s (VMON_TEST_NO_BPF %s)",
		   known ? "in use" : "not in use", getenv("VMON_TEST_NO_BPF") ? "set" : "unset");
	return known;
}

/* netlink on its /proc fallback: the allowances below */
static bool is_netlink(const char *source)
{
	return !strcmp(source, "netlink") && !capture_in_use();
}

/* execs whose arguments a source may miss */
static int argv_misses_allowed(const char *source, int execs)
{
	return is_netlink(source) ? execs / 100 : 0;
}

/* exits a source may leave without final figures */
static int finals_missing_allowed(const char *source)
{
	return is_netlink(source) ? CHILDREN / 1000 : 0;
}

/* how far the children's CPU may be from the kernel's */
static long long cpu_slack_us(const char *source, long long rusage_us)
{
	return is_netlink(source) ? rusage_us * 5 / 100 : rusage_us / 50;
}

struct truth {
	int pid, ppid, status, exec, i;
	bool born, ended;	/* found in the record or the output */
};

struct storm {
	struct vt_dir dir;
	char truth_path[256], rec_path[256], out_path[256];
	struct truth *t;
	int n;
	long long rusage_us;	/* the children's CPU by the kernel */
	int storm_pid;
};

static const char *storm_bin(void)
{
	static char buf[256];

	return t_build_path("workloads/storm", buf, sizeof(buf));
}

static void load_truth(struct storm *s)
{
	FILE *f = fopen(s->truth_path, "r");
	char line[256];
	long long u, sy;

	ASSERT_MSG(f, "no ground truth %s", s->truth_path);
	s->t = calloc(CHILDREN, sizeof(*s->t));
	ASSERT(s->t);
	while (fgets(line, sizeof(line), f)) {
		struct truth *t = &s->t[s->n];

		if (sscanf(line, "rusage_children utime_us=%lld stime_us=%lld", &u, &sy) == 2) {
			s->rusage_us = u + sy;
			continue;
		}
		ASSERT_MSG(s->n < CHILDREN, "more children than asked");
		ASSERT_MSG(sscanf(line, "pid=%d ppid=%d status=%d exec=%d i=%d", &t->pid, &t->ppid,
				  &t->status, &t->exec, &t->i) == 5, "bad truth line %s", line);
		s->storm_pid = t->ppid;
		s->n++;
	}
	fclose(f);
	ASSERT_EQ(s->n, CHILDREN);
	ASSERT_MSG(s->rusage_us > 0, "no rusage line");
}

/* The child of the storm with that pid not yet matched by what (a pid is
 * not reused within a storm of 5,000 under a pid_max of 32,768 unless the
 * counter wraps: then the earlier child is taken first). */
static struct truth *child_of(struct storm *s, int pid, bool birth)
{
	for (int k = 0; k < s->n; k++)
		if (s->t[k].pid == pid && !(birth ? s->t[k].born : s->t[k].ended))
			return &s->t[k];
	return NULL;
}

/* Before a failure about pid: what the truth and the record say of it (a
 * duplicate birth, a pid the counter reused, a task of the storm that is
 * no child of its), on stderr. */
static void explain_pid(const struct storm *s, long long pid)
{
	FILE *f = fopen(s->rec_path, "r");
	char *line = NULL, key[32];
	size_t cap = 0;
	int shown = 0;

	for (int k = 0; k < s->n; k++)
		if (s->t[k].pid == pid)
			fprintf(stderr, "  # truth: child %d pid %d born %d ended %d\n", s->t[k].i,
				s->t[k].pid, s->t[k].born, s->t[k].ended);
	snprintf(key, sizeof(key), "\"pid\":%lld,", pid);
	while (f && getline(&line, &cap, f) > 0 && shown < 20)
		if (strstr(line, key) && ++shown)
			fprintf(stderr, "  # record: %.400s", line);
	free(line);
	if (f)
		fclose(f);
}

/* the JSON string value of key in line (no escapes in what is read here) */
static bool json_str(const char *line, const char *key, char *out, size_t size)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= size)
		return false;
	memcpy(out, p, e - p);
	out[e - p] = '\0';
	return true;
}

/* argv of a record line, joined with spaces */
static void json_argv(const char *line, char *out, size_t size)
{
	const char *p = strstr(line, "\"argv\":[");
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return;
	for (p += 8; *p && *p != ']' && n + 1 < size; p++)
		if (*p != '"')
			out[n++] = *p == ',' ? ' ' : *p;
	out[n] = '\0';
}

static int wait_status(const char *line)
{
	long long v;

	if (vt_json_num(line, "\"status\":", "code", &v))
		return (int)v << 8;
	if (vt_json_num(line, "\"status\":", "signal", &v))
		return (int)v;
	return -1;
}

/* what child t must be called: the storm, or sh after its exec */
static void expected_args(const struct storm *s, const struct truth *t, char *comm,
			  char *argv, size_t size)
{
	snprintf(comm, 16, "%s", t->exec ? "sh" : "storm");
	if (t->exec)
		snprintf(argv, size, "sh -c exit %d", t->i % 50);
	else
		snprintf(argv, size, "%s -n %d -p 4 -r %s", storm_bin(), CHILDREN, s->truth_path);
}

static void storm_under_vmon(struct storm *s, const char *events)
{
	char n[16], err[8192];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--events", (char *)events,
			 "--record", s->rec_path, "--", (char *)storm_bin(), "-n", n, "-p", "4",
			 "-r", s->truth_path, NULL };
	int st;

	snprintf(n, sizeof(n), "%d", CHILDREN);
	st = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vmon --events %s: status %#x\n%s",
		   events, st, err);
	load_truth(s);
}

static void check_record(struct storm *s, const char *events)
{
	FILE *f = fopen(s->rec_path, "r");
	char *line = NULL, comm[64], want_comm[16], argv[512], want_argv[512], src[32];
	size_t cap = 0;
	long long v, cpu_us = 0, lost = 0;
	int births = 0, exits = 0, finals = 0, execs = 0, missed = 0;

	ASSERT_MSG(f, "no record");
	while (getline(&line, &cap, f) > 0) {
		bool birth = strstr(line, "\"type\":\"birth\"") != NULL;
		struct truth *t;

		if (strstr(line, "\"type\":\"header\""))
			ASSERT_MSG(json_str(line, "events", src, sizeof(src)) && !strcmp(src, events),
				   "the header names another source: %.200s", line);
		if (strstr(line, "\"type\":\"sample\"") &&
		    vt_json_num(line, "\"events\":", "lost", &v))
			lost += v;
		if (!birth && !strstr(line, "\"type\":\"exit\""))
			continue;
		if (!vt_json_num(line, NULL, "ppid", &v) || v != s->storm_pid)
			continue;	/* the storm itself, or vmon's */
		ASSERT(vt_json_num(line, NULL, "pid", &v));
		t = child_of(s, (int)v, birth);
		if (!t)
			explain_pid(s, v);
		ASSERT_MSG(t, "a %s of pid %lld, no child of the storm", birth ? "birth" : "exit", v);
		if (birth) {
			t->born = true;
			births++;
			continue;
		}
		t->ended = true;
		exits++;
		expected_args(s, t, want_comm, want_argv, sizeof(want_argv));
		ASSERT_MSG(json_str(line, "comm", comm, sizeof(comm)) && !strcmp(comm, want_comm),
			   "child %d: comm in %.300s, not %s", t->i, line, want_comm);
		json_argv(line, argv, sizeof(argv));
		execs += t->exec;
		if (t->exec && strcmp(argv, want_argv) && missed++ < argv_misses_allowed(events, CHILDREN / 10))
			fprintf(stderr, "  # child %d: argv '%s', not '%s'\n", t->i, argv, want_argv);
		else
			ASSERT_MSG(!strcmp(argv, want_argv), "child %d: argv '%s', not '%s'", t->i,
				   argv, want_argv);
		ASSERT_MSG(wait_status(line) == t->status, "child %d: status %#x, not %#x: %.300s",
			   t->i, wait_status(line), t->status, line);
		if (vt_json_num(line, "\"final\":", "user_us", &v)) {
			cpu_us += v;
			ASSERT(vt_json_num(line, "\"final\":", "system_us", &v));
			cpu_us += v;
			finals++;
		}
	}
	free(line);
	fclose(f);
	ASSERT_MSG(lost == 0, "the source lost %lld events", lost);
	ASSERT_MSG(births == CHILDREN && exits == CHILDREN &&
		   finals >= CHILDREN - finals_missing_allowed(events),
		   "%d births, %d exits, %d with final CPU of %d children", births, exits, finals,
		   CHILDREN);
	ASSERT_MSG(llabs(cpu_us - s->rusage_us) <= cpu_slack_us(events, s->rusage_us),
		   "the children's CPU %lld us, the kernel's %lld us", cpu_us, s->rusage_us);
	fprintf(stderr, "  # %s%s: %d births and exits, %d with final figures, %d of %d execs' "
		"arguments; CPU %lld us, the kernel's %lld us (%+.2f%%)\n", events,
		strcmp(events, "netlink") ? "" : capture_in_use() ? " (kernel capture)" : " (/proc)",
		exits, finals,
		execs - missed, execs, cpu_us, s->rusage_us,
		100.0 * (double)(cpu_us - s->rusage_us) / (double)s->rusage_us);
}

static void storm_init(struct storm *s)
{
	memset(s, 0, sizeof(*s));
	vt_mkdir(&s->dir);
	vt_file(&s->dir, "truth", s->truth_path, sizeof(s->truth_path));
	vt_file(&s->dir, "record.jsonl", s->rec_path, sizeof(s->rec_path));
	vt_file(&s->dir, "exits.out", s->out_path, sizeof(s->out_path));
}

static void storm_free(struct storm *s)
{
	free(s->t);
	vt_cleanup(&s->dir);
}

TEST(events_storm_vmon_netlink_every_birth_and_exit)
{
	struct storm s;

	t_need_root();
	storm_init(&s);
	storm_under_vmon(&s, "netlink");
	check_record(&s, "netlink");
	storm_free(&s);
}

TEST(events_storm_vmon_trace_every_birth_and_exit)
{
	struct storm s;

	storm_init(&s);
	storm_under_vmon(&s, "ptrace");
	check_record(&s, "ptrace");
	storm_free(&s);
}

/* examples/exits: "PID ppid=PPID (COMM) exit=N|signal=N cpu=SECS ... ARGV" */
static void check_exits_output(struct storm *s, const char *source)
{
	FILE *f = fopen(s->out_path, "r");
	char *line = NULL, comm[64], want_comm[16], want_argv[512], how[16], src[32];
	size_t cap = 0;
	int pid, ppid, code, exits = 0, off, execs = 0, missed = 0, no_final = 0;
	double cpu, total = 0;

	ASSERT_MSG(f, "no output");
	while (getline(&line, &cap, f) > 0) {
		struct truth *t;
		int status;

		if (sscanf(line, "# exits: %*d processes, source %31[a-z]", src) == 1)
			ASSERT_MSG(!strcmp(src, source), "source %s, not %s", src, source);
		off = 0;
		cpu = -1;	/* "cpu=?": no final figures */
		if (sscanf(line, "%d ppid=%d (%63[^)]) %15[a-z]=%d cpu=%lf %n", &pid, &ppid, comm,
			   how, &code, &cpu, &off) != 6 &&
		    sscanf(line, "%d ppid=%d (%63[^)]) %15[a-z]=%d cpu=? %n", &pid, &ppid, comm, how,
			   &code, &off) != 5)
			continue;
		if (!off || ppid != s->storm_pid)
			continue;
		if (cpu < 0) {
			ASSERT_MSG(++no_final <= finals_missing_allowed(source),
				   "child exits without final figures: %s", line);
			cpu = 0;
		}
		t = child_of(s, pid, false);
		ASSERT_MSG(t, "an exit of pid %d, no child of the storm", pid);
		t->ended = true;
		exits++;
		total += cpu;
		status = !strcmp(how, "signal") ? code : code << 8;
		ASSERT_MSG(status == t->status, "child %d: %s", t->i, line);
		expected_args(s, t, want_comm, want_argv, sizeof(want_argv));
		ASSERT_MSG(!strcmp(comm, want_comm), "child %d: %s", t->i, line);
		execs += t->exec;
		if (t->exec && !strstr(line + off, want_argv) &&
		    missed++ < argv_misses_allowed(source, CHILDREN / 10))
			fprintf(stderr, "  # child %d: no '%s' in %s", t->i, want_argv, line);
		else
			ASSERT_MSG(strstr(line + off, want_argv), "child %d: no '%s' in %s", t->i,
				   want_argv, line);
	}
	free(line);
	fclose(f);
	ASSERT_MSG(exits == CHILDREN, "%d exits printed of %d children", exits, CHILDREN);
	ASSERT_MSG(llabs((long long)(total * 1e6) - s->rusage_us) <= cpu_slack_us(source, s->rusage_us),
		   "the children's CPU %.6f s, the kernel's %lld us", total, s->rusage_us);
	fprintf(stderr, "  # exits (%s%s): %d exits, %d of %d execs' arguments; CPU %.6f s, the "
		"kernel's %.6f s (%+.2f%%)\n", source,
		strcmp(source, "netlink") ? "" : capture_in_use() ? ", kernel capture" : ", /proc",
		exits, execs - missed, execs, total, s->rusage_us / 1e6,
		100.0 * (total * 1e6 - (double)s->rusage_us) / (double)s->rusage_us);
}

/* The library alone: the best source (netlink as root), else ptrace. */
TEST(events_storm_exits_example_every_exit)
{
	char exits[256], n[16], err[8192];
	bool root = geteuid() == 0;
	struct storm s;
	int st;

	storm_init(&s);
	t_build_path("examples/exits", exits, sizeof(exits));
	snprintf(n, sizeof(n), "%d", CHILDREN);
	{
		char *argv[] = { "/bin/sh", "-c", "out=$1; shift; exec \"$@\" > \"$out\"", "sh",
				 s.out_path, exits, root ? "-z10" : "-t", "--", (char *)storm_bin(),
				 "-n", n, "-p", "4", "-r", s.truth_path, NULL };

		st = vt_run(argv, NULL, err, sizeof(err));
	}
	ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exits: status %#x\n%s", st, err);
	load_truth(&s);
	check_exits_output(&s, root ? "netlink" : "ptrace");
	storm_free(&s);
}
