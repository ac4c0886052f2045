/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_sys_sockets.c - VMON_WANT_SYS_SOCKETS: every TCP, UDP and UNIX
 * socket of the network namespace the library reads, and the join of the
 * sockets monitored processes hold (socket-type vmon_fobject_t) to them.
 *
 * Each sample reads /proc/net/{tcp,tcp6,udp,udp6,unix} (descriptors held,
 * read to EOF: the kernel generates them record by record) and parses them
 * (parse_net.c) into one array of vmon_socket_t, rebuilt at every sample.
 * UNIX sockets' peers are not in /proc/net/unix: one NETLINK_SOCK_DIAG dump
 * (UDIAG_SHOW_PEER, what ss(8) uses) names them, and gives the kernel's
 * own state of each UNIX socket.  It is asked only when the proc root is a
 * real procfs (a fixture root's sockets are not the system's).  The rows
 * are indexed by inode in an open-addressing table rebuilt with them, so
 * joining a socket object to its row is O(1): every socket object is
 * joined again after each read, and a new one when it is made
 * (fobject.c).
 *
 * /proc/net is /proc/self/net: the tables, like the netlink socket, belong
 * to the network namespace of the process calling vmon_sample() (when its
 * descriptors were opened).  Sockets of processes in another namespace are
 * not found: their objects have no row (socket NULL).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"

#define VMON__SOCK_TABLES 5
#define VMON__DIAG_BUF 65536

static const struct {
	const char *name;
	int family, protocol, sym;
} tables[VMON__SOCK_TABLES] = {
	{ "net/tcp", AF_INET, IPPROTO_TCP, VMON_SYS_SOCKETS_TCP },
	{ "net/tcp6", AF_INET6, IPPROTO_TCP, VMON_SYS_SOCKETS_TCP6 },
	{ "net/udp", AF_INET, IPPROTO_UDP, VMON_SYS_SOCKETS_UDP },
	{ "net/udp6", AF_INET6, IPPROTO_UDP, VMON_SYS_SOCKETS_UDP6 },
	{ "net/unix", AF_UNIX, 0, VMON_SYS_SOCKETS_UNIX },
};

#define VMON__STORE_TYPE vmon_sys_sockets_t
static const vmon_field_t sys_sockets_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_sockets.def"
};
#undef VMON__STORE_TYPE
_Static_assert(VMON__ARRAY_SIZE(sys_sockets_fields) == VMON_SYS_SOCKETS_NR, "sys_sockets.def");

const vmon_store_info_t vmon__sys_sockets_info = {
	"sys_sockets", "/proc/net/{tcp,tcp6,udp,udp6,unix}, sock_diag",
	sizeof(vmon_sys_sockets_t), VMON_SYS_SOCKETS_NR, sys_sockets_fields, 1
};

struct sys_sockets_state {
	vmon_sys_sockets_t pub;
	struct vmon__file files[VMON__SOCK_TABLES];
	struct vmon__buf names;		/* UNIX paths */
	int *slots;			/* inode index: row + 1, 0 empty */
	size_t nslots, slots_alloc;
	uint64_t digest;		/* of the rows, to tell a change */
	bool sampled;
	int procfs;			/* the proc root is a procfs: 1, no: 0, unknown: -1 */
};

static size_t slot_of(uint64_t inum, size_t nslots)
{
	return (size_t)(inum * 0x9e3779b97f4a7c15ull >> 17) & (nslots - 1);
}

/* Index the rows by inode (rows without one, TIME_WAIT, are left out); on
 * ENOMEM the index is empty and lookups find nothing. */
static void index_build(struct sys_sockets_state *s)
{
	size_t n = 64;

	while (n < 2 * (size_t)s->pub.sockets_nr)
		n *= 2;
	s->nslots = 0;
	if (vmon__grow((void **)&s->slots, &s->slots_alloc, n, sizeof(int)) < 0)
		return;
	memset(s->slots, 0, n * sizeof(int));
	s->nslots = n;
	for (int i = 0; i < s->pub.sockets_nr; i++) {
		size_t k = slot_of(s->pub.sockets[i].inum, n);

		if (!s->pub.sockets[i].inum)
			continue;
		while (s->slots[k] && s->pub.sockets[s->slots[k] - 1].inum != s->pub.sockets[i].inum)
			k = (k + 1) & (n - 1);
		if (!s->slots[k])	/* a duplicate keeps the first row */
			s->slots[k] = i + 1;
	}
}

static vmon_socket_t *index_find(const struct sys_sockets_state *s, uint64_t inum)
{
	if (!s->nslots || !inum)
		return NULL;
	for (size_t k = slot_of(inum, s->nslots); s->slots[k]; k = (k + 1) & (s->nslots - 1))
		if (s->pub.sockets[s->slots[k] - 1].inum == inum)
			return &s->pub.sockets[s->slots[k] - 1];
	return NULL;
}

