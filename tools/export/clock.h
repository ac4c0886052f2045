/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.h - the two clocks vmon-export reads: the monotonic clock its
 * deadlines and sampling intervals are kept by, and the calling thread's
 * CPU time, which its own-cost metrics report (http.c, sampler.c).
 */
#ifndef EXPORT_CLOCK_H
#define EXPORT_CLOCK_H

/* seconds on CLOCK_MONOTONIC */
double mono_now(void);
/* the calling thread's CPU time, in nanoseconds */
unsigned long long thread_cpu_ns(void);

#endif
