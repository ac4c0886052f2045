/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_bpf.c - the BPF backend's kernel side (docs/design/backend.md):
 * load the task iterator of bpf/vmon_task.bpf.c, read every process's
 * record from it once per sample, and find a process's record by pid.
 *
 * The program is loaded through a light skeleton (bpftool gen skeleton
 * -L): the object and a loader program are embedded in the library and
 * loaded with the bpf(2) system call alone, relocations done by the
 * kernel, so neither libvmon nor its users link or ship libbpf.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "internal.h"
#include "vmon_task.h"
#include "vmon_task.lskel.h"

struct vmon__bpf {
	struct vmon_task *skel;
	struct vmon_bpf_task *recs;	/* the last snapshot, by pid */
	size_t nr;			/* records in it */
	size_t alloc;			/* bytes allocated at recs */
};

int vmon__bpf_load(struct vmon__bpf **out)
{
	struct vmon__bpf *b = vmon__calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	b->skel = vmon_task__open();
	if (!b->skel) {
		vmon__free(b);
		return -ENOMEM;
	}
	/* the skeleton's calls return -1 with errno, or -errno */
	err = vmon_task__load(b->skel);
	if (!err && vmon_task__attach(b->skel) < 0)
		err = -1;
	if (err) {
		err = errno ? -errno : -EINVAL;
		vmon_task__destroy(b->skel);
		vmon__free(b);
		return err;
	}
	*out = b;
	return 0;
}

int vmon__bpf_fds(const struct vmon__bpf *b)
{
	const struct vmon_task *s = b->skel;
	const int fds[] = {
		s->progs.vmon_task.prog_fd, s->links.vmon_task_fd, s->maps.scratch.map_fd,
		s->maps.cpu_probe.map_fd, s->maps.bss.map_fd, s->maps.want.map_fd,
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		n += fds[i] > 0;
	return n;
}

void vmon__bpf_filter_on(struct vmon__bpf *b)
{
	b->skel->bss->filter_on = 1;
}

/* BPF_MAP_UPDATE_ELEM or BPF_MAP_DELETE_ELEM of pid in the filter */
static int want_op(struct vmon__bpf *b, int cmd, int pid)
{
	union bpf_attr attr;
	__s32 key = pid;
	__u8 one = 1;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)b->skel->maps.want.map_fd;
	attr.key = (__u64)(uintptr_t)&key;
	if (cmd == BPF_MAP_UPDATE_ELEM)
		attr.value = (__u64)(uintptr_t)&one;
	return syscall(__NR_bpf, cmd, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int vmon__bpf_want(struct vmon__bpf *b, int pid, bool wanted)
{
	return want_op(b, wanted ? BPF_MAP_UPDATE_ELEM : BPF_MAP_DELETE_ELEM, pid);
}

void vmon__bpf_trim(struct vmon__bpf *b)
{
	vmon__free(b->recs);
	b->recs = NULL;
	b->nr = 0;
	b->alloc = 0;
}

void vmon__bpf_unload(struct vmon__bpf *b)
{
	if (!b)
		return;
	vmon_task__destroy(b->skel);
	vmon__free(b->recs);
	vmon__free(b);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct vmon_bpf_task *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int vmon__bpf_snapshot(struct vmon__bpf *b)
{
	union bpf_attr attr;
	size_t len = 0;
	ssize_t n;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (__u32)b->skel->links.vmon_task_fd;
	fd = (int)syscall(__NR_bpf, BPF_ITER_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	for (;;) {
		if (b->alloc - len < 64 * sizeof(struct vmon_bpf_task)) {
			size_t size = b->alloc ? 2 * b->alloc : 256 * sizeof(struct vmon_bpf_task);
			void *p = vmon__realloc(b->recs, size);

			if (!p) {
				close(fd);
				return -ENOMEM;
			}
			b->recs = p;
			b->alloc = size;
		}
		n = vmon__read_stream(fd, (char *)b->recs + len, b->alloc - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0)
		return (int)n;
	b->nr = len / sizeof(struct vmon_bpf_task);
	/* the iterator walks pids in order; a sort keeps the lookup right
	 * should a kernel walk otherwise */
	for (size_t i = 1; i < b->nr; i++) {
		if (b->recs[i - 1].pid >= b->recs[i].pid) {
			qsort(b->recs, b->nr, sizeof(*b->recs), cmp_pid);
			break;
		}
	}
	return 0;
}

size_t vmon__bpf_count(const struct vmon__bpf *b)
{
	return b->nr;
}

int vmon__bpf_pid(const struct vmon__bpf *b, size_t i)
{
	return b->recs[i].pid;
}

const struct vmon_bpf_task *vmon__bpf_find(const struct vmon__bpf *b, int pid)
{
	size_t lo = 0, hi = b->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->recs[mid].pid == pid)
			return &b->recs[mid];
		if (b->recs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
