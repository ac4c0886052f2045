/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_scan.h - the parts the floor and naive harnesses share, so that the
 * two differ only in how they get the bytes (held descriptor + pread, or
 * open + read + close): the /proc scan with getdents64 and the parsers of
 * stat, statm and io, which take only the numbers a monitor needs (ticks,
 * vsize, rss; size, resident, shared; rchar, wchar, read_bytes,
 * write_bytes) and fold them into a sink so no work is optimised away.
 * The full floor (floor -f) also reads cmdline and wchan, and the exe link,
 * which libvmon reads at every sample by default; their parsers take what
 * a monitor keeps of them (the arguments, the symbol, the path).
 */
#ifndef PROC_SCAN_H
#define PROC_SCAN_H

#include <stddef.h>

/* The floor and naive read the first F_BASE_NR files; the full floor reads
 * all F_NR of them. */
enum { F_STAT, F_STATM, F_IO, F_BASE_NR, F_CMDLINE = F_BASE_NR, F_WCHAN, F_NR };
extern const char *const proc_file_names[F_NR];

/* The flags word of stat marks a kernel thread, which has no cmdline and
 * no exe (libvmon does not read them for one). */
#define PROC_PF_KTHREAD 0x00200000UL

extern unsigned long long proc_sink;

unsigned long parse_stat(const char *buf, size_t len);	/* returns the flags word */
void parse_statm(const char *buf, size_t len);
void parse_io(const char *buf, size_t len);
void parse_cmdline(const char *buf, size_t len);
void parse_text(const char *buf, size_t len);	/* wchan, or the exe link */
/* Parse file `which` of proc_file_names; returns stat's flags word (0 for
 * the other files). */
unsigned long proc_parse(int which, const char *buf, size_t len);

/* Call fn(pid, arg) for every process directory of the /proc descriptor
 * dirfd (rewound first); returns the number of processes, -1 on error. */
long proc_scan(int dirfd, void (*fn)(int pid, void *arg), void *arg);

#endif
