/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * files_bench.c - what VMON_WANT_PROC_FILES costs per descriptor
 * (docs/design/performance.md: O(descriptors in all), measured on 500
 * processes of 100 descriptors), side by side with the floor for the same
 * work.
 *
 *   files_bench [-n PROCS] [-s SAMPLES] [-w WARMUP]
 *
 * It starts PROCS (default 500) idle processes holding 100 descriptors
 * each: 0-2, 30 pipes, 10 socket pairs, 6 eventfds, 10 /dev/null and the
 * end of a pipe they all share, raises RLIMIT_NOFILE
 * so every held directory fits, and measures at 100, 250 and PROCS
 * monitored processes (those that are <= PROCS):
 *
 *   vmon   one instance, each process monitored with VMON_WANT_PROC_FILES:
 *          the first sample (every descriptor new: readlink, fstat or the
 *          target, fdinfo) and then steady samples (readlink per
 *          descriptor, no change)
 *   floor  a minimal loop doing the steady sample's system calls and
 *          nothing else: getdents64 of each held fd/ directory, then
 *          readlinkat of each entry
 *
 * CPU time is getrusage(RUSAGE_SELF) user + system over SAMPLES samples
 * after WARMUP; the figures are microseconds per descriptor per sample and
 * the ratio to the floor.  Linear cost means the same us/fd at every size.
 * One line per size:
 *
 *   FILES procs=500 fds=50000 first_us_per_fd=... vmon_us_per_fd=...
 *         floor_us_per_fd=... ratio=... objects=...
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define FDS_PER_PROC 100

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* a child holding exactly FDS_PER_PROC descriptors, reporting on ready */
static pid_t holder(int ready)
{
	pid_t pid = fork();
	int p[2], n = 3;

	if (pid)
		return pid;
	for (int fd = 3; fd < 1024; fd++)
		if (fd != ready)
			close(fd);
	for (int i = 0; i < 30 && pipe(p) == 0; i++)
		n += 2;
	for (int i = 0; i < 10 && socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0; i++)
		n += 2;
	for (int i = 0; i < 6 && eventfd(0, 0) >= 0; i++)
		n++;
	while (n < FDS_PER_PROC - 1 && open("/dev/null", O_RDONLY) >= 0)
		n++;
	/* the ready pipe is the last of the hundred */
	if (n != FDS_PER_PROC - 1 || write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* The floor: list each fd/ directory (held open) and readlink each entry. */
static long floor_sample(const int *dirs, int n)
{
	char dents[16384], target[256];
	long links = 0;

	for (int i = 0; i < n; i++) {
		long got;

		lseek(dirs[i], 0, SEEK_SET);
		while ((got = syscall(SYS_getdents64, dirs[i], dents, sizeof(dents))) > 0) {
			for (long off = 0; off < got;) {
				struct dirent64 *d = (struct dirent64 *)(dents + off);

				off += d->d_reclen;
				if (d->d_name[0] == '.')
					continue;
				links += readlinkat(dirs[i], d->d_name, target, sizeof(target)) > 0;
			}
		}
	}
	return links;
}

static double floor_cost(const pid_t *pids, int n, int warmup, int samples)
{
	int *dirs = calloc(n, sizeof(*dirs));
	char path[64];
	double t;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd", pids[i]);
		dirs[i] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	for (int i = 0; i < warmup; i++)
		floor_sample(dirs, n);
	t = cpu_now();
	for (int i = 0; i < samples; i++)
		floor_sample(dirs, n);
	t = cpu_now() - t;
	for (int i = 0; i < n; i++)
		close(dirs[i]);
	free(dirs);
	return t;
}

/* One size: a fresh instance monitoring pids[0 .. n). */
static void measure(const pid_t *pids, int n, int warmup, int samples)
{
	double fds = (double)n * FDS_PER_PROC, first, steady, floor;
	vmon_t v;

	if (!vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES)) {
		perror("files_bench: vmon_init");
		exit(1);
	}
	for (int i = 0; i < n; i++)
		if (!vmon_proc_monitor(&v, pids[i], 0, NULL, NULL)) {
			perror("files_bench: monitor");
			exit(1);
		}
	first = cpu_now();
	vmon_sample(&v);
	first = cpu_now() - first;
	for (int i = 0; i < warmup; i++)
		vmon_sample(&v);
	steady = cpu_now();
	for (int i = 0; i < samples; i++)
		vmon_sample(&v);
	steady = cpu_now() - steady;
	floor = floor_cost(pids, n, warmup, samples);
	printf("FILES procs=%d fds=%.0f first_us_per_fd=%.3f vmon_us_per_fd=%.3f "
	       "floor_us_per_fd=%.3f ratio=%.2f objects=%d\n", n, fds, first * 1e6 / fds,
	       steady * 1e6 / fds / samples, floor * 1e6 / fds / samples, steady / floor,
	       v.fobjects_nr);
	fflush(stdout);
	vmon_destroy(&v);
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 100, 250 };
	int procs = 500, samples = 20, warmup = 3, opt, ready[2];
	struct rlimit rl;
	pid_t *pids;
	char c;

	while ((opt = getopt(argc, argv, "n:s:w:")) != -1) {
		int v = atoi(optarg);

		if (v <= 0 && !(opt == 'w' && v == 0)) {
			fprintf(stderr, "usage: files_bench [-n PROCS] [-s SAMPLES] [-w WARMUP]\n");
			return 2;
		}
		*(opt == 'n' ? &procs : opt == 's' ? &samples : &warmup) = v;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pids = calloc(procs, sizeof(*pids));
	if (!pids || pipe2(ready, O_CLOEXEC)) {
		perror("files_bench");
		return 1;
	}
	for (int i = 0; i < procs; i++) {
		pids[i] = holder(ready[1]);
		if (pids[i] < 0 || read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "files_bench: a holder failed\n");
			procs = i;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] < procs)
			measure(pids, sizes[i], warmup, samples);
	measure(pids, procs, warmup, samples);
	for (int i = 0; i < procs; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	free(pids);
	return 0;
}
