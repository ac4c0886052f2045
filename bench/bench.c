/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.c - the measurement every C harness shares (see bench.h): CPU and
 * wall time over the measured samples, heap, descriptors and slab memory
 * before and after, and the BENCH line run.sh parses.  Everything here runs
 * outside the measured samples, so its own cost is never counted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void bench_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

long bench_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		bench_die("getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			bench_die("setrlimit");
	}
	return (long)rl.rlim_cur;
}

static int positive(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 1000000)
		return 0;
	*out = (int)v;
	return 1;
}

void bench_parse(int argc, char **argv, struct bench_opts *o,
		 const char *extra, int (*cb)(int opt, const char *arg),
		 const char *usage)
{
	char optstring[64];
	int c;

	o->warmup = 3;
	o->samples = 32;
	snprintf(optstring, sizeof(optstring), "w:s:h%s", extra ? extra : "");
	while ((c = getopt(argc, argv, optstring)) != -1) {
		int ok;

		switch (c) {
		case 'w':
			ok = positive(optarg, &o->warmup);
			break;
		case 's':
			ok = positive(optarg, &o->samples) && o->samples > 0;
			break;
		case 'h':
			printf("usage: %s %s\n", argv[0], usage);
			exit(0);
		default:
			ok = c != '?' && cb && cb(c, optarg);
			break;
		}
		if (!ok) {
			fprintf(stderr, "usage: %s %s\n", argv[0], usage);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		exit(2);
	}
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double bench_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		bench_die("getrusage");
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

size_t bench_heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

int bench_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		bench_die("opendir /proc/self/fd");
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory being read */
}

/* sum of active_objs x objsize over /proc/slabinfo */
static long long slabinfo_bytes(void)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	char line[512];
	long long total = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		unsigned long long active, num, size;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%127s %llu %llu %llu", name, &active, &num, &size) == 4)
			total += (long long)(active * size);
	}
	fclose(f);
	return total;
}

static long long meminfo_slab(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

long long bench_slab(const char **src)
{
	long long v = slabinfo_bytes();

	if (v >= 0) {
		*src = "slabinfo";
		return v;
	}
	*src = "meminfo";
	return meminfo_slab();
}

void bench_mark(int begin)
{
	static const char mark[BENCH_MARK_END];

	/* fails with EBADF before the buffer is looked at */
	if (write(-1, mark, begin ? BENCH_MARK_BEGIN : BENCH_MARK_END) >= 0)
		abort();
}

void bench_begin(struct bench *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->heap0 = bench_heap();
	b->fds0 = bench_count_fds();
	b->slab0 = bench_slab(&b->slab_src);
}

void bench_measure_start(struct bench *b)
{
	b->wall0 = bench_now();
	b->cpu0 = bench_cpu();
	bench_mark(1);	/* one failed write: inside the time, outside the count */
}

void bench_measure_stop(struct bench *b)
{
	bench_mark(0);
	b->cpu_s = bench_cpu() - b->cpu0;
	b->wall_s = bench_now() - b->wall0;
}

void bench_held(struct bench *b)
{
	b->heap1 = bench_heap();
	b->fds1 = bench_count_fds();
	b->slab1 = bench_slab(&b->slab_src);
}

void bench_released(struct bench *b)
{
	b->slab2 = bench_slab(&b->slab_src);
}

void bench_print(const struct bench *b, long procs, int samples, const char *extra)
{
	double per = procs > 0 ? (double)procs * samples : 0;

	printf("BENCH name=%s procs=%ld samples=%d", b->name, procs, samples);
	if (per > 0)
		printf(" cpu_us_per_proc=%.3f", b->cpu_s * 1e6 / per);
	else
		printf(" cpu_us_per_proc=-");
	printf(" cpu_us_per_sample=%.1f wall_ms=%.3f", b->cpu_s * 1e6 / samples,
	       b->wall_s * 1e3 / samples);
	printf(" heap_b=%lld", (long long)b->heap1 - (long long)b->heap0);
	if (procs > 0)
		printf(" heap_b_per_proc=%.0f", ((double)b->heap1 - (double)b->heap0) / procs);
	else
		printf(" heap_b_per_proc=-");
	printf(" fds_held=%d", b->fds1 - b->fds0);
	if (b->slab0 >= 0 && b->slab1 >= 0 && b->slab2 >= 0)
		printf(" kmem_growth_b=%lld kmem_held_b=%lld", b->slab1 - b->slab0,
		       b->slab1 - b->slab2);
	else
		printf(" kmem_growth_b=- kmem_held_b=-");
	printf(" kmem_src=%s%s\n", b->slab_src ? b->slab_src : "-", extra ? extra : "");
	fflush(stdout);
}
