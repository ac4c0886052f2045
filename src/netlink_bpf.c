/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netlink_bpf.c - the NETLINK source's kernel-side capture
 * (bpf/vmon_events.bpf.c): load its programs, and read the records they
 * write from the ring buffer, mapped into this process.
 *
 * Loaded as the BPF backend is (src/backend_bpf.c): a light skeleton,
 * bpf(2) alone, no libbpf.  The ring is read as the kernel lays it out
 * for any consumer: a page holding the consumer position (ours to
 * write), then the producer position's page and the data, mapped twice
 * in a row so that a record that wraps reads as one.  Each record has an
 * 8-byte header, its length with a busy bit (still being written) and a
 * discard bit; records are 8-byte aligned.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "internal.h"
#include "vmon_events.h"
#include "vmon_events.lskel.h"

struct vmon__nl_bpf {
	struct vmon_events *skel;
	size_t page, size;		/* the ring's data bytes (a power of 2) */
	unsigned long *consumer;	/* mapped read-write */
	void *producer;			/* the producer page, then the data twice */
	const unsigned char *data;
};

int vmon__nl_bpf_open(struct vmon__nl_bpf **out)
{
	struct vmon__nl_bpf *b = vmon__calloc(1, sizeof(*b));
	int err = 0, fd;

	if (!b)
		return -ENOMEM;
	b->skel = vmon_events__open();
	if (!b->skel) {
		vmon__free(b);
		return -ENOMEM;
	}
	/* the skeleton's calls return -1 with errno, or -errno */
	errno = 0;
	if (vmon_events__load(b->skel) || vmon_events__attach(b->skel) < 0)
		err = errno ? -errno : -EINVAL;
	fd = b->skel->maps.events.map_fd;
	b->page = (size_t)sysconf(_SC_PAGESIZE);
	b->size = 4 << 20;	/* max_entries in bpf/vmon_events.bpf.c */
	if (!err) {
		b->consumer = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (b->consumer == MAP_FAILED) {
			b->consumer = NULL;
			err = -errno;
		}
	}
	if (!err) {
		b->producer = mmap(NULL, b->page + 2 * b->size, PROT_READ, MAP_SHARED, fd,
				   (off_t)b->page);
		if (b->producer == MAP_FAILED) {
			b->producer = NULL;
			err = -errno;
		}
	}
	if (err) {
		vmon__nl_bpf_close(b);
		return err;
	}
	b->data = (const unsigned char *)b->producer + b->page;
	*out = b;
	return 0;
}

int vmon__nl_bpf_fd(const struct vmon__nl_bpf *b)
{
	return b->skel->maps.events.map_fd;
}

int vmon__nl_bpf_drain(struct vmon__nl_bpf *b, vmon__bpf_ev_fn fn, void *ctx)
{
	unsigned long cons = __atomic_load_n(b->consumer, __ATOMIC_ACQUIRE);
	unsigned long prod = __atomic_load_n((unsigned long *)b->producer, __ATOMIC_ACQUIRE);
	int n = 0;

	while (cons < prod) {
		const __u32 *hdr = (const __u32 *)(b->data + (cons & (b->size - 1)));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		struct vmon__bpf_ev ev;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		/* never past the second mapping of the data */
		if ((len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) >
		    b->size - BPF_RINGBUF_HDR_SZ)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			if (vmon__bpf_ev_parse(hdr + 2, len, &ev) == 0) {
				fn(ctx, &ev);
				n++;
			}
		}
		len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		cons += (BPF_RINGBUF_HDR_SZ + len + 7) & ~7ul;
		__atomic_store_n(b->consumer, cons, __ATOMIC_RELEASE);
	}
	return n;
}

void vmon__nl_bpf_close(struct vmon__nl_bpf *b)
{
	if (!b)
		return;
	if (b->producer)
		munmap(b->producer, b->page + 2 * b->size);
	if (b->consumer)
		munmap(b->consumer, b->page);
	vmon_events__destroy(b->skel);
	vmon__free(b);
}
