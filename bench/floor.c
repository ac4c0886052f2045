/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * floor.c - the floor of docs/design/performance.md: the least work through
 * procfs that yields stat, statm and io of every process each sample.  It
 * opens /proc/PID/stat, statm and io once per process, and every sample
 * re-scans /proc with getdents64 and pread()s each held descriptor once at
 * offset 0, parsing only the numbers it needs (proc_scan.c).  No monitoring
 * library reading the same three files can do less; libvmon's target is a
 * ratio to this program's CPU time per process per sample, measured in the
 * same run.
 *
 * With -f (the floor-full harness) it reads what libvmon's default mode
 * reads, so that mode has a floor of its own: cmdline and wchan too, held
 * and pread() like the others, and the exe link with one readlinkat()
 * each sample, relative to an O_PATH descriptor on /proc/PID held for it
 * (libvmon holds its node's directory the same way, and a lookup of "exe"
 * alone costs less than one of "PID/exe" from /proc).  A kernel thread has
 * neither cmdline nor exe, and libvmon does not read them for one: neither
 * does this floor, which lets go of their descriptors as soon as stat's
 * flags show a kernel thread.
 *
 * Descriptors are held while the soft RLIMIT_NOFILE (raised to the hard
 * limit) allows, less a reserve of 32; a process that does not fit is read
 * by open + read + close every sample, like the naive harness (its exe
 * link by path from /proc), so every process is still read.  The BENCH
 * line says how many were held (held_procs).  A pid whose held file or
 * directory fails to read (its process exited and the pid was reused) is
 * reopened.
 *
 * With -r N (the floor-cheap harness) it reads what libvmon's cheap
 * refresh reads: stat, statm and io at every sample, and cmdline and wchan
 * of each process every N samples, spread over the interval by pid as
 * libvmon spreads them, through held descriptors (the least work; libvmon
 * holds cmdline and opens wchan for each read).  That is the cheap mode's
 * floor: the same files at the same rate.
 *
 * usage: floor [-f | -r N] [-w WARMUP] [-s SAMPLES]
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

/* the descriptor slots of an entry: the files of proc_scan.h, then (-f)
 * the O_PATH directory the exe link is read through */
#define SLOT_DIR F_NR

/* An entry of the pid table.  Its descriptor slots are as many as the mode
 * reads (3, or 6 with -f), so entries are sized at run time (stride) and
 * reached with ent_at(): the plain floor keeps the table it always had. */
struct ent {
	int pid;	/* EMPTY, TOMB or a pid */
	int gen;	/* the sample that last saw it */
	int fd[];	/* per slot; -1: not held */
};

static int full;		/* -f */
static int every;		/* -r N: cmdline and wchan every N samples */
static int nfiles = F_BASE_NR;	/* files read per process */
static int nslots = F_BASE_NR;	/* descriptors held per process */
static size_t stride;		/* bytes per entry */
static char *tab;
static size_t cap, used;	/* used: live entries plus tombstones */
static int gen, dirfd_proc;
static long fds_held, hold_max;
static char buf[4096];

static struct ent *ent_at(char *table, size_t i)
{
	return (struct ent *)(table + i * stride);
}

static struct ent *lookup(int pid, int insert)
{
	size_t mask = cap - 1, i = ((unsigned)pid * 2654435761u) & mask;
	struct ent *tomb = NULL;

	for (;; i = (i + 1) & mask) {
		struct ent *e = ent_at(tab, i);

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
			for (int k = 0; k < nslots; k++)
				tomb->fd[k] = -1;
			return tomb;
		}
	}
}

static void rehash(size_t newcap)
{
	char *old = tab;
	size_t oldcap = cap;

	tab = calloc(newcap, stride);
	if (!tab)
		bench_die("calloc");
	cap = newcap;
	used = 0;
	for (size_t i = 0; i < oldcap; i++) {
		struct ent *e = ent_at(old, i);

		if (e->pid > 0)
			memcpy(lookup(e->pid, 1), e, stride);
	}
	free(old);
}

