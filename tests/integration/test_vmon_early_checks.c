/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_early_checks.c - every output path (--png, --record,
 * --summary-json, -o under the live view, replay's --png) is checked
 * before anything runs: one that cannot be written (a missing folder, a
 * read-only one, a FIFO nobody reads, a directory) is reported with the
 * reason and exits 1, and the command has not run (it would have made a
 * marker file), nor has any other output been created or truncated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_util.h"

struct scratch {
	struct vt_dir d;
	char ro[256], marker[256], touch[300];
	bool mounted;
};

/* D/ro, a folder vmon cannot write in: a read-only tmpfs as root (root
 * writes anywhere else), mode 0555 otherwise */
static void scratch_init(struct scratch *s)
{
	vt_mkdir(&s->d);
	vt_file(&s->d, "ro", s->ro, sizeof(s->ro));
	vt_file(&s->d, "marker", s->marker, sizeof(s->marker));
	snprintf(s->touch, sizeof(s->touch), "exec > %s", s->marker);
	ASSERT_EQ(mkdir(s->ro, 0555), 0);
	s->mounted = geteuid() == 0;
	if (s->mounted)
		ASSERT_MSG(vt_mount_tmpfs(s->ro, "size=64k", MS_RDONLY), "mount: %s",
			   strerror(errno));
}

static void scratch_cleanup(struct scratch *s)
{
	if (s->mounted)
		vt_umount(s->ro);
	rmdir(s->ro);
	vt_cleanup(&s->d);
}

static const char *ro_reason(const struct scratch *s)
{
	return strerror(s->mounted ? EROFS : EACCES);
}

/* vmon with the options opts (NULL-terminated), then COMMAND making the
 * marker: it must exit 1, say "cannot write <what> <path>: <reason>", and
 * not have run the command */
static void refused(struct scratch *s, char *const *opts, char *const *env, const char *what,
		    const char *path, const char *reason)
{
	char *argv[16] = { (char *)vt_vmon() }, err[4096];
	int n = 1, status;

	while (*opts)
		argv[n++] = *opts++;
	argv[n++] = "--";
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = s->touch;
	argv[n] = NULL;
	status = vt_run(argv, env, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s %s: status %#x: %s",
		   argv[1], argv[2], status, err);
	ASSERT_MSG(access(s->marker, F_OK) && errno == ENOENT,
		   "%s %s: the command ran although vmon could not write %s", argv[1], argv[2],
		   path);
	ASSERT_MSG(strstr(err, what) && strstr(err, path) && strstr(err, reason),
		   "%s %s: no '%s %s: %s' in: %s", argv[1], argv[2], what, path, reason, err);
}

TEST(vmon_checks_every_output_before_running_the_command)
{
	struct scratch s;
	char missing[256], in_ro[300], fifo[256], kept[256], *text;
	char *xterm[] = { "TERM=xterm", NULL };

	scratch_init(&s);
	vt_file(&s.d, "missing/out", missing, sizeof(missing));
	snprintf(in_ro, sizeof(in_ro), "%s/out", s.ro);
	vt_file(&s.d, "fifo", fifo, sizeof(fifo));
	ASSERT_EQ(mkfifo(fifo, 0600), 0);

	{
		char *o[] = { "--no-live", "--png", missing, NULL };
		refused(&s, o, NULL, "the chart", missing, strerror(ENOENT));
	}
	{
		char *o[] = { "--no-live", "--png", in_ro, NULL };
		refused(&s, o, NULL, "the chart", in_ro, ro_reason(&s));
	}
	{
		char *o[] = { "--no-live", "--png", s.d.path, NULL };
		refused(&s, o, NULL, "the chart", s.d.path, strerror(EISDIR));
	}
	{
		char *o[] = { "--no-live", "--summary-json", missing, NULL };
		refused(&s, o, NULL, "the summary", missing, strerror(ENOENT));
	}
	{
		char *o[] = { "--no-live", "--summary-json", in_ro, NULL };
		refused(&s, o, NULL, "the summary", in_ro, ro_reason(&s));
	}
	{
		char *o[] = { "--no-live", "--record", missing, NULL };
		refused(&s, o, NULL, "the record", missing, strerror(ENOENT));
	}
	{
		char *o[] = { "--no-live", "--record", in_ro, NULL };
		refused(&s, o, NULL, "the record", in_ro, ro_reason(&s));
	}
	{
		/* vmon does not wait for a reader: it could not be interrupted */
		char *o[] = { "--no-live", "--record", fifo, NULL };
		refused(&s, o, NULL, "the record", fifo, "no process has this FIFO open for reading");
	}
	{
		/* the live view's -o, said before the view takes the terminal */
		char *o[] = { "--live", "-o", missing, NULL };
		refused(&s, o, xterm, "the command's output", missing, strerror(ENOENT));
	}
	{
		/* a good record is neither created nor truncated when another
		 * output is bad */
		char *o[] = { "--no-live", "--record", kept, "--png", missing, NULL };
		int fd;

		vt_file(&s.d, "kept.jsonl", kept, sizeof(kept));
		fd = open(kept, O_WRONLY | O_CREAT | O_EXCL, 0600);
		ASSERT(fd >= 0 && write(fd, "keep\n", 5) == 5);
		close(fd);
		refused(&s, o, NULL, "the chart", missing, strerror(ENOENT));
		text = t_read_file(kept, NULL);
		ASSERT_MSG(text && !strcmp(text, "keep\n"), "the record was truncated");
		free(text);
	}
	scratch_cleanup(&s);
}

TEST(vmon_replay_checks_its_outputs_before_reading)
{
	struct scratch s;
	char missing[256], record[256], err[4096];
	char *argv[] = { (char *)vt_vmon(), "replay", record, "--png", missing, NULL };
	int status;

	scratch_init(&s);
	vt_file(&s.d, "missing/chart.png", missing, sizeof(missing));
	snprintf(record, sizeof(record), "tests/workloads/record-v1.jsonl");
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x: %s", status, err);
	ASSERT_MSG(strstr(err, missing) && strstr(err, strerror(ENOENT)), "%s", err);
	scratch_cleanup(&s);
}
