/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * source_ptrace.h - what the files of the PTRACE event source share: the
 * source's state, which the caller's sampling thread and the tracer task
 * both see (source_ptrace.c), the tracer's loop (ptrace_tracer.c) and its
 * readers of /proc (ptrace_read.c).  Nothing outside them includes it.
 */
#ifndef VMON_SOURCE_PTRACE_H
#define VMON_SOURCE_PTRACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "internal.h"

/* A task the tracer traces.  The table is the tracer's alone. */
struct vmon__tracee {
	int tid;		/* 0: a free slot */
	int tgid;		/* its process; 0 while not known */
	bool announced;		/* its fork was posted (or it is a root) */
	bool held;		/* in its first stop until its fork is posted */
	/* a leader past its exit stop: the process ends when its zombie is
	 * reported (or lives on, when another thread of it exec'd), with the
	 * peak RSS read at that stop */
	bool exiting;
	unsigned long long peak_rss_kb;	/* 0: not read */
	/* its io read at that stop (VMON_EXIT_IO in known when read): a
	 * zombie's /proc/PID/io belongs to root once its memory is gone, so
	 * an unprivileged tracer reads it there or never */
	vmon_exit_t stop_io;
};

/* An open-addressing table of tracees by tid (linear probing, deletion by
 * backward shift): a traced build can run thousands of tasks at once. */
struct vmon__tracees {
	struct vmon__tracee *slots;
	size_t alloc;		/* a power of two, or 0 */
	size_t nr;
};

struct vmon__ptrace {
	vmon_t *vmon;
	pid_t owner;		/* getpid() at open: a forked copy of the
				 * instance has no tracer of its own */
	int proc_fd;		/* the instance's proc root */
	unsigned long long ticks_per_sec;
	pthread_t host;		/* the thread that lends the tracer its
				 * thread-local storage (source_ptrace.c) */
	void *stack;		/* the tracer's stack */
	int event_fd;		/* readable when events were posted */
	int wake_fd;		/* the tracer's doorbell: a command waits */

	/* the command, under lock: the sampling thread asks, the tracer
	 * answers and signals done */
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool started;		/* the tracer runs */
	bool ended;		/* the tracer has ended (or never started) */
	bool quit;		/* asked to end */
	bool cmd_pending;	/* cmd_pid waits to be attached */
	int cmd_pid;
	int cmd_err;		/* the answer: 0 or -errno */
	pid_t tracer_pid;

	/* between the tracer and vmon_events_read() */
	atomic_ulong posted;	/* events posted and not acknowledged */
	atomic_bool signalled;	/* event_fd written since the last read */

	/* the tracer's alone */
	struct vmon__tracees tracees;
	int *held;		/* the tids held (few: their parents' fork
				 * stops are on their way) */
	size_t held_nr, held_alloc;
	struct vmon__buf buf;	/* scratch for its /proc reads */
};

/* The tracer task's body (clone()'s fn): returns when asked to quit. */
int vmon__ptrace_run(void *pt);

/* The table (ptrace_tracer.c).  find: NULL if not there; add: the tracee
 * (found, or added with tgid 0), NULL on ENOMEM. */
struct vmon__tracee *vmon__tracee_find(struct vmon__tracees *t, int tid);
struct vmon__tracee *vmon__tracee_add(struct vmon__tracees *t, int tid);
void vmon__tracee_del(struct vmon__tracees *t, int tid);
void vmon__tracees_free(struct vmon__tracees *t);

/* /proc/PID/name into pt->buf (NUL-terminated): its length or -errno. */
ssize_t vmon__ptrace_read(struct vmon__ptrace *pt, int pid, const char *name);
/* The value of "key:" in pt->buf as read from a status file, or false. */
bool vmon__ptrace_keyed(const struct vmon__ptrace *pt, size_t len, const char *key,
			unsigned long long *out);
/* Fill ev->exit (and ev->comm) with the final figures of process pid,
 * stopped at its exit or a zombie; known says which. */
void vmon__ptrace_read_exit(struct vmon__ptrace *pt, int pid, struct vmon__event *ev);
/* /proc/PID/io into x's I/O figures, VMON_EXIT_IO set if it could be read */
void vmon__ptrace_read_io(struct vmon__ptrace *pt, int pid, vmon_exit_t *x);
/* Fill ev->comm and ev->cmdline with what process pid runs now (stopped
 * at its exec): 0, or -ENOMEM (the event goes without arguments). */
int vmon__ptrace_read_exec(struct vmon__ptrace *pt, int pid, struct vmon__event *ev);

#endif
