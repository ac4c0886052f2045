/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fd_limit.c - vmon's descriptor limit (fd_limit.h): libvmon keeps files
 * open per process and thread, so a large tree needs more than the usual
 * soft limit of 1024.  The limit is raised as the tree grows, and the
 * command gets the original back.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "fd_limit.h"
#include "util.h"

static struct rlimit fd_orig;
static int fd_orig_saved;

/* The descriptors libvmon needs for `nodes` processes and threads (about
 * eight each), and vmon's own. */
static rlim_t fds_needed(int nodes)
{
	return (rlim_t)nodes * 8 + 64;
}

static rlim_t nr_open(void)
{
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	unsigned long long n = 1024 * 1024;

	if (f) {
		if (fscanf(f, "%llu", &n) != 1)
			n = 1024 * 1024;
		fclose(f);
	}
	return n;
}

void raise_fd_limit(int nodes)
{
	static int warned;
	rlim_t need = fds_needed(nodes);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (!fd_orig_saved) {
		fd_orig = rl;
		fd_orig_saved = 1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		/* only a privileged vmon may raise the hard limit */
		struct rlimit up = { need * 2, need * 2 };

		if (up.rlim_max > nr_open())
			up.rlim_cur = up.rlim_max = nr_open();
		if (up.rlim_max > rl.rlim_max && !setrlimit(RLIMIT_NOFILE, &up))
			return;
	}
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need * 2 ? need * 2
									     : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= need)
		return;
	if (!warned++)
		warnx_("the tree needs about %llu descriptors but the limit is %llu: libvmon "
		       "will sample some files less often", (unsigned long long)need,
		       (unsigned long long)rl.rlim_cur);
}

void restore_fd_limit_in_child(void)
{
	if (fd_orig_saved)
		setrlimit(RLIMIT_NOFILE, &fd_orig);
}
