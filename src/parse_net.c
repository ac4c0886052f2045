/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_net.c - the pure parsers of VMON_WANT_SYS_SOCKETS: the socket
 * tables /proc/net/{tcp,tcp6,udp,udp6} and /proc/net/unix, and the answer
 * of the kernel's sock_diag netlink interface naming UNIX sockets' peers.
 * They take bytes, never descriptors, so the tests feed them fixtures and
 * the fuzzers (fuzz/fuzz_net_*.c) anything at all.
 *
 * Columns are found by the names of the header line, never by position
 * alone: in the inet tables two header words name one column each
 * ("tx_queue rx_queue" above "00000000:00000000", "tr tm->when" above
 * "00:00000000"), which is the one irregularity allowed for.  A row with a
 * missing or malformed column is skipped and counted, never half-read.
 * Addresses are printed by the kernel as 32-bit words in host order
 * (%08X of the __be32): each word is stored back as it was in memory, so
 * the bytes come out in network order on the machine that printed them.
 * A UNIX socket's path is the rest of its line after one blank (paths may
 * hold blanks; "@" marks an abstract name), as unix_seq_show() prints it.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

#define MAX_COLS 32

/* The blank-separated tokens of the line at *p (up to a newline or end),
 * at most MAX_COLS; *p moves past the newline.  Returns the count. */
static int split(const char **p, const char *end, const char **tok, const char **tok_end)
{
	int n = 0;

	while (n < MAX_COLS && (tok[n] = vmon__next_token(p, end, &tok_end[n])))
		n++;
	while (*p < end && **p != '\n')	/* a line of more tokens than kept */
		(*p)++;
	if (*p < end)
		(*p)++;
	return n;
}

static bool word_is(const char *t, const char *t_end, const char *word)
{
	return (size_t)(t_end - t) == strlen(word) && !memcmp(t, word, t_end - t);
}

