/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * duty.c - a CPU load of known duty cycle for the exporter's tests: in
 * every period of 100 ms it spins for PERCENT ms of wall time and sleeps
 * the rest, until it is killed.  On an idle CPU that is PERCENT% of one
 * CPU; on a busy machine it gets less, which is why the tests measure
 * what it really used from /proc, independently of what they test.
 *
 *   duty PERCENT [ARG...]
 *
 * The ARGs are ignored: they are there to be matched (a cmdline rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double busy, period = 0.1, start;
	volatile unsigned long spin = 0;

	if (argc < 2 || atof(argv[1]) < 0 || atof(argv[1]) > 100) {
		fprintf(stderr, "usage: duty PERCENT [ARG...]\n");
		return 2;
	}
	busy = period * atof(argv[1]) / 100;
	for (start = now();; start += period) {
		struct timespec rest;
		double left;

		while (now() - start < busy)
			spin++;
		left = start + period - now();
		if (left <= 0)
			continue;
		rest.tv_sec = (time_t)left;
		rest.tv_nsec = (long)((left - (double)rest.tv_sec) * 1e9);
		nanosleep(&rest, NULL);
	}
}
