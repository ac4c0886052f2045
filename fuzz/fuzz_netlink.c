/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_netlink.c - libFuzzer target for the NETLINK source's parsers
 * (parse_netlink.c): the input is read as a datagram of the proc
 * connector, as one of taskstats (its family id taken from its first
 * message's type, so that every input reaches the attribute walk), and
 * as the kernel's answers (the connector's ack, a netlink ack, the
 * generic netlink family id), then its second half the same way.  Every
 * event must be whole: a fork, exec or exit of ids above 0, a name
 * ending within its array, no arguments (the source reads those), only
 * known VMON_EXIT_* bits, a thread's status never said; and no parser
 * may read past the input (replay.c gives it a buffer of exactly its
 * size).
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

#define EXIT_BITS (VMON_EXIT_STATUS | VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT | VMON_EXIT_PEAK_RSS | \
		   VMON_EXIT_IO | VMON_EXIT_FAULTS | VMON_EXIT_START | VMON_EXIT_END | \
		   VMON_EXIT_PPID)

struct seen {
	int n;
	int stop_at;		/* return -EINTR from the callback at this count */
	bool taskstats;
};

static int check(void *ctx, struct vmon__nl_event *e)
{
	struct seen *s = ctx;
	const struct vmon__event *ev = &e->ev;
	struct vmon__event copy = *ev;

	FUZZ_CHECK(ev->type == VMON__EV_FORK || ev->type == VMON__EV_EXEC ||
		   ev->type == VMON__EV_EXIT);
	FUZZ_CHECK(ev->pid > 0 && ev->tgid > 0 && ev->ppid >= 0);
	FUZZ_CHECK(strnlen(ev->comm, sizeof(ev->comm)) < sizeof(ev->comm));
	FUZZ_CHECK(!ev->cmdline && !ev->cmdline_len);
	FUZZ_CHECK(!(ev->exit.known & ~EXIT_BITS));
	FUZZ_CHECK(!(ev->exit.known & VMON_EXIT_START));	/* the source's to set */
	FUZZ_CHECK(ev->pid == ev->tgid || !(ev->exit.known & VMON_EXIT_STATUS));
	FUZZ_CHECK(ev->per_task == s->taskstats);
	if (s->taskstats) {
		FUZZ_CHECK(ev->type == VMON__EV_EXIT);
		if (ev->exit.known & VMON_EXIT_CPU_SPLIT)
			FUZZ_CHECK(ev->exit.utime_us + ev->exit.stime_us <= ev->exit.cpu_ns / 1000 + 1);
	} else {
		FUZZ_CHECK(!e->etime_us);
	}
	if (ev->exit.known & VMON_EXIT_PPID)
		FUZZ_CHECK(ev->exit.ppid > 0);
	/* the start it would get, from any times at all */
	vmon__nl_start_of(&copy, e->etime_us, ev->when_ns, ev->exit.cpu_ns, 100);
	FUZZ_CHECK(!(copy.exit.known & VMON_EXIT_START) ||
		   copy.exit.start <= (ev->when_ns + 1000000) / 10000000);
	return ++s->n == s->stop_at ? -EINTR : 0;
}

static void parse(const uint8_t *data, size_t size)
{
	struct seen s = { .stop_at = -1 };
	int family = size >= 6 ? data[4] | data[5] << 8 : 0;
	uint32_t seq = size >= 12 ? (uint32_t)data[8] | (uint32_t)data[9] << 8 |
				    (uint32_t)data[10] << 16 | (uint32_t)data[11] << 24 : 0;
	int n, r;

	n = vmon__nl_parse_proc(data, size, 1000000, check, &s);
	FUZZ_CHECK(n == s.n);
	/* at most one event per message, a message takes 16 bytes at least */
	FUZZ_CHECK((size_t)n <= size / 16);
	if (n > 1) {	/* a callback's error stops the parse and is returned */
		s = (struct seen){ .stop_at = 1 };
		FUZZ_CHECK(vmon__nl_parse_proc(data, size, -1000000, check, &s) == -EINTR);
	}
	s = (struct seen){ .stop_at = -1, .taskstats = true };
	n = vmon__nl_parse_taskstats(data, size, family, check, &s);
	FUZZ_CHECK(n == s.n && n >= 0);
	FUZZ_CHECK(vmon__nl_parse_taskstats(data, size, 0, check, &s) == 0);
	r = vmon__nl_proc_ack(data, size, seq - 1);
	FUZZ_CHECK(r >= -1);
	r = vmon__nl_ack(data, size, seq);
	FUZZ_CHECK(r == 1 || (r <= 0 && r > -4096));
	r = vmon__nl_family_id(data, size, seq);
	FUZZ_CHECK(r < 0 ? r > -4096 : r > 0 && r <= 0xffff);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size);
	parse((const uint8_t *)FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
