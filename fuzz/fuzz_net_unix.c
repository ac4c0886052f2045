/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_net_unix.c - libFuzzer target for vmon__parse_net_unix(), the
 * parser of /proc/net/unix (a path is the rest of its line), and for
 * vmon__parse_unix_diag(), the walk of a sock_diag netlink answer, fed the
 * same bytes (unaligned, truncated and overrunning messages included).
 * Every row's path must lie in the names buffer, NUL-terminated; the diag
 * walk must end in one of its three outcomes.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "internal.h"

static void check_rows(const vmon_sys_sockets_t *ss, const struct vmon__buf *names)
{
	for (int i = 0; i < ss->sockets_nr; i++) {
		const vmon_socket_t *s = &ss->sockets[i];

		FUZZ_CHECK(s->family == AF_UNIX && (unsigned)s->state < VMON_SOCKET_STATE_NR);
		FUZZ_CHECK(!s->path == !s->path_len);
		if (s->path)
			FUZZ_CHECK(s->path >= names->data &&
				   s->path + s->path_len < names->data + names->size &&
				   s->path[s->path_len] == '\0');
	}
}

static void on_diag(void *ctx, uint64_t inum, int state, uint64_t peer)
{
	FUZZ_CHECK(inum <= 0xffffffffull && peer <= 0xffffffffull && state >= 0 && state < 256);
	(*(int *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmon__buf names = { 0 };
	vmon_sys_sockets_t ss;
	int malformed = 0, n, seen = 0;

	memset(&ss, 0, sizeof(ss));
	n = vmon__parse_net_unix(&ss, &names, (const char *)data, size, &malformed);
	FUZZ_CHECK(n == -EINVAL || (n >= 0 && n == ss.sockets_nr));
	check_rows(&ss, &names);
	ss.sockets_nr = 0;	/* a second table into the same store and names */
	n = vmon__parse_net_unix(&ss, &names, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size),
				 &malformed);
	FUZZ_CHECK(n == -EINVAL || (n >= 0 && n == ss.sockets_nr));
	check_rows(&ss, &names);
	n = vmon__parse_unix_diag((const char *)data, size, on_diag, &seen);
	FUZZ_CHECK(n == 0 || n == 1 || (n < 0 && n > -4096));
	vmon__free(ss.sockets);
	vmon__free(names.data);
	return 0;
}
