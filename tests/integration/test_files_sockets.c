/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_sockets.c - VMON_WANT_SYS_SOCKETS on real sockets: a child
 * holds a UNIX socketpair, a TCP listener on 127.0.0.1 with a client and
 * the accepted connection, a UNIX socket server (listener, client,
 * accepted), a UDP socket, a TCP listener on ::1 (when the machine has
 * IPv6), an eventfd and an epoll descriptor.  Each descriptor must have
 * the right kind and object type, each socket object the row of its
 * socket (family, type, protocol, state, addresses and ports, UNIX path
 * and peer), and that row must say what ss(8) says of the same inode.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

/* the descriptors of the child, as it reports them */
struct zoo {
	int pair[2];
	int tcp_listen, tcp_client, tcp_accepted, tcp_port, tcp_client_port;
	int unix_listen, unix_client, unix_accepted;
	int udp, udp_port;
	int tcp6_listen, tcp6_port;	/* -1 without IPv6 */
	int event, epoll;
	char path[80];
};

static int inet_listener(int family, int type, int *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);
	int fd = socket(family, type, 0);

	if (fd < 0 || (family == AF_INET6 ? bind(fd, (void *)&a6, sizeof(a6))
					  : bind(fd, (void *)&a4, sizeof(a4))) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 8) < 0) ||
	    getsockname(fd, (void *)&got, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
					 : ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

static bool make_tcp(struct zoo *z)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	z->tcp_listen = inet_listener(AF_INET, SOCK_STREAM, &z->tcp_port);
	a.sin_port = htons(z->tcp_port);
	z->tcp_client = socket(AF_INET, SOCK_STREAM, 0);
	if (z->tcp_listen < 0 || connect(z->tcp_client, (void *)&a, sizeof(a)) < 0 ||
	    (z->tcp_accepted = accept(z->tcp_listen, NULL, NULL)) < 0 ||
	    getsockname(z->tcp_client, (void *)&a, &len) < 0)
		return false;
	z->tcp_client_port = ntohs(a.sin_port);
	return true;
}

static bool make_unix(struct zoo *z)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(z->path, sizeof(z->path), "/tmp/vmon-test-files-%d.sock", getpid());
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", z->path);
	unlink(z->path);
	z->unix_listen = socket(AF_UNIX, SOCK_STREAM, 0);
	z->unix_client = socket(AF_UNIX, SOCK_STREAM, 0);
	return bind(z->unix_listen, (void *)&a, sizeof(a)) == 0 && listen(z->unix_listen, 8) == 0 &&
	       connect(z->unix_client, (void *)&a, sizeof(a)) == 0 &&
	       (z->unix_accepted = accept(z->unix_listen, NULL, NULL)) >= 0;
}

/* the child: make everything, report it on the pipe, wait to be killed */
static bool zoo_main(void *arg)
{
	int *report = arg;
	struct zoo z;
	struct epoll_event ev = { .events = EPOLLIN };

	memset(&z, -1, sizeof(z));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, z.pair) < 0 || !make_tcp(&z) || !make_unix(&z))
		return false;
	z.udp = inet_listener(AF_INET, SOCK_DGRAM, &z.udp_port);
	z.tcp6_listen = inet_listener(AF_INET6, SOCK_STREAM, &z.tcp6_port);
	z.event = eventfd(0, 0);
	z.epoll = epoll_create1(0);
	if (z.udp < 0 || z.event < 0 || z.epoll < 0 ||
	    epoll_ctl(z.epoll, EPOLL_CTL_ADD, z.event, &ev) < 0)
		return false;
	if (write(report[1], &z, sizeof(z)) != sizeof(z))
		return false;
	close(report[1]);
	for (;;)
		pause();
}

static pid_t zoo_start(struct zoo *z)
{
	int report[2];
	pid_t pid;
	char end;

	ASSERT(pipe(report) == 0);
	pid = t_fork(zoo_main, report);
	close(report[1]);
	ASSERT_MSG(read(report[0], z, sizeof(*z)) == sizeof(*z), "the child could not make its sockets");
	/* and the end of the pipe, once the child has closed its end: its
	 * descriptors must be what they stay before the first sample */
	ASSERT(read(report[0], &end, 1) == 0);
	close(report[0]);
	return pid;
}

static const vmon_socket_t *sock_of(vmon_t *v, pid_t pid, int fdnum)
{
	vmon_fobject_t *o = t_fobject_of(v, pid, fdnum);

	ASSERT_MSG(o, "fd %d holds no object", fdnum);
	ASSERT_EQ(o->type, VMON_FOBJECT_TYPE_SOCKET);
	ASSERT_MSG(o->socket, "%s has no row", o->name.array);
	ASSERT(o->socket->inum == o->inum);
	return o->socket;
}

