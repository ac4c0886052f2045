/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seed-corpus-netlink.c - (re)write the seed inputs of fuzz_netlink
 * (fuzz/corpus/netlink/): what the kernel sends the NETLINK source,
 * captured from this machine (capture-*), and hazards made from them
 * (case-*).  Built and run as root by fuzz/seed-corpus-netlink.sh, which
 * commits nothing: commit the result.
 *
 * Captured: the connector's fork, exec and exit events of children it
 * starts (one exits 3, one execs /bin/true, one is killed, one has a
 * thread that ends first), its ack to our listen request, each child's
 * taskstats record (the threaded one's with its process's AGGR_TGID),
 * the generic netlink family answer and an ack.  Made from them: cut
 * short, a message length past the end, zero lengths, an attribute past
 * its message, a taskstats structure of version 1's size and one longer
 * than any known, another connector, another command, two messages in
 * one datagram, nothing at all.
 */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;
static char conn_fork[256], conn_exec[256], conn_exit[256], conn_ack[256], ts_exit[2048],
	ts_threaded[4096], ctrl[4096], ack[256];
static size_t conn_fork_n, conn_exec_n, conn_exit_n, conn_ack_n, ts_exit_n, ts_threaded_n,
	ctrl_n, ack_n;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path);
}

static void send_to_kernel(int fd, const void *msg, size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	if (sendto(fd, msg, len, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		die("sendto");
}

static ssize_t receive(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	do {	/* an overrun lost what another process did: go on */
		if (poll(&p, 1, ms) <= 0)
			return -1;
		n = recv(fd, buf, size, 0);
	} while (n < 0 && errno == ENOBUFS);
	return n;
}

static void big_buffer(int fd)
{
	int bytes = 16 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
}

static int conn_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct {
		struct nlmsghdr h;
		struct cn_msg c;
		uint32_t op;
	} __attribute__((packed)) m = { 0 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connector (run as root)");
	big_buffer(fd);
	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = NLMSG_DONE;
	m.c.id.idx = CN_IDX_PROC;
	m.c.id.val = CN_VAL_PROC;
	m.c.seq = 7;
	m.c.ack = 7;
	m.c.len = sizeof(m.op);
	m.op = PROC_CN_MCAST_LISTEN;
	send_to_kernel(fd, &m, sizeof(m));
	return fd;
}

static size_t genl_request(char *buf, int type, int cmd, int attr, const void *data, size_t len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);

	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN + NLA_HDRLEN + len));
	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = 9;
	g->cmd = (uint8_t)cmd;
	g->version = 1;
	a->nla_type = (uint16_t)attr;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(a->nla_len));
	return h->nlmsg_len;
}

static void possible_cpus(char *list, size_t size)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	if (!f || !fgets(list, (int)size, f))
		die("/sys/devices/system/cpu/possible");
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
}

static int ts_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char req[512], cpus[256];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct nlattr *a;
	ssize_t n;
	int family = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("generic netlink");
	big_buffer(fd);
	send_to_kernel(fd, req, genl_request(req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
					     CTRL_ATTR_FAMILY_NAME, "TASKSTATS", 10));
	n = receive(fd, ctrl, sizeof(ctrl), 1000);
	if (n <= 0)
		die("family answer");
	ctrl_n = (size_t)n;
	while ((n = receive(fd, req, sizeof(req), 100)) > 0)
		;	/* the ack of the request */
	for (size_t off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= ctrl_n;
	     off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)(ctrl + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&family, (char *)a + NLA_HDRLEN, 2);
	}
	if (!family)
		die("no TASKSTATS family");
	possible_cpus(cpus, sizeof(cpus));
	send_to_kernel(fd, req, genl_request(req, family, TASKSTATS_CMD_GET,
					     TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpus,
					     strlen(cpus) + 1));
	n = receive(fd, ack, sizeof(ack), 1000);
	if (n <= 0)
		die("register ack");
	ack_n = (size_t)n;
	return fd;
}

static void *thread_exits(void *arg)
{
	return arg;
}

