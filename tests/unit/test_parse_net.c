/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_net.c - the pure parsers of VMON_WANT_SYS_SOCKETS
 * (src/parse_net.c) and of descriptor link targets (src/fd_kind.c), fed
 * bytes: the socket tables with columns found by name (reordered, extra,
 * missing), odd rows (short, bad hex, overflowing inode, blank, paths with
 * blanks, abstract names), a sock_diag answer built here, and targets
 * such as "x (deleted)" that is no deleted file.  Then the fixture root
 * tests/fixtures/proc/net_odd through the whole library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "internal.h"
#include "test.h"

static const char tcp_header[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

static vmon_sys_sockets_t *rows_new(void)
{
	vmon_sys_sockets_t *ss = calloc(1, sizeof(*ss));

	ASSERT(ss);
	return ss;
}

static void rows_free(vmon_sys_sockets_t *ss)
{
	free(ss->sockets);
	free(ss);
}

static int inet(vmon_sys_sockets_t *ss, int family, const char *text, int *malformed)
{
	return vmon__parse_net_inet(ss, family, IPPROTO_TCP, text, strlen(text), malformed);
}

static void expect_addr(const unsigned char *addr, int family, const char *want)
{
	unsigned char a[16];

	ASSERT(inet_pton(family, want, a) == 1);
	ASSERT_MSG(!memcmp(addr, a, family == AF_INET ? 4 : 16), "address is not %s", want);
}

TEST(parse_net_tcp_row)
{
	vmon_sys_sockets_t *ss = rows_new();
	char text[512];
	int malformed = 0;

	snprintf(text, sizeof(text), "%s%s", tcp_header,
		 "   1: 0100007F:9C40 0200007F:1F90 01 0000000A:00000014 02:000A2B1C 00000000  1000 0 1002 2 0 20 4 30 10 -1\n");
	ASSERT_EQ(inet(ss, AF_INET, text, &malformed), 1);
	ASSERT_EQ(malformed, 0);
	ASSERT_EQ(ss->sockets_nr, 1);
	expect_addr(ss->sockets[0].local_addr, AF_INET, "127.0.0.1");
	expect_addr(ss->sockets[0].remote_addr, AF_INET, "127.0.0.2");
	ASSERT_EQ(ss->sockets[0].local_port, 40000);
	ASSERT_EQ(ss->sockets[0].remote_port, 8080);
	ASSERT_EQ(ss->sockets[0].state, VMON_SOCKET_ESTABLISHED);
	ASSERT_EQ(ss->sockets[0].tx_queue, 10);
	ASSERT_EQ(ss->sockets[0].rx_queue, 20);
	ASSERT_EQ(ss->sockets[0].uid, 1000);
	ASSERT_EQ(ss->sockets[0].inum, 1002);
	ASSERT_EQ(ss->sockets[0].family, AF_INET);
	ASSERT_EQ(ss->sockets[0].type, SOCK_STREAM);
	ASSERT_EQ(ss->sockets[0].protocol, IPPROTO_TCP);
	rows_free(ss);
}

/* columns are found by name: reordered, with unknown columns between */
TEST(parse_net_columns_by_name)
{
	static const char text[] =
		"inode extra st rem_address local_address uid\n"
		"77 x 0A 00000000:0000 0100007F:0050 5\n";
	vmon_sys_sockets_t *ss = rows_new();
	int malformed = 0;

	ASSERT_EQ(inet(ss, AF_INET, text, &malformed), 1);
	ASSERT_EQ(ss->sockets[0].inum, 77);
	ASSERT_EQ(ss->sockets[0].state, VMON_SOCKET_LISTEN);
	ASSERT_EQ(ss->sockets[0].local_port, 80);
	ASSERT_EQ(ss->sockets[0].uid, 5);
	ASSERT_EQ(ss->sockets[0].tx_queue, 0);
	rows_free(ss);
}

TEST(parse_net_header_missing_or_incomplete)
{
	vmon_sys_sockets_t *ss = rows_new();
	struct vmon__buf names = { 0 };
	int malformed = 0;

	ASSERT_EQ(inet(ss, AF_INET, "", &malformed), -EINVAL);
	ASSERT_EQ(inet(ss, AF_INET, "   0: 0100007F:1F90 00000000:0000 0A\n", &malformed), -EINVAL);
	ASSERT_EQ(inet(ss, AF_INET, "sl local_address rem_address st uid\n", &malformed), -EINVAL);
	ASSERT_EQ(inet(ss, AF_INET, tcp_header, &malformed), 0);	/* no sockets */
	ASSERT_EQ(ss->sockets_nr, 0);
	ASSERT_EQ(vmon__parse_net_unix(ss, &names, "Num Path\n", 9, &malformed), -EINVAL);
	ASSERT_EQ(malformed, 0);
	free(names.data);
	rows_free(ss);
}

TEST(parse_net_odd_rows_skipped_and_counted)
{
	vmon_sys_sockets_t *ss = rows_new();
	char text[2048];
	int malformed = 0;

	snprintf(text, sizeof(text), "%s%s%s%s%s%s%s%s", tcp_header,
		 "   0: 0100007F:1F90\n",					/* short */
		 "   1: 0100007G:1F90 00000000:0000 0A 0:0 0:0 0 0 0 5\n",	/* bad hex */
		 "   2: 0100007F:11F90 00000000:0000 0A 0:0 0:0 0 0 0 5\n",	/* port too long */
		 "   3: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 99999999999999999999\n",
		 "\n   \n",							/* blank */
		 "   4: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 9\r\n",	/* CR: junk */
		 "   5: 0100007f:1f90 00000000:0000 0a 0:0 0:0 0 0 0 6 trailing junk");
	ASSERT_EQ(inet(ss, AF_INET, text, &malformed), 1);
	ASSERT_EQ(malformed, 5);
	ASSERT_EQ(ss->sockets[0].inum, 6);
	ASSERT_EQ(ss->sockets[0].local_port, 8080);
	ASSERT_EQ(ss->sockets[0].state, VMON_SOCKET_LISTEN);
	rows_free(ss);
}

TEST(parse_net_tcp6_words)
{
	static const char text[] =
		"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   1: 0000000000000000FFFF00000100007F:1F90 B80D0120000000000000000001000000:9C40 01 00000000:00000000 00:00000000 00000000  1000 0 2002\n";
	vmon_sys_sockets_t *ss = rows_new();
	int malformed = 0;

	ASSERT_EQ(inet(ss, AF_INET6, text, &malformed), 1);
	expect_addr(ss->sockets[0].local_addr, AF_INET6, "::ffff:127.0.0.1");
	expect_addr(ss->sockets[0].remote_addr, AF_INET6, "2001:db8::1");
	ASSERT_EQ(ss->sockets[0].family, AF_INET6);
	ASSERT_EQ(ss->sockets[0].remote_port, 40000);
	/* an IPv4 address in a v6 table is malformed */
	ASSERT_EQ(inet(ss, AF_INET6, "local_address remote_address st inode\n"
		       "0100007F:0050 00000000:0000 0A 1\n", &malformed), 0);
	ASSERT_EQ(malformed, 1);
	rows_free(ss);
}

TEST(parse_net_unix_rows)
{
	static const char text[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01  4001 /run/x.sock\n"
		"0000000000000000: 00000003 00000000 00000000 0001 03  4002\n"
		"0000000000000000: 00000002 00000000 00010000 0005 01  4003 @abstract@name\n"
		"0000000000000000: 00000003 00000000 00000000 0002 01  4004 /tmp/a b  c \n"
		"0000000000000000: 00000003 00000000 00000000 0001 03 40x5 /bad\n"
		"0000000000000000: 00000003 00000000 00000000 0001 02  4006";
	vmon_sys_sockets_t *ss = rows_new();
	struct vmon__buf names = { 0 };
	int malformed = 0;

	ASSERT_EQ(vmon__parse_net_unix(ss, &names, text, strlen(text), &malformed), 5);
	ASSERT_EQ(malformed, 1);
	ASSERT_EQ(ss->sockets[0].state, VMON_SOCKET_LISTEN);
	ASSERT_EQ(ss->sockets[0].type, SOCK_STREAM);
	ASSERT_EQ(ss->sockets[0].family, AF_UNIX);
	ASSERT_EQ(ss->sockets[0].uid, -1);
	ASSERT_STREQ(ss->sockets[0].path, "/run/x.sock");
	ASSERT(!ss->sockets[1].path && ss->sockets[1].state == VMON_SOCKET_ESTABLISHED);
	ASSERT_EQ(ss->sockets[2].type, SOCK_SEQPACKET);
	ASSERT_STREQ(ss->sockets[2].path, "@abstract@name");
	ASSERT_EQ(ss->sockets[3].type, SOCK_DGRAM);
	ASSERT_EQ(ss->sockets[3].state, VMON_SOCKET_CLOSE);
	ASSERT_STREQ(ss->sockets[3].path, "/tmp/a b  c ");	/* the rest of the line */
	ASSERT_EQ(ss->sockets[3].path_len, 12);
	ASSERT_EQ(ss->sockets[4].inum, 4006);
	ASSERT_EQ(ss->sockets[4].state, VMON_SOCKET_ESTABLISHED);	/* not yet accepted */
	free(names.data);
	rows_free(ss);
}

/* a netlink message of the answer: header, unix_diag_msg, the peer attribute */
static size_t diag_msg(char *buf, uint32_t ino, int state, uint32_t peer)
{
	struct nlmsghdr h = { .nlmsg_type = SOCK_DIAG_BY_FAMILY };
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_state = state, .udiag_ino = ino };
	struct rtattr a = { .rta_len = RTA_LENGTH(4), .rta_type = UNIX_DIAG_PEER };
	size_t len = NLMSG_LENGTH(sizeof(m)) + (peer ? RTA_SPACE(4) : 0);

	h.nlmsg_len = len;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &m, sizeof(m));
	if (peer) {
		memcpy(buf + NLMSG_LENGTH(sizeof(m)), &a, sizeof(a));
		memcpy(buf + NLMSG_LENGTH(sizeof(m)) + RTA_LENGTH(0), &peer, 4);
	}
	return NLMSG_ALIGN(len);
}

