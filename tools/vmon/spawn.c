/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spawn.c - start the command so that it is monitored from its first
 * instant: the child is forked and waits on a pipe while vmon creates its
 * libvmon node; vmon then writes one byte and the child execs.  A second
 * pipe, closed on exec, carries the exec's errno back (EOF means the exec
 * succeeded), so vmon knows the command runs before its first sample.
 *
 * The child gets back what vmon changed for itself: its signal mask and
 * dispositions, and its descriptor limit.  Under the live view its input
 * is /dev/null and its output goes to the capture (or to -o FILE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "fd_limit.h"
#include "loop.h"
#include "tool.h"

/* in the child: stdin from /dev/null, stdout and stderr to fd */
static void redirect(int fd)
{
	int null = open("/dev/null", O_RDONLY);

	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

static int output_fd(struct session *s)
{
	if (!s->live)
		return -1;
	if (s->out_fd >= 0)
		return s->out_fd;
	return s->cap ? capture_write_fd(s->cap) : -1;
}

static void child(struct session *s, char **argv, int go, int errfd, int out)
{
	char c;
	int err;

	loop_restore_signals();
	restore_fd_limit_in_child();
	if (s->live) {
		if (out >= 0)
			fcntl(out, F_SETFD, 0);
		redirect(out);
	}
	if (read(go, &c, 1) != 1)
		_exit(127);	/* vmon gave up on it */
	execvp(argv[0], argv);
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(err == ENOENT ? 127 : 126);
}

pid_t spawn_held(struct session *s, char **argv, int *go_fd, int *err_fd)
{
	int gop[2], errp[2], out = output_fd(s);
	pid_t pid;

	if (pipe2(gop, O_CLOEXEC))
		return -1;
	if (pipe2(errp, O_CLOEXEC)) {
		close(gop[0]);
		close(gop[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(gop[1]);
		close(errp[0]);
		child(s, argv, gop[0], errp[1], out);
	}
	close(gop[0]);
	close(errp[1]);
	if (s->out_fd >= 0)
		close(s->out_fd);	/* the command's now */
	s->out_fd = -1;
	if (pid < 0) {
		close(gop[1]);
		close(errp[0]);
		return -1;
	}
	*go_fd = gop[1];
	*err_fd = errp[0];
	return pid;
}

int spawn_release(int go, int errfd)
{
	ssize_t n = 0;
	int err = 0;

	if (write(go, "x", 1) != 1)
		err = errno;
	close(go);
	while (!err && (n = read(errfd, &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(errfd);
	if (n < 0)
		err = errno;
	return err;
}
