/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_events.c - the change report of the files store and what it
 * says of each descriptor, on a child that opens, replaces and closes
 * descriptors on command (each command acknowledged on a pipe): a new
 * descriptor is is_new once, one now naming another object is_changed,
 * a closed one is_stale for one sample without its object, and the store's
 * activity bit is set exactly in the samples where one of these happened.
 * Kinds (regular file, directory, named pipe, character device, pipe),
 * paths, inodes, open flags and the " (deleted)" marker are checked
 * against what the test reads itself, including a file that is merely
 * named "... (deleted)".
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

struct cmd {
	char op;	/* o open read, w open write, d directory, f fifo, p pipe,
			 * m dup2(fd, fd2), c close, u unlink */
	int fd, fd2;
	char path[200];
};

struct puppet {
	pid_t pid;
	int cmd, ack;
};

/* Put the descriptor got at fd. */
static bool place(int got, int fd)
{
	if (got < 0 || dup2(got, fd) < 0)
		return false;
	return got == fd || close(got) == 0;
}

static bool run(const struct cmd *c)
{
	int p[2];

	switch (c->op) {
	case 'o': return place(open(c->path, O_RDONLY), c->fd);
	case 'w': return place(open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600), c->fd);
	case 'd': return place(open(c->path, O_RDONLY | O_DIRECTORY), c->fd);
	case 'f': return place(open(c->path, O_RDWR), c->fd);
	case 'p': return pipe(p) == 0 && place(p[0], c->fd) && place(p[1], c->fd + 1);
	case 'm': return dup2(c->fd, c->fd2) == c->fd2;
	case 'c': return close(c->fd) == 0;
	case 'u': return unlink(c->path) == 0;
	default: return false;
	}
}

static bool puppet_main(void *arg)
{
	int *fds = arg;	/* command read end, ack write end */
	struct cmd c;

	while (read(fds[0], &c, sizeof(c)) == sizeof(c)) {
		char ok = run(&c);

		if (write(fds[1], &ok, 1) != 1)
			return false;
	}
	return true;
}

static void puppet_start(struct puppet *pp)
{
	int cmd[2], ack[2], fds[2];

	ASSERT(pipe(cmd) == 0 && pipe(ack) == 0);
	fds[0] = cmd[0];
	fds[1] = ack[1];
	pp->pid = t_fork(puppet_main, fds);
	close(cmd[0]);
	close(ack[1]);
	pp->cmd = cmd[1];
	pp->ack = ack[0];
}

static void puppet_do(struct puppet *pp, char op, int fd, int fd2, const char *path)
{
	struct cmd c = { .op = op, .fd = fd, .fd2 = fd2 };
	char ok = 0;

	snprintf(c.path, sizeof(c.path), "%s", path ? path : "");
	ASSERT(write(pp->cmd, &c, sizeof(c)) == sizeof(c));
	ASSERT(read(pp->ack, &ok, 1) == 1);
	ASSERT_MSG(ok, "puppet command %c %d %s failed", op, fd, c.path);
}

/* Sample, compare with /proc, and check the store's change report. */
static vmon_proc_files_t *sample(vmon_t *v, vmon_proc_t *p, bool changed)
{
	vmon_proc_files_t *f;

	ASSERT(vmon_sample(v));
	t_check_tree(v);
	f = p->stores[VMON_STORE_PROC_FILES];
	t_files_compare(p);
	ASSERT_EQ(!!(p->activity & VMON_WANT_PROC_FILES), changed);
	ASSERT_EQ(f->changed, changed);
	return f;
}

static vmon_proc_fd_t *entry(vmon_proc_t *p, int fdnum, vmon_fd_kind_t kind, int mode)
{
	vmon_proc_fd_t *fd = t_fd_entry(p, fdnum);

	ASSERT_MSG(fd, "no entry for fd %d", fdnum);
	ASSERT_MSG(fd->kind == (int)kind, "fd %d: %s", fdnum, vmon_fd_kind_name(fd->kind));
	ASSERT_EQ(fd->flags & O_ACCMODE, mode);
	return fd;
}

static void expect_flags(const vmon_proc_fd_t *fd, int is_new, int is_changed, int is_stale)
{
	ASSERT_EQ(fd->is_new, is_new);
	ASSERT_EQ(fd->is_changed, is_changed);
	ASSERT_EQ(fd->is_stale, is_stale);
}

