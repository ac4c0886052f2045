/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check.c - vmon__check(), the whole-instance invariant checker (SQLite's
 * assert_pager_state() for libvmon).  It walks the tree, the pid hashes,
 * the process array, the stale list, the descriptor lists and the shared
 * file objects, and checks what must hold between two public calls:
 *
 *  - every child's and thread's parent points back, threads sit only on
 *    threads lists, nothing doomed, moved or orphaned is left over;
 *  - the pid hashes hold exactly the live nodes, each under its own pid;
 *  - a node's references cover the library's own holds, and a followed
 *    node (not top-level) is held by its follower;
 *  - no node stays stale for more than one sample: a stale node only the
 *    library holds is on the stale list, which the next sample empties; a
 *    stale node the caller still holds stays (until its last unmonitor, by
 *    design) but no longer carries a library hold;
 *  - no live node shows data older than the last sample;
 *  - the PROC_ARRAY array holds exactly the nodes, and its free-slot stack
 *    exactly the empty slots;
 *  - each descriptor list is in fd order and counted right, a files
 *    store's references equal the nodes sharing it (a process and its
 *    threads), and every shared object's reference count equals the
 *    descriptors holding it;
 *  - stores are allocated exactly where stores_mask says, and the character
 *    data and argv of the stat store are consistent.
 *
 * It is compiled into every build but only called by tests: VMON_TESTING
 * builds run it at the end of every vmon_sample() and abort() on a
 * violation.  It allocates nothing through the library's allocator, so
 * allocation-failure sweeps are not disturbed by it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifdef VMON_TESTING
/* checks passed in this process (the stress test and sweeps report it) */
static unsigned long checks_passed;
#endif

/* what the walk of the tree counted */
struct walk {
	vmon_t *vmon;
	long procs, threads, nodes;	/* live processes, live threads, all */
	long fd_objects;		/* descriptors pointing at a shared object */
	long stale_listed;		/* nodes found on the stale list */
};

int vmon__check_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vmon__check: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EUCLEAN;
}

int vmon__check_chars(const vmon_char_array_t *ca, int pid, const char *what)
{
	char who[32] = "";

	if (pid > 0)
		snprintf(who, sizeof(who), "pid %d: ", pid);
	if (!ca->array)
		CHECK(ca->len == 0, "%s%s has no bytes but len %zu", who, what, ca->len);
	else
		CHECK(ca->len < ca->alloc_len && ca->array[ca->len] == '\0',
		      "%s%s len %zu, alloc_len %zu or no NUL", who, what, ca->len, ca->alloc_len);
	return 0;
}

static int check_proc_stat(const vmon_proc_stat_t *st, int pid)
{
	int err;

	CHECK(!st->comm.len || (st->comm.array && st->comm.array[st->comm.len - 1] == '\0'),
	      "pid %d: comm's len does not count its NUL", pid);
	if ((err = vmon__check_chars(&st->comm, pid, "comm")) < 0 ||
	    (err = vmon__check_chars(&st->cmdline, pid, "cmdline")) < 0 ||
	    (err = vmon__check_chars(&st->exe, pid, "exe")) < 0 ||
	    (err = vmon__check_chars(&st->wchan, pid, "wchan")) < 0)
		return err;
	CHECK(st->argc >= 0, "pid %d: argc %d", pid, st->argc);
	if (!st->argv)
		return 0;
	CHECK(st->argv[st->argc] == NULL, "pid %d: argv[argc] is not NULL", pid);
	for (int i = 0; i < st->argc; i++)
		CHECK(st->cmdline.array && st->argv[i] >= st->cmdline.array &&
		      st->argv[i] <= st->cmdline.array + st->cmdline.len,
		      "pid %d: argv[%d] points outside cmdline", pid, i);
	return 0;
}

/* The first node holding files store f in walk order: the process owner
 * itself, or one of its threads (threads share their process's store). */
