/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reap.c - vmon_reap(): waitpid() for a caller that wants its children's
 * exits in the tree.  The zombie is read first (waitid() with WNOWAIT
 * leaves it waitable): its stat and io still hold the process's final
 * figures, all its threads included; then it is reaped, and the status and
 * figures go to its node's exit record at once.  This is the WAIT source:
 * it needs no privilege and works beside any other, but it only knows the
 * caller's own children (every descendant, when the caller is a child
 * subreaper and so reaps the orphans too).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

#include "internal.h"

/* read /proc/PID/name of the zombie into the identity buffer */
static ssize_t zombie_file(vmon_t *vmon, int pid, const char *name)
{
	struct vmon__file f;
	char path[48];
	ssize_t n;

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	vmon__file_init(&f);
	f.transient = true;
	n = vmon__file_read(vmon, vmon->internal->proc_fd, path, &f, &vmon->internal->ident);
	vmon__file_close(&f);
	return n;
}

/* The final figures a zombie still shows. */
static void read_zombie(vmon_t *vmon, int pid, vmon_exit_t *x)
{
	unsigned long long tps = vmon->ticks_per_sec > 0 ? (unsigned long long)vmon->ticks_per_sec : 100;
	vmon_proc_io_t io = { 0 };
	ssize_t n = zombie_file(vmon, pid, "stat");
	const char *buf = vmon->internal->ident.data;	/* (grown by the read) */

	if (n > 0) {
		x->utime_us = vmon__stat_ull(buf, n, 14) * 1000000 / tps;
		x->stime_us = vmon__stat_ull(buf, n, 15) * 1000000 / tps;
		x->minflt = vmon__stat_ull(buf, n, 10);
		x->majflt = vmon__stat_ull(buf, n, 12);
		x->start = vmon__stat_ull(buf, n, 22);
		x->ppid = (int)vmon__stat_ull(buf, n, 4);
		x->known |= VMON_EXIT_CPU_SPLIT | VMON_EXIT_FAULTS | VMON_EXIT_START | VMON_EXIT_PPID;
	}
	n = zombie_file(vmon, pid, "io");
	buf = vmon->internal->ident.data;
	if (n > 0) {
		vmon__parse_keyed(&vmon__proc_io_info, &io, io.changed, io.unavailable, buf, n);
		if (!vmon__bits_any(io.unavailable, VMON_PROC_IO_NR)) {
			x->rchar = io.rchars;
			x->wchar = io.wchars;
			x->read_bytes = io.read_bytes;
			x->write_bytes = io.write_bytes;
			x->known |= VMON_EXIT_IO;
		}
	}
}

static unsigned long long boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

VMON_EXPORT int vmon_reap(vmon_t *vmon, int pid, int *status, int options)
{
	struct vmon__event ev = { .type = VMON__EV_EXIT };
	siginfo_t si = { 0 };
	vmon_proc_t *p;
	int st, r;

	if (!vmon || !vmon->internal || (options & ~(WNOHANG | __WALL))) {
		errno = EINVAL;
		return -1;
	}
	/* wait for a zombie without reaping it, so it can still be read */
	do {
		r = waitid(pid > 0 ? P_PID : P_ALL, pid > 0 ? (id_t)pid : 0, &si,
			   WEXITED | WNOWAIT | options);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (!si.si_pid)
		return 0;	/* WNOHANG, nothing ready */
	ev.pid = ev.tgid = si.si_pid;
	read_zombie(vmon, si.si_pid, &ev.exit);
	do {
		r = waitpid(si.si_pid, &st, options & __WALL);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	ev.exit.status = st;
	ev.exit.end_ns = boottime_ns();
	ev.exit.known |= VMON_EXIT_STATUS | VMON_EXIT_END;
	ev.exit.source = VMON_EVENTS_WAIT;
	if (status)
		*status = st;
	p = vmon__pidhash_find(&vmon->internal->procs, r);
	if (p && vmon__exit_merge(vmon__node(p), &ev) < 0) {
		errno = ENOMEM;	/* reaped all the same: the caller has its status */
		return r;
	}
	return r;
}
