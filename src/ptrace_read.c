/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ptrace_read.c - what the PTRACE source's tracer reads of a process
 * while the process is stopped for it: its arguments and name at an exec,
 * its final figures at its exit.  The tracer runs beside the sampling
 * thread, so it uses nothing of the instance but the proc root descriptor
 * and its own buffer: no vmon__file, no scratch buffer of the instance.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source_ptrace.h"

/* Read the whole of fd into buf: the files read here are made whole at
 * each read (io.c says which), so a read that does not fill the buffer
 * is all of it, and one that does is made again from 0 into a larger
 * buffer. */
static ssize_t read_whole(int fd, struct vmon__buf *buf)
{
	ssize_t n;

	if (vmon__buf_reserve(buf, 4096) < 0)
		return -ENOMEM;
	for (;;) {
		n = pread(fd, buf->data, buf->size - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -vmon__errno_class(errno);
		if ((size_t)n < buf->size - 1)
			break;
		if (vmon__buf_reserve(buf, buf->size * 2) < 0)
			return -ENOMEM;
	}
	buf->data[n] = '\0';
	return n;
}

ssize_t vmon__ptrace_read(struct vmon__ptrace *pt, int pid, const char *name)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	fd = vmon__openat(pt->proc_fd, path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = read_whole(fd, &pt->buf);
	close(fd);
	return n;
}

bool vmon__ptrace_keyed(const struct vmon__ptrace *pt, size_t len, const char *key,
			unsigned long long *out)
{
	size_t klen = strlen(key);
	const char *p = pt->buf.data, *end = p + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen)) {
			char *num_end;

			*out = strtoull(p + klen, &num_end, 10);
			return num_end != p + klen;
		}
		p = eol + 1;
	}
	return false;
}

/* comm, the second field of a stat line, without its parentheses (it may
 * hold anything, parentheses and blanks included: up to the last ')') */
static void stat_comm(const char *buf, size_t len, char *comm, size_t size)
{
	const char *open = memchr(buf, '(', len), *close = NULL;
	size_t n;

	for (const char *p = buf + len; p > buf; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open)
		return;
	n = close - open - 1;
	if (n >= size)
		n = size - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
}

static void read_stat(struct vmon__ptrace *pt, int pid, struct vmon__event *ev)
{
	ssize_t n = vmon__ptrace_read(pt, pid, "stat");
	const char *buf = pt->buf.data;
	vmon_exit_t *x = &ev->exit;

	if (n <= 0)
		return;
	x->utime_us = vmon__stat_ull(buf, n, 14) * 1000000 / pt->ticks_per_sec;
	x->stime_us = vmon__stat_ull(buf, n, 15) * 1000000 / pt->ticks_per_sec;
	x->minflt = vmon__stat_ull(buf, n, 10);
	x->majflt = vmon__stat_ull(buf, n, 12);
	x->start = vmon__stat_ull(buf, n, 22);
	x->ppid = (int)vmon__stat_ull(buf, n, 4);
	x->known |= VMON_EXIT_CPU_SPLIT | VMON_EXIT_FAULTS | VMON_EXIT_START | VMON_EXIT_PPID;
	stat_comm(buf, n, ev->comm, sizeof(ev->comm));
}

void vmon__ptrace_read_io(struct vmon__ptrace *pt, int pid, vmon_exit_t *x)
{
	ssize_t n = vmon__ptrace_read(pt, pid, "io");
	vmon_proc_io_t io = { 0 };

	if (n <= 0)
		return;
	vmon__parse_keyed(&vmon__proc_io_info, &io, io.changed, io.unavailable, pt->buf.data, n);
	if (vmon__bits_any(io.unavailable, VMON_PROC_IO_NR))
		return;
	x->rchar = io.rchars;
	x->wchar = io.wchars;
	x->read_bytes = io.read_bytes;
	x->write_bytes = io.write_bytes;
	x->known |= VMON_EXIT_IO;
}

/*
 * The exact CPU time of the whole process.  /proc/PID/schedstat's first
 * field is exact too, but it is the runtime of the one task PID, the
 * leader thread: for a multi-threaded process it leaves out every other
 * thread, live or ended (measured: two threads of 100 and 30 ms showed
 * 30 ms there).  The process's CPU clock is the sum the kernel keeps for
 * the thread group, ended threads included, to the nanosecond; any process
 * may read it, and a zombie's still holds.  Its id is made as glibc's
 * clock_getcpuclockid() makes it (the kernel's CPUCLOCK_SCHED clock of a
 * process), without the clock_getres() with which that checks the process
 * exists: the read says so.  (The bits are glibc's; shifted unsigned, as
 * a negative int may not be.)
 */
#define VMON__PROCESS_CPUCLOCK(pid) ((clockid_t)((~(unsigned)(pid) << 3) | 2u))

static void read_cpu(int pid, vmon_exit_t *x)
{
	struct timespec ts;

	if (clock_gettime(VMON__PROCESS_CPUCLOCK(pid), &ts) < 0)
		return;
	x->cpu_ns = (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	x->known |= VMON_EXIT_CPU;
}

void vmon__ptrace_read_exit(struct vmon__ptrace *pt, int pid, struct vmon__event *ev)
{
	struct timespec ts;

	read_cpu(pid, &ev->exit);
	read_stat(pt, pid, ev);
	vmon__ptrace_read_io(pt, pid, &ev->exit);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	ev->exit.end_ns = (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	ev->exit.known |= VMON_EXIT_END;
}

int vmon__ptrace_read_exec(struct vmon__ptrace *pt, int pid, struct vmon__event *ev)
{
	ssize_t n = vmon__ptrace_read(pt, pid, "comm");

	if (n > 0) {
		if (pt->buf.data[n - 1] == '\n')
			n--;
		if ((size_t)n >= sizeof(ev->comm))
			n = sizeof(ev->comm) - 1;
		memcpy(ev->comm, pt->buf.data, n);
		ev->comm[n] = '\0';
	}
	n = vmon__ptrace_read(pt, pid, "cmdline");
	if (n <= 0)
		return n == -ENOMEM ? -ENOMEM : 0;
	ev->cmdline = vmon__malloc(n);
	if (!ev->cmdline)
		return -ENOMEM;
	memcpy(ev->cmdline, pt->buf.data, n);
	ev->cmdline_len = n;
	return 0;
}
