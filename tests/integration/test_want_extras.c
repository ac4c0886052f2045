/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_extras.c - vmon_proc_read_extras(), environ, cwd and root read
 * once on demand, on real processes:
 *
 *   - a child exec'd with its own environment in a directory of its own:
 *     environ equals /proc/PID/environ byte for byte, getenv finds its
 *     variables, cwd equals the link, and psutil's environ() and cwd()
 *     agree;
 *   - a child that chroot()ed: root is that directory;
 *   - a kernel thread has no environ (ENOENT), a stale node is ESRCH, and
 *     as nobody another user's extras are refused (EACCES) item by item
 *     while the call succeeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static vmon_proc_t *start(vmon_t *v, pid_t pid)
{
	vmon_proc_t *p;

	ASSERT(vmon_init(v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT((p = vmon_proc_monitor(v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(v));
	return p;
}

struct envchild {
	const char *dir;
	int stdin_fd;
};

static bool env_main(void *arg)
{
	struct envchild *c = arg;
	char *const envp[] = { "VMON_TEST_SECRET=42", "PATH=/bin:/usr/bin", "EMPTY=", NULL };

	if (chdir(c->dir) || dup2(c->stdin_fd, 0) < 0)
		return false;
	execle("/bin/sh", "sh", "-c", "read x", (char *)NULL, envp);
	return false;
}

TEST(want_extras_environ_and_cwd_of_an_exec_child)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[64], buf[512], link[512];
	int in[2], exec_pipe[2];
	struct envchild c;
	vmon_proc_extras_t x = { 0 };
	size_t len;
	char *raw, ch;
	vmon_t v;
	vmon_proc_t *p;
	pid_t pid;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s/vmon-extras-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ASSERT(mkdtemp(dir));
	ASSERT(pipe2(in, O_CLOEXEC) == 0 && pipe2(exec_pipe, O_CLOEXEC) == 0);
	c = (struct envchild){ dir, in[0] };
	pid = t_fork(env_main, &c);
	close(exec_pipe[1]);
	ASSERT_EQ(read(exec_pipe[0], &ch, 1), 0);	/* EOF: exec'd */
	t_wait_sleeping(pid);
	p = start(&v, pid);
	ASSERT(vmon_proc_read_extras(&v, p, VMON_EXTRA_ALL, &x));
	ASSERT_EQ(x.read, VMON_EXTRA_ALL);
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	ASSERT((raw = t_read_file(path, &len)));
	ASSERT_EQ(x.environ.len, len);
	ASSERT(!memcmp(x.environ.array, raw, len));
	free(raw);
	ASSERT_STREQ(vmon_proc_extras_getenv(&x, "VMON_TEST_SECRET"), "42");
	ASSERT_STREQ(vmon_proc_extras_getenv(&x, "EMPTY"), "");
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	ASSERT((n = readlink(path, link, sizeof(link) - 1)) > 0);
	link[n] = '\0';
	ASSERT_STREQ(x.cwd.array, link);
	ASSERT_STREQ(x.root.array, "/");
	ASSERT(t_psutil(pid, "p.environ()[\"VMON_TEST_SECRET\"], p.cwd()", buf, sizeof(buf)));
	snprintf(link, sizeof(link), "42 %s", x.cwd.array);
	ASSERT_STREQ(buf, link);
	/* a second call reuses the buffers: same answer */
	ASSERT(vmon_proc_read_extras(&v, p, VMON_EXTRA_BIT(VMON_EXTRA_CWD), &x));
	ASSERT_EQ(x.read, VMON_EXTRA_BIT(VMON_EXTRA_CWD));
	ASSERT_STREQ(x.cwd.array, link + 3);
	vmon_proc_extras_free(&x);
	vmon_destroy(&v);
	t_kill(pid);
	close(in[0]);
	close(in[1]);
	close(exec_pipe[0]);
	ASSERT(rmdir(dir) == 0);
}

static bool chroot_main(void *arg)
{
	if (chroot(arg) || chdir("/"))
		return false;
	for (;;)
		pause();
	return true;
}

TEST(want_extras_root_of_a_chrooted_child)
{
	const char *tmp = getenv("TMPDIR");
	vmon_proc_extras_t x = { 0 };
	char dir[256];
	vmon_t v;
	vmon_proc_t *p;
	pid_t pid;

	t_need_root();
	snprintf(dir, sizeof(dir), "%s/vmon-root-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ASSERT(mkdtemp(dir));
	pid = t_fork(chroot_main, dir);
	t_wait_sleeping(pid);
	p = start(&v, pid);
	ASSERT(vmon_proc_read_extras(&v, p, VMON_EXTRA_BIT(VMON_EXTRA_ROOT) |
				     VMON_EXTRA_BIT(VMON_EXTRA_CWD), &x));
	ASSERT_STREQ(x.root.array, dir);
	ASSERT_STREQ(x.cwd.array, dir);
	vmon_proc_extras_free(&x);
	vmon_destroy(&v);
	t_kill(pid);
	ASSERT(rmdir(dir) == 0);
}

TEST(want_extras_kernel_thread_and_stale_node)
{
	vmon_proc_extras_t x = { 0 };
	struct t_sync ready;
	vmon_t v;
	vmon_proc_t *k, *p;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(t_sleeper, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT));
	ASSERT((k = vmon_proc_monitor(&v, 2, 0, NULL, NULL)));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_proc_read_extras(&v, k, VMON_EXTRA_ALL, &x));
	ASSERT(!(x.read & VMON_EXTRA_BIT(VMON_EXTRA_ENVIRON)));
	if (geteuid() == 0) {	/* as nobody a kernel thread refuses all three */
		ASSERT_EQ(x.error[VMON_EXTRA_ENVIRON], ENOENT);
		ASSERT_STREQ(x.cwd.array, "/");
	} else {
		ASSERT(x.error[VMON_EXTRA_ENVIRON] == ENOENT ||
		       x.error[VMON_EXTRA_ENVIRON] == EACCES);
	}
	/* gone: the call fails, nothing is read */
	t_kill(pid);
	ASSERT(vmon_sample(&v));
	ASSERT(p->is_stale);
	ASSERT(!vmon_proc_read_extras(&v, p, VMON_EXTRA_ALL, &x) && errno == ESRCH);
	ASSERT_EQ(x.read, 0);
	vmon_proc_extras_free(&x);
	vmon_destroy(&v);
}

/* as nobody: pid 1's extras are refused one by one, the call succeeds */
static bool nobody_main(void *arg)
{
	vmon_proc_extras_t x = { 0 };
	bool ok;
	vmon_t v;
	vmon_proc_t *p;

	(void)arg;
	if (setgid(65534) || setuid(65534) || !vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STAT))
		return false;
	ok = (p = vmon_proc_monitor(&v, 1, 0, NULL, NULL)) && vmon_sample(&v) &&
	     vmon_proc_read_extras(&v, p, VMON_EXTRA_ALL, &x) && x.read == 0 &&
	     x.error[VMON_EXTRA_ENVIRON] == EACCES && x.error[VMON_EXTRA_CWD] == EACCES &&
	     x.error[VMON_EXTRA_ROOT] == EACCES;
	vmon_proc_extras_free(&x);
	vmon_destroy(&v);
	return ok;
}

TEST(want_extras_refused_to_another_user)
{
	t_need_root();
	ASSERT_EQ(t_wait(t_fork(nobody_main, NULL)), 0);
}
