/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * want_util.c - helpers of the tests of the 0.2 wants: readers of /proc
 * that share no code with the library, psutil run through python3 (an
 * independent implementation of the same figures), fixture copies, and
 * cgroup mounts and directories for the cgroup tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"

bool t_status_value(pid_t pid, pid_t tid, const char *key, int col, char *out, size_t size)
{
	char path[64], k[80], *text, *line;
	bool found = false;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = t_read_file(path, NULL);
	if (!text)
		return false;
	snprintf(k, sizeof(k), "\n%.64s:", key);
	line = strstr(text, k);
	for (int i = 1; line && i <= col; i++) {
		size_t n;

		line += i == 1 ? strlen(k) : 0;
		line += strspn(line, " \t/");
		n = strcspn(line, " \t/\n");
		if (!n)
			break;
		if (i == col) {
			snprintf(out, size, "%.*s", (int)n, line);
			found = true;
		}
		line += n;
	}
	free(text);
	return found;
}

unsigned long long t_status_ull(pid_t pid, const char *key, int col)
{
	char buf[64];

	ASSERT_MSG(t_status_value(pid, 0, key, col, buf, sizeof(buf)),
		   "no %s (column %d) in /proc/%d/status", key, col, pid);
	return strtoull(buf, NULL, 10);
}

long long t_file_ll(const char *path)
{
	char *text = t_read_file(path, NULL);
	long long v;

	ASSERT_MSG(text, "cannot read %s", path);
	v = strtoll(text, NULL, 10);
	free(text);
	return v;
}

bool t_psutil(pid_t pid, const char *expr, char *out, size_t size)
{
	char cmd[1024], line[4096];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c 'import psutil; p = psutil.Process(%d) if %d else None; print(%s)' "
		 "2>&1", pid, pid, expr);
	f = popen(cmd, "r");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f)) {
		pclose(f);
		return false;
	}
	if (pclose(f) != 0) {
		fprintf(stderr, "psutil: %s", line);
		return false;
	}
	n = strcspn(line, "\n");
	snprintf(out, size, "%.*s", (int)n, line);
	return true;
}

void t_schedstat(pid_t pid, pid_t tid, unsigned long long *v)
{
	char path[64], *text;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	ASSERT_MSG((text = t_read_file(path, NULL)), "cannot read %s", path);
	ASSERT_EQ(t_numbers(text, v, 3), 3);
	free(text);
}

int t_numbers(const char *text, unsigned long long *v, int max)
{
	int n = 0;

	while (*text && n < max) {
		char *end;

		if (*text < '0' || *text > '9') {
			text++;
			continue;
		}
		v[n++] = strtoull(text, &end, 10);
		text = end;
	}
	return n;
}

char *t_copy_fixture(const char *name, char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char src[256], cmd[1024];

	snprintf(dir, size, "%s/vmon-wants-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ASSERT_MSG(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	t_fixture(name, src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s'", src, dir);
	ASSERT_MSG(system(cmd) == 0, "%s failed", cmd);
	return dir;
}

void t_rewrite(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	ASSERT(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

void t_rewrite_from(const char *dir, const char *rel, const char *src)
{
	size_t len;
	char *data = t_read_file(src, &len);

	ASSERT_MSG(data, "cannot read %s", src);
	t_rewrite(dir, rel, data, len);
	free(data);
}

void t_rm_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ASSERT(system(cmd) == 0);
}

/* the mount point of the first mountinfo line of fs type (and option) */
static bool find_mount(const char *type, const char *opt, char *out, size_t size)
{
	char *text = t_read_file("/proc/self/mountinfo", NULL), *line, *save = NULL;
	bool found = false;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char point[512], fstype[64], super[512];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", point) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2 || strcmp(fstype, type))
			continue;
		if (opt && !strstr(super, opt))
			continue;
		snprintf(out, size, "%s", point);
		found = true;
	}
	free(text);
	return found;
}

bool t_cgroup2_mount(char *out, size_t size)
{
	return find_mount("cgroup2", NULL, out, size);
}

bool t_cgroup1_mount(const char *ctl, char *out, size_t size)
{
	return find_mount("cgroup", ctl, out, size);
}

void t_cgroup_enter(const char *dir, pid_t pid)
{
	char path[600], num[32];
	int fd, n;

	ASSERT_MSG(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	n = snprintf(num, sizeof(num), "%d\n", pid);
	ASSERT_MSG(write(fd, num, n) == n, "move %d into %s: %s", pid, dir, strerror(errno));
	close(fd);
}

void t_cgroup_remove(const char *dir)
{
	struct timespec t0, t;

	/* the kernel frees a cgroup shortly after its last task is reaped;
	 * nothing signals it, so this retries, bounded */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (rmdir(dir) < 0 && errno == EBUSY) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "rmdir %s: still busy after 10 s", dir);
		poll(NULL, 0, 10);
	}
}

void t_need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root (CI runs the suite as root)");
}
