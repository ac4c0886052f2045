/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_list_bitmap.c - one small test per operation of the public list.h
 * and bitmap.h (in the manner of the kernel's lib/list-test.c), and the
 * library's bitmap helpers.
 */
#include <string.h>

#include "internal.h"
#include "test.h"

/* ---- list.h ---- */

struct item {
	int v;
	list_head_t node;
};

/* the values of a list in order, as digits ("123"), checking prev links */
static const char *order(list_head_t *head)
{
	static char s[32];
	list_head_t *pos;
	int n = 0;

	list_for_each(pos, head) {
		ASSERT(pos->next->prev == pos);
		s[n++] = '0' + list_entry(pos, struct item, node)->v;
	}
	ASSERT(head->prev->next == head);
	s[n] = '\0';
	return s;
}

#define ITEMS(a) struct item a[6]; for (int _i = 0; _i < 6; _i++) a[_i].v = _i

TEST(list_init_and_empty)
{
	LIST_HEAD(h);
	list_head_t g = { NULL, NULL };

	ASSERT(list_empty(&h));
	ASSERT(h.next == &h && h.prev == &h);
	INIT_LIST_HEAD(&g);
	ASSERT(list_empty(&g));
	ASSERT_STREQ(order(&h), "");
}

TEST(list_add_is_stack_order)
{
	LIST_HEAD(h);
	ITEMS(it);

	list_add(&it[1].node, &h);
	list_add(&it[2].node, &h);
	list_add(&it[3].node, &h);
	ASSERT(!list_empty(&h));
	ASSERT_STREQ(order(&h), "321");
}

TEST(list_add_tail_is_queue_order)
{
	LIST_HEAD(h);
	ITEMS(it);

	for (int i = 1; i <= 3; i++)
		list_add_tail(&it[i].node, &h);
	ASSERT_STREQ(order(&h), "123");
	ASSERT(list_first_entry(&h, struct item, node) == &it[1]);
}

TEST(list_del_unlinks_and_reinits)
{
	LIST_HEAD(h);
	ITEMS(it);

	for (int i = 1; i <= 3; i++)
		list_add_tail(&it[i].node, &h);
	list_del(&it[2].node);
	ASSERT_STREQ(order(&h), "13");
	ASSERT(list_empty(&it[2].node));
	list_del(&it[2].node);		/* a second del is harmless */
	ASSERT_STREQ(order(&h), "13");
	list_del(&it[1].node);
	list_del(&it[3].node);
	ASSERT(list_empty(&h));
}

TEST(list_move_and_move_tail)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	ITEMS(it);

	for (int i = 1; i <= 3; i++)
		list_add_tail(&it[i].node, &a);
	list_add_tail(&it[4].node, &b);
	list_move(&it[2].node, &b);
	ASSERT_STREQ(order(&a), "13");
	ASSERT_STREQ(order(&b), "24");
	list_move_tail(&it[1].node, &b);
	ASSERT_STREQ(order(&a), "3");
	ASSERT_STREQ(order(&b), "241");
	list_move_tail(&it[2].node, &b);	/* within the same list */
	ASSERT_STREQ(order(&b), "412");
}

TEST(list_splice_init_moves_all)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	ITEMS(it);

	list_splice_init(&a, &b);	/* empty into empty */
	ASSERT(list_empty(&a) && list_empty(&b));
	list_add_tail(&it[1].node, &a);
	list_add_tail(&it[2].node, &a);
	list_add_tail(&it[3].node, &b);
	list_splice_init(&a, &b);	/* before b's first entry */
	ASSERT(list_empty(&a));
	ASSERT_STREQ(order(&b), "123");
	list_splice_init(&b, &a);	/* into an empty list */
	ASSERT(list_empty(&b));
	ASSERT_STREQ(order(&a), "123");
}

TEST(list_for_each_safe_deletes)
{
	LIST_HEAD(h);
	ITEMS(it);
	list_head_t *pos, *n;
	int seen = 0;

	for (int i = 1; i <= 5; i++)
		list_add_tail(&it[i].node, &h);
	list_for_each_safe(pos, n, &h) {
		seen++;
		if (list_entry(pos, struct item, node)->v % 2)
			list_del(pos);
	}
	ASSERT_EQ(seen, 5);
	ASSERT_STREQ(order(&h), "24");
}

TEST(list_for_each_entry_and_safe)
{
	LIST_HEAD(h);
	ITEMS(it);
	struct item *pos, *n;
	int sum = 0, seen = 0;

	for (int i = 1; i <= 5; i++)
		list_add_tail(&it[i].node, &h);
	list_for_each_entry(pos, &h, node)
		sum = sum * 10 + pos->v;
	ASSERT_EQ(sum, 12345);
	list_for_each_entry_safe(pos, n, &h, node) {
		seen++;
		if (pos->v != 3)
			list_del(&pos->node);
	}
	ASSERT_EQ(seen, 5);
	ASSERT_STREQ(order(&h), "3");
}

/* ---- bitmap.h ---- */

TEST(bitmap_slots_and_masks)
{
	ASSERT_EQ(BITNSLOTS(0), 0);
	ASSERT_EQ(BITNSLOTS(1), 1);
	ASSERT_EQ(BITNSLOTS(CHAR_BIT), 1);
	ASSERT_EQ(BITNSLOTS(CHAR_BIT + 1), 2);
	ASSERT_EQ(BITSLOT(CHAR_BIT + 1), 1);
	ASSERT_EQ(BITMASK(CHAR_BIT + 1), 2);
	ASSERT_EQ(BITMASK(0), 1);
}

TEST(bitmap_set_test_clear)
{
	char bits[BITNSLOTS(70)];

	memset(bits, 0, sizeof(bits));
	for (int b = 0; b < 70; b += 3)
		BITSET(bits, b);
	for (int b = 0; b < 70; b++)
		ASSERT_EQ(!!BITTEST(bits, b), b % 3 == 0);
	BITSET(bits, 7);		/* the sign bit of a char */
	ASSERT(BITTEST(bits, 7));
	BITCLEAR(bits, 7);
	BITCLEAR(bits, 69);
	ASSERT(!BITTEST(bits, 7) && !BITTEST(bits, 69));
	ASSERT(BITTEST(bits, 6) && BITTEST(bits, 66));
	BITSET(bits, 6);		/* setting twice keeps it set */
	ASSERT(BITTEST(bits, 6));
	ASSERT(vmon__bits_any(bits, 70));
	memset(bits, 0, sizeof(bits));
	BITSET(bits, 69);
	ASSERT(!vmon__bits_any(bits, 69));
	ASSERT(vmon__bits_any(bits, 70));
	vmon__bits_fill(bits, 13);
	for (int b = 0; b < 70; b++)
		ASSERT_EQ(!!BITTEST(bits, b), b < 13 || b == 69);
}
