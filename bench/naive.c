/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * naive.c - the naive reference of docs/design/performance.md: what almost
 * every tool does.  Every sample it re-scans /proc with getdents64 (as the
 * floor does) and, for each process, opens /proc/PID/stat, statm and io,
 * reads each and closes it, parsing the same numbers as the floor
 * (proc_scan.c).  The difference from the floor is exactly the cost of the
 * path lookup, open and close (and of the seq_file set up afresh) that held
 * descriptors save.
 *
 * usage: naive [-w WARMUP] [-s SAMPLES]
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "bench.h"
#include "proc_scan.h"

static int dirfd_proc;
static char buf[4096];

static void visit(int pid, void *arg)
{
	(void)arg;
	for (int k = 0; k < F_BASE_NR; k++) {
		char path[32];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%d/%s", pid, proc_file_names[k]);
		fd = openat(dirfd_proc, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0)
			proc_parse(k, buf, n);
	}
}

static long sample(void)
{
	long nr = proc_scan(dirfd_proc, visit, NULL);

	if (nr < 0)
		bench_die("getdents64 /proc");
	return nr;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench b;
	long procs = 0;
	char extra[64];

	bench_parse(argc, argv, &o, NULL, NULL, "[-w WARMUP] [-s SAMPLES]");
	bench_raise_nofile();
	bench_begin(&b, "naive");
	dirfd_proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_proc < 0)
		bench_die("/proc");
	for (int i = 0; i < o.warmup; i++)
		sample();
	bench_measure_start(&b);
	for (int i = 0; i < o.samples; i++)
		procs = sample();
	bench_measure_stop(&b);
	bench_held(&b);
	close(dirfd_proc);
	bench_released(&b);
	snprintf(extra, sizeof(extra), " sink=%llu", proc_sink % 10);
	bench_print(&b, procs, o.samples, extra);
	return 0;
}
