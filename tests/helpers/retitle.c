/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * retitle.c - a process that rewrites its own command line in place, as
 * setproctitle() does: no exec, no new comm, no new memory layout, so
 * only a read of /proc/PID/cmdline can tell.  For each line read on
 * stdin it overwrites the bytes of its arguments after argv[0] with the
 * line's first byte (lengths kept), then answers "ok\n" on stdout.  It
 * exits at EOF.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin)) {
		for (int i = 1; i < argc; i++)
			memset(argv[i], line[0], strlen(argv[i]));
		if (write(1, "ok\n", 3) != 3)
			return 1;
	}
	return 0;
}
