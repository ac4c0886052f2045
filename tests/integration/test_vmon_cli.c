/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_cli.c - vmon's command line: --help and --version, bad options
 * (exit 2), an unknown pid, a command that cannot be found (127) or run
 * (126), signals forwarded to the command, and a chart on SIGUSR1 (seen
 * through inotify when its file is renamed into place, not by waiting).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

static void read_stdout(const char *args, char *out, size_t size, int *status)
{
	char cmd[512];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", vt_vmon(), args);
	f = popen(cmd, "r");
	ASSERT(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	*status = pclose(f);
}

TEST(vmon_help_and_version)
{
	char out[8192];
	int status;

	read_stdout("--help", out, sizeof(out), &status);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT(strstr(out, "usage: vmon"));
	ASSERT(strstr(out, "--record FILE"));
	ASSERT(strstr(out, "vmon replay FILE"));
	read_stdout("--version", out, sizeof(out), &status);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_MSG(!strncmp(out, "vmon 0.", 7), "version: %s", out);
}

TEST(vmon_bad_options_exit_2)
{
	static const char *cases[][6] = {
		{ "-z", "0", "true" }, { "-z", "2000", "true" }, { "-z", "fast", "true" },
		{ "--bogus", "true" }, { "" }, { "-p", "1", "-a" }, { "-p", "abc" },
		{ "--size", "10x10", "true" }, { "--snapshot-every", "1", "true" },
		{ "-d", "1", "true" }, { "-w", "-a" }, { "-p", "1", "true" },
		{ "replay" }, { "replay", "a", "b" }, { "replay", "x", "-z", "5" },
	};
	char err[4096];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *argv[8] = { (char *)vt_vmon(), "--no-live" };
		int n = 2, status;

		for (int k = 0; k < 6 && cases[i][k] && cases[i][k][0]; k++)
			argv[n++] = (char *)cases[i][k];
		if (n > 2 && !strcmp(argv[2], "replay"))	/* replay takes no --no-live */
			memmove(&argv[1], &argv[2], (n-- - 1) * sizeof(*argv));
		argv[n] = NULL;
		status = vt_run(argv, NULL, err, sizeof(err));
		ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 2,
			   "case %zu (%s ...): status %#x, stderr: %s", i, argv[1], status, err);
		ASSERT_MSG(strstr(err, "vmon: ") && strstr(err, "--help"),
			   "case %zu: no clear message: %s", i, err);
	}
}

TEST(vmon_unknown_pid)
{
	char err[4096], pid[16];
	pid_t gone;
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-p", pid, NULL };
	int status;

	/* a pid that just exited and was reaped names no process */
	gone = fork();
	if (gone == 0)
		_exit(0);
	t_wait(gone);
	snprintf(pid, sizeof(pid), "%d", (int)gone);
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, "no such process"), "%s", err);
}

TEST(vmon_command_not_found_is_127)
{
	char err[4096];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "--", "/nonexistent/vmon-test", NULL };
	int status = vt_run(argv, NULL, err, sizeof(err));

	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 127, "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, "/nonexistent/vmon-test") && strstr(err, "No such file"), "%s", err);
	ASSERT_MSG(!strstr(err, "wall time"), "a summary for a command that never ran: %s", err);
}

TEST(vmon_command_not_executable_is_126)
{
	struct vt_dir d;
	char err[4096], path[256];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "--", path, NULL };
	int fd, status;

	vt_mkdir(&d);
	vt_file(&d, "not-executable", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ASSERT(fd >= 0);
	close(fd);
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 126, "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, "Permission denied"), "%s", err);
	vt_cleanup(&d);
}

/* vmon running `burn -W -k 50`: returns once the command runs */
static void start_waiting_burn(struct vt_proc *p, char **extra, struct t_sync *hold)
{
	char *argv[16] = { (char *)vt_vmon(), "--no-live" }, line[32];
	struct t_sync ready;
	int n = 2;

	while (*extra)
		argv[n++] = *extra++;
	argv[n++] = "--";
	argv[n++] = (char *)vt_burn();
	argv[n++] = "-W";
	argv[n++] = "-k";
	argv[n++] = "50";
	argv[n] = NULL;
	t_sync_init(&ready);
	t_sync_init(hold);
	dup2(ready.fd[1], 50);
	vt_start(p, argv, NULL, hold->fd[0], 50);
	close(50);
	close(ready.fd[1]);
	ASSERT_MSG(read(ready.fd[0], line, sizeof(line)) > 0, "the command did not start");
	close(ready.fd[0]);
	close(hold->fd[0]);
}

TEST(vmon_forwards_sigterm_to_the_command)
{
	char *extra[] = { NULL };
	struct t_sync hold;
	struct vt_proc p;
	char err[8192];
	int status;

	start_waiting_burn(&p, extra, &hold);
	ASSERT_EQ(kill(p.pid, SIGTERM), 0);
	status = vt_finish(&p, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM, "status %#x: %s",
		   status, err);
	ASSERT_MSG(strstr(err, "SIGTERM"), "%s", err);
	close(hold.fd[1]);
}

/* wait (bounded) for a file renamed into dir, by inotify */
static bool wait_renamed(int in, const char *name)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd pfd = { .fd = in, .events = POLLIN };

	while (poll(&pfd, 1, 10000) == 1) {
		ssize_t n = read(in, buf, sizeof(buf));

		for (char *p = buf; n > 0 && p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->len && !strcmp(e->name, name))
				return true;
			p += sizeof(*e) + e->len;
		}
	}
	return false;
}

TEST(vmon_sigusr1_writes_a_chart)
{
	struct vt_dir d;
	char png[256], err[8192];
	char *extra[] = { "--png", png, NULL };
	struct t_sync hold;
	struct vt_proc p;
	struct vt_png chart;
	int in, status;

	vt_mkdir(&d);
	vt_file(&d, "chart.png", png, sizeof(png));
	in = inotify_init1(IN_CLOEXEC);
	ASSERT(in >= 0);
	ASSERT(inotify_add_watch(in, d.path, IN_MOVED_TO) >= 0);
	start_waiting_burn(&p, extra, &hold);
	ASSERT_EQ(kill(p.pid, SIGUSR1), 0);
	ASSERT_MSG(wait_renamed(in, "chart.png"), "no chart after SIGUSR1");
	vt_png_load(png, &chart);
	ASSERT_EQ(chart.w, 1200);
	ASSERT(chart.nrows >= 1);
	close(hold.fd[1]);	/* the command ends: vmon too */
	status = vt_finish(&p, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	close(in);
	vt_cleanup(&d);
}
