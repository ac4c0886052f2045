/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_util.h - helpers of the vmon tool's tests (test_vmon_*.c):
 * running build/vmon and the workloads, a scratch directory per test, and
 * readers of vmon's outputs (the JSON Lines record, the summary JSON, the
 * burn workload's reports, pngdump's listing) written apart from the
 * tool's own parser, so that a bug in one is caught by the other.
 */
#ifndef TEST_VMON_UTIL_H
#define TEST_VMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* a scratch directory, removed with its files by vt_cleanup() */
struct vt_dir {
	char path[128];
};
void vt_mkdir(struct vt_dir *d);
const char *vt_file(struct vt_dir *d, const char *name, char *buf, size_t size);
void vt_cleanup(struct vt_dir *d);
/* Assert that files a and b hold the same bytes. */
void vt_same_files(const char *a, const char *b);

/* Mount a tmpfs with options opts (and mount flags) on dir, in a mount
 * namespace of the test's own, unshared on first use and private: the
 * mount is never seen outside the test, and goes away with the test's
 * last process however the test ends (a failed ASSERT, the timeout).
 * false, with errno, where that is not permitted (not root). */
bool vt_mount_tmpfs(const char *dir, const char *opts, unsigned long flags);
/* Unmount it (the test's normal end). */
void vt_umount(const char *dir);

/* paths of built programs */
const char *vt_vmon(void);
const char *vt_burn(void);

/* Start argv (NULL-terminated) with extra "KEY=VALUE" environment entries
 * (NULL-terminated, may be NULL), standard input from in_fd (-1:
 * /dev/null), standard output to /dev/null, and descriptor keep_fd (or
 * -1) left open at the same number; stderr is captured into a pipe read by
 * vt_finish(). */
struct vt_proc {
	pid_t pid;
	int err_fd;
};
void vt_start(struct vt_proc *p, char *const argv[], char *const env[], int in_fd,
	      int keep_fd);
/* Wait for it; its wait status; its stderr into err (NUL-terminated). */
int vt_finish(struct vt_proc *p, char *err, size_t size);
/* vt_start + vt_finish */
int vt_run(char *const argv[], char *const env[], char *err, size_t size);

/* one track of a record */
struct vt_track {
	int id, pid, tid, ppid, parent;	/* tid 0 for processes */
	char comm[64], argv0[256];	/* the last seen (an exit's) */
	bool exited;
	int exit_ppid;
	int code, signal;		/* exit status: code or signal, -1 when null */
	unsigned long long exit_utime, exit_stime;
	unsigned long long utime, stime, rchars, wchars;	/* last in sample lines */
	bool final_io;			/* the exit line's "final" has I/O: */
	unsigned long long final_rchar, final_wchar;
	double birth_t, exit_t;		/* seconds */
};

struct vt_record {
	int version, samples, missed, monitor_pid, command_pid, end_code, end_signal;
	int ntracks, nrunning, lines;
	double end_t;
	bool has_end;
	struct vt_track tracks[256];
};
/* Read and check a record: every line JSON-shaped, ids in order. */
void vt_record_load(const char *path, struct vt_record *r);
struct vt_track *vt_record_pid(struct vt_record *r, int pid);

/* the number after key at or after the first occurrence of within in text
 * (within NULL: anywhere); false if absent */
bool vt_json_num(const char *text, const char *within, const char *key, long long *out);

/* one line of a burn report (-r FILE) */
struct vt_report {
	int pid, ppid, code;
	long long cpu_us;
	unsigned long long read, wrote;
	char comm[32];
};
int vt_reports(const char *path, struct vt_report *out, int max);

/* pngdump's view of a chart */
struct vt_png_row {
	int id, pid, tid, y, h;
};
struct vt_png {
	int w, h, plot_x, plot_w, rows_y, row_h, nrows;
	long long t_end_us;
	struct vt_png_row rows[256];
};
void vt_png_load(const char *path, struct vt_png *p);
/* pixels of color in the rectangle */
long vt_png_count(const char *path, int x, int y, int w, int h, unsigned color);

#endif