static const vmon_proc_t *files_first_holder(const vmon_proc_t *owner,
					     const vmon_proc_files_t *f, int *holders)
{
	const vmon_proc_t *first = owner->stores[VMON_STORE_PROC_FILES] == f ? owner : NULL, *t;

	*holders = first != NULL;
	list_for_each_entry(t, &owner->threads, threads) {
		if (t->stores[VMON_STORE_PROC_FILES] != f)
			continue;
		if (!first)
			first = t;
		(*holders)++;
	}
	return first;
}

/* The descriptor list: fd order, count, owner, object links (closed
 * descriptors, kept one sample as is_stale, hold no object and are not
 * counted in fds_nr), and the store's references: one per node sharing
 * it.  A shared store is checked once, at its first holder. */
static int check_files(struct walk *w, const vmon_proc_t *proc, const vmon_proc_files_t *f)
{
	const vmon_proc_t *owner = proc->is_thread && proc->parent ? proc->parent : proc;
	const vmon_proc_fd_t *fd;
	int nr = 0, last = -1, holders;

	if (files_first_holder(owner, f, &holders) != proc)
		return 0;
	list_for_each_entry(fd, &f->fds, fds) {
		CHECK(fd->fdnum > last, "pid %d: fd %d after fd %d", proc->pid, fd->fdnum, last);
		CHECK(fd->process == owner, "pid %d: fd %d belongs to another node",
		      proc->pid, fd->fdnum);
		CHECK(!fd->is_stale || !fd->object, "pid %d: closed fd %d holds an object",
		      proc->pid, fd->fdnum);
		if (fd->object) {
			CHECK(fd->object->refcnt > 0 && !list_empty(&fd->ref_fds),
			      "pid %d: fd %d not among its object's holders", proc->pid, fd->fdnum);
			w->fd_objects++;
		}
		last = fd->fdnum;
		nr += !fd->is_stale;
	}
	CHECK(nr == f->fds_nr, "pid %d: %d fds listed, fds_nr %d", proc->pid, nr, f->fds_nr);
	CHECK(f->refcnt == holders, "pid %d: files store refcnt %d, %d nodes hold it",
	      proc->pid, f->refcnt, holders);
	return 0;
}

static int check_stores(struct walk *w, const vmon_proc_t *proc)
{
	const struct vmon__node *node = vmon__node((vmon_proc_t *)proc);
	int err;

	for (int i = 0; i < VMON_STORE_PROC_NR; i++)
		CHECK(!proc->stores[i] == !(node->stores_mask & (1u << i)),
		      "pid %d: store %d %s but stores_mask says otherwise", proc->pid, i,
		      proc->stores[i] ? "allocated" : "missing");
	if (proc->is_thread)
		CHECK(!proc->stores[VMON_STORE_PROC_FOLLOW_CHILDREN] &&
		      !proc->stores[VMON_STORE_PROC_FOLLOW_THREADS],
		      "thread %d has a follow store", proc->pid);
	if (proc->is_thread && proc->parent && proc->stores[VMON_STORE_PROC_FILES])
		CHECK(!proc->parent->stores[VMON_STORE_PROC_FILES] ||
		      proc->parent->stores[VMON_STORE_PROC_FILES] == proc->stores[VMON_STORE_PROC_FILES],
		      "thread %d has a files store of its own", proc->pid);
	if (proc->stores[VMON_STORE_PROC_STAT] &&
	    (err = check_proc_stat(proc->stores[VMON_STORE_PROC_STAT], proc->pid)) < 0)
		return err;
	if (proc->stores[VMON_STORE_PROC_FILES] &&
	    (err = check_files(w, proc, proc->stores[VMON_STORE_PROC_FILES])) < 0)
		return err;
	return vmon__check_stores_proc(proc);	/* check_stores.c */
}

/* Staleness: a stale node goes at the next sample unless the caller
 * holds it; then it no longer counts as followed or held by PROC_ALL. */
