/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ptrace_tracer.c - the tracer of the PTRACE event source: a task of its
 * own (source_ptrace.c says why and how it is started) that traces the
 * trees of the roots it is told of, stopping them only at fork, vfork,
 * clone, exec and exit, and posts what it sees to the instance's queue.
 *
 * Its loop: attach what the sampling thread asks for, take every stop and
 * zombie that waits (waitid(), WNOHANG, __WALL), and sleep in ppoll() on
 * its doorbell with SIGCHLD let through: the kernel sends the tracer a
 * SIGCHLD for each stop of a tracee, and ppoll() unblocks it atomically,
 * so no stop that comes while the tracer works is slept through.  Every
 * stop is resumed at once; the tracer holds none while it sleeps.
 *
 *  fork, vfork, clone  the new task (PTRACE_GETEVENTMSG) is posted, under
 *                      its parent's process; the kernel traces it already
 *                      and it starts with a PTRACE_EVENT_STOP: resumed
 *                      once its fork is posted
 *  exec                its arguments and name, read while it is stopped
 *  exit                the exit stop of a process's leader: its peak RSS
 *                      (VmHWM), read while it still has its memory; its
 *                      zombie, reported when its last thread is gone: the
 *                      status its parent will get and the final figures
 *                      (a thread's exit stop: let go, its figures are in
 *                      its process's)
 *  group-stop          (SIGSTOP, SIGTSTP...): PTRACE_LISTEN, so that it
 *                      stays stopped until a SIGCONT, as without a tracer
 *  signal              re-injected (PTRACE_CONT with the signal)
 *
 * The final figures are read from the zombie, not at the exit stop, where
 * they would be nearly final: a process's exit goes on after the stop
 * (its memory is freed then), and that CPU is in what its parent's
 * getrusage() counts; read at the exit stop, a storm of 1-5 ms processes
 * came out 3.6% short (about 50 us each, here).  The zombie is the
 * tracer's to wait for, and the wait does not reap it: the tracer is not
 * in its parent's thread group, so the kernel hands it to its real parent
 * (notifying it then), which reaps it as if it had never been traced.
 * And a zombie comes in any case, while an exit stop may not: Linux 6.18
 * makes none for a task a SIGKILL finds in an event stop (a tracee killed
 * while the tracer held its fork stop went straight to a zombie; killed
 * while running, or in a group-stop, it made its exit stop).  Only the
 * peak RSS is then unknown.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source_ptrace.h"

#define PT_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT)

/* ---- the table of tracees ---- */

static size_t slot_of(const struct vmon__tracees *t, int tid)
{
	return ((uint32_t)tid * 2654435761u) & (t->alloc - 1);
}

struct vmon__tracee *vmon__tracee_find(struct vmon__tracees *t, int tid)
{
	if (!t->alloc)
		return NULL;
	for (size_t i = slot_of(t, tid);; i = (i + 1) & (t->alloc - 1)) {
		if (t->slots[i].tid == tid)
			return &t->slots[i];
		if (!t->slots[i].tid)
			return NULL;
	}
}

/* Double the table (at half full, so that probes stay short). */
static int tracees_grow(struct vmon__tracees *t)
{
	size_t alloc = t->alloc ? t->alloc * 2 : 64;
	struct vmon__tracee *old = t->slots;
	size_t old_alloc = t->alloc;

	t->slots = vmon__calloc(alloc, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return -ENOMEM;
	}
	t->alloc = alloc;
	for (size_t i = 0; i < old_alloc; i++) {
		size_t j;

		if (!old[i].tid)
			continue;
		for (j = slot_of(t, old[i].tid); t->slots[j].tid; j = (j + 1) & (alloc - 1))
			;
		t->slots[j] = old[i];
	}
	vmon__free(old);
	return 0;
}

struct vmon__tracee *vmon__tracee_add(struct vmon__tracees *t, int tid)
{
	struct vmon__tracee *e = vmon__tracee_find(t, tid);
	size_t i;

	if (e)
		return e;
	if ((t->nr + 1) * 2 > t->alloc && tracees_grow(t) < 0)
		return NULL;
	for (i = slot_of(t, tid); t->slots[i].tid; i = (i + 1) & (t->alloc - 1))
		;
	t->slots[i] = (struct vmon__tracee){ .tid = tid };
	t->nr++;
	return &t->slots[i];
}

/* Remove tid, moving back the entries after it that probed past it, so
 * that no lookup stops at the hole too early. */
void vmon__tracee_del(struct vmon__tracees *t, int tid)
{
	struct vmon__tracee *e = vmon__tracee_find(t, tid);
	size_t mask = t->alloc - 1, hole, i;

	if (!e)
		return;
	hole = e - t->slots;
	for (i = (hole + 1) & mask; t->slots[i].tid; i = (i + 1) & mask) {
		size_t home = slot_of(t, t->slots[i].tid);

		/* movable when its home is not within (hole, i] cyclically */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].tid = 0;
	t->nr--;
}

void vmon__tracees_free(struct vmon__tracees *t)
{
	vmon__free(t->slots);
	t->slots = NULL;
	t->alloc = t->nr = 0;
}

/* ---- posting ---- */

/* Queue ev, and make the event descriptor readable unless it already is
 * (one write per batch the caller has not read yet). */
static void post(struct vmon__ptrace *pt, struct vmon__event *ev)
{
	uint64_t one = 1;

	if (vmon__event_post(pt->vmon, ev) < 0)
		return;
	atomic_fetch_add(&pt->posted, 1);
	if (!atomic_exchange(&pt->signalled, true) &&
	    write(pt->event_fd, &one, sizeof(one)) < 0)
		atomic_store(&pt->signalled, false);
}

/* ---- what a task is ---- */

/* The process of tid: known from its fork, else read from its status. */
static int tgid_of(struct vmon__ptrace *pt, int tid)
{
	struct vmon__tracee *e = vmon__tracee_find(&pt->tracees, tid);
	unsigned long long tgid;
	ssize_t n;

	if (e && e->tgid)
		return e->tgid;
	n = vmon__ptrace_read(pt, tid, "status");
	if (n <= 0 || !vmon__ptrace_keyed(pt, n, "Tgid:", &tgid) || !tgid)
		return tid;	/* gone: as a process, which costs nothing */
	if (e)
		e->tgid = (int)tgid;
	return (int)tgid;
}

/* A task a clone made: a thread when it is in its parent's task list. */
static bool is_thread_of(struct vmon__ptrace *pt, int tgid, int tid)
{
	char path[48];

	snprintf(path, sizeof(path), "%d/task/%d", tgid, tid);
	return faccessat(pt->proc_fd, path, F_OK, 0) == 0;
}

static void resume(int tid, int sig)
{
	(void)ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig);
}

