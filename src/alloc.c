/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * alloc.c - the library's allocator wrappers.  They exist so that a test
 * build can fail the Nth allocation (vmon__fault(VMON__FAULT_ALLOC)) and
 * prove every caller copes: a library must never abort or leak on ENOMEM.
 * A test build also counts the heap the library holds
 * (vmon_test_heap_bytes()), so that a test can bound it apart from its
 * own allocations.
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

#ifdef VMON_TESTING
/* counted by malloc's own size of each block (its usable size), so that a
 * free needs no table to know what it gives back; atomic, as instances may
 * sample in several threads */
static atomic_size_t heap_bytes;

static size_t held(void *p)
{
	return p ? malloc_usable_size(p) : 0;
}

static void count(size_t add, size_t sub)
{
	atomic_fetch_add_explicit(&heap_bytes, add - sub, memory_order_relaxed);
}

size_t vmon_test_heap_bytes(void)
{
	return atomic_load_explicit(&heap_bytes, memory_order_relaxed);
}
#else
static inline size_t held(void *p)
{
	(void)p;
	return 0;
}

static inline void count(size_t add, size_t sub)
{
	(void)add;
	(void)sub;
}
#endif

void *vmon__malloc(size_t size)
{
	void *p;

	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(size);
	count(held(p), 0);
	return p;
}

void *vmon__calloc(size_t nmemb, size_t size)
{
	void *p;

	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	p = calloc(nmemb, size);
	count(held(p), 0);
	return p;
}

void *vmon__realloc(void *ptr, size_t size)
{
	size_t was = held(ptr);
	void *p;

	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	p = realloc(ptr, size);
	if (p)			/* else ptr is untouched */
		count(held(p), was);
	return p;
}

/* For a thread of the library's own (the NETLINK exec catcher): counted,
 * never failed, as the failures are counted in the sampling thread. */
void *vmon__malloc_unfaulted(size_t size)
{
	void *p = malloc(size);

	count(held(p), 0);
	return p;
}

void *vmon__realloc_unfaulted(void *ptr, size_t size)
{
	size_t was = held(ptr);
	void *p = realloc(ptr, size);

	if (p)
		count(held(p), was);
	return p;
}

void vmon__free(void *ptr)
{
	count(0, held(ptr));
	free(ptr);
}
int vmon__grow(void **ptr, size_t *alloc, size_t need, size_t elem_size)
{
	size_t n = *alloc ? *alloc : 8;
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem_size)
			return -ENOMEM;
		n *= 2;
	}
	p = vmon__realloc(*ptr, n * elem_size);
	if (!p)
		return -ENOMEM;
	*ptr = p;
	*alloc = n;
	return 0;
}
