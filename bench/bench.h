/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.h - what every C harness of the benchmark measures, the same way:
 * CPU time of the harness (getrusage, user + system) and wall time over the
 * measured samples only (not the warm-up, not the setup), the heap it keeps
 * (mallinfo2), the descriptors it holds (/proc/self/fd) and the kernel
 * memory those pin (slab bytes), and one machine-readable line per run that
 * bench/run.sh parses:
 *
 *   BENCH name=floor procs=1069 samples=32 cpu_us_per_proc=13.01 ...
 *
 * Kernel memory is the sum of active_objs x objsize over /proc/slabinfo
 * (root only), or the Slab line of /proc/meminfo when slabinfo cannot be
 * read.  Two figures: kmem_growth_b, slab after the measured samples less
 * slab before the first open (it includes dentries and inodes the lookups
 * created, which stay cached after the harness exits), and kmem_held_b,
 * what closing the harness's descriptors gives back (struct file, seq_file
 * and its buffer per held /proc file): the memory the harness pins.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>

struct bench_opts {
	int warmup;		/* -w: samples before the measurement */
	int samples;		/* -s: measured samples */
};

/* the figures of one run, filled by the harness and bench_end() */
struct bench {
	const char *name;
	/* before the first open (bench_begin) */
	size_t heap0;
	int fds0;
	long long slab0;
	/* around the measured samples (bench_measure_start/stop) */
	double cpu0, wall0, cpu_s, wall_s;
	/* after the measured samples, still holding everything */
	size_t heap1;
	int fds1;
	long long slab1;
	/* after the harness released everything (bench_released) */
	long long slab2;
	const char *slab_src;
};

/* Raise the soft RLIMIT_NOFILE to the hard limit (every harness does, so
 * that no result depends on the shell's soft limit); returns the limit. */
long bench_raise_nofile(void);
/* -w W -s S and the harness's own options (extra: getopt letters with
 * their ':' handled by the callback, which returns 0 on a bad value) */
void bench_parse(int argc, char **argv, struct bench_opts *o,
		 const char *extra, int (*cb)(int opt, const char *arg),
		 const char *usage);

double bench_now(void);		/* CLOCK_MONOTONIC, seconds */
double bench_cpu(void);		/* getrusage(RUSAGE_SELF) user + system, seconds */
size_t bench_heap(void);	/* mallinfo2(): uordblks + hblkhd */
int bench_count_fds(void);	/* entries of /proc/self/fd, less the one counting */
long long bench_slab(const char **src);	/* bytes, see above; -1 if unknown */

/* Mark the start (1) or the end (0) of the measured samples for a syscall
 * trace: write(-1, buf, 4242 or 4243) fails with EBADF at once and shows in
 * `strace -f` output, so run.sh counts only the calls between the marks. */
#define BENCH_MARK_BEGIN 4242
#define BENCH_MARK_END 4243
void bench_mark(int begin);

void bench_begin(struct bench *b, const char *name);
void bench_measure_start(struct bench *b);
void bench_measure_stop(struct bench *b);
void bench_held(struct bench *b);	/* after the samples, before releasing */
void bench_released(struct bench *b);	/* after releasing */

/* Print the BENCH line: procs is the processes seen in the last sample;
 * extra is appended as is (" key=value ..."), may be NULL. */
void bench_print(const struct bench *b, long procs, int samples, const char *extra);

/* fatal error: message with errno text, exit 1 */
void bench_die(const char *what) __attribute__((noreturn));

#endif
