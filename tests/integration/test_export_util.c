/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_export_util.c - the helpers of test_export_util.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "test_export_util.h"

void xt_mkdir(char *path, size_t size)
{
	snprintf(path, size, "/tmp/vmon-export-test-XXXXXX");
	ASSERT_MSG(mkdtemp(path), "mkdtemp: %s", strerror(errno));
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void xt_rmdir(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *xt_write(const char *dir, const char *name, const char *text, char *out,
		     size_t size)
{
	FILE *f;

	snprintf(out, size, "%s/%s", dir, name);
	f = fopen(out, "w");
	ASSERT_MSG(f, "%s: %s", out, strerror(errno));
	fputs(text, f);
	ASSERT(fclose(f) == 0);
	return out;
}

double xt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void xt_sleep(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (long)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void xt_require_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root: the exporter learns of short-lived processes from netlink");
	if (access("/usr/bin/prometheus", X_OK) < 0)
		SKIP("no /usr/bin/prometheus (Debian's prometheus package)");
}

/* read the exporter's stderr until its "listening on" line */
static int read_port(int fd, char *seen, size_t size)
{
	size_t n = 0;
	double end = xt_now() + 60;

	while (n + 1 < size && xt_now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t k;
		char *at;

		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		k = read(fd, seen + n, size - n - 1);
		if (k <= 0)
			break;
		n += (size_t)k;
		seen[n] = '\0';
		at = strstr(seen, "listening on ");
		if (at && strchr(at, '\n')) {
			char *colon = strchr(strstr(at, "127.0.0.1"), ':');

			return colon ? atoi(colon + 1) : -1;
		}
	}
	seen[n] = '\0';
	return -1;
}

void xt_exporter_start(struct xt_exporter *e, const char *const extra[])
{
	const char *argv[32] = { "vmon-export", "--listen", "127.0.0.1:0" };
	char path[256], seen[4096];
	int n = 3, errp[2];

	for (int i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	t_build_path("vmon-export", path, sizeof(path));
	ASSERT(pipe2(errp, O_CLOEXEC) == 0);
	e->pid = fork();
	ASSERT(e->pid >= 0);
	if (e->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(errp[1], 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(errp[1]);
	e->err_fd = errp[0];
	e->port = read_port(e->err_fd, seen, sizeof(seen));
	if (e->port <= 0) {
		t_kill(e->pid);
		ASSERT_MSG(0, "vmon-export did not start: %s", seen);
	}
}

void xt_exporter_stop(struct xt_exporter *e)
{
	int status;

	kill(e->pid, SIGTERM);
	ASSERT(waitpid(e->pid, &status, 0) == e->pid);
	close(e->err_fd);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "vmon-export ended with status 0x%x on SIGTERM", status);
}

int xt_http_raw(int port, const char *req, size_t len, double timeout, char **resp)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), status = 0;
	size_t n = 0, cap = 65536;
	char *buf = malloc(cap);
	double end = xt_now() + timeout;

	ASSERT(fd >= 0 && buf);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto out;
	for (size_t off = 0; off < len;) {
		ssize_t k = send(fd, req + off, len - off, MSG_NOSIGNAL);

		if (k <= 0)
			break;	/* the server may refuse mid-way: read what it said */
		off += (size_t)k;
	}
	while (xt_now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t k;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ASSERT(buf);
		}
		k = recv(fd, buf + n, cap - n - 1, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
out:
	buf[n] = '\0';
	close(fd);
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		status = 0;
	if (resp)
		*resp = buf;
	else
		free(buf);
	return status;
}

int xt_http_get(int port, const char *path, const char *headers, char **body)
{
	char req[2048], *resp, *start;
	int status;

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		 "%s\r\n", path, headers ? headers : "");
	status = xt_http_raw(port, req, strlen(req), 30, &resp);
	start = strstr(resp, "\r\n\r\n");
	if (body)
		*body = strdup(start ? start + 4 : "");
	free(resp);
	return status;
}

double xt_metric(const char *page, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *l = page; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, prefix, n))
			return strtod(l + n, NULL);
	return NAN;
}

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	ASSERT(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

void xt_prom_start(struct xt_prom *p, const char *scrape_configs)
{
	char conf[8192], path[256], flag_conf[300], flag_data[300], flag_listen[64], logp[256];
	double end;

	xt_require_root();
	xt_mkdir(p->dir, sizeof(p->dir));
	snprintf(conf, sizeof(conf),
		 "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
		 "  evaluation_interval: 1s\nscrape_configs:\n%s", scrape_configs);
	xt_write(p->dir, "prometheus.yml", conf, path, sizeof(path));
	p->port = free_port();
	snprintf(flag_conf, sizeof(flag_conf), "--config.file=%s", path);
	snprintf(flag_data, sizeof(flag_data), "--storage.tsdb.path=%s/data", p->dir);
	snprintf(flag_listen, sizeof(flag_listen), "--web.listen-address=127.0.0.1:%d", p->port);
	snprintf(logp, sizeof(logp), "%s/prometheus.log", p->dir);
	p->pid = fork();
	ASSERT(p->pid >= 0);
	if (p->pid == 0) {
		int log = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(log, 1);
		dup2(log, 2);
		execl("/usr/bin/prometheus", "prometheus", flag_conf, flag_data, flag_listen,
		      "--log.level=warn", (char *)NULL);
		_exit(127);
	}
	/* ready when its readiness endpoint says so: nothing else tells */
	for (end = xt_now() + 60; xt_now() < end; xt_sleep(0.2))
		if (xt_http_get(p->port, "/-/ready", NULL, NULL) == 200)
			return;
	xt_prom_stop(p);
	ASSERT_MSG(0, "prometheus did not become ready in 60 s (log in %s)", logp);
}

void xt_prom_stop(struct xt_prom *p)
{
	if (p->pid > 0)
		t_kill(p->pid);
	p->pid = 0;
	xt_rmdir(p->dir);
}

static void url_encode(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c))
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
	}
	out[n] = '\0';
}