static int max3(int a, int b, int c)
{
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

static int col_of(const char **tok, const char **tok_end, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (word_is(tok[i], tok_end[i], name))
			return i;
	return -1;
}

/* Hexadecimal [p, end) into *v, at most max_digits digits: 0 or -EINVAL. */
static int hex_span(const char *p, const char *end, int max_digits, unsigned long long *v)
{
	if (p >= end || end - p > max_digits)
		return -EINVAL;
	*v = 0;
	for (; p < end; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			return -EINVAL;
		*v = *v * 16 + d;
	}
	return 0;
}

/* "ADDR:PORT" with ADDR 8 (IPv4) or 32 (IPv6) hex digits of host-order
 * words: 0 or -EINVAL. */
static int parse_endpoint(const char *p, const char *end, int family, unsigned char *addr,
			  int *port)
{
	const char *colon = memchr(p, ':', end - p);
	int words = family == AF_INET6 ? 4 : 1;
	unsigned long long v;

	if (!colon || colon - p != words * 8)
		return -EINVAL;
	for (int w = 0; w < words; w++) {
		uint32_t word;

		if (hex_span(p + w * 8, p + w * 8 + 8, 8, &v) < 0)
			return -EINVAL;
		word = (uint32_t)v;
		memcpy(addr + w * 4, &word, 4);
	}
	if (hex_span(colon + 1, end, 4, &v) < 0)
		return -EINVAL;
	*port = (int)v;
	return 0;
}

static int parse_dec(const char *p, const char *end, unsigned long long *v)
{
	return vmon__parse_ull(&p, end, v) < 0 || p != end ? -EINVAL : 0;
}

static vmon_socket_state_t state_of(unsigned long long st)
{
	return st < VMON_SOCKET_STATE_NR ? (vmon_socket_state_t)st : VMON_SOCKET_UNKNOWN;
}

/* A new row at the end of ss->sockets (zeroed), or NULL on ENOMEM. */
static vmon_socket_t *row_new(vmon_sys_sockets_t *ss)
{
	vmon_socket_t *s;

	if (vmon__grow((void **)&ss->sockets, &ss->sockets_alloc, ss->sockets_nr + 1,
		       sizeof(*ss->sockets)) < 0)
		return NULL;
	s = &ss->sockets[ss->sockets_nr];
	memset(s, 0, sizeof(*s));
	return s;
}

/* the columns of an inet table */
struct inet_cols {
	int local, remote, st, queues, uid, inode, need;
};

static int inet_header(const char **tok, const char **tok_end, int n, struct inet_cols *c)
{
	const char *names[MAX_COLS], *ends[MAX_COLS];
	int cols = 0;

	/* the two-word column names make one column each */
	for (int i = 0; i < n; i++) {
		if (cols && ((word_is(tok[i], tok_end[i], "rx_queue") &&
			      word_is(names[cols - 1], ends[cols - 1], "tx_queue")) ||
			     (word_is(tok[i], tok_end[i], "tm->when") &&
			      word_is(names[cols - 1], ends[cols - 1], "tr"))))
			continue;
		names[cols] = tok[i];
		ends[cols++] = tok_end[i];
	}
	c->local = col_of(names, ends, cols, "local_address");
	c->remote = col_of(names, ends, cols, "rem_address");	/* tcp, udp */
	if (c->remote < 0)
		c->remote = col_of(names, ends, cols, "remote_address");	/* tcp6, udp6 */
	c->st = col_of(names, ends, cols, "st");
	c->queues = col_of(names, ends, cols, "tx_queue");
	c->uid = col_of(names, ends, cols, "uid");
	c->inode = col_of(names, ends, cols, "inode");
	if (c->local < 0 || c->remote < 0 || c->st < 0 || c->inode < 0)
		return -EINVAL;
	c->need = 1 + max3(max3(c->local, c->remote, c->st), c->inode, 0);
	return 0;
}

/* Fill s from the tokens of one inet row: 0 or -EINVAL. */
static int inet_row(vmon_socket_t *s, const struct inet_cols *c, int family,
		    const char **tok, const char **tok_end, int n)
{
	unsigned long long st, v;

	if (n < c->need ||
	    parse_endpoint(tok[c->local], tok_end[c->local], family, s->local_addr,
			   &s->local_port) < 0 ||
	    parse_endpoint(tok[c->remote], tok_end[c->remote], family, s->remote_addr,
			   &s->remote_port) < 0 ||
	    hex_span(tok[c->st], tok_end[c->st], 2, &st) < 0 ||
	    parse_dec(tok[c->inode], tok_end[c->inode], &v) < 0)
		return -EINVAL;
	s->state = state_of(st);
	s->inum = v;
	s->uid = -1;
	if (c->uid >= 0 && c->uid < n && parse_dec(tok[c->uid], tok_end[c->uid], &v) == 0 &&
	    v <= 0xffffffffull)
		s->uid = (long long)v;
	if (c->queues >= 0 && c->queues < n) {
		const char *q = tok[c->queues], *qe = tok_end[c->queues];
		const char *colon = memchr(q, ':', qe - q);

		if (colon && hex_span(q, colon, 16, &s->tx_queue) == 0)
			(void)hex_span(colon + 1, qe, 16, &s->rx_queue);
	}
	return 0;
}

int vmon__parse_net_inet(vmon_sys_sockets_t *ss, int family, int protocol,
			 const char *buf, size_t len, int *malformed)
{
	const char *p = buf, *end = buf + len, *tok[MAX_COLS], *tok_end[MAX_COLS];
	struct inet_cols c;
	int n, added = 0;

	n = split(&p, end, tok, tok_end);
	if (inet_header(tok, tok_end, n, &c) < 0)
		return -EINVAL;
	while (p < end) {
		vmon_socket_t *s;

		n = split(&p, end, tok, tok_end);
		if (!n)
			continue;	/* a blank line */
		if (!(s = row_new(ss)))
			return -ENOMEM;
		if (inet_row(s, &c, family, tok, tok_end, n) < 0) {
			(*malformed)++;
			continue;
		}
		s->family = family;
		s->protocol = protocol;
		s->type = protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
		ss->sockets_nr++;
		added++;
	}
	return added;
}

/* the columns of /proc/net/unix */
struct unix_cols {
	int flags, type, st, inode, path, need;
	bool path_last;
};

static int unix_header(const char **tok, const char **tok_end, int n, struct unix_cols *c)
{
	c->flags = col_of(tok, tok_end, n, "Flags");
	c->type = col_of(tok, tok_end, n, "Type");
	c->st = col_of(tok, tok_end, n, "St");
	c->inode = col_of(tok, tok_end, n, "Inode");
	c->path = col_of(tok, tok_end, n, "Path");
	if (c->flags < 0 || c->type < 0 || c->st < 0 || c->inode < 0)
		return -EINVAL;
	c->path_last = c->path > 0 && c->path == n - 1;
	c->need = 1 + max3(max3(c->flags, c->type, c->st), c->inode, 0);
	return 0;
}

/* The state of a UNIX socket by its Flags and St columns (sock_diag, when
 * it answers, gives the kernel's own sk_state instead): a listener has
 * __SO_ACCEPTCON; SS_CONNECTED (3), and SS_CONNECTING (2) for a connection
 * not yet accepted, are established; the rest is unconnected. */
static vmon_socket_state_t unix_state(unsigned long long flags, unsigned long long st)
{
	if (flags & 0x10000)
		return VMON_SOCKET_LISTEN;
	return st == 2 || st == 3 ? VMON_SOCKET_ESTABLISHED : VMON_SOCKET_CLOSE;
}

/* Fill s from one unix row; its path (the rest of line after the token
 * before Path) is copied to names at *used.  0 or -EINVAL. */
static int unix_row(vmon_socket_t *s, const struct unix_cols *c, const char **tok,
		    const char **tok_end, int n, const char *eol, struct vmon__buf *names,
		    size_t *used)
{
	unsigned long long flags, type, st, inode;
	const char *path = NULL, *path_end = NULL;

	if (n < c->need || hex_span(tok[c->flags], tok_end[c->flags], 8, &flags) < 0 ||
	    hex_span(tok[c->type], tok_end[c->type], 4, &type) < 0 ||
	    hex_span(tok[c->st], tok_end[c->st], 2, &st) < 0 ||
	    parse_dec(tok[c->inode], tok_end[c->inode], &inode) < 0)
		return -EINVAL;
	if (c->path >= 0 && c->path_last && n > c->path) {
		path = tok_end[c->path - 1] + 1;	/* after one blank */
		path_end = eol;
	} else if (c->path >= 0 && n > c->path) {
		path = tok[c->path];
		path_end = tok_end[c->path];
	}
	s->family = AF_UNIX;
	s->type = (int)type;
	s->state = unix_state(flags, st);
	s->inum = inode;
	s->uid = -1;
	if (path && path_end > path) {
		memcpy(names->data + *used, path, path_end - path);
		s->path = names->data + *used;
		s->path_len = path_end - path;
		*used += s->path_len;
		names->data[(*used)++] = '\0';
	}
	return 0;
}

int vmon__parse_net_unix(vmon_sys_sockets_t *ss, struct vmon__buf *names,
			 const char *buf, size_t len, int *malformed)
{
	const char *p = buf, *end = buf + len, *tok[MAX_COLS], *tok_end[MAX_COLS];
	struct unix_cols c;
	size_t used = 0;
	int n, added = 0;

	/* every path is a part of buf, each with one NUL added for a blank or
	 * newline at least as long: len + 1 bytes hold them all */
	if (vmon__grow((void **)&names->data, &names->size, len + 1, 1) < 0)
		return -ENOMEM;
	n = split(&p, end, tok, tok_end);
	if (unix_header(tok, tok_end, n, &c) < 0)
		return -EINVAL;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		vmon_socket_t *s;

		if (!eol)
			eol = end;
		n = split(&p, end, tok, tok_end);
		if (!n)
			continue;
		if (!(s = row_new(ss)))
			return -ENOMEM;
		if (unix_row(s, &c, tok, tok_end, n, eol, names, &used) < 0) {
			(*malformed)++;
			continue;
		}
		ss->sockets_nr++;
		added++;
	}
	return added;
}