/* ---- the stops ---- */

/* Post the fork that made tid, once: from its parent's fork stop, or
 * from tid's own first stop when that came first (release_held()). */
static void announce(struct vmon__ptrace *pt, struct vmon__tracee *e, int tid, int tgid, int ppid)
{
	struct vmon__event ev = { .type = VMON__EV_FORK, .pid = tid, .tgid = tgid, .ppid = ppid };

	if (e) {
		if (e->announced)
			return;
		e->announced = true;
		e->tgid = tgid;
	}
	post(pt, &ev);
}

/* Resume tid if it was held in its first stop. */
static void unhold(struct vmon__ptrace *pt, struct vmon__tracee *e)
{
	if (!e || !e->held)
		return;
	e->held = false;
	for (size_t i = 0; i < pt->held_nr; i++)
		if (pt->held[i] == e->tid) {
			pt->held[i] = pt->held[--pt->held_nr];
			break;
		}
	resume(e->tid, 0);
}

static void on_fork(struct vmon__ptrace *pt, int tid, int event)
{
	struct vmon__tracee *e;
	unsigned long msg;
	int child, tgid, ppid;

	if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) < 0)
		return;
	child = tgid = (int)msg;
	/* a CLONE_PARENT child's parent is its creator's: rare enough to
	 * leave to the next sample */
	ppid = tgid_of(pt, tid);
	if (event == PTRACE_EVENT_CLONE && is_thread_of(pt, ppid, child))
		tgid = ppid;
	e = vmon__tracee_add(&pt->tracees, child);
	announce(pt, e, child, tgid, ppid);
	unhold(pt, e);
}

