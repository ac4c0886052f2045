/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_full_disk.c - vmon's files on a full disk (ENOSPC), on a small
 * tmpfs mounted in a scratch folder (root only; the mount lives in the
 * test's own mount namespace, so it is gone however the test ends): the
 * record stops at its last whole sample, never in part of a line, and says
 * so; the summary JSON is written whole or not at all, an older file left
 * as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

struct disk {
	struct vt_dir d;
	char mnt[256];
};

static void disk_mount(struct disk *k, const char *size)
{
	char opts[32];

	if (geteuid() != 0)
		SKIP("mounting a tmpfs needs root");
	vt_mkdir(&k->d);
	vt_file(&k->d, "mnt", k->mnt, sizeof(k->mnt));
	ASSERT_EQ(mkdir(k->mnt, 0700), 0);
	snprintf(opts, sizeof(opts), "size=%s", size);
	ASSERT_MSG(vt_mount_tmpfs(k->mnt, opts, 0), "mount: %s", strerror(errno));
}

static void disk_unmount(struct disk *k)
{
	vt_umount(k->mnt);
	rmdir(k->mnt);
	vt_cleanup(&k->d);
}

static const char *in_disk(struct disk *k, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", k->mnt, name);
	return buf;
}

/* Fill the disk with a file, leaving `leave` bytes free (0: none). */
static void fill(struct disk *k, unsigned long long leave)
{
	static char zeros[65536];
	char path[300];
	struct statvfs st;
	unsigned long long left = ULLONG_MAX;
	int fd = open(in_disk(k, "fill", path, sizeof(path)), O_WRONLY | O_CREAT | O_EXCL, 0600);

	ASSERT(fd >= 0);
	if (leave) {
		ASSERT_EQ(statvfs(k->mnt, &st), 0);
		left = (unsigned long long)st.f_bavail * st.f_bsize;
		ASSERT_MSG(left > leave, "only %llu bytes free", left);
		left -= leave;
	}
	while (left) {
		ssize_t n = write(fd, zeros, left < sizeof(zeros) ? left : sizeof(zeros));

		if (n < 0 && errno == ENOSPC && !leave)
			break;
		ASSERT_MSG(n > 0, "filling: %s", strerror(errno));
		left -= n;
	}
	close(fd);
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ASSERT(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Read vmon's standard error (into err) until it holds what, within 60 s. */
static void wait_stderr(struct vt_proc *p, const char *what, char *err, size_t size)
{
	size_t n = 0;

	err[0] = '\0';
	while (!strstr(err, what)) {
		struct pollfd pfd = { .fd = p->err_fd, .events = POLLIN };
		ssize_t r;

		ASSERT_MSG(poll(&pfd, 1, 60000) == 1, "no '%s' from vmon in 60 s: %s", what, err);
		r = read(p->err_fd, err + n, size - n - 1);
		ASSERT_MSG(r > 0, "vmon ended without '%s': %s", what, err);
		n += r;
		err[n] = '\0';
	}
}

TEST(vmon_record_on_a_full_disk_ends_at_a_whole_sample)
{
	struct disk k;
	char rec[300], err[8192], rest[8192];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "-z", "200", "--record", rec, "--",
			 (char *)vt_burn(), "-W", NULL };
	struct t_sync hold;
	struct vt_record r;
	struct vt_proc p;
	int status;

	disk_mount(&k, "256k");
	in_disk(&k, "rec.jsonl", rec, sizeof(rec));
	/* room for the header (about 15 KiB) and some samples: the disk
	 * fills mid-run */
	fill(&k, 32768);
	t_sync_init(&hold);
	vt_start(&p, argv, NULL, hold.fd[0], -1);
	close(hold.fd[0]);
	wait_stderr(&p, strerror(ENOSPC), err, sizeof(err));
	close(hold.fd[1]);	/* the command ends, and vmon with it */
	status = vt_finish(&p, rest, sizeof(rest));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s%s", status,
		   err, rest);
	/* whole lines only (vt_record_load fails on a cut one): the header,
	 * then samples */
	vt_record_load(rec, &r);
	ASSERT_MSG(r.samples >= 1 && !r.has_end, "%d lines, %d samples", r.lines, r.samples);
	ASSERT_MSG(strstr(err, rec) && strstr(err, "recording stopped after its last whole sample"),
		   "%s", err);
	disk_unmount(&k);
}

TEST(vmon_summary_json_on_a_full_disk_is_whole_or_nothing)
{
	static char long_arg[6000];
	struct disk k;
	char old[300], fresh[300], err[8192], *text;
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "--summary-json", old, "--",
			 "/bin/sh", "-c", "exit 0", long_arg, NULL };
	struct stat before, after;
	int fd, status;

	/* a summary longer than a page: its command line says so */
	memset(long_arg, 'x', sizeof(long_arg) - 1);
	disk_mount(&k, "64k");
	in_disk(&k, "old.json", old, sizeof(old));
	in_disk(&k, "new.json", fresh, sizeof(fresh));
	fd = open(old, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT(fd >= 0 && write(fd, "old\n", 4) == 4);
	close(fd);
	ASSERT_EQ(stat(old, &before), 0);
	fill(&k, 0);

	/* over an older file: it stays as it was */
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status), "status %#x: %s", status, err);
	text = t_read_file(old, NULL);
	ASSERT_MSG(text && !strcmp(text, "old\n"), "the older summary became %zu bytes: %.60s",
		   text ? strlen(text) : 0, text);
	free(text);
	ASSERT_EQ(stat(old, &after), 0);
	ASSERT_EQ(after.st_ino, before.st_ino);
	ASSERT_MSG(strstr(err, "cannot write the summary") && strstr(err, old) &&
		   strstr(err, strerror(ENOSPC)), "%s", err);

	/* a new file: none at all, rather than half of one */
	argv[4] = fresh;
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status), "status %#x: %s", status, err);
	ASSERT_MSG(access(fresh, F_OK) && errno == ENOENT, "a cut summary was left");
	ASSERT_MSG(strstr(err, fresh) && strstr(err, strerror(ENOSPC)), "%s", err);
	/* and no temporary file either: the disk holds what it held */
	ASSERT_EQ(files_in(k.mnt), 2);
	disk_unmount(&k);
}
