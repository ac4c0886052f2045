/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_bpf_event.c - libFuzzer target for the parser of the NETLINK
 * source's kernel-side capture records (bpf/vmon_events.h,
 * src/parse_bpf_event.c): any bytes, taken as one record as the ring
 * buffer would hand them over, are refused or parsed into a record whose
 * arguments lie inside the input, no longer than the cap, with ids the
 * library can use and a terminated name; the same bytes parse the same
 * again; the input's tail is parsed as a second record.
 */
#include <errno.h>
#include <string.h>
#include <linux/types.h>

#include "fuzz.h"
#include "internal.h"
#include "vmon_events.h"

static void check(const uint8_t *data, size_t size)
{
	struct vmon__bpf_ev a, b;
	int err = vmon__bpf_ev_parse(data, size, &a);

	FUZZ_CHECK(err == 0 || err == -EPROTO);
	FUZZ_CHECK(vmon__bpf_ev_parse(data, size, &b) == err);
	if (err)
		return;
	FUZZ_CHECK(a.kind == VMON__BPF_EXEC || a.kind == VMON__BPF_FINAL);
	FUZZ_CHECK(a.pid > 0 && a.tgid > 0);
	FUZZ_CHECK(memchr(a.comm, '\0', sizeof(a.comm)) != NULL);
	FUZZ_CHECK(a.args_len <= VMON_BPF_EV_ARGS_MAX);
	if (a.args_len) {
		FUZZ_CHECK(a.kind == VMON__BPF_EXEC);
		FUZZ_CHECK(a.args >= (const char *)data &&
			   a.args + a.args_len <= (const char *)data + size);
	}
	FUZZ_CHECK(a.args == b.args && a.args_len == b.args_len && a.cpu_ns == b.cpu_ns &&
		   a.start_ns == b.start_ns && !strcmp(a.comm, b.comm));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);
	check((const uint8_t *)FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
