/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list.h - a circular doubly linked intrusive list, in the style of the Linux
 * kernel's include/linux/list.h.  A list_head_t is embedded in each object;
 * list_entry() recovers the object from its node.  Deleted nodes are left
 * pointing at themselves so a second list_del() is harmless.
 *
 * Programs written for the original libvmon ship their own copy of the
 * kernel-style list.h and often include it after <vmon/vmon.h>.  The guard
 * is therefore the original's, __LIST_H, and every name of the original
 * is here with the same meaning, so whichever copy comes first serves
 * both (docs/compat.md).
 */
#ifndef __LIST_H
#define __LIST_H

#include <stddef.h>

typedef struct list_head {
	struct list_head *next, *prev;
} list_head_t;

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) list_head_t name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(list_head_t *head)
{
	head->next = head;
	head->prev = head;
}

static inline void __list_add(list_head_t *new, list_head_t *prev, list_head_t *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

/* list_add - insert new right after head (stack order) */
static inline void list_add(list_head_t *new, list_head_t *head)
{
	__list_add(new, head, head->next);
}

/* list_add_tail - insert new right before head (queue order) */
static inline void list_add_tail(list_head_t *new, list_head_t *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del(list_head_t *prev, list_head_t *next)
{
	next->prev = prev;
	prev->next = next;
}

/* list_del - unlink entry; it is reinitialised so list_empty(entry) is true */
static inline void list_del(list_head_t *entry)
{
	__list_del(entry->prev, entry->next);
	INIT_LIST_HEAD(entry);
}

/* list_del_init - unlink entry and leave it an empty list of its own (what
 * list_del() also does here; kept for the original's callers) */
static inline void list_del_init(list_head_t *entry)
{
	__list_del(entry->prev, entry->next);
	INIT_LIST_HEAD(entry);
}

/* list_move - unlink entry and add it after head */
static inline void list_move(list_head_t *entry, list_head_t *head)
{
	__list_del(entry->prev, entry->next);
	list_add(entry, head);
}

/* list_move_tail - unlink entry and add it before head */
static inline void list_move_tail(list_head_t *entry, list_head_t *head)
{
	__list_del(entry->prev, entry->next);
	list_add_tail(entry, head);
}

/* list_empty - true when head has no entries (or entry is unlinked) */
static inline int list_empty(const list_head_t *head)
{
	return head->next == head;
}

/* __list_splice - link the entries of the non-empty list in right after
 * head; list itself is left pointing at them */
static inline void __list_splice(list_head_t *list, list_head_t *head)
{
	list_head_t *first = list->next, *last = list->prev, *at = head->next;

	first->prev = head;
	head->next = first;
	last->next = at;
	at->prev = last;
}

/* list_splice - move every entry of list in front of head's first entry;
 * list must be reinitialised before it is used again */
static inline void list_splice(list_head_t *list, list_head_t *head)
{
	if (!list_empty(list))
		__list_splice(list, head);
}

/* list_splice_init - as list_splice(), leaving list empty */
static inline void list_splice_init(list_head_t *list, list_head_t *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head);
		INIT_LIST_HEAD(list);
	}
}

#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_prev(pos, head) \
	for ((pos) = (head)->prev; (pos) != (head); (pos) = (pos)->prev)

#define list_for_each_safe(pos, n, head) \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); \
	     (pos) = (n), (n) = (pos)->next)

#define list_for_each_entry(pos, head, member) \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member); \
	     &(pos)->member != (head); \
	     (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member))

#define list_for_each_entry_prev(pos, head, member) \
	for ((pos) = list_entry((head)->prev, __typeof__(*(pos)), member); \
	     &(pos)->member != (head); \
	     (pos) = list_entry((pos)->member.prev, __typeof__(*(pos)), member))

#define list_for_each_entry_safe(pos, n, head, member) \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member), \
	     (n) = list_entry((pos)->member.next, __typeof__(*(pos)), member); \
	     &(pos)->member != (head); \
	     (pos) = (n), (n) = list_entry((n)->member.next, __typeof__(*(n)), member))

#endif
