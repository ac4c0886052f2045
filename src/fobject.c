/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fobject.c - the kernel objects that monitored processes hold through
 * their descriptors and that several processes can share: pipes
 * ("pipe:[INODE]"), sockets ("socket:[INODE]") and the open files of
 * anonymous inodes ("anon_inode:NAME").  An object lives while some
 * descriptor refers to it: fobject_ctor_cb fires on the first reference and
 * fobject_dtor_cb after the last.  A socket object is joined to its row of
 * the sockets store (VMON_WANT_SYS_SOCKETS) when it is made; the sockets
 * sampler joins them all again after each read of its tables.
 *
 * Pipes and sockets are known by the inode in their link target, found by
 * (type, inode) in a hash table that doubles when full, so taking or
 * dropping a reference is O(1) amortised.
 *
 * Anon inodes are another matter: "anon_inode:[eventfd]" names a kind, and
 * every eventfd, epoll, timerfd, signalfd, inotify... of the system shares
 * one inode, so neither the target nor fstat() tells two of them apart
 * (the kinds with inodes of their own are no better: a pidfd's is its
 * process's, the same for every pidfd_open() of it; and which kinds have
 * one changes with the kernel).
 * Two descriptors hold the same object only when they hold the same open
 * file description (one was inherited, dup()ed or passed from the other).
 * What tells that:
 *
 *  - eventfd-id, in an eventfd's fdinfo: an eventfd is one open file, and
 *    the id is unique among the live ones.  Such objects are in the hash
 *    by (name, id) like pipes (VMON_FOBJECT_MATCH_FDINFO).
 *  - Nothing else in fdinfo: its other lines describe contents, not
 *    identity.  Two empty epolls, two unarmed timerfds of one clock, two
 *    signalfds of one mask print the same lines; an epoll's targets, an
 *    inotify's watches and a timer's remaining time change while it is
 *    held, so two reads of one object at two samples differ; and a pidfd's
 *    Pid, a bpf map's map_id name what the file refers to, which several
 *    open files can (pidfd_open() twice).  Equal lines would claim a false
 *    sharing, different ones miss a true one.
 *  - kcmp(2) KCMP_FILE between two holders says whether they hold the
 *    same open file, and otherwise orders the two files (by their
 *    obfuscated addresses), one order for every pair of processes.  The
 *    other anon objects are kept in that order, in a skip list searched
 *    with one kcmp() per step, so placing a new descriptor costs
 *    O(log objects) calls (VMON_FOBJECT_MATCH_KCMP).  kcmp() needs ptrace
 *    access to both processes and pids of the proc root's namespace.
 *  - Where it is refused or missing, the descriptor gets an object of its
 *    own (VMON_FOBJECT_MATCH_NONE): a sharing missed is better than one
 *    claimed falsely.
 *
 * All of this runs only when a descriptor is new or names another target
 * (sample_proc_files.c), never at every sample.  So a descriptor closed
 * and replaced between two samples by another anon file of the same name
 * at the same number keeps its object: nothing in the link tells.
 */
#include <errno.h>
#include <linux/kcmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

#define VMON__FOBJ_HASH_MIN 64
#define KCMP_TRIES 4	/* holders of one object tried before giving up on it */

struct vmon__fobject {
	vmon_fobject_t pub;	/* first */
	list_head_t chain;	/* hash chain */
	size_t hash;
	int levels;		/* levels in the kcmp order; 0 when not in it */
	struct vmon__fobject *link[];	/* 2 * levels: next and previous at each level */
};

#define NEXT(o, i) ((o)->link[2 * (i)])
#define PREV(o, i) ((o)->link[2 * (i) + 1])

static size_t hash_key(vmon_fobject_type_t type, uint64_t inum, const char *name, size_t len)
{
	size_t h = (size_t)type * 0x9e3779b97f4a7c15ull ^ (size_t)(inum * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < len; i++)	/* FNV-1a over anon inode names */
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	return h;
}

