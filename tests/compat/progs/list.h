/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list.h - the kind of list.h the original libvmon's programs carry as a
 * file of their own (vwm does): the Linux kernel's intrusive list, guarded
 * by __LIST_H like theirs.  Written here for the compatibility programs;
 * whichever of this and <libvmon/list.h> a program includes first is the
 * one it gets, and both must serve it.
 */
#ifndef __LIST_H
#define __LIST_H

typedef struct list_head {
	struct list_head *next, *prev;
} list_head_t;

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
#define INIT_LIST_HEAD(ptr) do { (ptr)->next = (ptr); (ptr)->prev = (ptr); } while (0)

static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	prev->next = next;
}

static inline void list_del(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
	entry->next = entry->prev = 0;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
	INIT_LIST_HEAD(entry);
}

static inline void list_move(struct list_head *entry, struct list_head *head)
{
	__list_del(entry->prev, entry->next);
	list_add(entry, head);
}

static inline void list_move_tail(struct list_head *entry, struct list_head *head)
{
	__list_del(entry->prev, entry->next);
	list_add_tail(entry, head);
}

static inline int list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline void __list_splice(struct list_head *from, struct list_head *head)
{
	struct list_head *first = from->next, *last = from->prev, *at = head->next;

	first->prev = head;
	head->next = first;
	last->next = at;
	at->prev = last;
}

static inline void list_splice(struct list_head *from, struct list_head *head)
{
	if (!list_empty(from))
		__list_splice(from, head);
}

static inline void list_splice_init(struct list_head *from, struct list_head *head)
{
	if (!list_empty(from)) {
		__list_splice(from, head);
		INIT_LIST_HEAD(from);
	}
}

#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr) - (unsigned long)(&((type *)0)->member)))
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_prev(pos, head) \
	for (pos = (head)->prev; pos != (head); pos = pos->prev)
#define list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
#define list_for_each_entry(pos, head, member) \
	for (pos = list_entry((head)->next, typeof(*pos), member); &pos->member != (head); \
	     pos = list_entry(pos->member.next, typeof(*pos), member))
#define list_for_each_entry_prev(pos, head, member) \
	for (pos = list_entry((head)->prev, typeof(*pos), member); &pos->member != (head); \
	     pos = list_entry(pos->member.prev, typeof(*pos), member))
#define list_for_each_entry_safe(pos, n, head, member) \
	for (pos = list_entry((head)->next, typeof(*pos), member), \
	     n = list_entry(pos->member.next, typeof(*pos), member); &pos->member != (head); \
	     pos = n, n = list_entry(n->member.next, typeof(*n), member))

#endif