/*
 * The first stop of a task a fork made (PTRACE_EVENT_STOP, not a group
 * stop).  Its parent's fork stop may come after it (waitid() reports the
 * newest tracees first, and the parent may be preempted before it stops):
 * the task is held here until its fork is posted, or its exit could be
 * posted before its fork, and be lost.
 */
static void on_first_stop(struct vmon__ptrace *pt, int tid)
{
	struct vmon__tracee *e = vmon__tracee_add(&pt->tracees, tid);

	if (!e || e->announced || vmon__grow((void **)&pt->held, &pt->held_alloc,
					     pt->held_nr + 1, sizeof(int)) < 0) {
		resume(tid, 0);
		return;
	}
	e->held = true;
	pt->held[pt->held_nr++] = tid;
}

/* Tasks still held when no stop waits: their parents did not stop yet (a
 * parent killed in its fork never will).  Their fork is read from their
 * status and posted, and they go on. */
static void release_held(struct vmon__ptrace *pt)
{
	while (pt->held_nr) {
		int tid = pt->held[pt->held_nr - 1];
		struct vmon__tracee *e = vmon__tracee_find(&pt->tracees, tid);
		unsigned long long tgid = tid, ppid = 0;
		ssize_t n = vmon__ptrace_read(pt, tid, "status");

		if (n > 0) {
			vmon__ptrace_keyed(pt, n, "Tgid:", &tgid);
			vmon__ptrace_keyed(pt, n, "PPid:", &ppid);
		}
		announce(pt, e, tid, (int)tgid, (int)tgid != tid ? (int)tgid : (int)ppid);
		if (e)
			unhold(pt, e);
		else
			pt->held_nr--;
	}
}

/* The process is stopped with its new program: the event says what it
 * runs.  When a thread other than the leader exec'd, it took the leader's
 * pid (the stop is the leader's) and its own is gone. */
static void on_exec(struct vmon__ptrace *pt, int tid)
{
	struct vmon__event ev = { .type = VMON__EV_EXEC, .pid = tid, .tgid = tid };
	struct vmon__tracee *e;
	unsigned long former;

	if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &former) == 0 && (int)former != tid)
		vmon__tracee_del(&pt->tracees, (int)former);
	e = vmon__tracee_add(&pt->tracees, tid);
	if (e) {
		e->tgid = tid;
		e->exiting = false;	/* its exit stop was the exec's */
	}
	/* out of memory for the arguments: the event goes without them */
	(void)vmon__ptrace_read_exec(pt, tid, &ev);
	post(pt, &ev);
}

/* e: its tracee past its exit stop, or NULL */
static void post_exit(struct vmon__ptrace *pt, int pid, int status, const struct vmon__tracee *e)
{
	struct vmon__event ev = { .type = VMON__EV_EXIT, .pid = pid, .tgid = pid };
	vmon_exit_t *x = &ev.exit;

	x->source = VMON_EVENTS_PTRACE;
	x->status = status;
	x->known = VMON_EXIT_STATUS;
	if (e && e->peak_rss_kb) {
		x->peak_rss_kb = e->peak_rss_kb;
		x->known |= VMON_EXIT_PEAK_RSS;
	}
	vmon__ptrace_read_exit(pt, pid, &ev);
	/* the zombie's io refused (not root): what its exit stop read, short
	 * of what its last moments (closing its files) did */
	if (e && !(x->known & VMON_EXIT_IO) && (e->stop_io.known & VMON_EXIT_IO)) {
		x->rchar = e->stop_io.rchar;
		x->wchar = e->stop_io.wchar;
		x->read_bytes = e->stop_io.read_bytes;
		x->write_bytes = e->stop_io.write_bytes;
		x->known |= VMON_EXIT_IO;
	}
	post(pt, &ev);
}

/*
 * The exit stop of tid.  A thread's figures are in its process's totals:
 * it is let go.  A leader's peak RSS is read now, while it still has its
 * memory, and it goes on: its zombie, reported once its last thread is
 * gone, tells the rest (on_zombie()).
 */