double xt_prom_query(struct xt_prom *p, const char *expr, double at)
{
	char enc[4096], path[4300], *body, *v;
	int status;
	double r = NAN;

	url_encode(expr, enc, sizeof(enc));
	if (at > 0)
		snprintf(path, sizeof(path), "/api/v1/query?query=%s&time=%.3f", enc, at);
	else
		snprintf(path, sizeof(path), "/api/v1/query?query=%s", enc);
	status = xt_http_get(p->port, path, NULL, &body);
	ASSERT_MSG(status == 200, "query %s: status %d: %s", expr, status, body);
	/* "value":[TIME,"VALUE"] of the first result */
	v = strstr(body, "\"value\":[");
	if (v && (v = strchr(v, ',')) && v[1] == '"')
		r = strtod(v + 2, NULL);
	free(body);
	return r;
}

void xt_prom_wait_scrape(struct xt_prom *p, const char *job, double t)
{
	char q[256];
	double end = xt_now() + 60;

	snprintf(q, sizeof(q), "timestamp(up{job=\"%s\"})", job);
	for (; xt_now() < end; xt_sleep(0.25)) {
		double ts = xt_prom_query(p, q, 0);

		if (!isnan(ts) && ts > t)
			return;
	}
	ASSERT_MSG(0, "prometheus took no sample of job %s after %.3f in 60 s", job, t);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = t_read_file(from, &len);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	ASSERT_MSG(data && fd >= 0, "copy %s to %s: %s", from, to, strerror(errno));
	ASSERT(write(fd, data, len) == (ssize_t)len);
	close(fd);
	free(data);
}

pid_t xt_spawn_as(const char *program, const char *dir, const char *name,
		  const char *const args[])
{
	char src[256], dst[512];
	const char *argv[16] = { name };
	int n = 1;
	pid_t pid;

	t_build_path(program, src, sizeof(src));
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	if (access(dst, X_OK) < 0)
		copy_file(src, dst);
	for (int i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execv(dst, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

double xt_cpu_seconds(pid_t pid)
{
	return (double)(t_stat_ull(pid, 0, 14) + t_stat_ull(pid, 0, 15)) / sysconf(_SC_CLK_TCK);
}
