/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz.h - what the fuzz targets (fuzz/fuzz_<store>.c) share: the
 * libFuzzer entry point's prototype and FUZZ_CHECK(), which aborts with a
 * message when a property of a parser's result does not hold, so that the
 * fuzzer keeps the input as a crash just as it keeps a memory error.
 *
 * A target feeds one pure parser (internal.h) the input as a document,
 * checks what the result must satisfy, feeds it the same bytes again (a
 * parser must report no change for identical input), then a second
 * document (the input's second half) into the same store, so the paths
 * that update and grow a store run too, and frees what the store holds:
 * nothing may leak from one input to the next.
 */
#ifndef VMON_FUZZ_H
#define VMON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The second document of an input: its second half. */
#define FUZZ_TAIL(data, size) ((const char *)(data) + (size) / 2)
#define FUZZ_TAIL_LEN(size) ((size) - (size) / 2)

#endif
