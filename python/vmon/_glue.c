/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * _glue.c - the C half of the Python binding (declarations in _glue.h).
 *
 * It is compiled into the cffi extension after <vmon/vmon.h>, so every
 * struct it touches is laid out by the installed header.  What it does
 * that Python cannot do cheaply or safely:
 *
 * - proc->foo holds a struct vmonpy_node from proc_ctor_cb to
 *   proc_dtor_cb: the node's rates, kept for every node by
 *   vmonpy_sample(), and whether a Python Process refers to the node;
 * - proc_dtor_cb calls back into Python (vmonpy_freed(), an extern
 *   "Python" function of the build script) only for nodes a Process
 *   refers to, while the node is still whole, so that the Process copies
 *   its last values out before the memory goes;
 * - after each sample it lists the live processes, the births and the
 *   exits not yet reported, in one walk of the tree;
 * - it copies a whole store in one call (numbers and bitmaps), driven by
 *   the library's reflection table, so no field list is written twice.
 *
 * Node addresses cross into Python as integers; Python only hands back
 * addresses of nodes it was told about and not yet told were freed.
 */

/* an extern "Python" function: cffi defines it after this code */
static void vmonpy_freed(void *handle, uintptr_t node);

static vmon_proc_t *node_of(uintptr_t addr)
{
	return (vmon_proc_t *)addr;
}

static void on_ctor(vmon_t *vmon, vmon_proc_t *proc)
{
	struct vmonpy *py = (struct vmonpy *)vmon;

	proc->foo = calloc(1, sizeof(struct vmonpy_node));
	if (!proc->foo && !py->error)
		py->error = ENOMEM;	/* the node has no rates; sample() says so */
}

static void on_dtor(vmon_t *vmon, vmon_proc_t *proc)
{
	struct vmonpy *py = (struct vmonpy *)vmon;
	struct vmonpy_node *pn = proc->foo;

	if (pn && pn->wrapped && py->handle)
		vmonpy_freed(py->handle, (uintptr_t)proc);
	free(pn);
	proc->foo = NULL;
}

int vmonpy_init(struct vmonpy *py, int flags, unsigned long sys_wants,
		unsigned long proc_wants)
{
	if (!vmon_init(&py->vmon, (vmon_flags_t)flags, (vmon_sys_wants_t)sys_wants,
		       (vmon_proc_wants_t)proc_wants))
		return 0;
	py->vmon.proc_ctor_cb = on_ctor;
	py->vmon.proc_dtor_cb = on_dtor;
	py->initialised = 1;
	return 1;
}

void vmonpy_destroy(struct vmonpy *py)
{
	if (py->initialised)
		vmon_destroy(&py->vmon);
	py->initialised = 0;
	free(py->live);
	free(py->births);
	free(py->exits);
	py->live = py->births = py->exits = NULL;
	py->live_nr = py->births_nr = py->exits_nr = py->alloc = 0;
}

/* room for one more address in each list */
static int lists_grow(struct vmonpy *py, int need)
{
	uintptr_t *l, *b, *e;
	int n;

	if (need <= py->alloc)
		return 1;
	n = py->alloc ? py->alloc * 2 : 256;
	while (n < need)
		n *= 2;
	l = realloc(py->live, n * sizeof(*l));
	if (l)
		py->live = l;
	b = realloc(py->births, n * sizeof(*b));
	if (b)
		py->births = b;
	e = realloc(py->exits, n * sizeof(*e));
	if (e)
		py->exits = e;
	if (!l || !b || !e)
		return 0;
	py->alloc = n;
	return 1;
}

/* one node and its subtree: rates, then the lists */
static int collect(struct vmonpy *py, vmon_proc_t *proc)
{
	struct vmonpy_node *pn = proc->foo;
	vmon_proc_t *child;
	int n = py->live_nr > py->births_nr ? py->live_nr : py->births_nr;

	if (py->exits_nr > n)
		n = py->exits_nr;
	if (!lists_grow(py, n + 1))
		return 0;
	if (pn)
		vmon_proc_rates_update(&py->vmon, proc, &pn->rates);
	if (!proc->is_thread) {
		if (!proc->is_stale)
			py->live[py->live_nr++] = (uintptr_t)proc;
		if (pn && !pn->told_birth) {
			pn->told_birth = 1;
			py->births[py->births_nr++] = (uintptr_t)proc;
		}
		if (pn && proc->is_stale && !pn->told_exit) {
			pn->told_exit = 1;
			py->exits[py->exits_nr++] = (uintptr_t)proc;
		}
	}
	/* a thread node's threads member is its link on its process's list */
	if (!proc->is_thread)
		list_for_each_entry(child, &proc->threads, threads)
			if (!collect(py, child))
				return 0;
	list_for_each_entry(child, &proc->children, siblings)
		if (!collect(py, child))
			return 0;
	return 1;
}

