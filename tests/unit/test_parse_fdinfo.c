/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_fdinfo.c - the parser of /proc/PID/fdinfo/N
 * (src/parse_fdinfo.c), fed the text of real fdinfo files (a regular file,
 * an eventfd, an epoll instance whose target lines carry "pos:" of their
 * own, a pidfd) and odd ones: a read cut short in the middle of a line,
 * keys repeated, malformed or out of range, keys that only begin like
 * ours.
 */
#include <string.h>

#include "internal.h"
#include "test.h"

static struct vmon__fdinfo parse(const char *text)
{
	struct vmon__fdinfo fi;

	vmon__parse_fdinfo(text, strlen(text), &fi);
	return fi;
}

TEST(parse_fdinfo_real_files)
{
	struct vmon__fdinfo fi;

	fi = parse("pos:\t17\nflags:\t0100000\nmnt_id:\t27\nino:\t861\n");
	ASSERT(fi.pos == 17 && fi.flags == 0100000 && fi.mnt_id == 27 && !fi.has_eventfd_id);
	fi = parse("pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t26\n"
		   "eventfd-count:                5\neventfd-id: 2\neventfd-semaphore: 1\n");
	ASSERT(fi.pos == 0 && fi.flags == 02 && fi.mnt_id == 17);
	ASSERT(fi.has_eventfd_id && fi.eventfd_id == 2);
	/* an epoll's targets: their pos: and ino: are not the file's */
	fi = parse("pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t26\n"
		   "tfd:        4 events:       19 data:                7  pos:9 ino:1a sdev:10\n");
	ASSERT(fi.pos == 0 && fi.flags == 02 && !fi.has_eventfd_id);
	fi = parse("pos:\t0\nflags:\t02000002\nmnt_id:\t4\nino:\t330561\nPid:\t5887\nNSpid:\t5887\n");
	ASSERT(fi.flags == 02000002 && fi.mnt_id == 4);
	/* a large position, as lseek() leaves it */
	fi = parse("pos:\t9223372036854775807\nflags:\t0100002\nmnt_id:\t0\n");
	ASSERT(fi.pos == 9223372036854775807ll && fi.mnt_id == 0);
}

TEST(parse_fdinfo_odd_input)
{
	struct vmon__fdinfo fi;

	fi = parse("");
	ASSERT(fi.pos == -1 && fi.flags == -1 && fi.mnt_id == -1 && !fi.has_eventfd_id);
	/* cut short: "eventfd-id: 12" must not read as 1, nor pos as 1 */
	fi = parse("pos:\t0\nflags:\t02\nmnt_id:\t17\neventfd-id: 1");
	ASSERT(fi.mnt_id == 17 && !fi.has_eventfd_id);
	fi = parse("pos:\t1");
	ASSERT(fi.pos == -1);
	/* the first line of a key counts, even malformed */
	fi = parse("pos:\t5\npos:\t6\nflags:\tx\nflags:\t01\neventfd-id: 3\neventfd-id: 4\n");
	ASSERT(fi.pos == 5 && fi.flags == -1 && fi.eventfd_id == 3);
	/* octal flags; decimal, non-negative ids; values alone on their line */
	ASSERT_EQ(parse("flags:\t08\n").flags, -1);
	ASSERT_EQ(parse("flags:\t017777777777\n").flags, 0x7fffffff);
	ASSERT_EQ(parse("flags:\t020000000000\n").flags, -1);
	ASSERT_EQ(parse("mnt_id:\t-3\n").mnt_id, -1);
	ASSERT_EQ(parse("mnt_id:\t2147483648\n").mnt_id, -1);
	ASSERT_EQ(parse("mnt_id:\t12 kB\n").mnt_id, -1);
	ASSERT_EQ(parse("mnt_id:\n").mnt_id, -1);
	ASSERT_EQ(parse("mnt_id: \t 8\n").mnt_id, 8);
	ASSERT_EQ(parse("pos:\t-2\n").pos, -2);
	ASSERT_EQ(parse("pos:\t-\n").pos, -1);
	ASSERT_EQ(parse("pos:\t9223372036854775808\n").pos, -1);
	ASSERT(!parse("eventfd-id: -1\n").has_eventfd_id);
	/* keys must begin the line and end at the colon */
	fi = parse(" pos:\t3\nposition:\t4\nxflags:\t01\nmnt_id_x:\t5\neventfd-id2: 6\n");
	ASSERT(fi.pos == -1 && fi.flags == -1 && fi.mnt_id == -1 && !fi.has_eventfd_id);
	/* a NUL in the middle is a byte like another */
	{
		static const char nul[] = "pos:\t1\0\nflags:\t02\n";

		vmon__parse_fdinfo(nul, sizeof(nul) - 1, &fi);
		ASSERT(fi.pos == -1 && fi.flags == 02);
	}
}
