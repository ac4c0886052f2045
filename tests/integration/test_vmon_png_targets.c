/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_png_targets.c - what --png does to what its path names: a
 * symlink stays a symlink and the file it points to gets the chart; a
 * FIFO and device nodes (made with mknod in a scratch directory) are
 * written into and stay the same node, never replaced by a regular file;
 * a FIFO nobody reads is an error, not a wait.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

/* vmon --png path -- true: its wait status and stderr */
static int chart_to(const char *path, char *err, size_t size)
{
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--png", (char *)path, "--",
			 "true", NULL };

	return vt_run(argv, NULL, err, size);
}

static void assert_same_node(const char *path, const struct stat *before)
{
	struct stat now;

	ASSERT_MSG(lstat(path, &now) == 0, "%s is gone: %s", path, strerror(errno));
	ASSERT_MSG((now.st_mode & S_IFMT) == (before->st_mode & S_IFMT),
		   "%s changed type: %#o -> %#o", path, before->st_mode & S_IFMT,
		   now.st_mode & S_IFMT);
	ASSERT_MSG(now.st_ino == before->st_ino, "%s was replaced (inode %llu -> %llu)", path,
		   (unsigned long long)before->st_ino, (unsigned long long)now.st_ino);
	ASSERT_EQ(now.st_rdev, before->st_rdev);
}

/* no temporary file left beside the outputs */
static void assert_no_temporary(struct vt_dir *d)
{
	DIR *dir = opendir(d->path);
	struct dirent *e;

	ASSERT(dir);
	while ((e = readdir(dir)))
		ASSERT_MSG(!strstr(e->d_name, ".tmp."), "left behind: %s", e->d_name);
	closedir(dir);
}

static void assert_exit_0(int status, const char *err)
{
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
}

TEST(vmon_png_through_a_symlink_keeps_the_link)
{
	struct vt_dir d;
	char link[256], target[256], dangling[256], created[256], err[4096], to[64];
	struct stat before;
	struct vt_png png;
	int fd;

	vt_mkdir(&d);
	vt_file(&d, "link.png", link, sizeof(link));
	vt_file(&d, "target.png", target, sizeof(target));
	vt_file(&d, "dangling.png", dangling, sizeof(dangling));
	vt_file(&d, "created.png", created, sizeof(created));
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT(fd >= 0 && write(fd, "old\n", 4) == 4);
	close(fd);
	ASSERT_EQ(symlink("target.png", link), 0);
	ASSERT_EQ(symlink("created.png", dangling), 0);

	ASSERT_EQ(lstat(link, &before), 0);
	assert_exit_0(chart_to(link, err, sizeof(err)), err);
	assert_same_node(link, &before);
	ASSERT_EQ(readlink(link, to, sizeof(to)), 10);
	ASSERT(!memcmp(to, "target.png", 10));
	vt_png_load(target, &png);	/* the file it points to holds the chart */
	ASSERT_EQ(png.w, 1200);
	ASSERT_EQ(stat(target, &before), 0);
	ASSERT_MSG((before.st_mode & 07777) == 0600, "the file's mode became %#o",
		   before.st_mode & 07777);

	/* a symlink to nothing: the file is created where it points */
	ASSERT_EQ(lstat(dangling, &before), 0);
	assert_exit_0(chart_to(dangling, err, sizeof(err)), err);
	assert_same_node(dangling, &before);
	vt_png_load(created, &png);
	ASSERT_EQ(png.w, 1200);
	assert_no_temporary(&d);
	vt_cleanup(&d);
}

/* Read what vmon writes into the FIFO rd (opened before vmon started)
 * until vmon has exited (its stderr pipe hangs up) and the FIFO is
 * drained. */
static size_t read_fifo(int rd, int err_fd, char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p[2] = { { .fd = rd, .events = POLLIN }, { .fd = err_fd } };
		bool ended;
		ssize_t r;

		ASSERT_MSG(poll(p, 2, 60000) > 0, "vmon neither wrote nor ended in 60 s");
		ended = p[1].revents & POLLHUP;
		while ((r = read(rd, buf + n, size - n)) > 0)
			n += r;
		ASSERT_MSG(n < size, "more than %zu bytes", size);
		if (ended)
			return n;
	}
}

TEST(vmon_png_into_a_fifo_writes_into_it)
{
	static char data[4 << 20];
	struct vt_dir d;
	char fifo[256], got[256], err[4096];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--png", fifo, "--", "true", NULL };
	struct stat before;
	struct vt_proc p;
	struct vt_png png;
	size_t n;
	int rd, status;

	vt_mkdir(&d);
	vt_file(&d, "fifo", fifo, sizeof(fifo));
	ASSERT_EQ(mkfifo(fifo, 0600), 0);
	ASSERT_EQ(lstat(fifo, &before), 0);
	rd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT(rd >= 0);
	vt_start(&p, argv, NULL, -1, -1);
	n = read_fifo(rd, p.err_fd, data, sizeof(data));
	status = vt_finish(&p, err, sizeof(err));
	close(rd);
	assert_exit_0(status, err);
	assert_same_node(fifo, &before);
	ASSERT_MSG(n > 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8), "%zu bytes, not a PNG", n);
	ASSERT_MSG(n > 20 && !memcmp(data + n - 8, "IEND\xae\x42\x60\x82", 8),
		   "the PNG is cut short (%zu bytes)", n);
	vt_file(&d, "got.png", got, sizeof(got));
	rd = open(got, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ASSERT(rd >= 0 && write(rd, data, n) == (ssize_t)n);
	close(rd);
	vt_png_load(got, &png);
	ASSERT_EQ(png.w, 1200);

	/* nobody reading: an error that says so, not a wait, and the FIFO
	 * stays */
	status = chart_to(fifo, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status), "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, fifo) && strstr(err, "no process has this FIFO open for reading"),
		   "%s", err);
	assert_same_node(fifo, &before);
	assert_no_temporary(&d);
	vt_cleanup(&d);
}

TEST(vmon_png_into_device_nodes_writes_into_them)
{
	struct vt_dir d;
	char full[256], null[256], err[4096];
	struct stat full_before, null_before;
	int status;

	vt_mkdir(&d);
	vt_file(&d, "full", full, sizeof(full));
	vt_file(&d, "null", null, sizeof(null));
	if (mknod(full, S_IFCHR | 0666, makedev(1, 7))) {
		vt_cleanup(&d);
		SKIP("mknod: %s (needs root)", strerror(errno));
	}
	ASSERT_EQ(mknod(null, S_IFCHR | 0666, makedev(1, 3)), 0);
	ASSERT_EQ(lstat(full, &full_before), 0);
	ASSERT_EQ(lstat(null, &null_before), 0);

	/* like /dev/full: every write fails, and vmon says why */
	status = chart_to(full, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status), "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, full) && strstr(err, strerror(ENOSPC)), "%s", err);
	assert_same_node(full, &full_before);

	/* like /dev/null: written into without a word */
	status = chart_to(null, err, sizeof(err));
	assert_exit_0(status, err);
	ASSERT_MSG(!strstr(err, "vmon:"), "%s", err);
	assert_same_node(null, &null_before);
	assert_no_temporary(&d);
	vt_cleanup(&d);
}
