/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_start.c - what can go wrong before vmon's run is under way:
 * SIGUSR1 ("a chart now") sent over and over from the first thing vmon
 * does must never kill it, in a run or in a replay; and a TERM that is
 * unset, empty, dumb or unknown gives a run without the live view and a
 * one-line note, not an exit without running the command.
 *
 * vmon's first act is seen through inotify (a file it creates or reads):
 * before that the program is still being loaded, and a signal then kills
 * any program, vmon or not.
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

/* the first event of the inotify descriptor in, within 60 s */
static void wait_event(int in, const char *what)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd pfd = { .fd = in, .events = POLLIN };

	ASSERT_MSG(poll(&pfd, 1, 60000) == 1, "vmon did not %s within 60 s", what);
	ASSERT(read(in, buf, sizeof(buf)) > 0);
}

static void assert_exit_0(int status, const char *err)
{
	ASSERT_MSG(!WIFSIGNALED(status), "vmon was killed by signal %d: %s", WTERMSIG(status),
		   err);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
}

TEST(vmon_run_survives_sigusr1_from_its_first_act)
{
	struct vt_dir d;
	char png[256], err[8192], line[32];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--png", png, "--",
			 (char *)vt_burn(), "-W", "-k", "50", NULL };
	struct t_sync hold, ready;
	struct pollfd pfd;
	struct vt_proc p;
	int in, sent = 0;

	vt_mkdir(&d);
	vt_file(&d, "chart.png", png, sizeof(png));
	in = inotify_init1(IN_CLOEXEC);
	ASSERT(in >= 0 && inotify_add_watch(in, d.path, IN_CREATE) >= 0);
	t_sync_init(&hold);
	t_sync_init(&ready);
	dup2(ready.fd[1], 50);
	vt_start(&p, argv, NULL, hold.fd[0], 50);
	close(50);
	close(ready.fd[1]);
	close(hold.fd[0]);
	/* vmon's first file: the check of --png's folder, before the command
	 * starts */
	wait_event(in, "create a file");
	/* then SIGUSR1, again and again, until the command runs and a while
	 * after: the ready pipe, waited on between signals, paces them */
	pfd = (struct pollfd){ .fd = ready.fd[0], .events = POLLIN };
	for (int after = 0; after < 100; after += pfd.revents != 0) {
		ASSERT_EQ(kill(p.pid, SIGUSR1), 0);
		sent++;
		ASSERT_MSG(sent < 60000, "the command did not start");
		/* nothing to read: vmon died before it started the command */
		if (!pfd.revents && poll(&pfd, 1, 1) == 1 &&
		    read(ready.fd[0], line, sizeof(line)) <= 0)
			break;
	}
	close(hold.fd[1]);	/* the command ends, and vmon with it */
	assert_exit_0(vt_finish(&p, err, sizeof(err)), err);
	close(ready.fd[0]);
	close(in);
	vt_cleanup(&d);
}

TEST(vmon_replay_survives_sigusr1)
{
	struct vt_dir d;
	char fifo[256], sum[256], err[8192], *text, *nl;
	char *argv[] = { (char *)vt_vmon(), "replay", fifo, "--summary-json", sum, NULL };
	struct vt_proc p;
	size_t len;
	int in, fd;

	vt_mkdir(&d);
	vt_file(&d, "record.jsonl", fifo, sizeof(fifo));
	vt_file(&d, "summary.json", sum, sizeof(sum));
	text = t_read_file("tests/workloads/record-v1.jsonl", &len);
	ASSERT(text && (nl = strchr(text, '\n')));
	/* the record comes through a FIFO the test holds open (both ends:
	 * opening it does not wait), so vmon is mid-replay, waiting for the
	 * rest, while it is signalled */
	ASSERT_EQ(mkfifo(fifo, 0600), 0);
	fd = open(fifo, O_RDWR | O_CLOEXEC);
	ASSERT(fd >= 0);
	ASSERT(write(fd, text, nl + 1 - text) == nl + 1 - text);
	in = inotify_init1(IN_CLOEXEC);
	ASSERT(in >= 0 && inotify_add_watch(in, fifo, IN_ACCESS) >= 0);
	vt_start(&p, argv, NULL, -1, -1);
	wait_event(in, "read its record");
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(kill(p.pid, SIGUSR1), 0);
	ASSERT(write(fd, nl + 1, len - (nl + 1 - text)) == (ssize_t)(len - (nl + 1 - text)));
	close(fd);	/* the end of the record */
	assert_exit_0(vt_finish(&p, err, sizeof(err)), err);
	free(text);
	text = t_read_file(sum, NULL);
	ASSERT_MSG(text && strstr(text, "\"vmon-summary\""), "no summary written");
	free(text);
	close(in);
	vt_cleanup(&d);
}

TEST(vmon_without_a_usable_terminal_runs_without_the_view)
{
	static const char *const terms[] = { "TERM", "TERM=", "TERM=dumb",
					     "TERM=vmon-no-such-terminal" };
	struct vt_dir d;
	char marker[256], cmd[300], err[8192];
	char *argv[] = { (char *)vt_vmon(), "--live", "-q", "--", "/bin/sh", "-c", cmd, NULL };

	vt_mkdir(&d);
	vt_file(&d, "marker", marker, sizeof(marker));
	snprintf(cmd, sizeof(cmd), "exec > %s", marker);
	for (size_t i = 0; i < sizeof(terms) / sizeof(*terms); i++) {
		/* a bare "TERM" takes it out of the environment (putenv) */
		char *env[] = { (char *)terms[i], NULL };
		char *first_nl;
		int status = vt_run(argv, env, err, sizeof(err));

		ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: status %#x: %s",
			   terms[i], status, err);
		ASSERT_MSG(access(marker, F_OK) == 0, "%s: the command did not run: %s", terms[i],
			   err);
		unlink(marker);
		first_nl = strchr(err, '\n');
		ASSERT_MSG(first_nl && !first_nl[1], "%s: not one line: %s", terms[i], err);
		ASSERT_MSG(strstr(err, "TERM") && strstr(err, "--no-live"), "%s: %s", terms[i],
			   err);
	}
	vt_cleanup(&d);
}