static void expect_inet(const vmon_socket_t *s, int family, int proto, vmon_socket_state_t state,
			int lport, int rport)
{
	unsigned char lo[16];

	ASSERT_EQ(s->family, family);
	ASSERT_EQ(s->protocol, proto);
	ASSERT_EQ(s->type, proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM);
	ASSERT_MSG(s->state == state, "state %s", vmon_socket_state_name(s->state));
	ASSERT_EQ(s->local_port, lport);
	ASSERT_EQ(s->remote_port, rport);
	ASSERT(inet_pton(family, family == AF_INET ? "127.0.0.1" : "::1", lo) == 1);
	ASSERT(!memcmp(s->local_addr, lo, family == AF_INET ? 4 : 16));
	ASSERT_EQ(s->uid, (long long)getuid());
}

static void expect_unix(const vmon_socket_t *s, vmon_socket_state_t state, const char *path)
{
	ASSERT_EQ(s->family, AF_UNIX);
	ASSERT_EQ(s->type, SOCK_STREAM);
	ASSERT_MSG(s->state == state, "state %s", vmon_socket_state_name(s->state));
	if (!path) {
		ASSERT(!s->path && !s->path_len);
		return;
	}
	ASSERT(s->path && s->path_len == strlen(path) && !memcmp(s->path, path, s->path_len));
}

/* "ADDR:PORT" as ss prints it */
static void ss_endpoint(const vmon_socket_t *s, const unsigned char *addr, int port,
			char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN], p[8] = "*";

	ASSERT(inet_ntop(s->family, addr, a, sizeof(a)));
	if (port)
		snprintf(p, sizeof(p), "%d", port);
	snprintf(out, size, s->family == AF_INET6 ? "[%s]:%s" : "%s:%s", a, p);
}

/* every socket object of pid against ss's row of the same inode */
static int compare_with_ss(vmon_t *v, pid_t pid, bool peers)
{
	vmon_fobject_t *o;
	int compared = 0;

	list_for_each_entry(o, &v->fobjects, bucket) {
		const vmon_socket_t *s = o->socket;
		struct t_ss_row row;
		char want[128];

		if (o->type != VMON_FOBJECT_TYPE_SOCKET || !s ||
		    list_first_entry(&o->ref_fds, vmon_proc_fd_t, ref_fds)->process->pid != pid)
			continue;
		ASSERT_MSG(t_ss_find(o->inum, &row), "ss has no socket %s", o->name.array);
		ASSERT_STREQ(row.state, vmon_socket_state_name(s->state));
		if (s->family == AF_UNIX) {
			snprintf(want, sizeof(want), "%.*s", s->path ? (int)s->path_len : 1,
				 s->path ? s->path : "*");
			ASSERT_STREQ(row.local, want);
			if (peers)
				ASSERT_ULL_EQ(row.peer_inum, s->peer_inum);
		} else {
			ss_endpoint(s, s->local_addr, s->local_port, want, sizeof(want));
			ASSERT_STREQ(row.local, want);
			ss_endpoint(s, s->remote_addr, s->remote_port, want, sizeof(want));
			ASSERT_STREQ(row.peer, want);
		}
		compared++;
	}
	return compared;
}

