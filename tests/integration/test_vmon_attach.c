/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_attach.c - vmon watching what it did not start: -p PID on a
 * running tree (the record streamed through a pipe, whose first sample
 * line says vmon has attached), and -a over every process for a while.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

/* a tree that runs until hold's write end is closed: sh and two burners */
static pid_t start_tree(struct t_sync *hold, char *burn_env)
{
	struct t_sync ready;
	char line[32];
	pid_t pid;

	t_sync_init(&ready);
	t_sync_init(hold);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(hold->fd[0], 0);
		dup2(ready.fd[1], 50);
		putenv(burn_env);
		/* background jobs' stdin is /dev/null unless redirected
		 * from another descriptor */
		execl("/bin/sh", "sh", "-c", "exec 3<&0; \"$BURN\" -W -m 100 <&3 & "
		      "\"$BURN\" -W -k 50 <&3 & wait", (char *)NULL);
		_exit(127);
	}
	close(hold->fd[0]);
	close(ready.fd[1]);
	ASSERT_MSG(read(ready.fd[0], line, sizeof(line)) > 0, "the tree did not start");
	close(ready.fd[0]);
	return pid;
}

/* copy the record from the pipe to path; stop at the first sample line
 * when first_sample, else at the end */
static void copy_record(FILE *in, FILE *out, bool first_sample)
{
	char line[65536];

	while (fgets(line, sizeof(line), in)) {
		fputs(line, out);
		if (first_sample && strstr(line, "\"type\":\"sample\""))
			return;
	}
	ASSERT_MSG(!first_sample, "the record ended before its first sample");
}

TEST(vmon_attach_to_a_running_tree)
{
	struct vt_dir d;
	char path[256], pid[16], fdpath[32], err[8192], burn_env[300];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-z", "50", "-p", pid, "--record",
			 fdpath, NULL };
	struct t_sync hold, rec;
	struct vt_record r;
	struct vt_track *sh;
	struct vt_proc p;
	FILE *in, *out;
	pid_t tree;
	int status, burners = 0;

	vt_mkdir(&d);
	snprintf(burn_env, sizeof(burn_env), "BURN=%s", vt_burn());
	tree = start_tree(&hold, burn_env);
	snprintf(pid, sizeof(pid), "%d", (int)tree);
	t_sync_init(&rec);
	dup2(rec.fd[1], 50);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/50");
	vt_start(&p, argv, NULL, -1, 50);
	close(50);
	close(rec.fd[1]);
	in = fdopen(rec.fd[0], "r");
	out = fopen(vt_file(&d, "record.jsonl", path, sizeof(path)), "w");
	ASSERT(in && out);
	copy_record(in, out, true);	/* attached */
	close(hold.fd[1]);		/* the tree ends */
	copy_record(in, out, false);
	fclose(in);
	fclose(out);
	status = vt_finish(&p, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	ASSERT_EQ(t_wait(tree), 0);
	vt_record_load(path, &r);
	ASSERT(r.has_end);
	ASSERT_EQ(r.command_pid, tree);
	sh = vt_record_pid(&r, tree);
	ASSERT(sh && sh->exited);
	ASSERT_EQ(sh->id, 1);
	ASSERT_EQ(sh->ppid, getpid());
	/* not vmon's child: only an event source tells how it ended
	 * (netlink, the default as root; the test's t_wait() said 0) */
	ASSERT_EQ(sh->code, geteuid() == 0 ? 0 : -1);
	for (int i = 0; i < r.ntracks; i++)
		if (!strcmp(r.tracks[i].comm, "burn")) {
			burners++;
			ASSERT_EQ(r.tracks[i].ppid, tree);
			ASSERT(r.tracks[i].exited);
		}
	if (burners != 2) {
		char seen[1024] = "";

		for (int i = 0; i < r.ntracks; i++)
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), " %d:%s",
				 r.tracks[i].pid, r.tracks[i].comm);
		ASSERT_MSG(false, "%d burners among the tracks:%s", burners, seen);
	}
	ASSERT_EQ(r.nrunning, 0);
	ASSERT_MSG(strstr(err, "vmon: -p ") && strstr(err, "wall time"), "%s", err);
	vt_cleanup(&d);
}

TEST(vmon_all_processes)
{
	struct vt_dir d;
	char sum[256], err[16384], me[32], *text;
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-a", "-d", "0.2", "-z", "10",
			 "--summary-json", sum, NULL };
	long long seen = 0;
	int status;

	vt_mkdir(&d);
	vt_file(&d, "summary.json", sum, sizeof(sum));
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	text = t_read_file(sum, NULL);
	ASSERT(text);
	ASSERT(vt_json_num(text, "\"processes\":", "seen", &seen));
	ASSERT_MSG(seen >= 3, "only %lld processes seen", seen);
	/* the test process itself is one of them, with a pid 1 above it */
	snprintf(me, sizeof(me), "\"pid\":%d,", (int)getpid());
	ASSERT_MSG(strstr(text, me), "pid %d not in the summary", (int)getpid());
	ASSERT(strstr(text, "\"pid\":1,"));
	ASSERT(strstr(text, "\"mode\":\"all\""));
	free(text);
	vt_cleanup(&d);
}
