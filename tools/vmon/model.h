/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model.h - what vmon knows about a run, fed sample by sample either live
 * (from libvmon, observe.c) or from a recording (replay.c), and read by the
 * chart, the live view and the summary.  Feeding both paths through the
 * same calls with the same integers (microseconds, ticks, kB) is what makes
 * `vmon replay` print the very summary of the live run.
 *
 * A track is one process or thread over its whole life, from the sample it
 * was first seen in to the sample its exit was seen in.  Its CPU history
 * holds only the samples it used CPU in: the many idle threads of a long
 * -a run cost nothing.  Tracks form a tree
 * by the parent a process was born under (a daemon adopted by vmon stays
 * under the process that forked it), threads under their process.
 */
#ifndef VMON_TOOL_MODEL_H
#define VMON_TOOL_MODEL_H

#include <stdbool.h>

#include "util.h"

/* a track's cumulative figures as last seen */
struct track_vals {
	unsigned long long utime, stime;	/* ticks */
	unsigned long long rss_kb;		/* resident set (processes) */
	unsigned long long rchar, wchar;	/* bytes through read()/write() */
	unsigned long long read_bytes, write_bytes;	/* bytes to/from storage */
	int io_ok;		/* the io figures could be read */
	int ppid;
	int threads;
	char state;		/* R, S, D, Z, T ... or 0 when unknown */
};

/* bytes through read() and write(), and to and from storage */
struct io_vals {
	unsigned long long rchar, wchar, read_bytes, write_bytes;
};

/* What an exit record said of a track's end (an event source's final
 * figures: known holds the FINAL_* bits of what is set).  Times are
 * relative to the start, like the samples'. */
#define FINAL_CPU	(1u << 0)	/* user_us, sys_us: its whole life, exact */
#define FINAL_RSS	(1u << 1)
#define FINAL_IO	(1u << 2)
#define FINAL_BORN	(1u << 3)	/* born: when it was forked */
#define FINAL_ENDED	(1u << 4)	/* ended: when it exited */
#define FINAL_IO_OWN	(1u << 5)	/* the I/O is the process's own (taskstats),
					 * not /proc's, which adds its reaped children's */
struct track_final {
	unsigned known;
	vt_us user_us, sys_us;
	unsigned long long peak_rss_kb;
	unsigned long long rchar, wchar, read_bytes, write_bytes;
	vt_us born, ended;
};

/* the ticks a track used in the interval before a sample */
struct cpu_point {
	int sample;
	unsigned du, ds;	/* user, system */
};

struct track {
	int id;			/* 1, 2, ... in order of first sight (the record's ids) */
	int pid;		/* process id, or thread id */
	int tgid;		/* the process of a thread; pid for a process */
	int ppid;		/* the parent pid when first seen (processes) */
	bool is_thread;
	bool preexisting;	/* running before monitoring began (-p, -a) */
	bool exited;
	int status;		/* wait status, -1 when not known */
	char *comm;		/* escaped as vmon_field_format() escapes */
	char **argv;		/* escaped, argc entries */
	int argc;
	vt_us birth, death;	/* first sight; exit seen (or the end) */
	int first;		/* index of the sample of first sight */
	struct track_vals v, base;	/* last seen; the zero of its deltas */
	unsigned long long rss_peak_kb;
	bool updated;		/* has had figures */
	struct track_final fin;	/* what its exit record said (model_final()) */
	/* the CPU it used, in the samples it used some, in sample order */
	struct cpu_point *points;
	int npoints, points_alloc;
	/* I/O: /proc/PID/io counts, besides the process's own, the final
	 * I/O of every child it reaped (the kernel adds it at the wait, and
	 * that child's counted its own reaped children, and so on down).
	 * kids is what the children vmon saw reaped by it added, so that its
	 * own I/O is v - base - kids (docs/vmon-io.md) */
	struct io_vals kids;
	bool reaped;		/* gone from /proc: its parent has reaped it */
	int level;		/* depth in the tree when linked */
	int updated_at;		/* the sample of its last figures */
	int ended_at;		/* the sample of its exit */
	struct io_vals own_seen;	/* the most of its own I/O seen (rates), */
	int seen_at;			/* in this sample */
	bool io_settled, credited;	/* its exit's I/O taken, its reaper's kids */
	double rate_r, rate_w;	/* smoothed read/write bytes per second, its own */
	int depth;		/* set by model_tree() */
	struct track *parent;	/* its process (threads), parent at birth, or NULL */
	struct track *threads, *children, *next;	/* birth order */
	struct track *last_thread, *last_child;	/* the ends of those lists */
	struct track *hnext;	/* pid hash chain of live tracks */
};

/* system-wide figures of one sample (cumulative ticks, kB) */
struct sys_vals {
	unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
	unsigned long long mem_total_kb, mem_avail_kb;
};

struct sample {
	vt_us t;		/* since the start */
	vt_us late;		/* how late the sampler woke for it */
	struct sys_vals sys;
	int procs, threads;	/* alive after it */
	unsigned long events, events_lost;	/* the event source's, by it */
	unsigned long long rss_kb;	/* of every process alive */
};

#define MODEL_HASH 4096

