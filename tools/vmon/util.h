/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h - small helpers shared by every part of vmon: allocation that
 * exits on failure (a tool, unlike the library, may), the monotonic clock
 * in microseconds, a growable string buffer, and the formatting of sizes,
 * durations and wait statuses for people.
 */
#ifndef VMON_TOOL_UTIL_H
#define VMON_TOOL_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define VMON_TOOL_VERSION "0.1.0"

/* microseconds: every time vmon keeps is one of these, relative to t0 */
typedef long long vt_us;

#define US_PER_S 1000000LL
#define VT_US_MAX 9223372036854775807LL

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* grow *p (of *alloc elements) to hold at least n elements */
void xgrow(void **p, int *alloc, int n, size_t elem);

/* print "vmon: ..." to stderr */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the same, then exit(code) */
void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

vt_us mono_us(void);

/* A growable NUL-terminated string. */
struct sbuf {
	char *s;
	size_t len, alloc;
};

void sb_put(struct sbuf *b, const char *s, size_t len);
void sb_puts(struct sbuf *b, const char *s);
void sb_putc(struct sbuf *b, char c);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);

/* "12.3 MiB", "512 KiB", "0 B" */
const char *fmt_bytes(double bytes, char *buf, size_t size);
/* "850 ms", "12.35 s", "3m07s", "2h05m" */
const char *fmt_dur(double secs, char *buf, size_t size);
/* "exit 3", "SIGKILL", "-" (unknown: status < 0) */
const char *fmt_status(int status, char *buf, size_t size);
/* 128 + signal, or the exit code, as shells report */
int status_code(int status);

/* join argv with spaces into buf (truncated) */
const char *join_args(char *const *argv, int argc, char *buf, size_t size);

/* s cut to at most max characters by taking out its middle ("ab..yz") */
const char *elide_middle(const char *s, int max, char *buf, size_t size);

/* escape bytes as vmon_field_format() does: printable ASCII as is, the
 * rest (and the backslash) as \xHH; returns a malloc'd string */
char *escape_bytes(const char *s, size_t len);

/* parse a decimal "S[.ffffff]" exactly into microseconds; 0 on error,
 * and beyond VT_US_MAX / US_PER_S - 1 seconds either way */
int parse_us(const char *s, size_t len, vt_us *out);

#endif
