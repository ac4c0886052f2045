/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list_first.c - a program that includes its own copy of list.h (guard
 * __LIST_H) before the library's header, the other order from
 * charts_style.c: the library's list.h is then skipped, and both the
 * program's lists and the library's trees must work with the program's
 * copy.  It keeps a list of its own with every operation of list.h, and
 * walks the children the library follows of itself, forwards and back.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "list.h"
#include "libvmon/vmon.h"

struct item {
	int v;
	list_head_t node;
};

static int failed;

#define CHECK(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "list_first: FAIL: %s\n", what); \
		failed = 1; \
	} \
} while (0)

/* the values of a list, forwards and backwards, as digits */
static void order(list_head_t *head, char *fwd, char *back)
{
	struct item *it;
	list_head_t *pos;

	list_for_each_entry(it, head, node)
		*fwd++ = '0' + it->v;
	*fwd = '\0';
	list_for_each_prev(pos, head)
		*back++ = '0' + list_entry(pos, struct item, node)->v;
	*back = '\0';
}

static void own_lists(void)
{
	struct item it[6], *p, *n;
	char f[8], b[8];
	LIST_HEAD(a);
	list_head_t other;

	INIT_LIST_HEAD(&other);
	for (int i = 0; i < 6; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, i < 3 ? &a : &other);
	}
	list_splice(&other, &a);	/* 3 4 5 0 1 2 */
	order(&a, f, b);
	CHECK(!strcmp(f, "345012") && !strcmp(b, "210543"), "list_splice");
	list_del_init(&it[4].node);
	CHECK(list_empty(&it[4].node), "list_del_init");
	list_move(&it[2].node, &a);
	list_move_tail(&it[3].node, &a);
	order(&a, f, b);
	CHECK(!strcmp(f, "25013"), "list_move, list_move_tail");
	list_for_each_entry_safe(p, n, &a, node)
		if (p->v % 2)
			list_del(&p->node);
	order(&a, f, b);
	CHECK(!strcmp(f, "20"), "list_for_each_entry_safe, list_del");
	list_for_each_entry_prev(p, &a, node)
		p->v += 1;
	order(&a, f, b);
	CHECK(!strcmp(f, "31"), "list_for_each_entry_prev");
}

int main(void)
{
	vmon_proc_t *self, *child;
	int kids[2], found = 0, back = 0;
	vmon_t vmon;

	own_lists();
	fflush(NULL);
	for (int i = 0; i < 2; i++)
		if ((kids[i] = fork()) == 0) {
			pause();
			_exit(0);
		}
	CHECK(vmon_init(&vmon, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN), "vmon_init");
	self = vmon_proc_monitor(&vmon, getpid(), 0, NULL, NULL);
	CHECK(self && vmon_sample(&vmon), "vmon_sample");
	list_for_each_entry(child, &self->children, siblings)
		found += child->pid == kids[0] || child->pid == kids[1];
	list_for_each_entry_prev(child, &self->children, siblings)
		back += child->pid == kids[0] || child->pid == kids[1];
	CHECK(found == 2 && back == 2, "the followed children, both ways");
	vmon_destroy(&vmon);
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	if (!failed)
		printf("list_first: ok\n");
	return failed;
}
