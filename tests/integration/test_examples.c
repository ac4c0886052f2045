/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_examples.c - the example programs run on real workloads, their
 * output read through a pipe and checked against what the test knows.
 *
 * follow: the workload prints the pids of the processes it forks, and
 * those processes block on a pipe the test holds, so each is certainly
 * alive when follow samples it; the test ends them by closing the pipe
 * once follow has printed their births.  No timing is assumed.
 * top: two reports over all processes; the test's own process and a
 * child spinning on a CPU must be rows of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define OUT_MAX (1 << 20)

/* a program started with its stdout on a pipe, and what it printed */
struct run {
	pid_t pid;
	int out;		/* read end of its stdout */
	char *text;		/* everything read so far, NUL-terminated */
	size_t len;
	int eof;
};

/* Start build/REL with argv (argv[0] is replaced by its path); fd_3, when
 * >= 0, becomes its descriptor 3; quiet sends its stderr to /dev/null. */
static void run_start(struct run *r, const char *rel, char **argv, int fd_3, bool quiet)
{
	static char path[512];
	int p[2];

	t_build_path(rel, path, sizeof(path));
	ASSERT_MSG(access(path, X_OK) == 0, "%s: %s (make examples)", path, strerror(errno));
	ASSERT(pipe2(p, O_CLOEXEC) == 0);
	argv[0] = path;
	memset(r, 0, sizeof(*r));
	r->text = calloc(1, OUT_MAX + 1);
	ASSERT(r->text);
	fflush(NULL);
	r->pid = fork();
	ASSERT(r->pid >= 0);
	if (r->pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(126);
		if (quiet && !freopen("/dev/null", "w", stderr))
			_exit(126);
		/* dup2() onto itself would keep close-on-exec */
		if (fd_3 == 3 ? fcntl(3, F_SETFD, 0) < 0 : fd_3 >= 0 && dup2(fd_3, 3) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	r->out = p[0];
}

/* Read what is available (waiting up to 20 s for something); 0 at EOF. */
static int run_read(struct run *r)
{
	struct pollfd pfd = { .fd = r->out, .events = POLLIN };
	ssize_t n;

	if (r->eof)
		return 0;
	ASSERT_MSG(poll(&pfd, 1, 20000) == 1, "no output within 20 s; so far:\n%s", r->text);
	ASSERT_MSG(r->len < OUT_MAX, "output too long");
	n = read(r->out, r->text + r->len, OUT_MAX - r->len);
	ASSERT(n >= 0);
	r->len += n;
	r->text[r->len] = '\0';
	r->eof = n == 0;
	return n > 0;
}

/* Read to EOF and reap; the exit status. */
static int run_finish(struct run *r)
{
	int status;

	while (run_read(r))
		;
	close(r->out);
	status = t_wait(r->pid);
	ASSERT_MSG(WIFEXITED(status), "killed by signal %d; output:\n%s",
		   WIFSIGNALED(status) ? WTERMSIG(status) : 0, r->text);
	return WEXITSTATUS(status);
}

/* The line of text that starts with prefix (NULL if none), copied to buf. */
static const char *find_line(const char *text, const char *prefix, char *buf, size_t size)
{
	size_t plen = strlen(prefix);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, prefix, plen)) {
			snprintf(buf, size, "%.*s", (int)strcspn(l, "\n"), l);
			return buf;
		}
	}
	return NULL;
}

/* The value of " key=" in line, as an integer (-1 if absent). */
static long long line_value(const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(line, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

/* The lines of text that are bare numbers (the workload's echo $!). */
static int bare_numbers(const char *text, int *out, int max)
{
	int n = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t digits = strspn(l, "0123456789");

		if (digits && l[digits] == '\n' && n < max)
			out[n++] = atoi(l);
	}
	return n;
}

/* Has follow shown each of the n pids running cat (at its birth, or after
 * its exec)? */
static int seen_as_cat(const char *text, const int *pids, int n)
{
	char prefix[32], line[4096];

	for (int i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "+ %d (cat) ", pids[i]);
		if (find_line(text, prefix, line, sizeof(line)))
			continue;
		snprintf(prefix, sizeof(prefix), "= %d (cat) ", pids[i]);
		if (!find_line(text, prefix, line, sizeof(line)))
			return 0;
	}
	return 1;
}

