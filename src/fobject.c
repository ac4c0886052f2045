/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fobject.c - the kernel objects that monitored processes hold through
 * their descriptors and that several processes can share: pipes
 * ("pipe:[INODE]"), sockets ("socket:[INODE]") and anonymous inodes
 * ("anon_inode:NAME", one object per name, as they share one inode).
 * Found by (type, key) in a hash table that doubles when full, so taking
 * or dropping a reference is O(1) amortised.  An object lives while some
 * descriptor refers to it: fobject_ctor_cb fires on the first reference and
 * fobject_dtor_cb after the last.  A socket object is joined to its row of
 * the sockets store (VMON_WANT_SYS_SOCKETS) when it is made; the sockets
 * sampler joins them all again after each read of its tables.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define VMON__FOBJ_HASH_MIN 64

struct vmon__fobject {
	vmon_fobject_t pub;	/* first */
	list_head_t chain;	/* hash chain */
	size_t hash;
};

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

/* The object of (type, inum[, name]) in its chain, or NULL; name NULL
 * matches any name (pipes and sockets are known by inode alone). */
static struct vmon__fobject *lookup(const struct vmon__fobj_hash *t, size_t h,
				    vmon_fobject_type_t type, uint64_t inum,
				    const char *name, size_t len)
{
	struct vmon__fobject *o;

	if (!t->buckets)
		return NULL;
	list_for_each_entry(o, &t->buckets[h & (t->nbuckets - 1)], chain) {
		if (o->hash == h && o->pub.type == type && o->pub.inum == inum &&
		    (!name || (o->pub.name.len == len && !memcmp(o->pub.name.array, name, len))))
			return o;
	}
	return NULL;
}

/* A new object named target, with one reference; NULL on ENOMEM. */
static struct vmon__fobject *create(vmon_t *vmon, size_t h, vmon_fobject_type_t type,
				    uint64_t inum, const char *target, size_t len)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	struct vmon__fobject *o = vmon__calloc(1, sizeof(*o));

	if (!o || !(o->pub.name.array = vmon__malloc(len + 1))) {
		vmon__free(o);
		return NULL;
	}
	memcpy(o->pub.name.array, target, len);
	o->pub.name.array[len] = '\0';
	o->pub.name.len = len;
	o->pub.name.alloc_len = len + 1;
	o->pub.type = type;
	o->pub.inum = inum;
	o->pub.refcnt = 1;
	o->hash = h;
	INIT_LIST_HEAD(&o->pub.ref_fds);
	if (type == VMON_FOBJECT_TYPE_SOCKET)
		o->pub.socket = vmon__socket_find(vmon, inum);
	if (t->count >= t->nbuckets)
		(void)table_resize(t, t->nbuckets * 2);	/* best effort */
	list_add_tail(&o->chain, &t->buckets[h & (t->nbuckets - 1)]);
	list_add_tail(&o->pub.bucket, &vmon->fobjects);
	t->count++;
	vmon->fobjects_nr++;
	return o;
}

vmon_fobject_t *vmon__fobject_get(vmon_t *vmon, const char *target, size_t len)
{
	struct vmon__fobj_hash *t = &vmon->internal->fobjects;
	vmon_fobject_type_t type;
	struct vmon__fobject *o;
	uint64_t inum;
	size_t h;

	if (!vmon__fobject_parse_target(target, len, &type, &inum)) {
		errno = 0;	/* a plain file: no shared object */
		return NULL;
	}
	h = hash_key(type, inum, type == VMON_FOBJECT_TYPE_ANON ? target : NULL,
		     type == VMON_FOBJECT_TYPE_ANON ? len : 0);
	if (!t->buckets && table_resize(t, VMON__FOBJ_HASH_MIN) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	o = lookup(t, h, type, inum, target, len);
	if (o) {
		o->pub.refcnt++;
		return &o->pub;
	}
	o = create(vmon, h, type, inum, target, len);
	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	if (vmon->fobject_ctor_cb)
		vmon->fobject_ctor_cb(vmon, &o->pub);
	return &o->pub;
}

void vmon__fobject_put(vmon_t *vmon, vmon_fobject_t *obj)
{
	struct vmon__fobject *o = (struct vmon__fobject *)obj;

	if (--obj->refcnt > 0)
		return;
	if (vmon->fobject_dtor_cb)
		vmon->fobject_dtor_cb(vmon, obj);
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