TEST(files_events_new_changed_stale_and_kinds)
{
	char dir[64], file[128], odd[160], fifo[128];
	struct puppet pp;
	vmon_proc_fd_t *fd;
	struct stat st;
	vmon_proc_t *p;
	int before;
	vmon_t v;

	snprintf(dir, sizeof(dir), "/tmp/vmon-files-%d", getpid());
	ASSERT(mkdir(dir, 0700) == 0);
	snprintf(file, sizeof(file), "%s/data", dir);
	snprintf(odd, sizeof(odd), "%s/odd (deleted)", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ASSERT(mkfifo(fifo, 0600) == 0);
	puppet_start(&pp);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES));
	p = vmon_proc_monitor(&v, pp.pid, 0, NULL, NULL);
	ASSERT(p);
	before = sample(&v, p, true)->fds_nr;
	sample(&v, p, false);

	/* opened: new once, described from fstat and fdinfo */
	puppet_do(&pp, 'w', 20, 0, file);
	puppet_do(&pp, 'd', 21, 0, dir);
	puppet_do(&pp, 'f', 22, 0, fifo);
	puppet_do(&pp, 'o', 23, 0, "/dev/null");
	puppet_do(&pp, 'w', 24, 0, odd);
	ASSERT_EQ(sample(&v, p, true)->fds_nr, before + 5);
	fd = entry(p, 20, VMON_FD_KIND_REGULAR, O_WRONLY);
	expect_flags(fd, 1, 0, 0);
	ASSERT(stat(file, &st) == 0);
	ASSERT_ULL_EQ(fd->ino, st.st_ino);
	ASSERT(!fd->object && !fd->deleted);
	entry(p, 21, VMON_FD_KIND_DIRECTORY, O_RDONLY);
	entry(p, 22, VMON_FD_KIND_FIFO, O_RDWR);
	entry(p, 23, VMON_FD_KIND_CHARDEV, O_RDONLY);
	fd = entry(p, 24, VMON_FD_KIND_REGULAR, O_WRONLY);
	ASSERT(!fd->deleted);	/* named so, not deleted */
	ASSERT_STREQ(fd->path.array, odd);
	sample(&v, p, false);
	expect_flags(t_fd_entry(p, 20), 0, 0, 0);

	/* unlinked: the target changes, the marker becomes a flag */
	puppet_do(&pp, 'u', 0, 0, file);
	puppet_do(&pp, 'u', 0, 0, odd);
	sample(&v, p, true);
	fd = entry(p, 20, VMON_FD_KIND_REGULAR, O_WRONLY);
	expect_flags(fd, 0, 1, 0);
	ASSERT(fd->deleted);
	ASSERT_STREQ(fd->path.array, file);
	fd = entry(p, 24, VMON_FD_KIND_REGULAR, O_WRONLY);
	ASSERT(fd->deleted);
	ASSERT_STREQ(fd->path.array, odd);

	/* replaced by a pipe (dup2 over it): changed, now holding the object */
	puppet_do(&pp, 'p', 30, 0, NULL);
	puppet_do(&pp, 'm', 30, 20, NULL);
	sample(&v, p, true);
	fd = entry(p, 20, VMON_FD_KIND_PIPE, O_RDONLY);
	expect_flags(fd, 0, 1, 0);
	ASSERT(fd->object && fd->object == t_fd_entry(p, 30)->object && !fd->path.len);
	ASSERT_EQ(fd->object->refcnt, 3);	/* 20, 30 and the write end 31 */
	ASSERT_ULL_EQ(fd->ino, fd->object->inum);
	expect_flags(t_fd_entry(p, 31), 1, 0, 0);

	/* closed: stale for one sample, holding nothing, then gone */
	puppet_do(&pp, 'c', 30, 0, NULL);
	puppet_do(&pp, 'c', 21, 0, NULL);
	ASSERT_EQ(sample(&v, p, true)->fds_nr, before + 5);	/* 20, 22-24, 31 */
	fd = t_fd_entry(p, 30);
	expect_flags(fd, 0, 0, 1);
	ASSERT(!fd->object);
	ASSERT_EQ(t_fd_entry(p, 20)->object->refcnt, 2);
	expect_flags(t_fd_entry(p, 21), 0, 0, 1);
	sample(&v, p, false);
	ASSERT(!t_fd_entry(p, 30) && !t_fd_entry(p, 21));

	/* closed and opened again between two samples, same number */
	puppet_do(&pp, 'c', 23, 0, NULL);
	puppet_do(&pp, 'd', 23, 0, "/");
	sample(&v, p, true);
	fd = entry(p, 23, VMON_FD_KIND_DIRECTORY, O_RDONLY);
	expect_flags(fd, 0, 1, 0);
	vmon_destroy(&v);
	t_kill(pp.pid);
	unlink(fifo);
	rmdir(dir);
}

/* A process monitored without permission to read its fd/ (EACCES): the
 * store says unavailable, the sample succeeds, and the directory is
 * opened again only after a back-off, not at every sample. */
TEST(files_events_unreadable_directory_is_retried_cheaply)
{
	struct puppet pp;
	vmon_sample_cost_t cost;
	unsigned long opens = 0;
	vmon_proc_t *p;
	pid_t child;
	vmon_t v;

	if (geteuid() != 0)
		SKIP("needs root to become another user");
	puppet_start(&pp);
	fflush(NULL);
	child = fork();
	ASSERT(child >= 0);
	if (child == 0) {	/* as nobody, the root-owned puppet's fd/ is closed */
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		if (!vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES) ||
		    !(p = vmon_proc_monitor(&v, pp.pid, 0, NULL, NULL)))
			_exit(3);
		for (int i = 0; i < 64; i++) {
			if (!vmon_sample(&v) || !(p->unavailable & VMON_WANT_PROC_FILES) ||
			    ((vmon_proc_files_t *)p->stores[VMON_STORE_PROC_FILES])->fds_nr)
				_exit(4);
			vmon_sample_cost(&v, &cost);
			opens += cost.opens;
		}
		vmon_destroy(&v);
		_exit(opens <= 8 ? 0 : 5);	/* 64 samples: 1, 2, 4 ... 32 */
	}
	ASSERT_EQ(t_wait(child), 0);
	t_kill(pp.pid);
}