static int table_resize(struct vmon__fobj_hash *t, size_t n)
{
	list_head_t *b = vmon__calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		INIT_LIST_HEAD(&b[i]);
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct vmon__fobject *o, *tmp;

		list_for_each_entry_safe(o, tmp, &t->buckets[i], chain)
			list_move_tail(&o->chain, &b[o->hash & (n - 1)]);
	}
	vmon__free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

bool vmon__fobject_parse_target(const char *target, size_t len, vmon_fobject_type_t *type,
				uint64_t *inum)
{
	static const struct { const char *prefix; vmon_fobject_type_t type; } kinds[] = {
		{ "pipe:[", VMON_FOBJECT_TYPE_PIPE },
		{ "socket:[", VMON_FOBJECT_TYPE_SOCKET },
	};
	const char *p, *end = target + len;
	unsigned long long v;

	for (size_t i = 0; i < VMON__ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (len <= n || memcmp(target, kinds[i].prefix, n))
			continue;
		p = target + n;
		if (vmon__parse_ull(&p, end, &v) < 0 || p + 1 != end || *p != ']')
			return false;
		*type = kinds[i].type;
		*inum = v;
		return true;
	}
	if (len > 11 && !memcmp(target, "anon_inode:", 11)) {
		*type = VMON_FOBJECT_TYPE_ANON;
		*inum = 0;
		return true;
	}
	return false;
}

/* The object of (type, key[, name]) in its chain, or NULL: key is the
 * inode of a pipe or socket, the eventfd-id of an eventfd; name NULL
 * matches any name (pipes and sockets are known by inode alone).  The
 * objects told apart by kcmp() or not at all are chained too, so that
 * every object is, but never match. */
static struct vmon__fobject *lookup(const struct vmon__fobj_hash *t, size_t h,
				    vmon_fobject_type_t type, uint64_t key,
				    const char *name, size_t len)
{
	vmon_fobject_match_t match = type == VMON_FOBJECT_TYPE_ANON ?
				     VMON_FOBJECT_MATCH_FDINFO : VMON_FOBJECT_MATCH_INODE;
	struct vmon__fobject *o;

	if (!t->buckets)
		return NULL;
	list_for_each_entry(o, &t->buckets[h & (t->nbuckets - 1)], chain) {
		if (o->hash == h && o->pub.type == type && o->pub.match == match &&
		    (match == VMON_FOBJECT_MATCH_FDINFO ? o->pub.anon_id : o->pub.inum) == key &&
		    (!name || (o->pub.name.len == len && !memcmp(o->pub.name.array, name, len))))
			return o;
	}
	return NULL;
}

/* A new object named target, with one reference and room for levels in
 * the kcmp order (not linked yet), chained under hash h, or, when no
 * lookup is to find it (matched by kcmp() or not at all), under its
 * address's, which spreads such objects over the buckets; NULL on ENOMEM. */
static struct vmon__fobject *create(vmon_t *vmon, size_t h, vmon_fobject_type_t type,
				    vmon_fobject_match_t match, uint64_t key,
				    const char *target, size_t len, int levels)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	struct vmon__fobject *o = vmon__calloc(1, sizeof(*o) + 2 * levels * sizeof(o->link[0]));

	if (!o || !(o->pub.name.array = vmon__malloc(len + 1))) {
		vmon__free(o);
		return NULL;
	}
	memcpy(o->pub.name.array, target, len);
	o->pub.name.array[len] = '\0';
	o->pub.name.len = len;
	o->pub.name.alloc_len = len + 1;
	o->pub.type = type;
	o->pub.match = match;
	if (match == VMON_FOBJECT_MATCH_FDINFO)
		o->pub.anon_id = key;
	else if (match == VMON_FOBJECT_MATCH_INODE)
		o->pub.inum = key;
	o->pub.refcnt = 1;
	o->hash = match == VMON_FOBJECT_MATCH_KCMP || match == VMON_FOBJECT_MATCH_NONE ?
		  hash_key(type, (uintptr_t)o, NULL, 0) : h;
	o->levels = levels;
	INIT_LIST_HEAD(&o->pub.ref_fds);
	if (type == VMON_FOBJECT_TYPE_SOCKET)
		o->pub.socket = vmon__socket_find(vmon, key);
	if (t->count >= t->nbuckets)
		(void)table_resize(t, t->nbuckets * 2);	/* best effort */
	list_add_tail(&o->chain, &t->buckets[o->hash & (t->nbuckets - 1)]);
	list_add_tail(&o->pub.bucket, &vmon->fobjects);
	t->count++;
	vmon->fobjects_nr++;
	return o;
}

