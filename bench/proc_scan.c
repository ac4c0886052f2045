/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_scan.c - /proc scan and minimal parsers shared by the floor and the
 * naive harness (see proc_scan.h).  The parsers are deliberately the least
 * a monitor can do: no allocation, no copy of comm (nor of cmdline, wchan
 * or exe), one pass over the bytes.
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "proc_scan.h"

const char *const proc_file_names[F_NR] = { "stat", "statm", "io", "cmdline", "wchan" };

unsigned long long proc_sink;

static const char *skip_fields(const char *p, const char *end, int n)
{
	while (n-- > 0) {
		while (p < end && *p != ' ')
			p++;
		while (p < end && *p == ' ')
			p++;
	}
	return p;
}

static unsigned long long num(const char **pp, const char *end)
{
	const char *p = *pp;
	unsigned long long v = 0;

	while (p < end && (*p < '0' || *p > '9'))
		p++;
	while (p < end && *p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	*pp = p;
	return v;
}

/* stat: "pid (comm) S ppid ..."; comm may hold spaces and ')' */
unsigned long parse_stat(const char *buf, size_t len)
{
	const char *end = buf + len, *p = memrchr(buf, ')', len);
	unsigned long long flags, utime, stime, vsize, rss;

	if (!p)
		return 0;
	p += 2;				/* field 3, state */
	p = skip_fields(p, end, 6);	/* field 9, flags */
	flags = num(&p, end);
	p = skip_fields(p, end, 5);	/* field 14, utime */
	utime = num(&p, end);
	stime = num(&p, end);
	p = skip_fields(p, end, 8);	/* field 23, vsize */
	vsize = num(&p, end);
	rss = num(&p, end);
	proc_sink += utime + stime + vsize + rss;
	return (unsigned long)flags;
}

void parse_statm(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	unsigned long long size = num(&p, end), res = num(&p, end), shr = num(&p, end);

	proc_sink += size + res + shr;
}

void parse_io(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	/* rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes,
	 * one "key: value" a line */
	for (int line = 0; p < end && line < 6; line++) {
		unsigned long long v = num(&p, end);

		if (line != 2 && line != 3)
			proc_sink += v;
	}
}

/* cmdline: the arguments, each ended by a NUL; a monitor wants argc and
 * where each argument starts, so count them. */
void parse_cmdline(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	unsigned long long argc = 0;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		argc++;
		p = nul ? nul + 1 : end;
	}
	proc_sink += argc;
}

/* wchan and the exe link are one string each, which a monitor keeps as it
 * is: there is nothing to parse, and the floor copies nothing (as it does
 * not copy comm), so only the length is taken. */
void parse_text(const char *buf, size_t len)
{
	(void)buf;
	proc_sink += len;
}

unsigned long proc_parse(int which, const char *buf, size_t len)
{
	switch (which) {
	case F_STAT:
		return parse_stat(buf, len);
	case F_STATM:
		parse_statm(buf, len);
		break;
	case F_IO:
		parse_io(buf, len);
		break;
	case F_CMDLINE:
		parse_cmdline(buf, len);
		break;
	default:
		parse_text(buf, len);
		break;
	}
	return 0;
}

long proc_scan(int dirfd, void (*fn)(int pid, void *arg), void *arg)
{
	static char dents[65536] __attribute__((aligned(8)));
	long nr = 0;
	ssize_t n;

	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = getdents64(dirfd, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);
			const char *s = d->d_name;
			int pid = 0;

			off += d->d_reclen;
			if (*s < '1' || *s > '9')
				continue;
			for (; *s >= '0' && *s <= '9'; s++)
				pid = pid * 10 + (*s - '0');
			if (*s)
				continue;
			fn(pid, arg);
			nr++;
		}
	}
	return n < 0 ? -1 : nr;
}