static int open_slot(int pid, int k)
{
	char path[32];

	if (k == SLOT_DIR) {
		snprintf(path, sizeof(path), "%d", pid);
		return openat(dirfd_proc, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	snprintf(path, sizeof(path), "%d/%s", pid, proc_file_names[k]);
	return openat(dirfd_proc, path, O_RDONLY | O_CLOEXEC);
}

static void hold(struct ent *e)
{
	if (fds_held + nslots > hold_max)
		return;
	for (int k = 0; k < nslots; k++) {
		e->fd[k] = open_slot(e->pid, k);
		if (e->fd[k] >= 0)
			fds_held++;
	}
}

static void drop(struct ent *e, int k)
{
	if (e->fd[k] >= 0) {
		close(e->fd[k]);
		e->fd[k] = -1;
		fds_held--;
	}
}

static void release(struct ent *e)
{
	for (int k = 0; k < nslots; k++)
		drop(e, k);
}

/* A held descriptor failed: its process is gone, or the pid was reused by
 * a new one, whose files are opened in its place. */
static void reopen(struct ent *e, int k)
{
	drop(e, k);
	e->fd[k] = open_slot(e->pid, k);
	if (e->fd[k] >= 0)
		fds_held++;
}

/* Read and parse file k of the process; returns what proc_parse() does
 * (stat's flags word), 0 when the file could not be read. */
static unsigned long read_one(struct ent *e, int k)
{
	ssize_t n = -1;

	if (e->fd[k] >= 0) {
		n = pread(e->fd[k], buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			reopen(e, k);
			if (e->fd[k] >= 0)
				n = pread(e->fd[k], buf, sizeof(buf) - 1, 0);
		}
	} else {
		int fd = open_slot(e->pid, k);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
	}
	return n > 0 ? proc_parse(k, buf, (size_t)n) : 0;
}

/* The exe link, through the held directory, else by path from /proc.  Only
 * ENOENT (the directory's process is gone) reopens: a link the floor may
 * not read (EACCES) stays held and is asked again next sample. */
static void read_exe(struct ent *e)
{
	char path[32];
	ssize_t n;

	if (e->fd[SLOT_DIR] >= 0) {
		n = readlinkat(e->fd[SLOT_DIR], "exe", buf, sizeof(buf));
		if (n < 0 && errno == ENOENT) {
			reopen(e, SLOT_DIR);
			if (e->fd[SLOT_DIR] >= 0)
				n = readlinkat(e->fd[SLOT_DIR], "exe", buf, sizeof(buf));
		}
	} else {
		snprintf(path, sizeof(path), "%d/exe", e->pid);
		n = readlinkat(dirfd_proc, path, buf, sizeof(buf));
	}
	if (n > 0)
		parse_text(buf, (size_t)n);
}

static void visit(int pid, void *arg)
{
	struct ent *e = lookup(pid, 0);
	unsigned long flags;

	(void)arg;
	if (!e) {
		if ((used + 1) * 2 > cap)
			rehash(cap * 2);
		e = lookup(pid, 1);
		hold(e);
	}
	e->gen = gen;
	flags = read_one(e, F_STAT);
	for (int k = F_STAT + 1; k < nfiles; k++) {
		if (k >= F_CMDLINE && every && (unsigned)(gen + pid) % (unsigned)every)
			break;	/* not this process's refresh */
		if (k != F_CMDLINE || !(flags & PROC_PF_KTHREAD))
			read_one(e, k);
	}
	if (!full)
		return;
	if (flags & PROC_PF_KTHREAD) {
		drop(e, F_CMDLINE);
		drop(e, SLOT_DIR);
	} else {
		read_exe(e);
	}
}

static long sample(void)
{
	long nr;

	gen++;
	nr = proc_scan(dirfd_proc, visit, NULL);
	if (nr < 0)
		bench_die("getdents64 /proc");
	for (size_t i = 0; i < cap; i++) {
		struct ent *e = ent_at(tab, i);

		if (e->pid > 0 && e->gen != gen) {
			release(e);
			e->pid = TOMB;
		}
	}
	return nr;
}

static int opt(int c, const char *arg)
{
	char *end;
	long n;

	if (full || every)
		return 0;	/* one of -f and -r, once */
	if (c == 'f') {
		full = 1;
		nfiles = F_NR;
		nslots = F_NR + 1;
		return 1;
	}
	if (c != 'r')
		return 0;
	n = strtol(arg, &end, 10);
	if (*end || end == arg || n < 2 || n > 1000000)
		return 0;
	every = (int)n;
	nfiles = nslots = F_NR;
	return 1;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench b;
	long procs = 0, held = 0;
	char extra[128];

	bench_parse(argc, argv, &o, "fr:", opt, "[-f | -r N] [-w WARMUP] [-s SAMPLES]");
	stride = sizeof(struct ent) + (size_t)nslots * sizeof(int);
	hold_max = bench_raise_nofile() - RESERVE;
	bench_begin(&b, full ? "floor-full" : every ? "floor-cheap" : "floor");
	cap = 1024;
	tab = calloc(cap, stride);
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
		if (ent_at(tab, i)->pid > 0 && ent_at(tab, i)->fd[F_STAT] >= 0)
			held++;
	snprintf(extra, sizeof(extra), " held_procs=%ld held_files=%ld sink=%llu",
		 held, fds_held, proc_sink % 10);
	for (size_t i = 0; i < cap; i++)
		if (ent_at(tab, i)->pid > 0)
			release(ent_at(tab, i));
	close(dirfd_proc);
	bench_released(&b);
	bench_print(&b, procs, o.samples, extra);
	free(tab);
	return 0;
}