/* One SOCK_DIAG_BY_FAMILY message's payload: 0, or -EINVAL. */
static int diag_msg(const char *p, size_t len,
		    void (*fn)(void *ctx, uint64_t inum, int state, uint64_t peer), void *ctx)
{
	struct unix_diag_msg m;
	uint32_t peer = 0;
	size_t off = NLMSG_ALIGN(sizeof(m));

	if (len < sizeof(m))
		return -EINVAL;
	memcpy(&m, p, sizeof(m));
	while (off + sizeof(struct rtattr) <= len) {
		struct rtattr a;

		memcpy(&a, p + off, sizeof(a));
		if (a.rta_len < sizeof(a) || a.rta_len > len - off)
			return -EINVAL;
		if (a.rta_type == UNIX_DIAG_PEER && a.rta_len >= RTA_LENGTH(sizeof(peer)))
			memcpy(&peer, p + off + RTA_LENGTH(0), sizeof(peer));
		off += RTA_ALIGN(a.rta_len);
	}
	fn(ctx, m.udiag_ino, m.udiag_state, peer);
	return 0;
}

int vmon__parse_unix_diag(const char *buf, size_t len,
			  void (*fn)(void *ctx, uint64_t inum, int state, uint64_t peer),
			  void *ctx)
{
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;
		int err;

		memcpy(&h, buf + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return -EINVAL;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR) {
			if (h.nlmsg_len < sizeof(h) + sizeof(err))
				return -EINVAL;
			memcpy(&err, buf + off + sizeof(h), sizeof(err));
			return err < 0 && err > -4096 ? err : -EPROTO;
		}
		if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    diag_msg(buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, fn, ctx) < 0)
			return -EINVAL;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	return off >= len ? 0 : -EINVAL;	/* a message is never split across reads */
}