static int check_stale(struct walk *w, const struct vmon__node *node)
{
	const vmon_proc_t *proc = &node->proc;
	int lib = vmon__node_library_refs(node);
	/* the doomed list is empty here, so a linked stale_node is on the
	 * stale list */
	bool listed = !list_empty(&node->stale_node);

	if (!proc->is_stale) {
		CHECK(!listed, "live pid %d on the stale list", proc->pid);
		return 0;
	}
	w->stale_listed += listed;
	if (listed)
		CHECK(lib > 0, "stale pid %d on the stale list without a library hold", proc->pid);
	else
		CHECK(lib == 0 && proc->refcnt > 0,
		      "stale pid %d (refcnt %d, library holds %d) is not on the stale list: "
		      "it would stay stale for more than one sample", proc->pid, proc->refcnt, lib);
	return 0;
}

static int check_node(struct walk *w, vmon_proc_t *proc, vmon_proc_t *parent)
{
	const struct vmon__node *node = vmon__node(proc);
	struct vmon_internal *in = w->vmon->internal;
	const struct vmon__pidhash *h = proc->is_thread ? &in->threads : &in->procs;
	int lib = vmon__node_library_refs(node), err;

	CHECK(proc->parent == parent, "pid %d: parent %d, expected %d", proc->pid,
	      proc->parent ? proc->parent->pid : 0, parent ? parent->pid : 0);
	CHECK(proc->refcnt > 0 && proc->refcnt >= lib,
	      "pid %d: refcnt %d with %d library holds", proc->pid, proc->refcnt, lib);
	CHECK(!node->doomed, "pid %d: doomed but still in the tree", proc->pid);
	CHECK(!node->move_to && list_empty(&node->move_node),
	      "pid %d: an adoption left pending", proc->pid);
	if (parent && !proc->is_stale)
		CHECK(node->held_by_follow, "live pid %d under %d without a follow hold",
		      proc->pid, parent->pid);
	if (!parent)
		CHECK(!node->held_by_follow, "top-level pid %d held as followed", proc->pid);
	if (proc->is_thread && parent && parent->is_stale)
		CHECK(proc->is_stale, "live thread %d of stale process %d", proc->pid, parent->pid);
	CHECK(node->in_hash == !proc->is_stale, "pid %d: in_hash %d but is_stale %d",
	      proc->pid, node->in_hash, proc->is_stale);
	if (!proc->is_stale) {
		CHECK(vmon__pidhash_find(h, proc->pid) == proc,
		      "live %s %d not found in the hash", proc->is_thread ? "thread" : "pid",
		      proc->pid);
		/* a born-gone node's figures are its events', not a sample's
		 * (one a sample found gone as it first read it keeps that
		 * sample's generation) */
		CHECK(proc->generation == 0 || node->born_gone ||
		      proc->generation == w->vmon->generation,
		      "live pid %d last sampled at %d, now %d: stale data shown as current",
		      proc->pid, proc->generation, w->vmon->generation);
		if (proc->is_thread)
			w->threads++;
		else
			w->procs++;
	}
	if ((err = check_stale(w, node)) < 0 || (err = check_stores(w, proc)) < 0)
		return err;
	if (w->vmon->flags & VMON_FLAG_PROC_ARRAY)
		CHECK(proc->array_hint_pos >= 0 &&
		      proc->array_hint_pos < w->vmon->array_allocated_nr &&
		      w->vmon->array[proc->array_hint_pos] == proc,
		      "pid %d not at its array slot %d", proc->pid, proc->array_hint_pos);
	w->nodes++;
	return 0;
}

static int walk_siblings(struct walk *w, list_head_t *siblings, vmon_proc_t *parent)
{
	vmon_proc_t *proc, *thread;
	int err;

	list_for_each_entry(proc, siblings, siblings) {
		CHECK(!proc->is_thread, "thread %d on a children list", proc->pid);
		if ((err = check_node(w, proc, parent)) < 0)
			return err;
		list_for_each_entry(thread, &proc->threads, threads) {
			CHECK(thread->is_thread, "process %d on the threads list of %d",
			      thread->pid, proc->pid);
			CHECK(proc->is_threaded, "pid %d has threads but not is_threaded", proc->pid);
			CHECK(list_empty(&thread->children), "thread %d has children", thread->pid);
			if ((err = check_node(w, thread, proc)) < 0)
				return err;
		}
		if ((err = walk_siblings(w, &proc->children, proc)) < 0)
			return err;
	}
	return 0;
}

