/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * alloc.c - the library's allocator wrappers.  They exist so that a test
 * build can fail the Nth allocation (vmon__fault(VMON__FAULT_ALLOC)) and
 * prove every caller copes: a library must never abort or leak on ENOMEM.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

void *vmon__malloc(size_t size)
{
	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc(size);
}

void *vmon__calloc(size_t nmemb, size_t size)
{
	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return calloc(nmemb, size);
}

void *vmon__realloc(void *ptr, size_t size)
{
	if (vmon__fault(VMON__FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, size);
}

void vmon__free(void *ptr)
{
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