struct seen {
	int nr;
	uint64_t inum[4], peer[4];
	int state[4];
};

static void on_diag(void *ctx, uint64_t inum, int state, uint64_t peer)
{
	struct seen *s = ctx;

	ASSERT(s->nr < 4);
	s->inum[s->nr] = inum;
	s->state[s->nr] = state;
	s->peer[s->nr++] = peer;
}

TEST(parse_net_unix_diag_answer)
{
	char buf[512];
	struct nlmsghdr done = { .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE };
	struct nlmsghdr err = { .nlmsg_len = NLMSG_LENGTH(sizeof(int)), .nlmsg_type = NLMSG_ERROR };
	int e = -EPERM;
	struct seen s = { 0 };
	size_t n = 0;

	memset(buf, 0, sizeof(buf));
	n += diag_msg(buf + n, 10, 1, 11);
	n += diag_msg(buf + n, 12, 10, 0);
	ASSERT_EQ(vmon__parse_unix_diag(buf, n, on_diag, &s), 0);	/* more to come */
	memcpy(buf + n, &done, sizeof(done));
	ASSERT_EQ(vmon__parse_unix_diag(buf, n + NLMSG_LENGTH(4), on_diag, &s), 1);
	ASSERT_EQ(s.nr, 4);
	ASSERT(s.inum[0] == 10 && s.peer[0] == 11 && s.state[0] == 1);
	ASSERT(s.inum[1] == 12 && s.peer[1] == 0 && s.state[1] == 10);
	/* an error message, a truncated one, one whose length overruns */
	memcpy(buf, &err, sizeof(err));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	ASSERT_EQ(vmon__parse_unix_diag(buf, NLMSG_LENGTH(sizeof(int)), on_diag, &s), -EPERM);
	ASSERT_EQ(vmon__parse_unix_diag(buf, 7, on_diag, &s), -EINVAL);
	n = diag_msg(buf, 10, 1, 11);
	ASSERT_EQ(vmon__parse_unix_diag(buf, n - 4, on_diag, &s), -EINVAL);
}