/* Every hash entry is live, unique and in the bucket of its pid. */
static int check_hash(const struct vmon__pidhash *h, bool threads, long live)
{
	size_t count = 0;

	CHECK(h->nbuckets && !(h->nbuckets & (h->nbuckets - 1)),
	      "%s hash: %zu buckets", threads ? "thread" : "pid", h->nbuckets);
	for (size_t i = 0; i < h->nbuckets; i++) {
		vmon_proc_t *p;

		list_for_each_entry(p, &h->buckets[i], bucket) {
			CHECK(!p->is_stale && p->is_thread == threads,
			      "%s hash holds %s %s %d", threads ? "thread" : "pid",
			      p->is_stale ? "stale" : "live", p->is_thread ? "thread" : "process",
			      p->pid);
			CHECK(vmon__pidhash_find(h, p->pid) == p,
			      "%s hash: %d twice, or in the wrong bucket",
			      threads ? "thread" : "pid", p->pid);
			count++;
		}
	}
	CHECK(count == h->count && (long)count == live,
	      "%s hash: %zu entries, count %zu, %ld live nodes in the tree",
	      threads ? "thread" : "pid", count, h->count, live);
	return 0;
}

/* The array holds exactly the nodes; the free stack exactly its holes. */
static int check_array(vmon_t *vmon, long nodes)
{
	struct vmon_internal *in = vmon->internal;
	char *mark;
	int n = 0;

	if (!(vmon->flags & VMON_FLAG_PROC_ARRAY)) {
		CHECK(!vmon->array_active_nr, "array_active_nr %d without PROC_ARRAY",
		      vmon->array_active_nr);
		return 0;
	}
	for (int i = 0; i < vmon->array_allocated_nr; i++)
		n += vmon->array[i] != NULL;
	CHECK(n == vmon->array_active_nr && n == nodes,
	      "array: %d entries, array_active_nr %d, %ld nodes in the tree", n,
	      vmon->array_active_nr, nodes);
	CHECK(in->array_free_nr == vmon->array_allocated_nr - n,
	      "array: %d free slots stacked, %d empty", in->array_free_nr,
	      vmon->array_allocated_nr - n);
	CHECK(vmon->array_hint_free ==
	      (in->array_free_nr ? in->array_free[in->array_free_nr - 1] : -1),
	      "array_hint_free %d is not the next free slot", vmon->array_hint_free);
	mark = calloc(vmon->array_allocated_nr + 1, 1);
	if (!mark)	/* the rest needs scratch memory; skip it then */
		return 0;
	for (int i = 0; i < in->array_free_nr; i++) {
		int pos = in->array_free[i];

		if (pos < 0 || pos >= vmon->array_allocated_nr || vmon->array[pos] || mark[pos]) {
			free(mark);
			return vmon__check_fail("array: free slot %d is out of range, used or stacked twice", pos);
		}
		mark[pos] = 1;
	}
	free(mark);
	return 0;
}

