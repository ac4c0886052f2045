/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live_status.c - what the live view says of itself, in tmux at
 * 80x24: the CPU meters draw system time apart from user time; paused,
 * the title and the key line stay whole; w says where the chart went;
 * vmon's own "falling behind" is on the status line, above the command's
 * output, not in it; and a rate changed with + is the rate the summary,
 * the summary JSON and the record's replay give (a record whose hz_end is
 * not a rate is refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_tmux.h"

/* a meter cell with system time in it: "[|||###   ]" */
static bool system_in_meters(const char *screen)
{
	for (const char *at = screen; (at = strchr(at, '[')); at++) {
		const char *p = at + 1;

		while (*p == '|')
			p++;
		if (*p == '#')
			return true;
	}
	return false;
}

TEST(vmon_live_meters_show_system_time_apart)
{
	struct term *t = calloc(1, sizeof(*t));
	char cmd[1024];

	tmux_need();
	/* one byte per read and write: nearly all system time */
	snprintf(cmd, sizeof(cmd), "%s -- sh -c 'dd if=/dev/zero of=/dev/null bs=1 "
		 "count=1000000000 2>/dev/null'", vt_vmon());
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "dd if=/dev/zero", 1);
	for (int i = 0; i < 400 && !system_in_meters(t->screen); i++)
		tmux_wait(t, "dd if=/dev/zero", 1);
	ASSERT_MSG(system_in_meters(t->screen), "no system time in the meters:\n%s", t->screen);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

TEST(vmon_live_paused_title_and_keys_whole_at_80_columns)
{
	struct term *t = calloc(1, sizeof(*t));
	char cmd[1024], line[512];

	tmux_need();
	/* a long command: the title has more to show than 80 columns */
	snprintf(cmd, sizeof(cmd), "%s -- sh -c 'sleep 600; : a command line longer than the "
		 "eighty columns of a terminal'", vt_vmon());
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "sleep 600", 2);
	tmux_keys(t, "p");
	tmux_wait(t, "PAUSED", 1);
	ASSERT_MSG(screen_line(t->screen, "PAUSED", line, sizeof(line)) && strstr(line, " vmon") &&
		   strstr(line, " Hz"), "paused title:\n%s", t->screen);
	ASSERT_MSG(screen_line(t->screen, "q quit", line, sizeof(line)) &&
		   strstr(line, "p resume") && strstr(line, "? keys"), "paused keys:\n%s", t->screen);
	/* a key still redraws it, paused */
	tmux_keys(t, "?");
	tmux_wait(t, "select a process", 1);
	ASSERT(strstr(t->screen, "PAUSED"));
	tmux_keys(t, "?");	/* any key closes the list of keys */
	tmux_wait_gone(t, "select a process");
	tmux_keys(t, "p");
	tmux_wait_gone(t, "PAUSED");
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

TEST(vmon_live_w_says_where_the_chart_went)
{
	struct term *t = calloc(1, sizeof(*t));
	char cmd[1024], png[300], line[512], *data;
	struct vt_dir d;
	size_t len;

	tmux_need();
	vt_mkdir(&d);
	vt_file(&d, "w.png", png, sizeof(png));
	snprintf(cmd, sizeof(cmd), "%s --png %s -- sleep 600", vt_vmon(), png);
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "sleep 600", 2);
	/* paused too: the view says so at once */
	tmux_keys(t, "p");
	tmux_wait(t, "PAUSED", 1);
	tmux_keys(t, "w");
	tmux_wait(t, "chart written to", 1);
	ASSERT_MSG(screen_line(t->screen, "chart written to", line, sizeof(line)) &&
		   strstr(line, png), "no path:\n%s", t->screen);
	data = t_read_file(png, &len);
	ASSERT_MSG(data && len > 8 && !memcmp(data, "\x89PNG", 4), "%s is not a PNG", png);
	free(data);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	vt_cleanup(&d);
	free(t);
}

TEST(vmon_live_falling_behind_is_on_the_status_line)
{
	struct term *t = calloc(1, sizeof(*t));
	char cmd[1024];
	int behind, output;

	tmux_need();
	/* 1000 samples a second of 300 processes: more than vmon can read */
	snprintf(cmd, sizeof(cmd), "%s -z 1000 -- sh -c 'for i in $(seq 300); do sleep 600 & done; "
		 "while :; do echo output of the command; sleep 1; done'", vt_vmon());
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "falling behind", 1);
	behind = screen_row(t->screen, "falling behind");
	output = screen_row(t->screen, "-- output of the command --");
	ASSERT_MSG(output >= 0 && behind >= 0 && behind < output,
		   "vmon's message is not above the command's output:\n%s", t->screen);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	free(t);
}

/* the summary JSON's "sampling" "hz_end" */
static long long hz_end_of(const char *path)
{
	char *text = t_read_file(path, NULL);
	long long hz_end = 0;

	ASSERT_MSG(text && vt_json_num(text, "\"sampling\"", "hz_end", &hz_end),
		   "no hz_end in %s: %s", path, text ? text : "(none)");
	free(text);
	return hz_end;
}

TEST(vmon_live_rate_changed_is_the_rate_in_the_summary)
{
	struct term *t = calloc(1, sizeof(*t));
	struct vt_dir d;
	char cmd[2048], json[300], rec[300], again[300], err[8192];
	char *replay[] = { (char *)vt_vmon(), "replay", rec, "--summary-json", again, NULL };
	int status;

	tmux_need();
	vt_mkdir(&d);
	vt_file(&d, "summary.json", json, sizeof(json));
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	vt_file(&d, "again.json", again, sizeof(again));
	snprintf(cmd, sizeof(cmd), "%s -z 10 --summary-json %s --record %s -- sleep 600", vt_vmon(),
		 json, rec);
	tmux_start(t, 160, 40, cmd);
	tmux_wait(t, "sleep 600", 2);
	/* up the ladder: 20, 50, 100, 200, 500, 1000 */
	for (int i = 0; i < 6; i++)
		tmux_keys(t, "+");
	tmux_wait(t, " 1000 Hz ", 1);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_wait(t, "sampling", 1);
	ASSERT_MSG(strstr(t->screen, "at 10 Hz then 1000 Hz (set in the live view"),
		   "the summary's rate:\n%s", t->screen);
	ASSERT_EQ(hz_end_of(json), 1000);
	/* the record's replay says the same */
	status = vt_run(replay, NULL, err, sizeof(err));
	ASSERT_MSG(status == 0, "replay: %#x %s", status, err);
	ASSERT_EQ(hz_end_of(again), 1000);
	tmux_end(t);
	vt_cleanup(&d);
	free(t);
}

TEST(vmon_replay_hz_end_read_back_or_refused)
{
	struct vt_dir d;
	char json[300], err[4096];
	char *good[] = { (char *)vt_vmon(), "replay", "fuzz/corpus/vmon_record/case-hz-end",
			 "--summary-json", json, NULL };
	char *huge[] = { (char *)vt_vmon(), "replay", "fuzz/corpus/vmon_record/case-hz-end-huge",
			 "--summary", NULL };
	int status;

	vt_mkdir(&d);
	vt_file(&d, "summary.json", json, sizeof(json));
	status = vt_run(good, NULL, err, sizeof(err));
	ASSERT_MSG(status == 0, "%#x %s", status, err);
	ASSERT_EQ(hz_end_of(json), 1000);
	status = vt_run(huge, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		   strstr(err, "\"hz_end\" is not a rate from 1 to 1000"), "%#x %s", status, err);
	vt_cleanup(&d);
}