static pid_t child(int kind)
{
	pid_t pid = fork();
	pthread_t t;

	if (pid < 0)
		die("fork");
	if (pid)
		return pid;
	switch (kind) {
	case 0:
		_exit(3);
	case 1:
		execl("/bin/true", "true", "seed", (char *)NULL);
		_exit(127);
	case 2:
		pause();
		_exit(0);
	default:
		if (pthread_create(&t, NULL, thread_exits, NULL) || pthread_join(t, NULL))
			_exit(1);
		_exit(5);
	}
}

/* The first message of each kind about our children. */
static void keep_conn(const char *buf, size_t n, pid_t *kids)
{
	const struct cn_msg *c = NLMSG_DATA((const struct nlmsghdr *)buf);
	const struct proc_event *e = (const struct proc_event *)c->data;

	if (e->what == PROC_EVENT_NONE && c->ack == 8 && !conn_ack_n) {
		memcpy(conn_ack, buf, conn_ack_n = n);
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (e->what == PROC_EVENT_FORK && e->event_data.fork.child_pid == kids[i] &&
		    !conn_fork_n)
			memcpy(conn_fork, buf, conn_fork_n = n);
		if (e->what == PROC_EVENT_EXEC && e->event_data.exec.process_pid == kids[i] &&
		    !conn_exec_n)
			memcpy(conn_exec, buf, conn_exec_n = n);
		if (e->what == PROC_EVENT_EXIT && e->event_data.exit.process_pid == kids[0] &&
		    !conn_exit_n)
			memcpy(conn_exit, buf, conn_exit_n = n);
	}
}

/* A record of our first child, and the threaded child's leader's. */
static void keep_ts(const char *buf, size_t n, pid_t *kids)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	const struct nlattr *outer = (const struct nlattr *)p;
	const struct nlattr *pid_attr = (const struct nlattr *)(p + NLA_HDRLEN);
	uint32_t pid;

	if (n < NLMSG_HDRLEN + GENL_HDRLEN + 2 * NLA_HDRLEN + sizeof(pid) ||
	    outer->nla_type != TASKSTATS_TYPE_AGGR_PID || pid_attr->nla_type != TASKSTATS_TYPE_PID)
		return;
	memcpy(&pid, (const char *)pid_attr + NLA_HDRLEN, sizeof(pid));
	if ((pid_t)pid == kids[0] && !ts_exit_n && n <= sizeof(ts_exit))
		memcpy(ts_exit, buf, ts_exit_n = n);
	if ((pid_t)pid == kids[3] && NLMSG_ALIGN(outer->nla_len) + GENL_HDRLEN + NLMSG_HDRLEN < n &&
	    !ts_threaded_n && n <= sizeof(ts_threaded))
		memcpy(ts_threaded, buf, ts_threaded_n = n);
}

static void capture(void)
{
	int conn = conn_open(), ts = ts_open();
	pid_t kids[4];
	char buf[8192];
	ssize_t n;

	for (int i = 0; i < 4; i++)
		kids[i] = child(i);
	kill(kids[2], SIGKILL);
	for (int i = 0; i < 4; i++)
		waitpid(kids[i], NULL, 0);
	/* the sockets hear of every process on the machine: a bounded read */
	for (int i = 0; i < 100000 && (n = receive(conn, buf, sizeof(buf), 300)) > 0; i++)
		keep_conn(buf, (size_t)n, kids);
	for (int i = 0; i < 100000 && (n = receive(ts, buf, sizeof(buf), 300)) > 0; i++)
		keep_ts(buf, (size_t)n, kids);
	if (!conn_fork_n || !conn_exec_n || !conn_exit_n || !ts_exit_n || !ts_threaded_n) {
		fprintf(stderr, "seed-corpus-netlink: missing:%s%s%s%s%s\n",
			conn_fork_n ? "" : " fork", conn_exec_n ? "" : " exec",
			conn_exit_n ? "" : " exit", ts_exit_n ? "" : " record",
			ts_threaded_n ? "" : " threaded-record");
		exit(1);
	}
	put("capture-conn-fork", conn_fork, conn_fork_n);
	put("capture-conn-exec", conn_exec, conn_exec_n);
	put("capture-conn-exit", conn_exit, conn_exit_n);
	if (conn_ack_n)
		put("capture-conn-ack", conn_ack, conn_ack_n);
	put("capture-ts-exit", ts_exit, ts_exit_n);
	put("capture-ts-exit-threaded", ts_threaded, ts_threaded_n);
	put("capture-ctrl-family", ctrl, ctrl_n);
	put("capture-ack", ack, ack_n);
}