TEST(files_sockets_kinds_addresses_and_ss)
{
	vmon_sys_sockets_t *ss;
	struct zoo z;
	vmon_proc_t *p;
	bool peers;
	pid_t pid;
	vmon_t v;

	pid = zoo_start(&z);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_SOCKETS, VMON_WANT_PROC_FILES));
	p = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	t_check_tree(&v);
	t_files_compare(p);
	ss = v.stores[VMON_STORE_SYS_SOCKETS];
	ASSERT(ss && (v.activity & VMON_WANT_SYS_SOCKETS));
	ASSERT(ss->tcp_nr >= 3 && ss->udp_nr >= 1 && ss->unix_nr >= 5);
	ASSERT_EQ(ss->malformed, 0);
	peers = !BITTEST(ss->unavailable, VMON_SYS_SOCKETS_PEERS);
	if (!peers)
		printf("    no sock_diag here: UNIX peers not checked\n");

	expect_unix(sock_of(&v, pid, z.pair[0]), VMON_SOCKET_ESTABLISHED, NULL);
	expect_inet(sock_of(&v, pid, z.tcp_listen), AF_INET, IPPROTO_TCP, VMON_SOCKET_LISTEN,
		    z.tcp_port, 0);
	expect_inet(sock_of(&v, pid, z.tcp_client), AF_INET, IPPROTO_TCP,
		    VMON_SOCKET_ESTABLISHED, z.tcp_client_port, z.tcp_port);
	expect_inet(sock_of(&v, pid, z.tcp_accepted), AF_INET, IPPROTO_TCP,
		    VMON_SOCKET_ESTABLISHED, z.tcp_port, z.tcp_client_port);
	expect_inet(sock_of(&v, pid, z.udp), AF_INET, IPPROTO_UDP, VMON_SOCKET_CLOSE,
		    z.udp_port, 0);
	if (z.tcp6_listen >= 0)
		expect_inet(sock_of(&v, pid, z.tcp6_listen), AF_INET6, IPPROTO_TCP,
			    VMON_SOCKET_LISTEN, z.tcp6_port, 0);
	expect_unix(sock_of(&v, pid, z.unix_listen), VMON_SOCKET_LISTEN, z.path);
	expect_unix(sock_of(&v, pid, z.unix_client), VMON_SOCKET_ESTABLISHED, NULL);
	expect_unix(sock_of(&v, pid, z.unix_accepted), VMON_SOCKET_ESTABLISHED, z.path);
	if (peers) {
		ASSERT_ULL_EQ(sock_of(&v, pid, z.pair[0])->peer_inum,
			      t_fobject_of(&v, pid, z.pair[1])->inum);
		ASSERT_ULL_EQ(sock_of(&v, pid, z.unix_client)->peer_inum,
			      t_fobject_of(&v, pid, z.unix_accepted)->inum);
		ASSERT_EQ(sock_of(&v, pid, z.unix_listen)->peer_inum, 0);
		ASSERT(vmon_fobject_find(&v, VMON_FOBJECT_TYPE_SOCKET,
					 sock_of(&v, pid, z.pair[1])->peer_inum) ==
		       t_fobject_of(&v, pid, z.pair[0]));
	}
	ASSERT_STREQ(t_fobject_of(&v, pid, z.event)->name.array, "anon_inode:[eventfd]");
	ASSERT_EQ(t_fobject_of(&v, pid, z.event)->type, VMON_FOBJECT_TYPE_ANON);
	ASSERT_STREQ(t_fobject_of(&v, pid, z.epoll)->name.array, "anon_inode:[eventpoll]");
	ASSERT_EQ(t_fd_entry(p, z.epoll)->kind, VMON_FD_KIND_ANON);
	ASSERT_EQ(compare_with_ss(&v, pid, peers), z.tcp6_listen >= 0 ? 10 : 9);
	vmon_destroy(&v);
	t_kill(pid);
	unlink(z.path);
}

/* the text form of a row, as the dump and examples/pipes print it */
TEST(files_sockets_format)
{
	vmon_socket_t s = { .family = AF_INET, .type = SOCK_STREAM, .protocol = IPPROTO_TCP,
			    .state = VMON_SOCKET_ESTABLISHED, .local_port = 8080,
			    .remote_port = 40312 };
	char buf[128];

	ASSERT(inet_pton(AF_INET, "127.0.0.1", s.local_addr) == 1);
	ASSERT(inet_pton(AF_INET, "10.0.0.2", s.remote_addr) == 1);
	vmon_socket_format(&s, buf, sizeof(buf));
	ASSERT_STREQ(buf, "tcp 127.0.0.1:8080 -> 10.0.0.2:40312 ESTAB");
	s.family = AF_INET6;
	s.protocol = IPPROTO_UDP;
	s.state = VMON_SOCKET_CLOSE;
	s.remote_port = 0;
	memset(s.local_addr, 0, 16);
	s.local_addr[15] = 1;
	memset(s.remote_addr, 0, 16);
	vmon_socket_format(&s, buf, sizeof(buf));
	ASSERT_STREQ(buf, "udp6 [::1]:8080 -> [::]:* UNCONN");
	s = (vmon_socket_t){ .family = AF_UNIX, .type = SOCK_DGRAM, .state = VMON_SOCKET_LISTEN,
			     .path = "@abstract x", .path_len = 11, .peer_inum = 77 };
	ASSERT_EQ(vmon_socket_format(&s, buf, 8), (int)strlen("unix dgram @abstract x LISTEN peer=77"));
	vmon_socket_format(&s, buf, sizeof(buf));
	ASSERT_STREQ(buf, "unix dgram @abstract x LISTEN peer=77");
	ASSERT_STREQ(vmon_socket_state_name(VMON_SOCKET_TIME_WAIT), "TIME-WAIT");
	ASSERT_STREQ(vmon_socket_state_name(99), "UNKNOWN");
	ASSERT_STREQ(vmon_fd_kind_name(VMON_FD_KIND_FIFO), "fifo");
	ASSERT_STREQ(vmon_fd_kind_name(42), "unknown");
}
