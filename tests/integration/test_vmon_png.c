/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_png.c - the chart, read back with libpng (workloads/pngdump):
 * the size asked for, one row per process of the record (rows found from
 * the chart's layout chunk, each with its label drawn), and two burners
 * run one after the other: each row coloured (user CPU) while its burner
 * ran and empty while the other one did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

/* the palette of tools/vmon/chart_palette.h, as vmon(1) documents it */
#define USER_CPU 0x2f6fb3
#define SYSTEM_CPU 0xe8743b
#define TEXT 0x1d1f23

static int x_of(const struct vt_png *p, double t)
{
	return p->plot_x + (int)(t * 1e6 / p->t_end_us * p->plot_w);
}

static const struct vt_png_row *row_of(const struct vt_png *p, int pid)
{
	for (int i = 0; i < p->nrows; i++)
		if (p->rows[i].pid == pid && !p->rows[i].tid)
			return &p->rows[i];
	return NULL;
}

/* CPU-coloured pixels of row between times a and b */
static long cpu_pixels(const char *png, const struct vt_png *p, const struct vt_png_row *r,
		       double a, double b)
{
	int x0 = x_of(p, a), x1 = x_of(p, b);

	if (x1 <= x0)
		return 0;
	return vt_png_count(png, x0, r->y, x1 - x0, r->h, USER_CPU) +
	       vt_png_count(png, x0, r->y, x1 - x0, r->h, SYSTEM_CPU);
}

TEST(vmon_chart_rows_and_colours)
{
	struct vt_dir d;
	char rec[256], png[256], err[8192], env_burn[300];
	char *env[] = { env_burn, NULL };
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-z", "50", "--size", "900x420",
			 "--record", rec, "--png", png, "--", "/bin/sh", "-c",
			 "\"$BURN\" -m 800; \"$BURN\" -m 800", NULL };
	struct vt_track *b[2];
	struct vt_record r;
	struct vt_png p;
	int status, nb = 0;
	double margin;

	vt_mkdir(&d);
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	vt_file(&d, "chart.png", png, sizeof(png));
	snprintf(env_burn, sizeof(env_burn), "BURN=%s", vt_burn());
	status = vt_run(argv, env, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	vt_png_load(png, &p);
	ASSERT_EQ(p.w, 900);
	ASSERT_EQ(p.h, 420);
	vt_record_load(rec, &r);
	/* one row per process of the record, each with a label */
	ASSERT_EQ(p.nrows, r.ntracks);
	for (int i = 0; i < r.ntracks; i++) {
		const struct vt_png_row *row = row_of(&p, r.tracks[i].pid);

		ASSERT_MSG(row, "no row for pid %d", r.tracks[i].pid);
		ASSERT(row->h >= 10);
		ASSERT_MSG(vt_png_count(png, 0, row->y, p.plot_x, row->h, TEXT) > 10,
			   "no label on the row of pid %d", r.tracks[i].pid);
		if (!strcmp(r.tracks[i].comm, "burn") && nb < 2)
			b[nb++] = &r.tracks[i];
	}
	ASSERT_EQ(nb, 2);
	ASSERT(b[0]->exit_t <= b[1]->birth_t + 0.05);
	/* bars may spread over the sample interval each side of a life, long
	 * when the sampler is late on a loaded machine */
	margin = 0.25;
	for (int k = 0; k < 2; k++) {
		const struct vt_png_row *mine = row_of(&p, b[k]->pid);
		const struct vt_track *other = b[1 - k];
		long ran = cpu_pixels(png, &p, mine, b[k]->birth_t + margin, b[k]->exit_t - margin);
		long idle = cpu_pixels(png, &p, mine, other->birth_t + margin, other->exit_t - margin);

		int width = x_of(&p, b[k]->exit_t - margin) - x_of(&p, b[k]->birth_t + margin);

		ASSERT_MSG(width > 20, "burner %d ran too short a time to tell", b[k]->pid);
		ASSERT_MSG(ran > width / 2, "burner %d: only %ld CPU pixels while it ran", b[k]->pid,
			   ran);
		ASSERT_MSG(idle == 0, "burner %d: %ld CPU pixels while the other one ran",
			   b[k]->pid, idle);
	}
	/* the system CPU row shows the burn too */
	ASSERT(vt_png_count(png, p.plot_x, 0, p.plot_w, p.rows_y, USER_CPU) > 100);
	vt_cleanup(&d);
}

#define BRIEF 0x17a398	/* a process shorter than a sample */
#define ALIVE 0xdce6f1

/* Traced (which needs no privilege), every child of a storm is known,
 * though each lives 1 to 5 ms between two samples 100 ms apart: each has
 * its row, and on it the mark of a process shorter than a sample (or, for
 * one a sample happened to see, a slow start on a loaded machine, its
 * life).  The legend wraps at this width instead of running off the
 * image. */
TEST(vmon_chart_marks_processes_shorter_than_a_sample)
{
	struct vt_dir d;
	char rec[256], png[256], err[8192], storm[256];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--trace", "--size", "900x600",
			 "--record", rec, "--png", png, "--", storm, "-n", "8", "-p", "1", NULL };
	struct vt_record r;
	struct vt_png p;
	int status, children = 0, brief = 0, storm_pid = 0;

	vt_mkdir(&d);
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	vt_file(&d, "chart.png", png, sizeof(png));
	t_build_path("workloads/storm", storm, sizeof(storm));
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	vt_png_load(png, &p);
	vt_record_load(rec, &r);
	for (int i = 0; i < r.ntracks; i++)
		if (r.tracks[i].ppid == r.command_pid || r.tracks[i].pid == r.command_pid)
			storm_pid = r.command_pid;
	ASSERT_MSG(storm_pid, "no storm in the record");
	for (int i = 0; i < r.ntracks; i++) {
		const struct vt_png_row *row;

		if (r.tracks[i].ppid != storm_pid || r.tracks[i].tid)
			continue;
		children++;
		row = row_of(&p, r.tracks[i].pid);
		ASSERT_MSG(row, "no row for child %d", r.tracks[i].pid);
		if (vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, BRIEF) > 0) {
			brief++;
			continue;
		}
		ASSERT_MSG(vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, ALIVE) +
			   vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, USER_CPU) +
			   vt_png_count(png, p.plot_x, row->y, p.plot_w, row->h, SYSTEM_CPU) > 0,
			   "child %d (%.3f-%.3f s): nothing drawn on its row", r.tracks[i].pid,
			   r.tracks[i].birth_t, r.tracks[i].exit_t);
	}
	ASSERT_EQ(children, 8);
	/* one child at a time, 1 to 5 ms each: a sample sees one at most, and
	 * a run of 25 ms (100 ms under ASan) has two or three */
	ASSERT_MSG(brief >= 5, "%d of 8 children marked shorter than a sample", brief);
	/* the storm and its children: not the library's tracer task, a child
	 * of vmon's process that vmon's own follower lists */
	ASSERT_MSG(r.ntracks == 9, "%d processes recorded, not 9", r.ntracks);
	vt_cleanup(&d);
}
