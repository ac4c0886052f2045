/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_export_hostile.c - vmon-export against bad and hostile clients on
 * loopback: malformed requests, a slowloris (headers a byte at a time,
 * for ever), 100 scrapes at once, a huge header.  Each time the exporter
 * answers or closes, goes on serving, and goes on sampling (its samples
 * counter moves on).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test.h"
#include "test_export_util.h"

static double scrape_metric(int port, const char *prefix)
{
	char *page;
	double v;

	ASSERT_EQ(xt_http_get(port, "/metrics", NULL, &page), 200);
	v = xt_metric(page, prefix);
	free(page);
	ASSERT_MSG(!isnan(v), "no %s in the scrape", prefix);
	return v;
}

/* the sampler has taken a sample since `before` samples */
static void sampling_goes_on(int port, double before)
{
	double end = xt_now() + 60;

	while (scrape_metric(port, "vmon_export_samples_total ") <= before) {
		ASSERT_MSG(xt_now() < end, "no sample in 60 s after the hostile clients");
		xt_sleep(0.1);
	}
}

TEST(export_hostile_malformed_requests)
{
	static const struct { const char *req; int want; } cases[] = {
		{ "GARBAGE\r\n\r\n", -1 },
		{ "GET\r\n\r\n", -1 },
		{ "GET / HTTP/9.9\r\n\r\n", -1 },
		{ "\x01\x02\xff\xfe\r\n\r\n", -1 },
		{ "GET /metrics HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n", -1 },
		{ "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", -1 },
		{ "GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", -1 },
		{ "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", -1 },
		{ "POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 405 },
		{ "DELETE / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
		{ "GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404 },
		{ "GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", -1 },
		{ "GET /metrics HTTP/1.1\r\n\r\n", -1 },	/* HTTP/1.1 without Host */
	};
	const char *args[] = { "--interval", "0.2", NULL };
	struct xt_exporter e;
	double before;

	xt_exporter_start(&e, args);
	before = scrape_metric(e.port, "vmon_export_samples_total ");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = xt_http_raw(e.port, cases[i].req, strlen(cases[i].req), 10, NULL);

		if (cases[i].want > 0)
			ASSERT_MSG(status == cases[i].want, "case %zu: status %d, not %d", i, status,
				   cases[i].want);
		else
			ASSERT_MSG(status != 200, "case %zu: a malformed request got 200", i);
	}
	ASSERT_EQ(xt_http_get(e.port, "/", NULL, NULL), 200);
	sampling_goes_on(e.port, before);
	xt_exporter_stop(&e);
}

static int connect_loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_MSG(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect: %s",
		   strerror(errno));
	return fd;
}

/* the server closed fd: a read says EOF or an error */
static bool closed_by_server(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	if (poll(&pfd, 1, 0) <= 0)
		return false;
	return recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0;
}

#define LORIS 20

TEST(export_hostile_slowloris_cut_off)
{
	/* a 2 s deadline for a whole request, 8 connections at most: 20
	 * clients that never finish their headers must all be cut off,
	 * however often they send a byte */
	const char *args[] = { "--interval", "0.2", "--web.request-timeout", "2",
			       "--web.max-connections", "8", NULL };
	static const char head[] = "GET /metrics HTTP/1.1\r\nHost: a\r\n";
	struct xt_exporter e;
	int fds[LORIS], open_nr = LORIS;
	double before, end;

	xt_exporter_start(&e, args);
	before = scrape_metric(e.port, "vmon_export_samples_total ");
	for (int i = 0; i < LORIS; i++) {
		fds[i] = connect_loopback(e.port);
		send(fds[i], head, sizeof(head) - 1, MSG_NOSIGNAL);
	}
	for (end = xt_now() + 60; open_nr && xt_now() < end; xt_sleep(0.2)) {
		for (int i = 0; i < LORIS; i++) {
			if (fds[i] < 0)
				continue;
			if (closed_by_server(fds[i]) || send(fds[i], "X", 1, MSG_NOSIGNAL) < 0) {
				close(fds[i]);
				fds[i] = -1;
				open_nr--;
			}
		}
	}
	for (int i = 0; i < LORIS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ASSERT_MSG(open_nr == 0, "%d slowloris connections still open after 60 s", open_nr);
	ASSERT(scrape_metric(e.port, "vmon_export_requests_timed_out_total ") >= 1);
	ASSERT(scrape_metric(e.port, "vmon_export_connections_refused_total ") >= 1);
	sampling_goes_on(e.port, before);
	xt_exporter_stop(&e);
}

#define CONCURRENT 100

TEST(export_hostile_100_concurrent_scrapes)
{
	const char *args[] = { "--interval", "0.2", "--web.max-connections", "128", NULL };
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
	struct xt_exporter e;
	int fds[CONCURRENT], ok = 0, left = CONCURRENT;
	char *resp[CONCURRENT];
	size_t len[CONCURRENT];
	double before, end;

	xt_exporter_start(&e, args);
	before = scrape_metric(e.port, "vmon_export_samples_total ");
	for (int i = 0; i < CONCURRENT; i++) {
		fds[i] = connect_loopback(e.port);
		resp[i] = calloc(1, 1 << 20);
		len[i] = 0;
		ASSERT(resp[i]);
	}
	for (int i = 0; i < CONCURRENT; i++)
		ASSERT(send(fds[i], req, sizeof(req) - 1, MSG_NOSIGNAL) == sizeof(req) - 1);
	for (end = xt_now() + 60; left && xt_now() < end;) {
		struct pollfd pfd[CONCURRENT];

		for (int i = 0; i < CONCURRENT; i++)
			pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(pfd, CONCURRENT, 500) <= 0)
			continue;
		for (int i = 0; i < CONCURRENT; i++) {
			ssize_t k;

			if (fds[i] < 0 || !pfd[i].revents)
				continue;
			k = recv(fds[i], resp[i] + len[i], (1 << 20) - 1 - len[i], 0);
			if (k > 0) {
				len[i] += (size_t)k;
				continue;
			}
			close(fds[i]);
			fds[i] = -1;
			left--;
		}
	}
	for (int i = 0; i < CONCURRENT; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		ok += !strncmp(resp[i], "HTTP/1.1 200", 12) &&
		      strstr(resp[i], "vmon_export_samples_total ") != NULL;
		free(resp[i]);
	}
	ASSERT_MSG(ok == CONCURRENT, "%d of %d concurrent scrapes got a whole page", ok, CONCURRENT);
	sampling_goes_on(e.port, before);
	xt_exporter_stop(&e);
}

TEST(export_hostile_huge_header)
{
	const char *args[] = { "--interval", "0.2", NULL };
	size_t big = 1 << 20;
	char *req = malloc(big + 256);
	struct xt_exporter e;
	double before;
	int n, status;

	ASSERT(req);
	xt_exporter_start(&e, args);
	before = scrape_metric(e.port, "vmon_export_samples_total ");
	/* a 1 MiB header: refused (431 or 413) or cut, never served */
	n = snprintf(req, 256, "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: ");
	memset(req + n, 'a', big);
	memcpy(req + n + big, "\r\n\r\n", 4);
	status = xt_http_raw(e.port, req, (size_t)n + big + 4, 30, NULL);
	ASSERT_MSG(status == 0 || status == 431 || status == 413, "a 1 MiB header: status %d",
		   status);
	/* 8 KiB, within the 16 KiB default: served */
	n = snprintf(req, 256, "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Big: ");
	memset(req + n, 'b', 8192);
	memcpy(req + n + 8192, "\r\n\r\n", 4);
	ASSERT_EQ(xt_http_raw(e.port, req, (size_t)n + 8192 + 4, 30, NULL), 200);
	free(req);
	sampling_goes_on(e.port, before);
	xt_exporter_stop(&e);
}