static struct vmon__fd_desc describe(const char *target, const struct stat *st)
{
	struct vmon__fd_desc d;

	vmon__fd_describe(target, strlen(target), st, &d);
	return d;
}

TEST(parse_net_fd_targets_described)
{
	struct stat reg = { .st_mode = S_IFREG | 0644, .st_nlink = 1, .st_ino = 42 };
	struct stat gone = { .st_mode = S_IFREG | 0644, .st_nlink = 0, .st_ino = 43 };
	struct stat chr = { .st_mode = S_IFCHR | 0666, .st_nlink = 1 };
	struct vmon__fd_desc d;

	d = describe("pipe:[123]", NULL);
	ASSERT(d.kind == VMON_FD_KIND_PIPE && d.ino == 123 && !d.path_len);
	d = describe("socket:[18446744073709551615]", NULL);
	ASSERT(d.kind == VMON_FD_KIND_SOCKET && d.ino == UINT64_MAX);
	ASSERT_EQ(describe("anon_inode:[eventfd]", NULL).kind, VMON_FD_KIND_ANON);
	ASSERT_EQ(describe("anon_inode:inotify", NULL).kind, VMON_FD_KIND_ANON);
	d = describe("/tmp/x", &reg);
	ASSERT(d.kind == VMON_FD_KIND_REGULAR && d.ino == 42 && d.path_len == 6 && !d.deleted);
	d = describe("/tmp/x (deleted)", &gone);
	ASSERT(d.deleted && d.path_len == 6);
	d = describe("/tmp/x (deleted)", &reg);	/* a file named so */
	ASSERT(!d.deleted && d.path_len == 16);
	d = describe("/tmp/x (deleted) (deleted)", &gone);
	ASSERT(d.deleted && d.path_len == 16);
	d = describe("/tmp/x (deleted)", NULL);	/* unknown: the marker says */
	ASSERT(d.deleted && d.kind == VMON_FD_KIND_UNKNOWN);
	ASSERT_EQ(describe("/dev/null", &chr).kind, VMON_FD_KIND_CHARDEV);
	d = describe("net:[4026531840]", &reg);	/* a namespace: no path */
	ASSERT(d.kind == VMON_FD_KIND_OTHER && !d.path_len);
	ASSERT_EQ(describe("pipe:[12x]", NULL).kind, VMON_FD_KIND_UNKNOWN);
	ASSERT_EQ(describe("", NULL).kind, VMON_FD_KIND_UNKNOWN);
	d = describe(" (deleted)", &gone);
	ASSERT(!d.deleted && !d.path_len);
}

