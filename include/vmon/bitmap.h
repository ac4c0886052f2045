/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bitmap.h - the classic char-array bitmap (comp.lang.c FAQ 20.8).  Used for
 * the per-store `changed` and `unavailable` bitmaps, indexed by the store's
 * VMON_<STORE>_<FIELD> symbols.
 */
#ifndef _BITMAP_H	/* the original's guard: its programs may carry a copy */
#define _BITMAP_H

#include <limits.h>

#define BITMASK(b) (1 << ((b) % CHAR_BIT))
#define BITSLOT(b) ((b) / CHAR_BIT)
#define BITSET(a, b) ((a)[BITSLOT(b)] |= BITMASK(b))
#define BITCLEAR(a, b) ((a)[BITSLOT(b)] &= ~BITMASK(b))
#define BITTEST(a, b) ((a)[BITSLOT(b)] & BITMASK(b))
#define BITNSLOTS(nb) (((nb) + CHAR_BIT - 1) / CHAR_BIT)

#endif
