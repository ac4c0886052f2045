/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_scan.h - the parts the floor and naive harnesses share, so that the
 * two differ only in how they get the bytes (held descriptor + pread, or
 * open + read + close): the /proc scan with getdents64 and the parsers of
 * stat, statm and io, which take only the numbers a monitor needs (ticks,
 * vsize, rss; size, resident, shared; rchar, wchar, read_bytes,
 * write_bytes) and fold them into a sink so no work is optimised away.
 */
#ifndef PROC_SCAN_H
#define PROC_SCAN_H

#include <stddef.h>

enum { F_STAT, F_STATM, F_IO, F_NR };
extern const char *const proc_file_names[F_NR];

extern unsigned long long proc_sink;

void parse_stat(const char *buf, size_t len);
void parse_statm(const char *buf, size_t len);
void parse_io(const char *buf, size_t len);
void proc_parse(int which, const char *buf, size_t len);

/* Call fn(pid, arg) for every process directory of the /proc descriptor
 * dirfd (rewound first); returns the number of processes, -1 on error. */
long proc_scan(int dirfd, void (*fn)(int pid, void *arg), void *arg);

#endif