static vmon_fobject_t *made(vmon_t *vmon, struct vmon__fobject *o)
{
	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	if (vmon->fobject_ctor_cb)
		vmon->fobject_ctor_cb(vmon, &o->pub);
	return &o->pub;
}

/* The object known by key (a pipe's or socket's inode, an eventfd's id):
 * a reference on the one there is, or a new one. */
static vmon_fobject_t *get_keyed(vmon_t *vmon, vmon_fobject_type_t type, uint64_t key,
				 const char *target, size_t len)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	bool anon = type == VMON_FOBJECT_TYPE_ANON;
	size_t h = hash_key(type, key, anon ? target : NULL, anon ? len : 0);
	struct vmon__fobject *o = lookup(t, h, type, key, target, len);

	if (o) {
		o->pub.refcnt++;
		return &o->pub;
	}
	return made(vmon, create(vmon, h, type,
				 anon ? VMON_FOBJECT_MATCH_FDINFO : VMON_FOBJECT_MATCH_INODE,
				 key, target, len, 0));
}

/* An anon object of its own for one holder that could not be compared. */
static vmon_fobject_t *get_alone(vmon_t *vmon, const char *target, size_t len)
{
	return made(vmon, create(vmon, 0, VMON_FOBJECT_TYPE_ANON, VMON_FOBJECT_MATCH_NONE, 0,
				 target, len, 0));
}

/* ---- the kcmp order ---- */

static long sys_kcmp(int pid1, int pid2, int idx1, int idx2)
{
	return syscall(SYS_kcmp, pid1, pid2, KCMP_FILE, idx1, idx2);
}

/* May kcmp() be used: the proc root is this pid namespace's (its "self"
 * is our pid), so its pids are the ones kcmp() takes.  Decided once; a
 * kernel without kcmp() (ENOSYS) turns it off for good. */
static bool kcmp_usable(vmon_t *vmon)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	char buf[32];
	ssize_t n;

	if (t->kcmp == 0) {
		n = readlinkat(vmon->internal->proc_fd, "self", buf, sizeof(buf) - 1);
		if (n > 0)
			buf[n] = '\0';
		t->kcmp = n > 0 && strtol(buf, NULL, 10) == getpid() ? 1 : -1;
	}
	return t->kcmp > 0;
}

/* May this holder's file be compared at all (its process reachable by
 * kcmp(), the descriptor still open)?  Asked before a search, so that a
 * failure during it is the other holder's. */
static bool comparable(vmon_t *vmon, const struct vmon__fobj_holder *h)
{
	if (h->pid <= 0 || !kcmp_usable(vmon))
		return false;
	if (sys_kcmp(h->pid, h->pid, h->fd->fdnum, h->fd->fdnum) == 0)
		return true;
	if (errno == ENOSYS)
		vmon->internal->fobjects.kcmp = -1;
	return false;
}

enum cmp { CMP_SAME, CMP_BEFORE, CMP_AFTER, CMP_FAILED };

/* The holder's file against o's, through o's holders other than the
 * holder itself (one that closed or went since its sample gives an
 * error: the next is tried).  Same file under another name is a holder
 * of o that changed since its sample: no answer either. */