/* the fixture root: the odd tables through vmon_sample() */
TEST(parse_net_fixture_root)
{
	vmon_sys_sockets_t *ss;
	char root[512];
	vmon_t v;

	ASSERT(vmon_init_root(&v, t_fixture("net_odd", root, sizeof(root)), VMON_FLAG_NONE,
			      VMON_WANT_SYS_SOCKETS, 0));
	ASSERT(vmon_sample(&v));
	ss = v.stores[VMON_STORE_SYS_SOCKETS];
	ASSERT_EQ(ss->tcp_nr, 4);
	ASSERT_EQ(ss->tcp6_nr, 2);
	ASSERT_EQ(ss->udp_nr, 2);
	ASSERT_EQ(ss->unix_nr, 6);
	ASSERT_EQ(ss->malformed, 6);
	ASSERT_EQ(ss->sockets_nr, 14);
	ASSERT(BITTEST(ss->unavailable, VMON_SYS_SOCKETS_UDP6));	/* no file */
	ASSERT(BITTEST(ss->unavailable, VMON_SYS_SOCKETS_PEERS));	/* not a procfs */
	ASSERT(!BITTEST(ss->unavailable, VMON_SYS_SOCKETS_TCP));
	ASSERT(v.unavailable & VMON_WANT_SYS_SOCKETS);
	ASSERT(v.activity & VMON_WANT_SYS_SOCKETS);
	ASSERT_EQ(ss->sockets[2].state, VMON_SOCKET_TIME_WAIT);
	ASSERT_EQ(ss->sockets[2].inum, 0);
	expect_addr(ss->sockets[3].local_addr, AF_INET, "10.0.2.15");
	ASSERT_EQ(ss->sockets[3].local_port, 22);
	ASSERT_EQ(ss->sockets[7].uid, 102);
	ASSERT_EQ(ss->sockets[7].rx_queue, 256);
	ASSERT_STREQ(ss->sockets[10].path, "@/tmp/.X11-unix/X0");
	ASSERT_STREQ(ss->sockets[11].path, "/tmp/a path with  spaces ");
	ASSERT_EQ(ss->sockets[13].inum, 12345678901ull);
	ASSERT(vmon_sample(&v));	/* the same tables: nothing changed */
	ASSERT(!(v.activity & VMON_WANT_SYS_SOCKETS));
	ASSERT(vmon_sys_store_info(VMON_STORE_SYS_SOCKETS)->fields_nr == VMON_SYS_SOCKETS_NR);
	vmon_destroy(&v);
}