TEST(example_follow_births_and_exits)
{
	char *argv[] = { NULL, "-z", "50", "--", "sh", "-c",
		"cat <&3 >/dev/null & echo $!; cat <&3 >/dev/null & echo $!; wait", NULL };
	char prefix[64], line[4096];
	int ctl[2], pids[8], n = 0, sh_pid;
	struct run r;

	ASSERT(pipe2(ctl, O_CLOEXEC) == 0);
	run_start(&r, "examples/follow", argv, ctl[0], false);
	close(ctl[0]);
	/* the cats block reading the pipe until follow has seen both */
	while (n < 2 || !seen_as_cat(r.text, pids, n)) {
		ASSERT_MSG(run_read(&r), "follow ended early:\n%s", r.text);
		n = bare_numbers(r.text, pids, 8);
	}
	close(ctl[1]);
	ASSERT_MSG(run_finish(&r) == 0, "follow failed:\n%s", r.text);
	ASSERT_EQ(bare_numbers(r.text, pids, 8), 2);

	/* the command: sh, child of follow, exit status 0 */
	snprintf(prefix, sizeof(prefix), "+ ");
	ASSERT_MSG(find_line(r.text, prefix, line, sizeof(line)), "no birth:\n%s", r.text);
	sh_pid = atoi(line + 2);
	ASSERT_MSG(strstr(line, " (sh) "), "first birth is not sh: %s", line);
	ASSERT_EQ(line_value(line, "ppid"), r.pid);
	snprintf(prefix, sizeof(prefix), "- %d (sh) ", sh_pid);
	ASSERT_MSG(find_line(r.text, prefix, line, sizeof(line)), "no exit of sh:\n%s", r.text);
	ASSERT_MSG(strstr(line, " exit=0"), "%s", line);

	/* each forked process: born under sh, exited */
	for (int i = 0; i < 2; i++) {
		snprintf(prefix, sizeof(prefix), "+ %d (", pids[i]);
		ASSERT(find_line(r.text, prefix, line, sizeof(line)));
		ASSERT_EQ(line_value(line, "ppid"), sh_pid);
		snprintf(prefix, sizeof(prefix), "- %d (cat) ", pids[i]);
		ASSERT_MSG(find_line(r.text, prefix, line, sizeof(line)), "no exit of %d:\n%s",
			   pids[i], r.text);
		ASSERT_MSG(strstr(line, " exited"), "%s", line);
	}
	ASSERT_MSG(find_line(r.text, "# follow: 3 processes, 0 threads, ", line, sizeof(line)),
		   "summary:\n%s", r.text);
	ASSERT_MSG(strstr(line, "exit=0"), "%s", line);
	free(r.text);
}

TEST(example_follow_exit_status)
{
	char *argv[] = { NULL, "--", "sh", "-c", "exit 7", NULL };
	char *missing[] = { NULL, "--", "/nonexistent/command", NULL };
	char line[4096];
	struct run r;

	run_start(&r, "examples/follow", argv, -1, false);
	ASSERT_EQ(run_finish(&r), 7);
	ASSERT_MSG(find_line(r.text, "# follow: 1 processes, 0 threads, ", line, sizeof(line)),
		   "summary:\n%s", r.text);
	ASSERT_MSG(strstr(line, "exit=7"), "%s", line);
	free(r.text);

	run_start(&r, "examples/follow", missing, -1, true);
	ASSERT_EQ(run_finish(&r), 127);
	ASSERT_MSG(r.len == 0, "output for a command that cannot run:\n%s", r.text);
	free(r.text);
}

static bool spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return true;
}

/* The row of pid in a top report: its CPU% and comm. */
static bool top_row(const char *report, int pid, double *cpu, char *comm, size_t size)
{
	for (const char *l = report; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char state, name[256];
		double c, rss;
		int p;

		/* PID S CPU% RSS READ WRITE COMM (READ and WRITE may be "-") */
		if (sscanf(l, "%d %c %lf %lf %*s %*s %255s", &p, &state, &c, &rss, name) != 5 ||
		    p != pid)
			continue;
		*cpu = c;
		snprintf(comm, size, "%s", name);
		return true;
	}
	return false;
}

TEST(example_top_reports)
{
	char *argv[] = { NULL, "-n", "2", "-d", "0.2", "-N", "100000", NULL };
	char comm[256], self[256], line[512], *second;
	pid_t spinner = t_fork(spin, NULL);
	double cpu;
	struct run r;
	int rows = 0;

	run_start(&r, "examples/top", argv, -1, false);
	ASSERT_MSG(run_finish(&r) == 0, "top failed:\n%.2000s", r.text);
	t_kill(spinner);

	/* two reports, each with its header */
	second = strstr(r.text + 1, "\ntop - ");
	ASSERT_MSG(!strncmp(r.text, "top - ", 6) && second, "not two reports:\n%.2000s", r.text);
	ASSERT_MSG(!strstr(second + 1, "\ntop - "), "more than two reports");
	ASSERT(find_line(r.text, "cpu: ", line, sizeof(line)));
	ASSERT(strstr(line, "% busy") && strstr(line, " cpus"));
	ASSERT(find_line(r.text, "mem: ", line, sizeof(line)));
	ASSERT(strstr(line, " MiB used"));
	ASSERT(find_line(r.text, "     PID S   CPU%", line, sizeof(line)));

	/* rows: numeric pids, among them this test process and the spinner */
	for (const char *l = second; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		int pid;

		if (sscanf(l, "%d", &pid) == 1 && pid > 0)
			rows++;
	}
	ASSERT_MSG(rows >= 2, "no process rows:\n%.2000s", second);
	ASSERT_MSG(top_row(second, getpid(), &cpu, comm, sizeof(comm)),
		   "no row for the test process %d:\n%.4000s", getpid(), second);
	ASSERT(t_stat_field(getpid(), 0, 2, self, sizeof(self)));
	ASSERT_STREQ(comm, self);
	ASSERT_MSG(top_row(second, spinner, &cpu, comm, sizeof(comm)),
		   "no row for the spinner %d:\n%.4000s", spinner, second);
	/* it spun the whole interval: most of a CPU, whatever else runs */
	ASSERT_MSG(cpu >= 10.0, "spinner at %.1f%% CPU", cpu);
	ASSERT_MSG(cpu <= 130.0, "spinner at %.1f%% CPU of one CPU", cpu);
	free(r.text);
}
