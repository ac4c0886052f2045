/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * churn.c - the descriptor churn test of VMON_WANT_PROC_FILES
 * (docs/design/io-and-faults.md, "Long runs"), built with ASan and UBSan
 * against the test build of the library, so the invariant checker
 * (vmon__check(), which counts every shared object's references against the
 * descriptors holding it) runs inside every vmon_sample() and aborts on a
 * violation; it is called here too, and counted.
 *
 *   files-churn [SECONDS [HZ]]        (default 30 s at 100 Hz)
 *
 * A churner process with four threads opens, replaces (dup2) and closes
 * descriptors as fast as it can: pipes, socket pairs, eventfds and epolls
 * (anon inodes told apart by eventfd-id and by kcmp(2)), /dev/null,
 * a TCP listener, and children that inherit a few of them and exit at
 * once.  Two instances watch it at HZ for SECONDS, one in the default
 * order, one with VMON_FLAG_PROC_ARRAY (threads may sample the shared
 * store before their process there), both following children and threads
 * with the files and stat wants and the sockets want.  Every object
 * callback is checked: each object is made once and destroyed once, never
 * destroyed while held.  Then the churner is stopped (SIGSTOP) and its
 * store must equal /proc/PID/fd read here, and after vmon_destroy() every
 * object made was destroyed; LeakSanitizer checks for leaks at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define FAIL(...) do { \
	fprintf(stderr, "files-churn: FAIL: " __VA_ARGS__); \
	fputc('\n', stderr); \
	exit(1); \
} while (0)

#define FD_LO 20
#define FD_HI 84

/* ---- the churner ---- */

static void churn_once(unsigned *seed)
{
	int fd = FD_LO + rand_r(seed) % (FD_HI - FD_LO), p[2], got = -1;

	switch (rand_r(seed) % 8) {
	case 0: if (pipe(p) == 0) { dup2(p[0], fd); close(p[0]); got = p[1]; } break;
	case 1: if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0) { dup2(p[0], fd); close(p[0]); got = p[1]; } break;
	case 2: got = rand_r(seed) % 2 ? eventfd(0, 0) : epoll_create1(0); break;
	case 3: got = open("/dev/null", O_RDONLY); break;
	case 4: got = socket(AF_INET, SOCK_STREAM, 0); break;
	case 5: close(fd); return;
	case 6: dup2(FD_LO + rand_r(seed) % (FD_HI - FD_LO), fd); return;
	default:
		if (fork() == 0)	/* inherits everything, holds it a moment */
			_exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		return;
	}
	if (got < 0)
		return;
	if (got != fd) {
		dup2(got, fd);
		close(got);
	}
}

static void *churn_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;

	for (;;)
		churn_once(&seed);
	return NULL;
}

static pid_t churner_start(void)
{
	pid_t parent = getpid(), pid = fork();
	pthread_t t;

	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid)
		return pid;
	/* dies with this program, however it ends (a sanitizer abort included) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGCHLD, SIG_DFL);
	for (uintptr_t i = 1; i < 4; i++)
		pthread_create(&t, NULL, churn_thread, (void *)i);
	churn_thread((void *)(uintptr_t)4);
	_exit(0);
}

/* ---- the object log: made once, destroyed once, never while held ---- */

#define OBJ_MAGIC 0x6f626a6cu

struct objrec {
	unsigned magic, dtors;
};

static unsigned long made, destroyed;

static void on_ctor(vmon_t *v, vmon_fobject_t *o)
{
	struct objrec *r = calloc(1, sizeof(*r));

	(void)v;
	if (!r || o->foo)
		FAIL("ctor of %s: out of memory or constructed twice", o->name.array);
	r->magic = OBJ_MAGIC;
	o->foo = r;
	made++;
}