const vmon_socket_t *vmon__socket_find(vmon_t *vmon, uint64_t inum)
{
	struct sys_sockets_state *s = vmon->stores[VMON_STORE_SYS_SOCKETS];

	if (!s || !(vmon->sys_wants & VMON_WANT_SYS_SOCKETS))
		return NULL;
	return index_find(s, inum);
}

static void on_peer(void *ctx, uint64_t inum, int state, uint64_t peer)
{
	struct sys_sockets_state *s = ctx;
	vmon_socket_t *row = index_find(s, inum);

	if (!row || row->family != AF_UNIX)
		return;	/* made since the table was read */
	row->peer_inum = peer;
	row->state = state > 0 && state < VMON_SOCKET_STATE_NR ? state : VMON_SOCKET_UNKNOWN;
	s->pub.peers_nr += peer != 0;
}

/* Receive the dump's answer into buf and walk it: 0, or -errno. */
static int diag_receive(int fd, struct vmon__buf *buf, struct sys_sockets_state *s)
{
	for (;;) {
		ssize_t n = recv(fd, buf->data, buf->size, 0);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		r = vmon__parse_unix_diag(buf->data, n, on_peer, s);
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

/* Ask sock_diag for every UNIX socket's peer and state: 0 or -errno. */
static int diag_peers(vmon_t *vmon, struct sys_sockets_state *s)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
			 .udiag_show = UDIAG_SHOW_PEER },
	};
	struct vmon__buf *buf = &vmon->internal->buf;
	int fd, err;

	if (vmon__grow((void **)&buf->data, &buf->size, VMON__DIAG_BUF, 1) < 0)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	err = send(fd, &msg, sizeof(msg), 0) == sizeof(msg) ? diag_receive(fd, buf, s) : -errno;
	close(fd);
	return err;
}

/* A digest of what callers see of the rows (not their queues). */
static uint64_t rows_digest(const vmon_sys_sockets_t *ss)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (int i = 0; i < ss->sockets_nr; i++) {
		const vmon_socket_t *r = &ss->sockets[i];
		uint64_t v[4] = { r->inum, r->peer_inum,
				  (uint64_t)r->state << 32 | (uint64_t)r->family << 16 | r->type,
				  (uint64_t)r->local_port << 16 | r->remote_port };
		const unsigned char *b = (const unsigned char *)v;

		for (size_t k = 0; k < sizeof(v); k++)
			h = (h ^ b[k]) * 0x100000001b3ull;
		for (size_t k = 0; k < 16; k++)
			h = (h ^ r->local_addr[k] ^ (uint64_t)r->remote_addr[k] << 8) * 0x100000001b3ull;
		for (size_t k = 0; k < r->path_len; k++)
			h = (h ^ (unsigned char)r->path[k]) * 0x100000001b3ull;
	}
	return h;
}

static void count_set(struct sys_sockets_state *s, int sym, long long v)
{
	vmon__field_set_ll(&sys_sockets_fields[sym], &s->pub, s->pub.changed, s->pub.unavailable, v);
}

/* Read and parse table t: 0, or -ENOMEM. */
static int read_table(vmon_t *vmon, struct sys_sockets_state *s, int t, int *malformed)
{
	struct vmon__buf *buf = &vmon->internal->buf;
	ssize_t n = vmon__file_read_records(vmon, vmon->internal->proc_fd, tables[t].name,
					    &s->files[t], buf);
	int rows;

	if (n == -ENOMEM)
		return -ENOMEM;
	if (n < 0) {	/* not in this kernel (no IPv6), not permitted */
		BITSET(s->pub.unavailable, tables[t].sym);
		return 0;
	}
	rows = tables[t].family == AF_UNIX ?
	       vmon__parse_net_unix(&s->pub, &s->names, buf->data, n, malformed) :
	       vmon__parse_net_inet(&s->pub, tables[t].family, tables[t].protocol,
				    buf->data, n, malformed);
	if (rows == -ENOMEM)
		return -ENOMEM;
	if (rows < 0)
		BITSET(s->pub.unavailable, tables[t].sym);
	else
		count_set(s, tables[t].sym, rows);
	return 0;
}

/* Peers from sock_diag, when the proc root is the system's procfs. */
static void read_peers(vmon_t *vmon, struct sys_sockets_state *s)
{
	struct statfs fs;

	if (s->procfs < 0)
		s->procfs = fstatfs(vmon->internal->proc_fd, &fs) == 0 &&
			    fs.f_type == PROC_SUPER_MAGIC;
	s->pub.peers_nr = 0;
	if (!s->procfs || BITTEST(s->pub.unavailable, VMON_SYS_SOCKETS_UNIX) ||
	    diag_peers(vmon, s) < 0) {
		BITSET(s->pub.unavailable, VMON_SYS_SOCKETS_PEERS);
		return;
	}
	BITCLEAR(s->pub.unavailable, VMON_SYS_SOCKETS_PEERS);
}

