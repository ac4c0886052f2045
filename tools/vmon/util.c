/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.c - the helpers of util.h: allocation, messages, the clock, string
 * buffers and human formatting.  Kept free of libvmon so that replay and
 * the chart run without it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"

static void oom(void)
{
	fputs("vmon: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void xgrow(void **p, int *alloc, int n, size_t elem)
{
	int a = *alloc ? *alloc : 8;

	if (n <= *alloc)
		return;
	while (a < n)
		a *= 2;
	*p = xrealloc(*p, (size_t)a * elem);
	memset((char *)*p + (size_t)*alloc * elem, 0, (size_t)(a - *alloc) * elem);
	*alloc = a;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("vmon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("vmon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

vt_us mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (vt_us)ts.tv_sec * US_PER_S + ts.tv_nsec / 1000;
}

/* make room for len more bytes and the NUL */
static void sb_reserve(struct sbuf *b, size_t len)
{
	size_t a = b->alloc ? b->alloc : 256;

	if (b->len + len + 1 <= b->alloc)
		return;
	while (a < b->len + len + 1)
		a *= 2;
	b->s = xrealloc(b->s, a);
	b->alloc = a;
}

void sb_put(struct sbuf *b, const char *s, size_t len)
{
	sb_reserve(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void sb_putc(struct sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->alloc = 0;
}

const char *fmt_bytes(double bytes, char *buf, size_t size)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f B", bytes);
	else
		snprintf(buf, size, bytes < 10 ? "%.2f %s" : bytes < 100 ? "%.1f %s" : "%.0f %s",
			 bytes, units[u]);
	return buf;
}

const char *fmt_dur(double secs, char *buf, size_t size)
{
	if (secs < 1)
		snprintf(buf, size, "%.0f ms", secs * 1000);
	else if (secs < 100)
		snprintf(buf, size, "%.2f s", secs);
	else if (secs < 3600)
		snprintf(buf, size, "%dm%02ds", (int)secs / 60, (int)secs % 60);
	else	/* a replayed record's hours need not fit an int */
		snprintf(buf, size, "%lldh%02lldm", (long long)secs / 3600,
			 (long long)secs / 60 % 60);
	return buf;
}

const char *fmt_status(int status, char *buf, size_t size)
{
	const char *name;

	if (status < 0)
		snprintf(buf, size, "-");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && (name = sigabbrev_np(WTERMSIG(status))))
		snprintf(buf, size, "SIG%s", name);
	else
		snprintf(buf, size, "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return buf;
}

int status_code(int status)
{
	if (status < 0)
		return 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

const char *join_args(char *const *argv, int argc, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && argv[i] && n + 1 < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? " " : "", argv[i]);
	return buf;
}

const char *elide_middle(const char *s, int max, char *buf, size_t size)
{
	int n = (int)strlen(s), head;

	if (n <= max || max < 8 || (size_t)max >= size) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	head = (max - 2) / 2;
	snprintf(buf, size, "%.*s..%s", head, s, s + n - (max - 2 - head));
	return buf;
}

char *escape_bytes(const char *s, size_t len)
{
	char *out = xmalloc(len * 4 + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			*o++ = c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o = '\0';
	return out;
}

int parse_us(const char *s, size_t len, vt_us *out)
{
	vt_us whole = 0, frac = 0;
	size_t i = 0;
	int digits = 0, neg = 0;

	if (i < len && s[i] == '-')
		neg = 1, i++;
	if (i >= len || s[i] < '0' || s[i] > '9')
		return 0;
	/* the text may come from a record anyone wrote: more seconds than
	 * a vt_us holds is an error, not an overflow */
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		if ((whole = whole * 10 + (s[i] - '0')) > VT_US_MAX / US_PER_S - 1)
			return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (digits < 6) {	/* the rest is below a microsecond */
				frac = frac * 10 + (s[i] - '0');
				digits++;
			}
	if (i != len)
		return 0;
	for (; digits < 6; digits++)
		frac *= 10;
	*out = (whole * US_PER_S + frac) * (neg ? -1 : 1);
	return 1;
}