struct model {
	long tps;		/* ticks per second */
	long page_size;
	int ncpu;
	double hz;
	double hz_end;		/* the rate at the end, when changed in the live view (else 0) */
	int self_pid;		/* the monitor itself (run mode), else 0 */
	const char *mode;	/* "run", "pid" or "all" */
	char **cmd;		/* what was monitored, escaped */
	int cmdc;
	int exit_status;	/* the command's wait status, or -1 */
	struct sample *samples;
	int nsamples, samples_alloc;
	struct track **tracks;	/* tracks[id - 1] */
	int ntracks, tracks_alloc;
	struct track *roots, *last_root;
	struct track *hash[2][MODEL_HASH];	/* live processes, live threads */
	int live_procs, live_threads;
	int nprocs, nthreads;		/* seen */
	int peak_procs, peak_threads;
	unsigned long long peak_rss_kb;	/* of the whole tree */
	vt_us peak_rss_t;
	int missed;		/* ticks the sampler could not keep */
	/* run mode: the CPU of every descendant reaped, by the kernel's wait
	 * accounting (getrusage(RUSAGE_CHILDREN) of vmon, their subreaper),
	 * which counts the processes too short for any sample to see */
	bool reaped_known;
	vt_us reaped_user, reaped_sys;
	char events[16];	/* the event source: "none", "wait", "netlink"... */
	unsigned long long events_seen, events_lost;
	vt_us end;		/* the last moment monitored */
	bool ended;
	double *cpu_busy;	/* live only: per-CPU busy share, 0..1 (-1: offline) */
	double *cpu_user, *cpu_sys;	/* the user (and nice) and system parts of it */
	/* live only: bytes per second the disks read and wrote, the network
	 * received and sent (sys_rates.c), when known */
	double disk_r, disk_w, net_rx, net_tx;
	bool disk_known, net_known;
	/* reaps are told in the sample that found the process gone (live,
	 * and records from version 3); else at its exit */
	bool reaps_seen;
	/* the tracks that exited or were reaped in the open sample, whose
	 * I/O model_close_sample() settles */
	struct track **ends;
	int nends, ends_alloc;
	int cpu_busy_nr;
};

void model_init(struct model *m, long tps, long page_size, int ncpu);
void model_free(struct model *m);
void model_set_cmd(struct model *m, const char *mode, char *const *argv, int argc);

/* Open sample index m->nsamples at time t; returns its index. */
int model_sample(struct model *m, vt_us t, vt_us late);
struct sample *model_cur(struct model *m);
/* After the births, updates and exits of the open sample. */
void model_close_sample(struct model *m);

/* A track first seen in the open sample (id 0: the next id). */
struct track *model_birth(struct model *m, int id, int pid, int tgid, bool is_thread,
			  bool preexisting);
/* Put t in the tree under parent (NULL: top level). */
void model_link(struct model *m, struct track *t, struct track *parent);
/* The live track of pid (a thread's tid when thread). */
struct track *model_find(struct model *m, int pid, bool thread);
struct track *model_track(struct model *m, int id);
void model_set_comm(struct track *t, const char *comm);
/* an empty argv does not replace a known one */
void model_set_argv(struct track *t, char *const *argv, int argc);
/* New cumulative figures of t in the open sample. */
void model_update(struct model *m, struct track *t, const struct track_vals *v);
void model_exit(struct model *m, struct track *t, int status);
/* t is gone from /proc in the open sample: its parent reaped it, and the
 * parent's I/O now counts t's (model_close_sample() takes it out). */
void model_reaped(struct model *m, struct track *t);
/* After model_exit(): the exit record's final figures, which complete the
 * track's CPU (exact for a track born under monitoring), peak RSS and I/O,
 * and, for a track born and gone within the sample, when it lived. */
void model_final(struct model *m, struct track *t, const struct track_final *f);
/* Monitoring stopped at t: tracks still alive end there. */
void model_end(struct model *m, vt_us t);

/* CPU ticks t used while monitored */
unsigned long long track_user(const struct track *t);
unsigned long long track_sys(const struct track *t);
/* microseconds of CPU t used while monitored: exact when an exit record
 * said so (FINAL_CPU, a track born under monitoring), else from ticks */
vt_us track_user_us(const struct model *m, const struct track *t);
vt_us track_sys_us(const struct model *m, const struct track *t);
/* The CPU of every process monitored (user and system, microseconds). */
vt_us model_cpu(const struct model *m, vt_us *user, vt_us *sys);
/* An event source told every exit with its exact CPU (netlink, ptrace):
 * the kernel's count of reaped CPU is then a check of the tree's. */
bool model_every_exit_told(const struct model *m);
/* Of the kernel's count of the CPU of the descendants reaped, the part no
 * sample saw (0 when not known). */
vt_us model_unseen_cpu(const struct model *m);
/* t's own I/O while monitored: false when it could never be read */
bool track_io(const struct track *t, struct io_vals *own);
/* t was born and gone between two samples (seen first as it ended) */
bool track_brief(const struct model *m, const struct track *t);
/* ticks t used in the intervals of samples [from, to) */
void track_cpu_range(const struct track *t, int from, int to,
		     unsigned long long *u, unsigned long long *s);
/* index of the first sample at or after time t */
int model_sample_at(const struct model *m, vt_us t);

/* The tracks in tree order into a malloc'd *out (count returned): a
 * process, its threads when with_threads, then its children; siblings in
 * birth order or by cmp.  A track is listed when keep (NULL: all) accepts
 * it or a track under it is listed.  Sets each listed track's depth. */
typedef bool (*track_filter)(const struct track *t, void *arg);
int model_tree(struct model *m, struct track ***out, bool with_threads,
	       int (*cmp)(const void *, const void *), track_filter keep, void *arg);

#endif