/* Every object's count equals its holders, and all holders are known. */
static int check_fobjects(vmon_t *vmon, long fd_objects)
{
	const struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	vmon_fobject_t *obj;
	long objects = 0, refs = 0;
	size_t chained = 0;

	list_for_each_entry(obj, &vmon->fobjects, bucket) {
		vmon_proc_fd_t *fd;
		int holders = 0;

		list_for_each_entry(fd, &obj->ref_fds, ref_fds) {
			CHECK(fd->object == obj, "object %s: a holder points elsewhere",
			      obj->name.array);
			holders++;
		}
		CHECK(holders == obj->refcnt && holders > 0,
		      "object %s: refcnt %d, %d holders", obj->name.array, obj->refcnt, holders);
		CHECK(obj->type > VMON_FOBJECT_TYPE_UNRECOGNIZED && obj->type < VMON_FOBJECT_TYPE_NR,
		      "object %s: type %d", obj->name.array, obj->type);
		CHECK((obj->type == VMON_FOBJECT_TYPE_ANON) == (obj->match != VMON_FOBJECT_MATCH_INODE),
		      "object %s: matched by %d", obj->name.array, obj->match);
		CHECK(obj->match != VMON_FOBJECT_MATCH_NONE || holders == 1,
		      "object %s: %d holders, none of them compared", obj->name.array, holders);
		refs += holders;
		objects++;
	}
	for (size_t i = 0; i < t->nbuckets; i++)
		for (const list_head_t *p = t->buckets[i].next; p != &t->buckets[i]; p = p->next)
			chained++;
	CHECK(objects == vmon->fobjects_nr && (size_t)objects == t->count && chained == t->count,
	      "objects: %ld listed, fobjects_nr %d, hash count %zu, %zu chained", objects,
	      vmon->fobjects_nr, t->count, chained);
	CHECK(refs == fd_objects, "objects: %ld references, %ld descriptors in the tree hold one",
	      refs, fd_objects);
	return vmon__fobject_check_order(vmon);
}

/* The stale list holds stale nodes of the tree only. */
static int check_stale_list(vmon_t *vmon, long in_tree)
{
	struct vmon__node *node;
	long n = 0;

	list_for_each_entry(node, &vmon->internal->stale, stale_node) {
		CHECK(node->proc.is_stale && !node->doomed,
		      "pid %d on the stale list but %s", node->proc.pid,
		      node->doomed ? "doomed" : "live");
		n++;
	}
	CHECK(n == in_tree, "%ld nodes on the stale list, %ld of them in the tree", n, in_tree);
	return 0;
}

static int check_sys(vmon_t *vmon)
{
	for (int i = 0; i < VMON_STORE_SYS_NR; i++)
		CHECK(!vmon->stores[i] || (vmon->sys_wants & (1u << i)),
		      "system store %d allocated but not wanted", i);
	if (vmon->stores[VMON_STORE_SYS_STAT]) {
		const vmon_sys_stat_t *st = vmon->stores[VMON_STORE_SYS_STAT];

		CHECK(st->cpus_nr >= 0 && !st->cpus == !st->cpus_nr,
		      "sys stat: %d cpus, rows %p", st->cpus_nr, (void *)st->cpus);
	}
	return vmon__check_stores_sys(vmon);	/* check_stores.c */
}

int vmon__check(vmon_t *vmon)
{
	struct walk w = { .vmon = vmon };
	struct vmon_internal *in;
	int err;

	CHECK(vmon && (in = vmon->internal), "not an initialised instance");
	CHECK(!in->in_sample, "checked inside vmon_sample()");
	CHECK(list_empty(&vmon->orphans), "orphans left over");
	CHECK(list_empty(&in->doomed), "doomed nodes left over");
	CHECK(list_empty(&in->moves), "adoptions left over");
	if ((err = walk_siblings(&w, &vmon->processes, NULL)) < 0 ||
	    (err = check_hash(&in->procs, false, w.procs)) < 0 ||
	    (err = check_hash(&in->threads, true, w.threads)) < 0 ||
	    (err = check_stale_list(vmon, w.stale_listed)) < 0 ||
	    (err = check_array(vmon, w.nodes)) < 0 ||
	    (err = check_fobjects(vmon, w.fd_objects)) < 0 ||
	    (err = check_sys(vmon)) < 0)
		return err;
#ifdef VMON_TESTING
	__atomic_fetch_add(&checks_passed, 1, __ATOMIC_RELAXED);
#endif
	return 0;
}

#ifdef VMON_TESTING
unsigned long vmon_test_checks_passed(void)
{
	return __atomic_load_n(&checks_passed, __ATOMIC_RELAXED);
}
#endif