static void on_exit_stop(struct vmon__ptrace *pt, int tid)
{
	struct vmon__tracee *e = vmon__tracee_find(&pt->tracees, tid);
	unsigned long long tgid = e ? (unsigned long long)e->tgid : 0, hwm = 0;
	ssize_t n = 0;

	if (!tgid || (int)tgid == tid)	/* a thread known as one is not read */
		n = vmon__ptrace_read(pt, tid, "status");
	if (n > 0) {
		if (!tgid)
			vmon__ptrace_keyed(pt, n, "Tgid:", &tgid);
		vmon__ptrace_keyed(pt, n, "VmHWM:", &hwm);
	}
	if (tgid && (int)tgid != tid) {
		(void)ptrace(PTRACE_DETACH, tid, 0, 0);
		vmon__tracee_del(&pt->tracees, tid);
		return;
	}
	if ((e = vmon__tracee_add(&pt->tracees, tid))) {
		e->tgid = tid;
		e->exiting = true;
		e->peak_rss_kb = hwm;
		e->stop_io.known = 0;
		vmon__ptrace_read_io(pt, tid, &e->stop_io);
	}
	resume(tid, 0);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* status: waitid()'s si_status of a ptrace stop, (event << 8) | signal */
static void on_stop(struct vmon__ptrace *pt, int tid, int status)
{
	int event = (status >> 8) & 0xff, sig = status & 0x7f;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_fork(pt, tid, event);
		resume(tid, 0);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(pt, tid);
		resume(tid, 0);
		break;
	case PTRACE_EVENT_EXIT:
		on_exit_stop(pt, tid);
		break;
	case PTRACE_EVENT_STOP:
		/* a group-stop stays one until SIGCONT (PTRACE_LISTEN does not
		 * run the task); anything else (a new task's first stop, the
		 * trap after a SIGCONT) goes on, once the task's fork is posted */
		if (is_stop_signal(sig))
			(void)ptrace(PTRACE_LISTEN, tid, 0, 0);
		else
			on_first_stop(pt, tid);
		break;
	case 0:		/* a signal on its way to the task: deliver it */
		resume(tid, sig);
		break;
	default:
		resume(tid, 0);
		break;
	}
}

/* A traced zombie: a process's end (or a thread's that had no exit stop).
 * Its figures are read before it is waited for: the wait hands a leader
 * to its real parent, which may reap it at once. */
static void on_zombie(struct vmon__ptrace *pt, const siginfo_t *si)
{
	struct vmon__tracee *e = vmon__tracee_find(&pt->tracees, si->si_pid);
	int status, tid = si->si_pid;
	siginfo_t done;

	if (e && e->held) {	/* killed in its first stop: its fork first */
		release_held(pt);
		e = vmon__tracee_find(&pt->tracees, tid);
	}
	if (!e || !e->tgid || e->tgid == tid) {
		if (si->si_code == CLD_EXITED)
			status = (si->si_status & 0xff) << 8;
		else
			status = (si->si_status & 0x7f) | (si->si_code == CLD_DUMPED ? 0x80 : 0);
		post_exit(pt, tid, status, e && e->exiting ? e : NULL);
	}
	while (waitid(P_PID, tid, &done, WEXITED | WNOHANG | __WALL) < 0 && errno == EINTR)
		;
	vmon__tracee_del(&pt->tracees, tid);
}

/* Take every stop and zombie that waits, then let the tasks still held
 * go.  Each round takes a stop, if one waits, and looks for anything
 * else with one call: a zombie is taken then, a stop in the next round
 * (a tracee's stops are reported whatever the options ask, and this look
 * leaves them in place). */
static void drain(struct vmon__ptrace *pt)
{
	siginfo_t si;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG | __WALL) == 0 && si.si_pid)
			on_stop(pt, si.si_pid, si.si_status);
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 && si.si_pid) {
			if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
			    si.si_code == CLD_DUMPED)
				on_zombie(pt, &si);
			continue;
		}
		if (!pt->held_nr)
			return;
		release_held(pt);
	}
}

/* ---- attaching ---- */

static int seize(struct vmon__ptrace *pt, int tid, int tgid)
{
	struct vmon__tracee *e;

	if (vmon__tracee_find(&pt->tracees, tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, 0, (void *)(long)PT_OPTIONS) < 0)
		return -errno;
	e = vmon__tracee_add(&pt->tracees, tid);
	if (e) {
		e->tgid = tgid;
		e->announced = true;
	}
	return 1;
}