static enum cmp order_cmp(vmon_t *vmon, const struct vmon__fobj_holder *h,
			  const struct vmon__fobject *o, const char *name, size_t len)
{
	const vmon_proc_fd_t *fd;
	int tries = 0;

	list_for_each_entry(fd, &o->pub.ref_fds, ref_fds) {
		long r;

		if (fd == h->fd)
			continue;
		if (tries++ == KCMP_TRIES)
			break;
		r = sys_kcmp(h->pid, fd->process->pid, h->fd->fdnum, fd->fdnum);
		if (r == 0)
			return o->pub.name.len == len && !memcmp(o->pub.name.array, name, len) ?
			       CMP_SAME : CMP_FAILED;
		if (r == 1 || r == 2)
			return r == 1 ? CMP_BEFORE : CMP_AFTER;
		if (r < 0 && errno == ENOSYS) {
			vmon->internal->fobjects.kcmp = -1;
			break;
		}
	}
	return CMP_FAILED;
}

/* Search the order for the holder's file: 1 with *found, 0 with update[]
 * the last object before it at each level (NULL: the head), -1 when a
 * comparison failed. */
static int order_find(vmon_t *vmon, const struct vmon__fobj_holder *h, const char *name,
		      size_t len, struct vmon__fobject **update, struct vmon__fobject **found)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	struct vmon__fobject *x = NULL, *last = NULL;
	enum cmp c = CMP_FAILED;

	for (int i = VMON__FOBJ_LEVELS - 1; i >= 0; i--) {
		for (;;) {
			struct vmon__fobject *next = x ? NEXT(x, i) : t->order[i];

			if (!next)
				break;
			if (next != last) {	/* met again one level down */
				c = order_cmp(vmon, h, next, name, len);
				last = next;
			}
			if (c == CMP_FAILED)
				return -1;
			if (c == CMP_SAME) {
				*found = next;
				return 1;
			}
			if (c == CMP_BEFORE)
				break;
			x = next;
		}
		update[i] = x;
	}
	return 0;
}

static void order_insert(struct vmon__fobj_hash *t, struct vmon__fobject *o,
			 struct vmon__fobject **update)
{
	for (int i = 0; i < o->levels; i++) {
		struct vmon__fobject **at = update[i] ? &NEXT(update[i], i) : &t->order[i];

		NEXT(o, i) = *at;
		PREV(o, i) = update[i];
		if (*at)
			PREV(*at, i) = o;
		*at = o;
	}
}

static void order_remove(struct vmon__fobj_hash *t, struct vmon__fobject *o)
{
	for (int i = 0; i < o->levels; i++) {
		if (PREV(o, i))
			NEXT(PREV(o, i), i) = NEXT(o, i);
		else
			t->order[i] = NEXT(o, i);
		if (NEXT(o, i))
			PREV(NEXT(o, i), i) = PREV(o, i);
	}
	o->levels = 0;
}

/* A new object's levels: 1, then one more with odds 1/4 each time. */
static int random_levels(struct vmon__fobj_hash *t)
{
	int levels = 1;

	if (!t->seed)
		t->seed = 0x9e3779b9u;
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 17;
	t->seed ^= t->seed << 5;
	for (uint32_t r = t->seed; levels < VMON__FOBJ_LEVELS && !(r & 3); r >>= 2)
		levels++;
	return levels;
}

/*
 * The object of the holder's open file, found in the kcmp order or made
 * and put in it.  The object the holder's descriptor is about to leave
 * compares by this very descriptor, which now holds another file: alone
 * there, it leaves the order first (it is dropped next, or, should this
 * fail, kept outside the order until the descriptor is described again).
 */
static vmon_fobject_t *get_ordered(vmon_t *vmon, const struct vmon__fobj_holder *h,
				   const char *target, size_t len)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	struct vmon__fobject *update[VMON__FOBJ_LEVELS], *o = NULL;
	struct vmon__fobject *old = (struct vmon__fobject *)h->fd->object;
	int ret;

	if (old && old->levels && old->pub.refcnt == 1)
		order_remove(t, old);
	ret = order_find(vmon, h, target, len, update, &o);
	if (ret < 0)
		return get_alone(vmon, target, len);
	if (ret > 0) {
		o->pub.refcnt++;
		return &o->pub;
	}
	o = create(vmon, 0, VMON_FOBJECT_TYPE_ANON, VMON_FOBJECT_MATCH_KCMP, 0, target, len,
		   random_levels(t));
	if (o)
		order_insert(t, o, update);
	return made(vmon, o);
}

