/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * floor.c - the floor of performance.md: the least work through procfs
 * that yields stat, statm and io of every process each sample.  It opens
 * /proc/PID/stat, statm and io once per process, and every sample re-scans
 * /proc with getdents64 and pread()s each held descriptor once at offset 0,
 * parsing only the numbers it needs (proc_scan.c).  No monitoring library
 * reading the same three files can do less; libvmon's target is a ratio to
 * this program's CPU time per process per sample, measured in the same run.
 *
 * Descriptors are held while the soft RLIMIT_NOFILE (raised to the hard
 * limit) allows, less a reserve of 32; a process that does not fit is read
 * by open + read + close every sample, like the naive harness, so every
 * process is still read.  The BENCH line says how many were held
 * (held_procs).  A pid whose held file fails to read (its process exited and
 * the pid was reused) is reopened.
 *
 * usage: floor [-w WARMUP] [-s SAMPLES]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "proc_scan.h"

#define RESERVE 32
#define EMPTY 0
#define TOMB (-1)

struct ent {
	int pid;	/* EMPTY, TOMB or a pid */
	int gen;	/* the sample that last saw it */
	int fd[F_NR];	/* -1: not held */
};

static struct ent *tab;
static size_t cap, used;	/* used: live entries plus tombstones */
static int gen, dirfd_proc;
static long fds_held, hold_max;
static char buf[4096];

static struct ent *lookup(int pid, int insert)
{
	size_t mask = cap - 1, i = ((unsigned)pid * 2654435761u) & mask;
	struct ent *tomb = NULL;

	for (;; i = (i + 1) & mask) {
		struct ent *e = &tab[i];

		if (e->pid == pid)
			return e;
		if (e->pid == TOMB && !tomb)
			tomb = e;
		if (e->pid == EMPTY) {
			if (!insert)
				return NULL;
			if (!tomb) {
				tomb = e;
				used++;
			}
			tomb->pid = pid;
			for (int k = 0; k < F_NR; k++)
				tomb->fd[k] = -1;
			return tomb;
		}
	}
}

static void rehash(size_t newcap)
{
	struct ent *old = tab;
	size_t oldcap = cap;

	tab = calloc(newcap, sizeof(*tab));
	if (!tab)
		bench_die("calloc");
	cap = newcap;
	used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].pid > 0)
			*lookup(old[i].pid, 1) = old[i];
	free(old);
}

static int open_file(int pid, int k)
{
	char path[32];

	snprintf(path, sizeof(path), "%d/%s", pid, proc_file_names[k]);
	return openat(dirfd_proc, path, O_RDONLY | O_CLOEXEC);
}

static void hold(struct ent *e)
{
	if (fds_held + F_NR > hold_max)
		return;
	for (int k = 0; k < F_NR; k++) {
		e->fd[k] = open_file(e->pid, k);
		if (e->fd[k] >= 0)
			fds_held++;
	}
}

static void release(struct ent *e)
{
	for (int k = 0; k < F_NR; k++)
		if (e->fd[k] >= 0) {
			close(e->fd[k]);
			e->fd[k] = -1;
			fds_held--;
		}
}

static void read_one(struct ent *e, int k)
{
	ssize_t n = -1;

	if (e->fd[k] >= 0) {
		n = pread(e->fd[k], buf, sizeof(buf) - 1, 0);
		if (n < 0) {	/* gone, or the pid was reused: reopen */
			close(e->fd[k]);
			fds_held--;
			e->fd[k] = open_file(e->pid, k);
			if (e->fd[k] >= 0) {
				fds_held++;
				n = pread(e->fd[k], buf, sizeof(buf) - 1, 0);
			}
		}
	} else {
		int fd = open_file(e->pid, k);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
	}
	if (n > 0)
		proc_parse(k, buf, n);
}

static void visit(int pid, void *arg)
{
	struct ent *e = lookup(pid, 0);

	(void)arg;
	if (!e) {
		if ((used + 1) * 2 > cap)
			rehash(cap * 2);
		e = lookup(pid, 1);
		hold(e);
	}
	e->gen = gen;
	for (int k = 0; k < F_NR; k++)
		read_one(e, k);
}

static long sample(void)
{
	long nr;

	gen++;
	nr = proc_scan(dirfd_proc, visit, NULL);
	if (nr < 0)
		bench_die("getdents64 /proc");
	for (size_t i = 0; i < cap; i++)
		if (tab[i].pid > 0 && tab[i].gen != gen) {
			release(&tab[i]);
			tab[i].pid = TOMB;
		}
	return nr;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench b;
	long procs = 0, held = 0;
	char extra[128];

	bench_parse(argc, argv, &o, NULL, NULL, "[-w WARMUP] [-s SAMPLES]");
	hold_max = bench_raise_nofile() - RESERVE;
	bench_begin(&b, "floor");
	cap = 1024;
	tab = calloc(cap, sizeof(*tab));
	dirfd_proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!tab || dirfd_proc < 0)
		bench_die("setup");
	for (int i = 0; i < o.warmup; i++)
		sample();
	bench_measure_start(&b);
	for (int i = 0; i < o.samples; i++)
		procs = sample();
	bench_measure_stop(&b);
	bench_held(&b);
	for (size_t i = 0; i < cap; i++)
		if (tab[i].pid > 0 && tab[i].fd[0] >= 0)
			held++;
	snprintf(extra, sizeof(extra), " held_procs=%ld held_files=%ld sink=%llu",
		 held, fds_held, proc_sink % 10);
	for (size_t i = 0; i < cap; i++)
		if (tab[i].pid > 0)
			release(&tab[i]);
	close(dirfd_proc);
	bench_released(&b);
	bench_print(&b, procs, o.samples, extra);
	free(tab);
	return 0;
}
