/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * capture.c - the command's output under the live view (capture.h).  The
 * read end is non-blocking and polled by the sampling loop, so a command
 * that writes a lot is never held up for long; only the last MiB is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"

#define CAPTURE_KEEP (1024 * 1024)

struct capture {
	int rfd, wfd;
	char *buf;
	size_t len;
	unsigned long long dropped;	/* bytes dropped from the front */
};

struct capture *capture_new(void)
{
	struct capture *c;
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		warnx_("cannot capture the command's output: %s", strerror(errno));
		return NULL;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	c = xcalloc(1, sizeof(*c));
	c->rfd = p[0];
	c->wfd = p[1];
	c->buf = xmalloc(CAPTURE_KEEP * 2);
	return c;
}

int capture_write_fd(struct capture *c)
{
	return c->wfd;
}

void capture_close_write(struct capture *c)
{
	if (c->wfd >= 0)
		close(c->wfd);
	c->wfd = -1;
}

int capture_read_fd(const struct capture *c)
{
	return c->rfd;
}

void capture_read(struct capture *c)
{
	for (;;) {
		ssize_t n = read(c->rfd, c->buf + c->len, CAPTURE_KEEP * 2 - c->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(c->rfd);
			c->rfd = -1;
		}
		if (n <= 0)
			return;
		c->len += n;
		if (c->len > CAPTURE_KEEP) {
			size_t drop = c->len - CAPTURE_KEEP;

			memmove(c->buf, c->buf + drop, CAPTURE_KEEP);
			c->len = CAPTURE_KEEP;
			c->dropped += drop;
		}
	}
}

const char *capture_line(struct capture *c, int n, size_t *len)
{
	size_t end = c->len;

	if (end && c->buf[end - 1] == '\n')
		end--;
	for (;;) {
		size_t start = end;

		while (start && c->buf[start - 1] != '\n')
			start--;
		if (!n--) {
			*len = end - start;
			return start == end && !start ? NULL : c->buf + start;
		}
		if (!start)
			return NULL;
		end = start - 1;
	}
}

void capture_finish(struct capture *c, FILE *out)
{
	if (!c)
		return;
	capture_close_write(c);
	if (c->rfd >= 0)
		capture_read(c);
	if (c->dropped)
		fprintf(out, "[vmon: the first %llu bytes of the command's output were dropped]\n",
			c->dropped);
	if (c->len)
		fwrite(c->buf, 1, c->len, out);
	fflush(out);
	if (c->rfd >= 0)
		close(c->rfd);
	free(c->buf);
	free(c);
}