static enum vmon__outcome sys_sockets_sample(vmon_t *vmon, void *state)
{
	struct sys_sockets_state *s = state;
	int peers = s->pub.peers_nr, malformed = 0, err = 0;
	vmon_fobject_t *obj;
	uint64_t digest;

	memset(s->pub.changed, 0, sizeof(s->pub.changed));
	memset(s->pub.unavailable, 0, sizeof(s->pub.unavailable));
	s->pub.sockets_nr = 0;
	for (int t = 0; t < VMON__SOCK_TABLES && !err; t++)
		err = read_table(vmon, s, t, &malformed);
	index_build(s);
	if (!err)
		read_peers(vmon, s);
	if (s->pub.peers_nr != peers)
		BITSET(s->pub.changed, VMON_SYS_SOCKETS_PEERS);
	count_set(s, VMON_SYS_SOCKETS_MALFORMED, malformed);
	list_for_each_entry(obj, &vmon->fobjects, bucket)
		if (obj->type == VMON_FOBJECT_TYPE_SOCKET)
			obj->socket = index_find(s, obj->inum);
	if (vmon__bits_any(s->pub.unavailable, VMON_SYS_SOCKETS_NR))
		vmon->unavailable |= VMON_WANT_SYS_SOCKETS;
	if (err)
		return VMON__NOMEM;
	digest = rows_digest(&s->pub);
	if (!s->sampled)
		vmon__bits_fill(s->pub.changed, VMON_SYS_SOCKETS_NR);
	else if (digest == s->digest && !vmon__bits_any(s->pub.changed, VMON_SYS_SOCKETS_NR))
		return VMON__UNCHANGED;
	s->sampled = true;
	s->digest = digest;
	return VMON__CHANGED;
}

static void sys_sockets_init(void *state)
{
	struct sys_sockets_state *s = state;

	for (int t = 0; t < VMON__SOCK_TABLES; t++)
		vmon__file_init(&s->files[t]);
	s->procfs = -1;
}

static void sys_sockets_close(vmon_t *vmon, void *state)
{
	struct sys_sockets_state *s = state;
	vmon_fobject_t *obj;

	list_for_each_entry(obj, &vmon->fobjects, bucket)
		obj->socket = NULL;
	for (int t = 0; t < VMON__SOCK_TABLES; t++)
		vmon__file_close(&s->files[t]);
	vmon__free(s->pub.sockets);
	vmon__free(s->names.data);
	vmon__free(s->slots);
}

VMON__SYS_SAMPLER(vmon__sampler_sys_sockets, vmon__sys_sockets_info, struct sys_sockets_state,
		  sys_sockets_init, sys_sockets_sample, sys_sockets_close);

VMON_EXPORT const char *vmon_socket_state_name(vmon_socket_state_t state)
{
	static const char *const names[VMON_SOCKET_STATE_NR] = {
		"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
		"TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
		"NEW-SYN-RECV",
	};

	return (unsigned)state < VMON_SOCKET_STATE_NR ? names[state] : "UNKNOWN";
}

/* "ADDR:PORT" as ss(8) prints it: "[v6]:port", "*" for port 0. */
static void endpoint(const vmon_socket_t *s, const unsigned char *addr, int port,
		     char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?", p[8] = "*";

	inet_ntop(s->family, addr, a, sizeof(a));
	if (port)
		snprintf(p, sizeof(p), "%d", port);
	snprintf(out, size, s->family == AF_INET6 ? "[%s]:%s" : "%s:%s", a, p);
}

VMON_EXPORT int vmon_socket_format(const vmon_socket_t *s, char *buf, size_t size)
{
	static const char *const types[] = { [SOCK_STREAM] = "stream", [SOCK_DGRAM] = "dgram",
					     [SOCK_SEQPACKET] = "seqpacket" };
	char local[64], remote[64], peer[32] = "";

	if (!s)
		return snprintf(buf, size, "?");
	if (s->family == AF_UNIX) {
		const char *type = (unsigned)s->type < VMON__ARRAY_SIZE(types) && types[s->type] ?
				   types[s->type] : "?";

		if (s->peer_inum)
			snprintf(peer, sizeof(peer), " peer=%llu", (unsigned long long)s->peer_inum);
		return snprintf(buf, size, "unix %s %.*s %s%s", type,
				s->path ? (int)s->path_len : 1, s->path ? s->path : "*",
				vmon_socket_state_name(s->state), peer);
	}
	endpoint(s, s->local_addr, s->local_port, local, sizeof(local));
	endpoint(s, s->remote_addr, s->remote_port, remote, sizeof(remote));
	return snprintf(buf, size, "%s%s %s -> %s %s", s->protocol == IPPROTO_TCP ? "tcp" : "udp",
			s->family == AF_INET6 ? "6" : "", local, remote,
			vmon_socket_state_name(s->state));
}