int vmonpy_sample(struct vmonpy *py)
{
	vmon_proc_t *proc;
	int ok = vmon_sample(&py->vmon), err = errno;

	py->live_nr = py->births_nr = py->exits_nr = 0;
	list_for_each_entry(proc, &py->vmon.processes, siblings)
		if (!collect(py, proc)) {
			errno = ENOMEM;
			return 0;
		}
	if (!ok)
		errno = err;
	return ok;
}

int vmonpy_wrap(uintptr_t node)
{
	vmon_proc_t *proc = node_of(node);
	struct vmonpy_node *pn = proc->foo;

	/* the ctor's allocation failed: without it no hook fires at the free */
	if (!pn && !(pn = proc->foo = calloc(1, sizeof(*pn)))) {
		errno = ENOMEM;
		return 0;
	}
	pn->wrapped = 1;
	return 1;
}

unsigned vmonpy_node_flags(uintptr_t node)
{
	vmon_proc_t *p = node_of(node);

	return (p->is_new ? VMONPY_NEW : 0) | (p->is_stale ? VMONPY_STALE : 0) |
	       (p->is_thread ? VMONPY_THREAD : 0) | (p->exit ? VMONPY_HAS_EXIT : 0) |
	       (p->children_changed ? VMONPY_CHILDREN_CHANGED : 0) |
	       (p->threads_changed ? VMONPY_THREADS_CHANGED : 0);
}

int vmonpy_node_pid(uintptr_t node)
{
	return node_of(node)->pid;
}

unsigned long vmonpy_node_activity(uintptr_t node)
{
	return (unsigned long)node_of(node)->activity;
}

unsigned long vmonpy_node_unavailable(uintptr_t node)
{
	return (unsigned long)node_of(node)->unavailable;
}

unsigned long long vmonpy_node_state(uintptr_t node)
{
	vmon_proc_t *p = node_of(node);

	return (unsigned long long)(uint32_t)p->activity |
	       (unsigned long long)(uint32_t)p->unavailable << 32;
}

uintptr_t vmonpy_node_parent(uintptr_t node)
{
	return (uintptr_t)node_of(node)->parent;
}

/* one numeric field as a 64-bit pattern (signed ones sign-extended) */
static unsigned long long field_bits(const vmon_field_t *f, const char *base)
{
	const void *m = base + f->offset;

	switch (f->type) {
	case VMON_FIELD_ULL:
		return *(const unsigned long long *)m;
	case VMON_FIELD_LL:
		return (unsigned long long)*(const long long *)m;
	case VMON_FIELD_INT:
		return (unsigned long long)(long long)*(const int *)m;
	case VMON_FIELD_CHAR:
		return (unsigned char)*(const char *)m;
	case VMON_FIELD_ULONG:
		return *(const unsigned long *)m;
	case VMON_FIELD_STR:
	case VMON_FIELD_STRZ:
		return ((const vmon_char_array_t *)m)->len;
	case VMON_FIELD_ARGV:
		return 0;
	}
	return 0;
}

int vmonpy_store_read(uintptr_t node, int store, unsigned long long *nums)
{
	const vmon_store_info_t *info = vmon_proc_store_info((vmon_proc_store_t)store);
	const char *base;
	int i, words;

	if (!info || store < 0 || store >= VMON_STORE_PROC_NR || !info->bitmaps)
		return -1;
	base = node_of(node)->stores[store];
	if (!base)
		return -1;
	words = (info->fields_nr + 63) / 64;
	memset(nums + info->fields_nr, 0, 3 * words * sizeof(*nums));
	for (i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];
		unsigned long long bit = 1ULL << (i % 64);

		nums[i] = field_bits(f, base);
		if (vmon_field_changed(info, base, i))
			nums[info->fields_nr + i / 64] |= bit;
		if (vmon_field_unavailable(info, base, i))
			nums[info->fields_nr + words + i / 64] |= bit;
		if ((f->type == VMON_FIELD_LL || f->type == VMON_FIELD_INT) &&
		    (long long)nums[i] < 0)
			nums[info->fields_nr + 2 * words + i / 64] |= bit;
	}
	return info->fields_nr;
}