static bool is_eventfd(const char *target, size_t len)
{
	static const char name[] = "anon_inode:[eventfd]";

	return len == sizeof(name) - 1 && !memcmp(target, name, len);
}

vmon_fobject_t *vmon__fobject_get(vmon_t *vmon, const char *target, size_t len,
				  const struct vmon__fobj_holder *h)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	vmon_fobject_type_t type;
	uint64_t inum;

	if (!vmon__fobject_parse_target(target, len, &type, &inum)) {
		errno = 0;	/* a plain file: no shared object */
		return NULL;
	}
	if (!t->buckets && table_resize(t, VMON__FOBJ_HASH_MIN) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	if (type != VMON_FOBJECT_TYPE_ANON)
		return get_keyed(vmon, type, inum, target, len);
	if (h && h->fi && h->fi->has_eventfd_id && is_eventfd(target, len))
		return get_keyed(vmon, type, h->fi->eventfd_id, target, len);
	if (h && comparable(vmon, h))
		return get_ordered(vmon, h, target, len);
	return get_alone(vmon, target, len);
}

void vmon__fobject_put(vmon_t *vmon, vmon_fobject_t *obj)
{
	struct vmon__fobject *o = (struct vmon__fobject *)obj;

	if (--obj->refcnt > 0)
		return;
	if (vmon->fobject_dtor_cb)
		vmon->fobject_dtor_cb(vmon, obj);
	if (o->levels)
		order_remove(&vmon->internal->fobjects, o);
	list_del(&o->chain);
	list_del(&obj->bucket);
	vmon->internal->fobjects.count--;
	vmon->fobjects_nr--;
	vmon__free(obj->name.array);
	vmon__free(o);
}

void vmon__fobject_table_destroy(vmon_t *vmon)
{
	vmon__free(vmon->internal->fobjects.buckets);
	vmon->internal->fobjects.buckets = NULL;
	vmon->internal->fobjects.nbuckets = 0;
}

/* The kcmp order holds exactly the objects matched by kcmp() that have
 * levels, each level a consistent doubly linked list whose objects are
 * also on every level below (vmon__check()). */
int vmon__fobject_check_order(vmon_t *vmon)
{
	const struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	const vmon_fobject_t *obj;
	long ordered = 0, level0 = 0;

	list_for_each_entry(obj, &vmon->fobjects, bucket) {
		const struct vmon__fobject *o = (const struct vmon__fobject *)obj;

		CHECK(!o->levels || obj->match == VMON_FOBJECT_MATCH_KCMP,
		      "object %s: in the kcmp order, matched otherwise", obj->name.array);
		ordered += o->levels > 0;
	}
	for (int i = 0; i < VMON__FOBJ_LEVELS; i++) {
		const struct vmon__fobject *prev = NULL;

		for (const struct vmon__fobject *o = t->order[i]; o; prev = o, o = NEXT(o, i)) {
			CHECK(o->levels > i && PREV(o, i) == prev,
			      "kcmp order: level %d broken at %s", i, o->pub.name.array);
			level0 += !i;
		}
	}
	CHECK(level0 == ordered, "kcmp order: %ld objects listed, %ld ordered", level0, ordered);
	return 0;
}

VMON_EXPORT vmon_fobject_t *vmon_fobject_find(vmon_t *vmon, vmon_fobject_type_t type,
					      uint64_t inum)
{
	struct vmon__fobject *o;

	if (!vmon || !vmon->internal ||
	    (type != VMON_FOBJECT_TYPE_PIPE && type != VMON_FOBJECT_TYPE_SOCKET)) {
		errno = EINVAL;
		return NULL;
	}
	o = lookup(&vmon->internal->fobjects, hash_key(type, inum, NULL, 0), type, inum,
		   NULL, 0);
	if (!o) {
		errno = ENOENT;
		return NULL;
	}
	return &o->pub;
}