static void set_u32(char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void set_u16(char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The hazards, made from the captures. */
static void cases(void)
{
	char b[8192];
	size_t stats = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + NLA_HDRLEN + 4 + NLA_HDRLEN;
	size_t n;

	put("case-empty", "", 0);
	put("case-conn-cut", conn_exit, conn_exit_n / 2);
	put("case-ts-cut", ts_exit, ts_exit_n / 2);
	memcpy(b, conn_exit, conn_exit_n);
	set_u32(b, (uint32_t)conn_exit_n + 64);	/* nlmsg_len past the end */
	put("case-conn-len-past-end", b, conn_exit_n);
	set_u32(b, 0);
	put("case-conn-len-zero", b, conn_exit_n);
	memcpy(b, conn_exit, conn_exit_n);
	set_u16(b + NLMSG_HDRLEN + offsetof(struct cn_msg, len), 0xffff);
	put("case-conn-cn-len-past-end", b, conn_exit_n);
	set_u16(b + NLMSG_HDRLEN + offsetof(struct cn_msg, len), 8);
	put("case-conn-cn-len-short", b, conn_exit_n);
	memcpy(b, conn_exit, conn_exit_n);
	set_u32(b + NLMSG_HDRLEN, CN_IDX_PROC + 1);	/* another connector */
	put("case-conn-other-idx", b, conn_exit_n);
	memcpy(b, conn_fork, conn_fork_n);
	memcpy(b + NLMSG_ALIGN(conn_fork_n), conn_exit, conn_exit_n);
	put("case-conn-two", b, NLMSG_ALIGN(conn_fork_n) + conn_exit_n);
	memcpy(b, ts_exit, ts_exit_n);
	set_u32(b, (uint32_t)ts_exit_n + 64);
	put("case-ts-len-past-end", b, ts_exit_n);
	memcpy(b, ts_exit, ts_exit_n);
	set_u16(b + NLMSG_HDRLEN + GENL_HDRLEN, 0xfff0);	/* outer nla_len */
	put("case-ts-attr-past-end", b, ts_exit_n);
	set_u16(b + NLMSG_HDRLEN + GENL_HDRLEN, 0);
	put("case-ts-attr-len-zero", b, ts_exit_n);
	memcpy(b, ts_exit, ts_exit_n);
	b[NLMSG_HDRLEN] = TASKSTATS_CMD_GET;	/* another command */
	put("case-ts-other-cmd", b, ts_exit_n);
	/* version 1's struct: 80 bytes of stats, lengths made to match */
	memcpy(b, ts_exit, stats + 80);
	n = stats + 80;
	set_u32(b, (uint32_t)n);
	set_u16(b + NLMSG_HDRLEN + GENL_HDRLEN, (uint16_t)(n - NLMSG_HDRLEN - GENL_HDRLEN));
	set_u16(b + stats - NLA_HDRLEN, NLA_HDRLEN + 80);
	put("case-ts-version-1", b, n);
	/* longer than any struct known: 256 bytes more */
	memcpy(b, ts_exit, ts_exit_n);
	memset(b + ts_exit_n, 0x5a, 256);
	n = ts_exit_n + 256;
	set_u32(b, (uint32_t)n);
	set_u16(b + NLMSG_HDRLEN + GENL_HDRLEN, (uint16_t)(n - NLMSG_HDRLEN - GENL_HDRLEN));
	set_u16(b + stats - NLA_HDRLEN, (uint16_t)(n - stats + NLA_HDRLEN));
	put("case-ts-longer", b, n);
	memcpy(b, ack, ack_n);
	set_u32(b + NLMSG_HDRLEN, (uint32_t)-EPERM);
	put("case-ack-eperm", b, ack_n);
	memcpy(b, ctrl, ctrl_n);
	set_u32(b, NLMSG_HDRLEN + GENL_HDRLEN);	/* the answer without attributes */
	put("case-ctrl-empty", b, ctrl_n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seed-corpus-netlink DIR\n");
		return 2;
	}
	dir = argv[1];
	capture();
	cases();
	return 0;
}
