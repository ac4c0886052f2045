/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_net_inet.c - libFuzzer target for vmon__parse_net_inet(), the
 * parser of /proc/net/{tcp,tcp6,udp,udp6} (columns found by the header's
 * names, odd rows skipped and counted).  The input is parsed as each of
 * the four tables into one row array, then its second half once more;
 * every row must be whole: the family and protocol of its table, a state
 * of the enum, ports of 16 bits, an inode for every row but TIME_WAIT's.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "internal.h"

static void check_rows(const vmon_sys_sockets_t *ss, int from, int family, int protocol)
{
	for (int i = from; i < ss->sockets_nr; i++) {
		const vmon_socket_t *s = &ss->sockets[i];

		FUZZ_CHECK(s->family == family && s->protocol == protocol);
		FUZZ_CHECK(s->type == (protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM));
		FUZZ_CHECK((unsigned)s->state < VMON_SOCKET_STATE_NR);
		FUZZ_CHECK(s->local_port >= 0 && s->local_port <= 0xffff);
		FUZZ_CHECK(s->remote_port >= 0 && s->remote_port <= 0xffff);
		FUZZ_CHECK(s->uid >= -1 && s->uid <= 0xffffffffll);
		FUZZ_CHECK(!s->path && !s->path_len && !s->peer_inum);
	}
}

static void parse(vmon_sys_sockets_t *ss, const char *buf, size_t len, int family, int protocol)
{
	int before = ss->sockets_nr, malformed = 0;
	int n = vmon__parse_net_inet(ss, family, protocol, buf, len, &malformed);

	FUZZ_CHECK(n == -EINVAL || n >= 0);
	FUZZ_CHECK(ss->sockets_nr == before + (n > 0 ? n : 0));
	FUZZ_CHECK(malformed >= 0 && (n >= 0 || malformed == 0));
	check_rows(ss, before, family, protocol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int kinds[4][2] = {
		{ AF_INET, IPPROTO_TCP }, { AF_INET6, IPPROTO_TCP },
		{ AF_INET, IPPROTO_UDP }, { AF_INET6, IPPROTO_UDP },
	};
	vmon_sys_sockets_t ss;

	memset(&ss, 0, sizeof(ss));
	for (int k = 0; k < 4; k++)
		parse(&ss, (const char *)data, size, kinds[k][0], kinds[k][1]);
	parse(&ss, FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size), AF_INET, IPPROTO_TCP);
	vmon__free(ss.sockets);
	return 0;
}
