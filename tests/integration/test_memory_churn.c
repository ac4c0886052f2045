/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_memory_churn.c - the memory an instance holds follows the
 * processes alive now, not the most it has ever seen (src/heap_trim.c;
 * bench/README.md, "Memory under churn").
 *
 * An instance follows this test's own tree with every process want but
 * SMAPS_ROLLUP (FILES included, on this process too: its node lists the
 * descriptors the library holds), while the tree rises to K idle children
 * and falls back to none, for K = 600 and then 1,800.  After each fall:
 *
 *  - the heap the library holds (counted by its allocator, apart from the
 *    test's own) is back within a few KiB of what it was before the first
 *    peak, whatever K was: its pid hashes and scratch buffers have been cut
 *    to what they hold (the descriptor generations, indexed by descriptor
 *    number and bounded by the descriptor budget, are left out: they may
 *    not be cut, see budget.c);
 *  - the process's RSS is back below a quarter of the peak's growth: the
 *    heap's free pages have been handed back to the kernel.  Not under
 *    AddressSanitizer, whose allocator keeps freed memory in quarantine.
 *
 * After vmon_destroy() the library holds nothing at all.
 *
 * A tree, not VMON_FLAG_PROC_ALL, so that what other jobs on the machine
 * start and end never moves the figures; the nodes, stores, tables and
 * trim are the same.  No timing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

#define WANTS ((vmon_proc_wants_t)(((1u << VMON_STORE_PROC_NR) - 1) & \
				   ~(unsigned)VMON_WANT_PROC_SMAPS_ROLLUP))

/* what the allocator may round differently from one run to the next */
#define SLACK (16 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

/* the library's heap less its descriptor generations */
static size_t lib_heap(vmon_t *v)
{
	return vmon_test_heap_bytes() - v->internal->fd_gens_alloc * sizeof(*v->internal->fd_gens);
}

static long rss_kib(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	ASSERT(f);
	ASSERT(fscanf(f, "%ld %ld", &size, &resident) == 2);
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void sample(vmon_t *v, int n)
{
	for (int i = 0; i < n; i++)
		ASSERT(vmon_sample(v));
}

/* Rise to k children and fall back to none; the figures after the fall. */
static void peak(vmon_t *v, vmon_proc_t *self, int k, size_t heap0, long rss0)
{
	pid_t *kids = calloc(k, sizeof(*kids));
	size_t heap_peak, heap;
	long rss_peak, rss;

	ASSERT(kids);
	for (int i = 0; i < k; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	sample(v, 2);
	ASSERT_EQ(t_children_nr(self), k);
	heap_peak = lib_heap(v);
	rss_peak = rss_kib();
	for (int i = 0; i < k; i++)
		t_kill(kids[i]);
	free(kids);
	/* staled, freed with their descriptors, the closed entries of this
	 * process's files store freed, the heap trimmed */
	sample(v, 4);
	ASSERT_EQ(t_children_nr(self), 0);
	heap = lib_heap(v);
	rss = rss_kib();
	printf("  %d children: library heap %zu KiB before, %zu at the peak, %zu after; "
	       "RSS %ld KiB before, %ld at the peak, %ld after; pid hash %zu buckets\n",
	       k, heap0 / 1024, heap_peak / 1024, heap / 1024, rss0, rss_peak, rss,
	       v->internal->procs.nbuckets);
	ASSERT_MSG(heap <= heap0 + SLACK, "%d children: the library holds %zu KiB after "
		   "the fall, %zu before", k, heap / 1024, heap0 / 1024);
	ASSERT_EQ(v->internal->procs.nbuckets, 256);
#ifndef ASAN
	ASSERT_MSG(rss_peak - rss0 >= 4096, "the peak took only %ld KiB", rss_peak - rss0);
	ASSERT_MSG(rss - rss0 <= (rss_peak - rss0) / 4, "%d children: RSS %ld KiB after the "
		   "fall, %ld before, %ld at the peak", k, rss, rss0, rss_peak);
#endif
}

TEST(memory_follows_the_processes_alive)
{
	vmon_proc_t *self;
	size_t heap0;
	long rss0;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, WANTS));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	sample(&v, 3);
	heap0 = lib_heap(&v);
	rss0 = rss_kib();
	peak(&v, self, 600, heap0, rss0);
	peak(&v, self, 1800, heap0, rss0);
	vmon_proc_unmonitor(&v, self, NULL, NULL);
	vmon_destroy(&v);
	ASSERT_EQ(vmon_test_heap_bytes(), 0);	/* and nothing leaks */
}