/* Seize every thread of pid (PTRACE_SEIZE takes one task), listing them
 * again until a listing finds none new: the ones seized already trace the
 * threads they make. */
static int seize_threads(struct vmon__ptrace *pt, int pid)
{
	char path[32];
	int fresh;

	snprintf(path, sizeof(path), "%d/task", pid);
	do {
		int fd = vmon__openat(pt->proc_fd, path, O_RDONLY | O_DIRECTORY);
		struct dirent *d;
		DIR *dir;

		if (fd < 0)
			return fd;
		dir = fdopendir(fd);
		if (!dir) {
			close(fd);
			return -ENOMEM;
		}
		fresh = 0;
		while ((d = readdir(dir))) {
			int tid = atoi(d->d_name);

			if (tid > 0 && seize(pt, tid, pid) > 0)
				fresh++;
		}
		closedir(dir);
	} while (fresh);
	return 0;
}

/* A root the caller started: its process and threads.  Only the caller's
 * own children are traced: tracing anything else (the caller itself, its
 * parent, another user's process) is not what the source is for. */
static int attach(struct vmon__ptrace *pt, int pid)
{
	ssize_t n;
	int err;

	if (vmon__tracee_find(&pt->tracees, pid))
		return 0;
	n = vmon__ptrace_read(pt, pid, "stat");
	if (n < 0)
		return (int)n;
	if ((int)vmon__stat_ull(pt->buf.data, n, 4) != pt->owner)
		return -EPERM;
	err = seize(pt, pid, pid);
	if (err < 0)
		return err;
	return seize_threads(pt, pid);
}

/* ---- the loop ---- */

/* Serve the command that waits (the doorbell rang): true when asked to
 * quit. */
static bool serve(struct vmon__ptrace *pt)
{
	uint64_t n;
	int pid, err;

	(void)!read(pt->wake_fd, &n, sizeof(n));
	pthread_mutex_lock(&pt->lock);
	if (pt->quit) {
		pthread_mutex_unlock(&pt->lock);
		return true;
	}
	pid = pt->cmd_pending ? pt->cmd_pid : 0;
	pthread_mutex_unlock(&pt->lock);
	if (!pid)
		return false;
	err = attach(pt, pid);
	pthread_mutex_lock(&pt->lock);
	pt->cmd_err = err;
	pt->cmd_pending = false;
	pthread_cond_broadcast(&pt->done);
	pthread_mutex_unlock(&pt->lock);
	return false;
}

static void on_sigchld(int sig)
{
	(void)sig;	/* only to interrupt ppoll() */
}

/*
 * The tracer is a process of its own (no CLONE_SIGHAND): its handler and
 * mask are its own, and the SIGCHLD of its tracees' stops go to it, never
 * to the caller.  It dies with the thread that started it
 * (PR_SET_PDEATHSIG: the caller's process exited or exec'd), and its death
 * detaches every tracee.
 */
static bool setup(struct vmon__ptrace *pt, sigset_t *sleep_mask)
{
	struct sigaction sa = { .sa_handler = on_sigchld };

	prctl(PR_SET_NAME, "vmon-ptrace");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != pt->owner)
		return false;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return false;
	sigfillset(sleep_mask);
	sigdelset(sleep_mask, SIGCHLD);
	return true;
}

int vmon__ptrace_run(void *arg)
{
	struct vmon__ptrace *pt = arg;
	struct pollfd pfd = { .fd = pt->wake_fd, .events = POLLIN, .revents = POLLIN };
	sigset_t sleep_mask;
	bool ok = setup(pt, &sleep_mask);

	pthread_mutex_lock(&pt->lock);
	pt->started = ok;
	pt->tracer_pid = getpid();
	pthread_cond_broadcast(&pt->done);
	pthread_mutex_unlock(&pt->lock);
	if (!ok)
		return 1;
	for (;;) {
		drain(pt);
		/* a ppoll() a signal ended says nothing of the doorbell: it is
		 * still ringing at the next */
		if ((pfd.revents & POLLIN) && serve(pt))
			return 0;
		pfd.revents = 0;
		(void)ppoll(&pfd, 1, NULL, &sleep_mask);
	}
}
