/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_replay.c - `vmon replay`: the recording of a live run gives
 * the very summary (text and JSON, byte for byte) and the very chart of
 * that run, without /proc; a record cut short still replays; what is not
 * a record, or is a newer format, is refused with a clear message; and a
 * recording committed with the format's first version
 * (tests/workloads/record-v1.jsonl) still gives its committed summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	ASSERT(f);
	ASSERT_EQ(fwrite(text, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
}

/* vmon replay args...; its stdout into out */
static int replay(const char *args, char *out, size_t size)
{
	char cmd[1024];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s replay %s 2>&1", vt_vmon(), args);
	f = popen(cmd, "r");
	ASSERT(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	return pclose(f);
}

TEST(vmon_replay_gives_the_live_summary_and_chart)
{
	struct vt_dir d;
	char rec[256], sum[256], png[256], sum2[256], png2[256], args[1024];
	static char err[16384], out[16384];
	char env_burn[300], env_rep[300];
	char *env[] = { env_burn, env_rep, NULL };
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-z", "50", "--record", rec,
			 "--summary-json", sum, "--png", png, "--", "/bin/sh",
			 "tests/workloads/parallel.sh", NULL };
	const char *live;
	int status;

	vt_mkdir(&d);
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	vt_file(&d, "summary.json", sum, sizeof(sum));
	vt_file(&d, "chart.png", png, sizeof(png));
	vt_file(&d, "replayed.json", sum2, sizeof(sum2));
	vt_file(&d, "replayed.png", png2, sizeof(png2));
	snprintf(env_burn, sizeof(env_burn), "BURN=%s", vt_burn());
	snprintf(env_rep, sizeof(env_rep), "REPORT=%s/report", d.path);
	status = vt_run(argv, env, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	snprintf(args, sizeof(args), "%s --summary --summary-json %s --png %s", rec, sum2, png2);
	ASSERT_EQ(replay(args, out, sizeof(out)), 0);
	vt_same_files(sum, sum2);
	vt_same_files(png, png2);
	/* the text summary too: the live one is the end of vmon's stderr */
	live = strstr(err, "vmon: /bin/sh tests/workloads/parallel.sh\n");
	ASSERT_MSG(live, "no summary in: %s", err);
	ASSERT_STREQ(out, live);
	vt_cleanup(&d);
}

TEST(vmon_replay_of_a_record_cut_short)
{
	struct vt_dir d;
	char rec[256], cut[256], args[600];
	static char err[16384], out[16384];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "-z", "50", "--record", rec, "--",
			 (char *)vt_burn(), "-m", "200", NULL };
	char *text, *last;
	size_t len;
	int status;

	vt_mkdir(&d);
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	vt_file(&d, "cut.jsonl", cut, sizeof(cut));
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	ASSERT_MSG(!strstr(err, "wall time"), "-q, yet a summary: %s", err);
	text = t_read_file(rec, &len);
	ASSERT(text && len > 2);
	text[len - 1] = '\0';
	last = strrchr(text, '\n');	/* drop the end line */
	ASSERT(last && strstr(last, "\"type\":\"end\""));
	write_file(cut, text, last - text + 1);
	free(text);
	snprintf(args, sizeof(args), "%s --summary", cut);
	ASSERT_EQ(replay(args, out, sizeof(out)), 0);
	ASSERT_MSG(strstr(out, "cut short") && strstr(out, "processes   1 "), "%s", out);
	vt_cleanup(&d);
}

TEST(vmon_replay_refuses_what_is_not_a_record)
{
	struct vt_dir d;
	char path[256], args[300];
	static char out[4096];
	static const char *bad[] = {
		"not json at all\n",
		"{\"type\":\"sample\",\"seq\":0,\"t\":0}\n",
		"{\"type\":\"header\",\"format\":\"something-else\",\"version\":1}\n",
		("{\"type\":\"header\",\"format\":\"vmon-record\",\"version\":99,\"ticks_per_sec\":100,"
		 "\"page_size\":4096,\"num_cpus\":1,\"monitor_pid\":1}\n"),
		"",
		("{\"type\":\"header\",\"format\":\"vmon-record\",\"version\":1,\"ticks_per_sec\":100,"
		 "\"page_size\":4096,\"num_cpus\":1,\"monitor_pid\":1}\n"
		 "{\"type\":\"end\",\"seq\":-1,\"t\":0,\"samples\":0,\"missed\":0,"
		 "\"exit_status\":null,\"reaped_cpu\":{\"user\":1},\"running\":[]}\n"),
	};
	static const char *why[] = { "bad", "no header", "not a vmon record", "newer version",
				     "empty", "reaped_cpu without user and system" };

	vt_mkdir(&d);
	vt_file(&d, "bad.jsonl", path, sizeof(path));
	snprintf(args, sizeof(args), "%s --summary", path);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int status;

		write_file(path, bad[i], strlen(bad[i]));
		status = replay(args, out, sizeof(out));
		ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "case %zu: %#x", i, status);
		ASSERT_MSG(strstr(out, why[i]) && strstr(out, "bad.jsonl"), "case %zu: %s", i, out);
	}
	snprintf(args, sizeof(args), "%s/missing.jsonl", d.path);
	ASSERT_NE(replay(args, out, sizeof(out)), 0);
	ASSERT(strstr(out, "cannot read"));
	vt_cleanup(&d);
}

TEST(vmon_replay_of_the_first_format_version)
{
	static char out[16384];
	char *golden = t_read_file("tests/workloads/record-v1.summary", NULL);

	ASSERT(golden);
	ASSERT_EQ(replay("tests/workloads/record-v1.jsonl --summary", out, sizeof(out)), 0);
	ASSERT_STREQ(out, golden);
	free(golden);
}
