/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_fdinfo.c - what the files store takes from
 * /proc/PID/fdinfo/N (pos, flags, mnt_id) against the same files read by
 * the test (sscanf) and against psutil's Process.open_files() (path, fd,
 * position, flags), on a child holding a file at an offset, a file open
 * for appending after a write, a dup() sharing an offset, a pipe and
 * /dev/null.  Then the child moves an offset: the store keeps the one
 * read when the descriptor appeared (pos is not live, as documented),
 * while a descriptor that is new or names another file is read anew.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"
#include "want_util.h"

struct holder {
	struct t_sync ready, go, moved;
	char path[64];
};

static bool place(int got, int fd)
{
	if (got < 0 || (got != fd && dup2(got, fd) < 0))
		return false;
	return got == fd || close(got) == 0;
}

static bool open_at(const char *path, int flags, off_t pos, int fd)
{
	int got = open(path, flags, 0600);

	return got >= 0 && lseek(got, pos, SEEK_SET) == pos && place(got, fd);
}

/* 20 /etc/passwd at 17, 21 the scratch file appended to (100 bytes), 22
 * the scratch file at 5, 23 a dup() of 20, 24-25 a pipe; then, on go, 20
 * moves to 1000, 26 opens /etc/passwd at 3 and 24 becomes a dup() of 22. */
static bool holder_main(void *arg)
{
	struct holder *h = arg;
	char data[100] = { 0 };
	int null = open("/dev/null", O_RDWR), p[2];

	/* no descriptor shared with the test's output, whose offset moves */
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
	    !open_at("/etc/passwd", O_RDONLY, 17, 20) ||
	    !open_at(h->path, O_WRONLY | O_CREAT | O_APPEND, 0, 21) ||
	    write(21, data, sizeof(data)) != sizeof(data) ||
	    !open_at(h->path, O_RDWR, 5, 22) || dup2(20, 23) != 23 || pipe(p) < 0 ||
	    !place(p[0], 24) || !place(p[1], 25))
		return false;
	t_sync_post(&h->ready);
	t_sync_wait(&h->go);
	if (lseek(20, 1000, SEEK_SET) != 1000 || !open_at("/etc/passwd", O_RDONLY, 3, 26) ||
	    dup2(22, 24) != 24)
		return false;
	t_sync_post(&h->moved);
	return t_sleeper(NULL);
}

/* pos, flags and mnt_id of an fdinfo file, by sscanf() */
struct fdinfo {
	long long pos;
	int flags, mnt_id;
};

static struct fdinfo fdinfo_of(int pid, int fd)
{
	char path[64], *text;
	struct fdinfo fi;
	unsigned flags;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	text = t_read_file(path, NULL);
	ASSERT_MSG(text && sscanf(text, "pos: %lld flags: %o mnt_id: %d", &fi.pos, &flags,
				  &fi.mnt_id) == 3, "%s: %s", path, text ? text : "unreadable");
	fi.flags = (int)flags;
	free(text);
	return fi;
}

/* Every open descriptor of the store against its fdinfo, but for the
 * positions of those in stale_pos, which the store read earlier. */
static void compare_fdinfo(vmon_proc_t *proc, const int *stale_pos, int nstale)
{
	vmon_proc_files_t *files = proc->stores[VMON_STORE_PROC_FILES];
	vmon_proc_fd_t *fd;

	list_for_each_entry(fd, &files->fds, fds) {
		struct fdinfo fi = fdinfo_of(proc->pid, fd->fdnum);
		bool stale = false;

		for (int i = 0; i < nstale; i++)
			stale |= stale_pos[i] == fd->fdnum;
		ASSERT_MSG(stale || fd->pos == fi.pos, "fd %d: pos %lld, fdinfo %lld", fd->fdnum,
			   fd->pos, fi.pos);
		ASSERT_EQ(fd->flags, fi.flags);
		ASSERT_EQ(fd->mnt_id, fi.mnt_id);
	}
}

/* psutil's open_files() against the store: the same regular files with
 * the same flags, and positions but for those in stale_pos.  Returns how
 * many psutil lists. */
static int compare_psutil(vmon_proc_t *proc, const int *stale_pos, int nstale)
{
	char out[4096];
	const char *p = out;
	int n = 0, files = 0, fdnum, flags, used;
	long long pos;
	vmon_proc_fd_t *fd;

	ASSERT_MSG(t_psutil(proc->pid, "sorted((f.fd, f.position, f.flags) for f in p.open_files())",
			    out, sizeof(out)), "psutil: %s", out);
	while (sscanf(p, " %*[[,] (%d, %lld, %d)%n", &fdnum, &pos, &flags, &used) == 3) {
		bool stale = false;

		p += used;
		n++;
		fd = t_fd_entry(proc, fdnum);
		ASSERT_MSG(fd && fd->kind == VMON_FD_KIND_REGULAR, "psutil lists fd %d", fdnum);
		for (int i = 0; i < nstale; i++)
			stale |= stale_pos[i] == fdnum;
		ASSERT_MSG(stale || fd->pos == pos, "fd %d: pos %lld, psutil %lld", fdnum, fd->pos,
			   pos);
		ASSERT_EQ(fd->flags, flags);
	}
	ASSERT_MSG(!strcmp(p, "]"), "psutil said %s", out);
	list_for_each_entry(fd, &((vmon_proc_files_t *)proc->stores[VMON_STORE_PROC_FILES])->fds, fds)
		files += fd->kind == VMON_FD_KIND_REGULAR && !fd->is_stale;
	ASSERT_EQ(n, files);
	return n;
}

TEST(files_fdinfo_pos_flags_mnt_id_against_fdinfo_and_psutil)
{
	static const int moved[] = { 20, 23 };	/* one open file, moved */
	struct holder h;
	vmon_proc_t *p;
	pid_t pid;
	vmon_t v;

	snprintf(h.path, sizeof(h.path), "/tmp/vmon-fdinfo-%d", getpid());
	t_sync_init(&h.ready);
	t_sync_init(&h.go);
	t_sync_init(&h.moved);
	pid = t_fork(holder_main, &h);
	t_sync_wait(&h.ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES));
	p = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	ASSERT(p && vmon_sample(&v));
	t_files_compare(p);
	compare_fdinfo(p, NULL, 0);
	ASSERT(t_fd_entry(p, 20)->pos == 17 && t_fd_entry(p, 23)->pos == 17);
	ASSERT(t_fd_entry(p, 21)->pos == 100 && t_fd_entry(p, 22)->pos == 5);
	ASSERT_EQ(t_fd_entry(p, 21)->flags & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	ASSERT(t_fd_entry(p, 24)->pos == 0 && t_fd_entry(p, 24)->mnt_id >= 0);
	ASSERT_EQ(compare_psutil(p, NULL, 0), 4);

	t_sync_post(&h.go);
	t_sync_wait(&h.moved);
	ASSERT(vmon_sample(&v));
	t_files_compare(p);
	compare_fdinfo(p, moved, 2);
	ASSERT_EQ(fdinfo_of(pid, 20).pos, 1000);
	ASSERT(t_fd_entry(p, 20)->pos == 17 && t_fd_entry(p, 23)->pos == 17);	/* not live */
	ASSERT(t_fd_entry(p, 26)->is_new && t_fd_entry(p, 26)->pos == 3);
	ASSERT(t_fd_entry(p, 24)->is_changed && t_fd_entry(p, 24)->pos == 5);
	ASSERT_EQ(compare_psutil(p, moved, 2), 6);
	vmon_destroy(&v);
	t_kill(pid);
	unlink(h.path);
}
