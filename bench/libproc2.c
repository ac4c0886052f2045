/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libproc2.c - the libproc2 reference of docs/design/performance.md
 * (procps-ng 4, the library under ps and top; Debian libproc2-dev):
 * procps_pids_new() with items for the pid, ticks, rss, vsize, io bytes and
 * command, then procps_pids_reap() every sample, touching every item of
 * every process reaped.  libproc2 opens, reads and closes /proc/PID/stat,
 * statm and io each sample, so it shows what a mature general-purpose
 * reader costs for the same figures.
 *
 * usage: libproc2 [-w WARMUP] [-s SAMPLES]
 */
#include <stdio.h>
#include <stdlib.h>

#include <libproc2/pids.h>

#include "bench.h"

static enum pids_item items[] = {
	PIDS_ID_PID,
	PIDS_TICS_USER,
	PIDS_TICS_SYSTEM,
	PIDS_MEM_RES,		/* statm resident, KiB */
	PIDS_VSIZE_BYTES,	/* stat vsize */
	PIDS_IO_READ_BYTES,
	PIDS_IO_WRITE_BYTES,
	PIDS_IO_READ_CHARS,
	PIDS_IO_WRITE_CHARS,
	PIDS_CMD,		/* stat comm */
};
enum { I_PID, I_UTIME, I_STIME, I_RES, I_VSIZE, I_RB, I_WB, I_RC, I_WC, I_CMD, I_NR };

static unsigned long long sink;

static long sample(struct pids_info *info)
{
	struct pids_fetch *f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);

	if (!f) {
		fprintf(stderr, "libproc2: procps_pids_reap failed\n");
		exit(1);
	}
	for (int i = 0; i < f->counts->total; i++) {
		struct pids_stack *s = f->stacks[i];

		sink += PIDS_VAL(I_PID, s_int, s, info);
		sink += PIDS_VAL(I_UTIME, ull_int, s, info);
		sink += PIDS_VAL(I_STIME, ull_int, s, info);
		sink += PIDS_VAL(I_RES, ul_int, s, info);
		sink += PIDS_VAL(I_VSIZE, ul_int, s, info);
		sink += PIDS_VAL(I_RB, ul_int, s, info);
		sink += PIDS_VAL(I_WB, ul_int, s, info);
		sink += PIDS_VAL(I_RC, ul_int, s, info);
		sink += PIDS_VAL(I_WC, ul_int, s, info);
		sink += (unsigned char)PIDS_VAL(I_CMD, str, s, info)[0];
	}
	return f->counts->total;
}

int main(int argc, char **argv)
{
	struct pids_info *info = NULL;
	struct bench_opts o;
	struct bench b;
	long procs = 0;
	char extra[64];
	int err;

	_Static_assert(sizeof(items) / sizeof(items[0]) == I_NR, "items");
	bench_parse(argc, argv, &o, NULL, NULL, "[-w WARMUP] [-s SAMPLES]");
	bench_raise_nofile();
	bench_begin(&b, "libproc2");
	err = procps_pids_new(&info, items, I_NR);
	if (err < 0) {
		fprintf(stderr, "libproc2: procps_pids_new: %d\n", err);
		return 1;
	}
	for (int i = 0; i < o.warmup; i++)
		sample(info);
	bench_measure_start(&b);
	for (int i = 0; i < o.samples; i++)
		procs = sample(info);
	bench_measure_stop(&b);
	bench_held(&b);
	procps_pids_unref(&info);
	bench_released(&b);
	snprintf(extra, sizeof(extra), " sink=%llu", sink % 10);
	bench_print(&b, procs, o.samples, extra);
	return 0;
}