long vmonpy_store_str(uintptr_t node, int store, int sym, const char **bytes)
{
	const vmon_store_info_t *info = vmon_proc_store_info((vmon_proc_store_t)store);
	const vmon_char_array_t *s;
	const char *base;

	if (!info || sym < 0 || sym >= info->fields_nr)
		return -1;
	base = node_of(node)->stores[store];
	if (!base)
		return -1;
	if (info->fields[sym].type != VMON_FIELD_STR &&
	    info->fields[sym].type != VMON_FIELD_STRZ)
		return -1;
	s = (const vmon_char_array_t *)(base + info->fields[sym].offset);
	*bytes = s->array ? s->array : "";
	if (!s->array)
		return 0;
	/* comm's len counts its terminating NUL */
	if (info->fields[sym].type == VMON_FIELD_STRZ && s->len)
		return (long)s->len - 1;
	return (long)s->len;
}

int vmonpy_node_exit(uintptr_t node, vmon_exit_t *out)
{
	const vmon_exit_t *e = node_of(node)->exit;

	if (!e)
		return 0;
	*out = *e;
	return 1;
}

int vmonpy_node_rates(uintptr_t node, double *values, int *statuses)
{
	struct vmonpy_node *pn = node_of(node)->foo;
	const vmon_rate_t *r[10];
	int i;

	if (!pn)
		return 0;
	r[0] = &pn->rates.cpu_user;
	r[1] = &pn->rates.cpu_system;
	r[2] = &pn->rates.cpu_total;
	r[3] = &pn->rates.cpu_children;
	r[4] = &pn->rates.minflt;
	r[5] = &pn->rates.majflt;
	r[6] = &pn->rates.read_bytes;
	r[7] = &pn->rates.write_bytes;
	r[8] = &pn->rates.rchars;
	r[9] = &pn->rates.wchars;
	for (i = 0; i < 10; i++) {
		values[i] = r[i]->value;
		statuses[i] = r[i]->status;
	}
	return 1;
}

int vmonpy_node_list(uintptr_t node, int which, uintptr_t *out, int max)
{
	vmon_proc_t *p = node_of(node), *c;
	int n = 0;

	if (which == 0) {
		list_for_each_entry(c, &p->children, siblings)
			if (!c->is_stale && n++ < max)
				out[n - 1] = (uintptr_t)c;
	} else if (!p->is_thread) {
		list_for_each_entry(c, &p->threads, threads)
			if (!c->is_stale && n++ < max)
				out[n - 1] = (uintptr_t)c;
	}
	return n;
}

int vmonpy_node_fds(uintptr_t node, struct vmonpy_fd *out, int max)
{
	vmon_proc_files_t *files = node_of(node)->stores[VMON_STORE_PROC_FILES];
	vmon_proc_fd_t *fd;
	int n = 0;

	if (!files)
		return -1;
	list_for_each_entry(fd, &files->fds, fds) {
		if (fd->is_stale)
			continue;
		if (n < max) {
			out[n].fd = fd->fdnum;
			out[n].kind = fd->kind;
			out[n].deleted = fd->deleted;
			out[n].flags = fd->flags;
			out[n].pos = fd->pos;
			out[n].ino = fd->ino;
			out[n].path = fd->object_path.array ? fd->object_path.array : "";
			out[n].path_len = fd->object_path.array ? (long)fd->object_path.len : 0;
			out[n].socket = fd->object ? fd->object->socket : NULL;
		}
		n++;
	}
	return n;
}

uintptr_t vmonpy_monitor(struct vmonpy *py, int pid, unsigned long wants)
{
	return (uintptr_t)vmon_proc_monitor(&py->vmon, pid, (vmon_proc_wants_t)wants,
					    NULL, NULL);
}

void vmonpy_unmonitor(struct vmonpy *py, uintptr_t node)
{
	vmon_proc_unmonitor(&py->vmon, node_of(node), NULL, NULL);
}