static void on_dtor(vmon_t *v, vmon_fobject_t *o)
{
	struct objrec *r = o->foo;

	(void)v;
	if (!r || r->magic != OBJ_MAGIC || r->dtors++)
		FAIL("dtor of %s: never constructed, or destroyed twice", o->name.array);
	if (o->refcnt || !list_empty(&o->ref_fds))
		FAIL("dtor of %s while held (refcnt %d)", o->name.array, o->refcnt);
	free(r);
	destroyed++;
}

/* ---- the end: the stopped churner's store against /proc ---- */

static void compare(vmon_proc_t *p)
{
	vmon_proc_files_t *f = p->stores[VMON_STORE_PROC_FILES];
	char path[64], target[4096];
	vmon_proc_fd_t *fd;
	int open_nr = 0;

	if (!f)
		FAIL("no files store");
	list_for_each_entry(fd, &f->fds, fds) {
		ssize_t n;

		if (fd->is_stale)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", p->pid, fd->fdnum);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0 || (size_t)n != fd->object_path.len ||
		    memcmp(target, fd->object_path.array, n))
			FAIL("fd %d: %s in the store, not what /proc says", fd->fdnum,
			     fd->object_path.array);
		open_nr++;
	}
	if (open_nr != f->fds_nr)
		FAIL("fds_nr %d, %d listed", f->fds_nr, open_nr);
}

static void sample(vmon_t *v, unsigned long *checks)
{
	if (!vmon_sample(v))
		FAIL("vmon_sample: %s", strerror(errno));
	if (vmon__check(v) < 0)
		FAIL("vmon__check after a sample");
	(*checks)++;
}

static void watch(vmon_t *v, int seconds, int hz, unsigned long *checks)
{
	struct timespec next, end;

	clock_gettime(CLOCK_MONOTONIC, &next);
	end = next;
	end.tv_sec += seconds;
	while (next.tv_sec < end.tv_sec || (next.tv_sec == end.tv_sec && next.tv_nsec < end.tv_nsec)) {
		sample(&v[0], checks);
		sample(&v[1], checks);
		next.tv_nsec += 1000000000L / hz;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 30, hz = argc > 2 ? atoi(argv[2]) : 100;
	vmon_proc_wants_t wants = VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS |
				  VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT;
	vmon_flags_t flags[2] = { VMON_FLAG_NONE, VMON_FLAG_PROC_ARRAY };
	unsigned long checks = 0;
	vmon_proc_t *p[2];
	vmon_t v[2];
	pid_t pid;

	if (seconds <= 0 || hz <= 0 || hz > 1000)
		FAIL("usage: files-churn [SECONDS [HZ]]");
	pid = churner_start();
	for (int i = 0; i < 2; i++) {
		if (!vmon_init(&v[i], flags[i], VMON_WANT_SYS_SOCKETS, wants))
			FAIL("vmon_init: %s", strerror(errno));
		v[i].fobject_ctor_cb = on_ctor;
		v[i].fobject_dtor_cb = on_dtor;
		if (!(p[i] = vmon_proc_monitor(&v[i], pid, 0, NULL, NULL)))
			FAIL("monitor %d: %s", pid, strerror(errno));
	}
	watch(v, seconds, hz, &checks);
	kill(pid, SIGSTOP);	/* every thread of it stops: /proc holds still */
	if (waitpid(pid, NULL, WUNTRACED) != pid)
		FAIL("the churner did not stop");
	for (int i = 0; i < 2; i++) {
		sample(&v[i], &checks);
		sample(&v[i], &checks);	/* no child left in the tree */
		compare(p[i]);
	}
	printf("files-churn: %d s at %d Hz, 2 instances: %lu samples checked, %lu objects "
	       "made", seconds, hz, checks, made);
	for (int i = 0; i < 2; i++)
		vmon_destroy(&v[i]);
	printf(", %lu destroyed\n", destroyed);
	if (made != destroyed || !made)
		FAIL("%lu objects made, %lu destroyed", made, destroyed);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
