/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_chart_totals.c - what the chart says of the whole run, read
 * back with libpng (workloads/pngdump): its totals (the PNG's Description
 * chunk holds the lines drawn under the title) give all the CPU, with the
 * part no sample saw, as the summary does; the band of the tree's own CPU
 * shows it while it runs and nothing before; and a process a signal
 * killed has the kill mark on its row, one that exited has not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

/* tools/vmon/chart_palette.h, as vmon(1) documents it */
#define USER_CPU 0x2f6fb3
#define EXIT_BAD 0xc0392b
#define KILL 0xa0169c

/* the text of chunk key, its lines joined by newlines */
static void png_text(const char *png, const char *key, char *out, size_t size)
{
	char cmd[600], tool[256], line[1024];
	bool in = false;
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", t_build_path("workloads/pngdump", tool, sizeof(tool)),
		 png);
	f = popen(cmd, "r");
	ASSERT(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "text ", 5))
			in = !strncmp(line + 5, key, strlen(key)) && line[5 + strlen(key)] == '\n';
		else if (in && !strncmp(line, "| ", 2) && n + strlen(line) < size)
			n += (size_t)snprintf(out + n, size - n, "%s", line + 2);
	}
	ASSERT_EQ(pclose(f), 0);
	ASSERT_MSG(n, "no %s text in %s", key, png);
}

static int layout_num(const char *png, const char *key)
{
	char text[2048], *p;

	png_text(png, "vmon:layout", text, sizeof(text));
	p = strstr(text, key);
	ASSERT_MSG(p, "no %s in the layout: %s", key, text);
	return atoi(p + strlen(key));
}

static double json_secs(const char *path, const char *within, const char *key)
{
	char *text = t_read_file(path, NULL), *p, *k;
	double v;

	ASSERT(text);
	p = strstr(text, within);
	ASSERT_MSG(p, "no %s in %s", within, path);
	k = strstr(p, key);
	ASSERT_MSG(k, "no %s in %s", key, path);
	v = atof(k + strlen(key) + 2);
	free(text);
	return v;
}

/* Twenty burners of 20 ms at 2 samples a second, without events: the
 * samples see little of them, the kernel's count of reaped CPU all.  The
 * chart said only what the samples saw (2.78 s against 4.01 s reaped in
 * the README's example); its totals now give all of it and the part no
 * sample saw, the summary's figures. */
TEST(vmon_chart_totals_give_the_cpu_no_sample_saw)
{
	struct vt_dir d;
	char png[256], sum[256], err[16384], env_burn[300], text[2048], want[64];
	char *env[] = { env_burn, NULL };
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-z", "2", "--events", "wait",
			 "--png", png, "--summary-json", sum, "--", "/bin/sh", "-c",
			 "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
			 "\"$BURN\" -m 20; done", NULL };
	double sampled, unseen;
	int status;

	vt_mkdir(&d);
	vt_file(&d, "chart.png", png, sizeof(png));
	vt_file(&d, "summary.json", sum, sizeof(sum));
	snprintf(env_burn, sizeof(env_burn), "BURN=%s", vt_burn());
	status = vt_run(argv, env, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	png_text(png, "Description", text, sizeof(text));
	sampled = json_secs(sum, "\"cpu\":", "\"user_s\"") +
		  json_secs(sum, "\"cpu\":", "\"system_s\"");
	unseen = json_secs(sum, "\"reaped_cpu\":", "\"unseen_s\"");
	ASSERT_MSG(unseen > 0.2, "only %.3f s unseen of 0.4 s burnt: %s", unseen, err);
	/* the total, then what the samples saw, then the rest */
	snprintf(want, sizeof(want), "CPU %.2f s in all", sampled + unseen);
	ASSERT_MSG(strstr(text, want), "no \"%s\" in the totals:\n%s", want, text);
	snprintf(want, sizeof(want), ": %.2f s sampled", sampled);
	ASSERT_MSG(strstr(text, want), "no \"%s\" in the totals:\n%s", want, text);
	snprintf(want, sizeof(want), "+ %.2f s no sample saw", unseen);
	ASSERT_MSG(strstr(text, want), "no \"%s\" in the totals:\n%s", want, text);
	/* and the summary says the same */
	snprintf(want, sizeof(want), "%.2f s of it no sample saw", unseen);
	ASSERT_MSG(strstr(err, want), "no \"%s\" in the summary:\n%s", want, err);
	vt_cleanup(&d);
}

/* vmon with options opts (NULL-ended), its chart in png and its record in
 * rec, on sh -c script with $BURN the burner, run to its end; the chart
 * and the record loaded */
