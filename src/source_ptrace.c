/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * source_ptrace.c - the PTRACE event source (VMON_EVENTS_PTRACE): ptrace
 * of the trees whose roots the caller started and monitors at the top
 * level, stopping them at fork, vfork, clone, exec and exit only, so that
 * a process born and gone between two samples is still known, with its
 * final figures: its peak RSS read at its exit stop, while it still has
 * its memory (a zombie shows an RSS of 0), the rest from its zombie, which
 * the tracer then hands to its parent (ptrace_tracer.c says why).  It
 * needs no privilege: a process may trace its own children.  This file
 * starts and stops the tracer and talks to it; ptrace_tracer.c is the
 * tracer, ptrace_read.c what it reads.
 *
 * What the mode excludes, which is why it is opt-in:
 *  - a traced process has one tracer: nothing else can ptrace anything in
 *    a traced tree (gdb, strace, and LeakSanitizer, which ptraces its own
 *    process at exit, all fail to attach inside it);
 *  - every fork, exec and exit in the trees costs a stop of the process
 *    and a wakeup of the tracer (the cost below); signals and job control
 *    (SIGSTOP, SIGCONT) pass through a stop too;
 *  - only the caller's own children are roots (the caller's process,
 *    its parents and strangers are not traced), and under Yama's
 *    ptrace_scope 1 the tracer, which is no ancestor of the roots, is
 *    refused: watch() fails with EPERM and the tree is only sampled;
 *  - a caller's waitpid(-1, ..., __WALL) also waits for the tracer, a
 *    child of the caller's process (plain waitpid() does not see it: it
 *    sends no SIGCHLD);
 *  - valgrind supports no clone() that shares memory without CLONE_THREAD:
 *    it stops the program at the tracer's (so the suite's ptrace tests
 *    never run under it; tests/valgrind-cycle.sh runs a helper).
 *
 * Why the tracer is not a plain thread.  The kernel lets any thread of a
 * tracer's process wait for its tracees, and treats a tracee whose tracer
 * is in its real parent's thread group as traced by its parent: with a
 * tracer thread in the caller's process, the caller's waitpid() of a root
 * takes the root's ptrace stops (measured: waitpid() returned 0x6057f, the
 * exit stop, and the root hung in it), and a wait by the tracer of a
 * zombie root reaps it, stealing its status.  So the tracer is a task of
 * its own thread group: a clone() sharing the memory, descriptors and
 * filesystem context (CLONE_VM, CLONE_FILES, CLONE_FS) but not the signal
 * handlers or the thread group.  Its stops and zombies are then its own
 * business (the SIGCHLD they send go to it, not to the caller's handler);
 * the kernel hands a root's exit to the caller as if untraced.
 * Library code (malloc, the queue's mutex) needs thread-local storage:
 * the tracer runs on the thread that clone()s it with CLONE_VFORK, the
 * host thread below, which stays blocked in the kernel while the tracer
 * lives, as glibc's posix_spawn() does, so the two never use it at once.
 *
 * Cost, measured with bench/ptrace_cost.c: a root forks and reaps 3000
 * trivial children one after the other, traced and untraced in alternate
 * rounds (medians of 5), the tracer's CPU read from its /proc/PID/schedstat.
 * Per fork and exit, on this 2-core VM (Linux 6.18) while another
 * developer's tests ran (load average 7 to 8): about 51 to 55 us of tracer
 * CPU (the issue that asked for the source measured about 45 us here); at
 * a load of 11 to 15 every figure was about twice that.  The traced pay
 * too: the root's wall time per fork and exit went from 225-255 us to
 * 290 us, the tree's CPU from 186-191 us to 234-240 us.  The tracer's work
 * per fork and exit: five stops (the parent's fork stop, the child's first
 * stop, its exit stop and its zombie, and the parent's SIGCHLD, a signal
 * to re-inject) and about 25 system calls (strace -c), three /proc reads
 * among them (status at the exit stop for VmHWM, stat and io of the
 * zombie), which were 5 to 27 us of it in runs alternated without them.
 */
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source_ptrace.h"

/* The tracer's stack: it reads into heap buffers and never recurses, a
 * few pages would do; sanitizer builds make frames much larger. */
#define VMON__TRACER_STACK (256 * 1024)

static void ring(struct vmon__ptrace *pt)
{
	uint64_t one = 1;

	(void)!write(pt->wake_fd, &one, sizeof(one));
}

/* The host thread: clone() the tracer, which runs on this thread's
 * thread-local storage while this thread waits in the kernel (CLONE_VFORK)
 * until the tracer has exited; then reap it and say it ended. */
static void *host_main(void *arg)
{
	struct vmon__ptrace *pt = arg;
	uintptr_t top = ((uintptr_t)pt->stack + VMON__TRACER_STACK) & ~(uintptr_t)15;
	pid_t pid;
	int err;

	/* no exit signal: the caller's plain waitpid() never sees it */
	pid = clone(vmon__ptrace_run, (void *)top,
		    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED | CLONE_VFORK, pt);
	err = pid < 0 ? -errno : -ESRCH;
	while (pid > 0 && waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&pt->lock);
	pt->ended = true;
	pt->cmd_err = err;
	pthread_cond_broadcast(&pt->done);
	pthread_mutex_unlock(&pt->lock);
	return NULL;
}

/* Start the host thread, with every signal blocked (the caller's signals
 * are not its business, and the tracer inherits the mask), and wait for
 * the tracer to run: 0 or -errno. */
static int start(struct vmon__ptrace *pt)
{
	sigset_t all, old;
	bool started;
	int err;

	pt->stack = vmon__malloc(VMON__TRACER_STACK);
	if (!pt->stack)
		return -ENOMEM;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&pt->host, NULL, host_main, pt);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_mutex_lock(&pt->lock);
	while (!pt->started && !pt->ended)
		pthread_cond_wait(&pt->done, &pt->lock);
	started = pt->started;
	err = pt->cmd_err;
	pthread_mutex_unlock(&pt->lock);
	if (started)
		return 0;
	pthread_join(pt->host, NULL);
	return err < 0 ? err : -ESRCH;
}

/* Ask the tracer to end, and wait until it has: its exit detaches every
 * tracee (the kernel restarts them, and a group-stopped one stays
 * stopped), the host thread waits for it to be a zombie, which it becomes
 * after that.  Nothing is killed, nothing is left in a ptrace stop. */
static void stop(struct vmon__ptrace *pt)
{
	pthread_mutex_lock(&pt->lock);
	pt->quit = true;
	pthread_mutex_unlock(&pt->lock);
	ring(pt);
	pthread_join(pt->host, NULL);
}

static void release(struct vmon__ptrace *pt)
{
	if (pt->event_fd >= 0)
		close(pt->event_fd);
	if (pt->wake_fd >= 0)
		close(pt->wake_fd);
	pthread_cond_destroy(&pt->done);
	pthread_mutex_destroy(&pt->lock);
	vmon__tracees_free(&pt->tracees);
	vmon__free(pt->held);
	vmon__free(pt->buf.data);
	vmon__free(pt->stack);
	vmon__free(pt);
}

static int pt_open(vmon_t *vmon, void **state)
{
	struct vmon__ptrace *pt = vmon__calloc(1, sizeof(*pt));
	int err;

	if (!pt)
		return -ENOMEM;
	pt->vmon = vmon;
	pt->owner = getpid();
	pt->proc_fd = vmon->internal->proc_fd;
	pt->ticks_per_sec = vmon->ticks_per_sec > 0 ? (unsigned long long)vmon->ticks_per_sec : 100;
	pthread_mutex_init(&pt->lock, NULL);
	pthread_cond_init(&pt->done, NULL);
	atomic_init(&pt->posted, 0);
	atomic_init(&pt->signalled, false);
	pt->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pt->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	err = pt->event_fd < 0 || pt->wake_fd < 0 ? -errno : start(pt);
	if (err < 0) {
		release(pt);
		return err;
	}
	*state = pt;
	return 0;
}

static int pt_fd(const void *state)
{
	return ((const struct vmon__ptrace *)state)->event_fd;
}

/* The tracer has posted already: acknowledge, so that the descriptor is
 * readable again at the next post.  The flag is cleared after the drain:
 * a post that found it still set is in the queue the caller takes next. */
static int pt_read(vmon_t *vmon, void *state)
{
	struct vmon__ptrace *pt = state;
	uint64_t n;

	(void)vmon;
	if (read(pt->event_fd, &n, sizeof(n)) < 0 && errno != EAGAIN && errno != EINTR)
		return -vmon__errno_class(errno);
	atomic_store(&pt->signalled, false);
	return (int)atomic_exchange(&pt->posted, 0);
}

/* Have the tracer attach pid, and wait for it: the caller lets its child
 * go after vmon_proc_monitor(), so it must be traced by then. */
static int pt_watch(vmon_t *vmon, void *state, int pid)
{
	struct vmon__ptrace *pt = state;
	int err;

	(void)vmon;
	if (pt->owner != getpid())
		return -ECHILD;	/* a forked copy: the tracer is the parent's */
	pthread_mutex_lock(&pt->lock);
	while (pt->cmd_pending && !pt->ended)
		pthread_cond_wait(&pt->done, &pt->lock);
	if (!pt->ended) {
		pt->cmd_pid = pid;
		pt->cmd_pending = true;
	}
	pthread_mutex_unlock(&pt->lock);
	ring(pt);
	pthread_mutex_lock(&pt->lock);
	while (pt->cmd_pending && !pt->ended)
		pthread_cond_wait(&pt->done, &pt->lock);
	err = pt->ended ? -ESRCH : pt->cmd_err;
	pthread_mutex_unlock(&pt->lock);
	return err;
}

static void pt_close(vmon_t *vmon, void *state)
{
	struct vmon__ptrace *pt = state;

	(void)vmon;
	if (pt->owner == getpid())
		stop(pt);
	release(pt);
}

static int pt_own_task(const void *state)
{
	/* set before open returned, under the lock it waited on */
	return ((const struct vmon__ptrace *)state)->tracer_pid;
}

const struct vmon__source vmon__source_ptrace = {
	.id = VMON_EVENTS_PTRACE,
	.open = pt_open,
	.fd = pt_fd,
	.read = pt_read,
	.watch = pt_watch,
	.close = pt_close,
	.own_task = pt_own_task,
};
