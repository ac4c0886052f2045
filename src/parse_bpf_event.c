/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_bpf_event.c - one record of the NETLINK source's kernel-side
 * capture (bpf/vmon_events.h), as its ring buffer holds it, checked and
 * turned into what the catcher keeps (fuzzed by fuzz/fuzz_bpf_event.c).
 *
 * The ring is written by a program of the library's own, but read
 * through memory shared with the kernel: a record shorter than its kind,
 * an argument length beyond the record or ids out of range are refused,
 * never trusted.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#include "internal.h"
#include "vmon_events.h"

static void header(const struct vmon_bpf_ev *h, struct vmon__bpf_ev *out)
{
	/* the kernel's comm is terminated; a record's need not be */
	size_t n = strnlen(h->comm, sizeof(out->comm) - 1);

	out->pid = h->pid;
	out->tgid = h->tgid;
	out->start_ns = h->start_ns;
	out->when_ns = h->when_ns;
	memcpy(out->comm, h->comm, n);
	out->comm[n] = '\0';
}

int vmon__bpf_ev_parse(const void *rec, size_t len, struct vmon__bpf_ev *out)
{
	struct vmon_bpf_ev h;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(h))
		return -EPROTO;
	memcpy(&h, rec, sizeof(h));
	if (h.pid <= 0 || h.tgid <= 0)
		return -EPROTO;
	header(&h, out);
	if (h.kind == VMON_BPF_EV_EXEC) {
		__u32 args_len;
		size_t at = offsetof(struct vmon_bpf_exec, args);

		if (len < at)
			return -EPROTO;
		memcpy(&args_len, (const char *)rec + offsetof(struct vmon_bpf_exec, args_len),
		       sizeof(args_len));
		if (args_len > VMON_BPF_EV_ARGS_MAX || args_len > len - at)
			return -EPROTO;
		out->kind = VMON__BPF_EXEC;
		out->truncated = (h.flags & VMON_BPF_EV_TRUNCATED) != 0;
		out->args = (const char *)rec + at;
		out->args_len = args_len;
		return 0;
	}
	if (h.kind == VMON_BPF_EV_FINAL) {
		struct vmon_bpf_final f;

		if (len < sizeof(f))
			return -EPROTO;
		memcpy(&f, rec, sizeof(f));
		out->kind = VMON__BPF_FINAL;
		out->cpu_ns = f.sum_exec_runtime;
		out->utime_ns = f.utime;
		out->stime_ns = f.stime;
		out->minflt = f.min_flt;
		out->majflt = f.maj_flt;
		out->rchar = f.io[0];
		out->wchar = f.io[1];
		out->read_bytes = f.io[4];
		out->write_bytes = f.io[5];
		return 0;
	}
	return -EPROTO;
}
