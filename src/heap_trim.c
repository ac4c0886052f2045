/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * heap_trim.c - giving back what a peak of processes took.
 *
 * An instance's heap follows its nodes: about 10 KiB a process with most
 * wants (the node, its stores, strings and descriptors).  When the
 * processes it watches peak and fall back (a parallel build, a test that
 * spawns thousands: under VMON_FLAG_PROC_ALL, anyone's), the nodes are
 * freed but their memory stays with the process.  glibc returns only the
 * top of its heap to the kernel, and one chunk still in use above the
 * freed ones (the node of a process that outlived the peak, a table grown
 * during it) keeps all of it resident: a long-running monitor's RSS climbs
 * to the highest peak it has seen and never comes down (bench/README.md,
 * "Memory under churn").  Nothing leaks and no structure grows with the
 * processes seen, only with those alive at once.
 *
 * So when the nodes have fallen below half of their most since the last
 * trim, and by VMON__TRIM_NODES or more, then, once what they held is
 * freed (VMON__TRIM_WAIT), the pid hashes are cut to what they hold, the
 * scratch buffers (sized by the largest file or listing of the peak) are
 * let go, to be grown again by their next use, and malloc_trim(0) hands
 * every free page of the heap back to the kernel, not only its top.  That
 * happens once per fall, and once more a little later (VMON__TRIM_AGAIN),
 * never in steady churn, where the heap is reused as it is; it costs
 * about a millisecond on a heap of 15 MiB (0.1 to 10 ms on a loaded
 * machine: bench/README.md).  vmon_destroy() trims too, when the instance
 * ever held VMON__TRIM_NODES nodes.  malloc_trim() acts on the whole
 * process, as a free() that shrinks the heap does; it is glibc's, and
 * elsewhere only the tables and buffers are cut.
 */
#include <malloc.h>

#include "internal.h"

/* About 2.5 MiB of nodes: less is not worth the page faults of growing
 * the heap again. */
#define VMON__TRIM_NODES 256

/* A fall is freed over two samples.  The nodes gone are freed at the
 * start of the sample after they went stale, and with them the
 * descriptors the library held for them; but a files store that lists
 * those descriptors (VMON_WANT_PROC_FILES on the monitoring process
 * itself, as under PROC_ALL: an entry per descriptor held, 3.6 MiB at
 * 19,000) shows them closed in that sample and frees them in the next.
 * The trim waits for all of it. */
#define VMON__TRIM_WAIT 2

/* Nor does a fall end in one sample: the rest of a peak's processes end
 * over the next seconds, too few to make a fall of their own.  One more
 * trim, 100 samples later (10 s at 10 Hz), gives back what they held:
 * 1.9 MiB of RSS after one of three falls measured, 48 and 336 KiB after
 * the others; trims after that gave back 30 to 440 KiB each, pages the
 * churn touches again, and are not made. */
#define VMON__TRIM_AGAIN 100

static void buf_drop(struct vmon__buf *b)
{
	vmon__free(b->data);
	b->data = NULL;
	b->size = 0;
}

static void ids_drop(int **ids, size_t *alloc)
{
	vmon__free(*ids);
	*ids = NULL;
	*alloc = 0;
}

static size_t nodes_now(const struct vmon_internal *in)
{
	return in->procs.count + in->threads.count;
}

/* Have the nodes fallen far enough from their most to be worth a trim? */
static bool fallen(size_t most, size_t nodes)
{
	return most >= nodes + VMON__TRIM_NODES && nodes < most / 2;
}

void vmon__heap_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* Cut the tables and buffers and trim the heap. */
static void trim(struct vmon_internal *in)
{
	vmon__pidhash_fit(&in->procs);
	vmon__pidhash_fit(&in->threads);
	buf_drop(&in->buf);
	buf_drop(&in->link);
	buf_drop(&in->ident);
	ids_drop(&in->ids, &in->ids_alloc);
	ids_drop(&in->sorted, &in->sorted_alloc);
	if (in->backend.bpf)
		vmon__bpf_trim(in->backend.bpf);
	vmon__heap_trim();
}

void vmon__heap_settle(vmon_t *vmon)
{
	struct vmon_internal *in = vmon->internal;
	size_t nodes = nodes_now(in);

	if (nodes > in->nodes_most)
		in->nodes_most = nodes;
	if (nodes > in->nodes_peak)
		in->nodes_peak = nodes;
	if (in->trim_again && !--in->trim_again)
		trim(in);
	if (!in->trim_wait) {
		if (fallen(in->nodes_most, nodes))
			in->trim_wait = VMON__TRIM_WAIT;
		return;
	}
	if (--in->trim_wait)
		return;
	if (!fallen(in->nodes_most, nodes))
		return;		/* risen again meanwhile: nothing to give back */
	trim(in);
	in->nodes_most = nodes;
	in->trim_again = VMON__TRIM_AGAIN;
}

bool vmon__heap_trim_due(const vmon_t *vmon)
{
	const struct vmon_internal *in = vmon->internal;
	size_t nodes = nodes_now(in);

	/* all it ever held is freed: its most, not since the last trim (what
	 * the heap kept from a trimmed peak is given back with the rest) */
	return fallen(nodes > in->nodes_peak ? nodes : in->nodes_peak, 0);
}
