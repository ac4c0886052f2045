/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * schedule.h - when vmon samples: the run's time 0, the rate and the next
 * deadline, the ticks missed when a sample runs past it, and when the next
 * --snapshot-every chart is due.  The sampling loop (loop.c) follows it;
 * the live view shows its rate.
 */
#ifndef VMON_TOOL_SCHEDULE_H
#define VMON_TOOL_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct schedule {
	vt_us t0;		/* CLOCK_MONOTONIC at the start */
	vt_us boot0;		/* CLOCK_BOOTTIME then (event times are in it) */
	double hz;
	vt_us period, next;	/* the deadlines (relative to t0) */
	vt_us behind_said;	/* when vmon last said it fell behind */
	int behind_missed;	/* ticks missed since */
	double snapshot_every;	/* --snapshot-every, in seconds (0: never) */
	vt_us next_snapshot;
};

void schedule_init(struct schedule *sc, double hz, double snapshot_every);
/* The run's time 0, on both clocks. */
void schedule_start_clock(struct schedule *sc);
/* microseconds since time 0 */
vt_us schedule_now(const struct schedule *sc);
/* Sample at hz (clamped to 1..1000) from one period from now. */
void schedule_set_rate(struct schedule *sc, double hz);
/* The first deadline: now. */
void schedule_begin(struct schedule *sc);
bool schedule_due(const struct schedule *sc);
/* how long until the next deadline (0 or less: due) */
vt_us schedule_left(const struct schedule *sc);
/* After a scheduled sample: the next deadline.  Deadlines the sample ran
 * past are skipped, not made up in a burst: returns how many.  say gets a
 * "falling behind" message when it is time to tell (at most every 10 s),
 * else "". */
int schedule_advance(struct schedule *sc, char *say, size_t size);
/* whether a sample at t is due to rewrite the chart (then the next one is
 * set) */
bool schedule_snapshot_due(struct schedule *sc, vt_us t);

#endif
