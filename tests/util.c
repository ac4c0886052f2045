/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.c - helpers for tests: starting and ending processes, pipes as
 * "ready" signals, and independent readers of /proc that share no code
 * with the library (so a bug in one is caught by the other).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "test.h"

pid_t t_fork(bool (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_MSG(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg) ? 0 : 1);
	return pid;
}

bool t_sleeper(void *arg)
{
	if (arg)
		t_sync_post(arg);
	for (;;)
		pause();
	return true;
}

void *t_sleeper_thread(void *arg)
{
	t_sleeper(arg);
	return NULL;
}

void t_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int t_wait(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

void t_sync_init(struct t_sync *s)
{
	ASSERT_MSG(pipe2(s->fd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
}

void t_sync_post(struct t_sync *s)
{
	char c = 1;

	while (write(s->fd[1], &c, 1) < 0 && errno == EINTR)
		;
}

void t_sync_wait(struct t_sync *s)
{
	struct pollfd p = { .fd = s->fd[0], .events = POLLIN };
	char c;

	ASSERT_MSG(poll(&p, 1, 10000) == 1, "sync: no signal within 10 s");
	ASSERT_MSG(read(s->fd[0], &c, 1) == 1, "sync: pipe closed");
}

void t_sync_close(struct t_sync *s)
{
	close(s->fd[0]);
	close(s->fd[1]);
}

char *t_read_file(const char *path, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + n, size - n)) > 0) {
		n += r;
		if (n == size) {
			size *= 2;
			buf = realloc(buf, size + 1);
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool t_stat_field(pid_t pid, pid_t tid, int n, char *out, size_t size)
{
	char path[64], *buf, *p, *close_paren;
	size_t len;
	int field;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	buf = t_read_file(path, &len);
	if (!buf)
		return false;
	close_paren = strrchr(buf, ')');
	if (n == 1) {
		snprintf(out, size, "%d", atoi(buf));
	} else if (n == 2) {
		char *open_paren = strchr(buf, '(');

		*close_paren = '\0';
		snprintf(out, size, "%s", open_paren + 1);
	} else {
		p = close_paren + 2;
		for (field = 3; field < n && p; field++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		if (!p) {
			free(buf);
			return false;
		}
		snprintf(out, size, "%.*s", (int)strcspn(p, " \n"), p);
	}
	free(buf);
	return true;
}

unsigned long long t_stat_ull(pid_t pid, pid_t tid, int n)
{
	char buf[64];

	ASSERT_MSG(t_stat_field(pid, tid, n, buf, sizeof(buf)),
		   "cannot read field %d of /proc/%d/stat", n, pid);
	return strtoull(buf, NULL, 10);
}

bool t_keyed_value(const char *path, const char *key, unsigned long long *out)
{
	size_t len, klen = strlen(key);
	char *buf = t_read_file(path, &len), *line;
	bool found = false;

	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			*out = strtoull(line + klen + 1, NULL, 10);
			found = true;
			break;
		}
	}
	free(buf);
	return found;
}

bool t_ps(pid_t pid, const char *field, char *out, size_t size)
{
	char cmd[128], line[512];
	FILE *f;
	size_t n;
	char *s;

	snprintf(cmd, sizeof(cmd), "ps -o %s= -p %d", field, pid);
	f = popen(cmd, "r");
	if (!f)
		return false;
	s = fgets(line, sizeof(line), f);
	pclose(f);
	if (!s)
		return false;
	while (*s == ' ')
		s++;
	n = strcspn(s, "\n");
	while (n && s[n - 1] == ' ')
		n--;
	snprintf(out, size, "%.*s", (int)n, s);
	return true;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int t_list_ids(const char *path, int *ids, int max)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*e->d_name >= '0' && *e->d_name <= '9' && !*end && v >= 0)
			ids[n++] = (int)v;
	}
	closedir(d);
	qsort(ids, n, sizeof(int), cmp_int);
	return n;
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = -1;	/* the listing's own descriptor is among them */

	ASSERT(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

const char *t_build_path(const char *rel, char *buf, size_t size)
{
	const char *b = getenv("VMON_BUILD");

	snprintf(buf, size, "%s/%s", b && *b ? b : "build", rel);
	return buf;
}

const char *t_fixture(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "tests/fixtures/proc/%s", name);
	return buf;
}

int t_deny_bpf(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),	/* another ABI: as is */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

pid_t t_clone3_with_pid(pid_t want)
{
	struct clone_args args;
	long r;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)(uintptr_t)&want;
	args.set_tid_size = 1;
	fflush(NULL);
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0)
		for (;;)
			pause();
	return (pid_t)r;
}