static void run_charted(struct vt_dir *d, char *const opts[], const char *script,
			char png[256], char rec[256], struct vt_png *p, struct vt_record *r)
{
	char err[8192], env_burn[300];
	char *env[] = { env_burn, NULL };
	char *argv[24];
	int n = 0, status;

	vt_mkdir(d);
	vt_file(d, "chart.png", png, 256);
	vt_file(d, "record.jsonl", rec, 256);
	snprintf(env_burn, sizeof(env_burn), "BURN=%s", vt_burn());
	argv[n++] = (char *)vt_vmon();
	while (*opts && n < 16)
		argv[n++] = *opts++;
	argv[n++] = "--png";
	argv[n++] = png;
	argv[n++] = "--record";
	argv[n++] = rec;
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = (char *)script;
	argv[n] = NULL;
	status = vt_run(argv, env, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	vt_png_load(png, p);
	vt_record_load(rec, r);
}

/* A burner that starts after a pause: the band of the tree's CPU is blue
 * while it burns, and empty before. */
TEST(vmon_chart_band_of_the_trees_cpu)
{
	char *const opts[] = { "--no-live", "-q", "-z", "50", NULL };
	struct vt_dir d;
	char png[256], rec[256];
	struct vt_record r;
	struct vt_track *b = NULL;
	struct vt_png p;
	int y, h, x0, x1;

	run_charted(&d, opts, "sleep 0.6; \"$BURN\" -m 600", png, rec, &p, &r);
	for (int i = 0; i < r.ntracks; i++)
		if (!strcmp(r.tracks[i].comm, "burn"))
			b = &r.tracks[i];
	ASSERT(b);
	y = layout_num(png, "tree_y=");
	h = layout_num(png, "cpu_h=");
	ASSERT(y > 0 && h > 0 && y + h < p.rows_y);
	/* before the burner was born (less a sample interval each side) */
	x1 = p.plot_x + (int)((b->birth_t - 0.1) * 1e6 / p.t_end_us * p.plot_w);
	ASSERT_MSG(x1 > p.plot_x + 10, "the burner started at %.3f s", b->birth_t);
	ASSERT_EQ(vt_png_count(png, p.plot_x, y, x1 - p.plot_x, h, USER_CPU), 0);
	x0 = p.plot_x + (int)((b->birth_t + 0.1) * 1e6 / p.t_end_us * p.plot_w);
	x1 = p.plot_x + (int)((b->exit_t - 0.1) * 1e6 / p.t_end_us * p.plot_w);
	ASSERT_MSG(x1 - x0 > 20, "the burner ran %.3f to %.3f s", b->birth_t, b->exit_t);
	ASSERT_MSG(vt_png_count(png, x0, y, x1 - x0, h, USER_CPU) > (x1 - x0) * 2,
		   "no tree CPU in the band while the burner ran");
	vt_cleanup(&d);
}

/* A process killed by SIGKILL, one that exits 3 and one that exits 0,
 * traced so that every status is known: the kill mark is on the first
 * row only; the second has the red mark. */
TEST(vmon_chart_kill_mark_only_on_killed_rows)
{
	char *const opts[] = { "--no-live", "-q", "--trace", "-z", "50", NULL };
	struct vt_dir d;
	char png[256], rec[256];
	struct vt_record r;
	struct vt_png p;
	int killed = 0, failed = 0, fine = 0;

	run_charted(&d, opts,
		    "\"$BURN\" -i 5000 & p=$!; \"$BURN\" -m 100; \"$BURN\" -x 3; "
		    "kill -KILL $p; wait; true", png, rec, &p, &r);
	for (int i = 0; i < r.ntracks; i++) {
		const struct vt_track *t = &r.tracks[i];
		const struct vt_png_row *row = NULL;
		long kill_px, bad_px;

		if (t->tid || strcmp(t->comm, "burn"))
			continue;
		for (int k = 0; k < p.nrows; k++)
			if (p.rows[k].pid == t->pid && !p.rows[k].tid)
				row = &p.rows[k];
		ASSERT_MSG(row, "no row for pid %d", t->pid);
		kill_px = vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, KILL);
		bad_px = vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, EXIT_BAD);
		if (t->signal == 9) {
			killed++;
			ASSERT_MSG(kill_px >= row->h, "killed pid %d: %ld kill-mark pixels", t->pid,
				   kill_px);
		} else if (t->code == 3) {
			failed++;
			ASSERT_MSG(kill_px == 0 && bad_px > 0, "pid %d exited 3: %ld kill, %ld red",
				   t->pid, kill_px, bad_px);
		} else {
			fine++;
			ASSERT_MSG(t->code == 0 && kill_px == 0 && bad_px == 0,
				   "pid %d exited %d: %ld kill, %ld red", t->pid, t->code, kill_px,
				   bad_px);
		}
	}
	ASSERT_EQ(killed, 1);
	ASSERT_EQ(failed, 1);
	ASSERT_EQ(fine, 1);
	/* the legend shows the mark */
	ASSERT(vt_png_count(png, p.plot_x, p.h - 40, p.plot_w, 40, KILL) > 0);
	vt_cleanup(&d);
}
