/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * want_util.h - helpers of the tests of the 0.2 wants (want_util.c): more
 * independent readers (a status value, a file's number, psutil through
 * python3), fixture roots copied to rewrite, and the cgroup mounts of
 * this machine.
 */
#ifndef VMON_WANT_UTIL_H
#define VMON_WANT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Column col (1-based; values split at blanks and '/') of key in
 * /proc/PID/status (or task/TID/status when tid), as text. */
bool t_status_value(pid_t pid, pid_t tid, const char *key, int col, char *out, size_t size);
unsigned long long t_status_ull(pid_t pid, const char *key, int col);
/* The first number of a file such as oom_score. */
long long t_file_ll(const char *path);
/* Run `/usr/bin/python3 -c "import psutil; p = psutil.Process(PID); print(EXPR)"`
 * (PID 0: no process) and return its output's first line in out. */
bool t_psutil(pid_t pid, const char *expr, char *out, size_t size);
/* The three numbers of /proc/PID/schedstat (task/TID/schedstat when tid):
 * time on a CPU and waiting (ns), timeslices. */
void t_schedstat(pid_t pid, pid_t tid, unsigned long long *v);
/* Numbers printed blank-separated in text into v[]; how many. */
int t_numbers(const char *text, unsigned long long *v, int max);

/* A fresh copy of tests/fixtures/proc/NAME in a new temporary directory. */
char *t_copy_fixture(const char *name, char *dir, size_t size);
/* Replace the bytes of dir/rel in place (same inode, as /proc files);
 * a file that is not there is created. */
void t_rewrite(const char *dir, const char *rel, const char *data, size_t len);
/* Copy file src over dir/rel in place. */
void t_rewrite_from(const char *dir, const char *rel, const char *src);
void t_rm_tree(const char *dir);

/* Where this machine mounts a cgroup v2 tree (fs type cgroup2) and a v1
 * hierarchy holding controller ctl; false if none. */
bool t_cgroup2_mount(char *out, size_t size);
bool t_cgroup1_mount(const char *ctl, char *out, size_t size);
/* Make the cgroup dir (under a mount) and move pid into it. */
void t_cgroup_enter(const char *dir, pid_t pid);
/* Remove a cgroup dir once its processes are gone (bounded wait). */
void t_cgroup_remove(const char *dir);

/* Fail (SKIP) unless the test runs as root: CI runs the suite as root, and
 * check-nobody runs it again as nobody, where these tests skip. */
void t_need_root(void);

#endif
