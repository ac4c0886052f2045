/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool.h - the parts of vmon and how they meet: the options (main.c), the
 * session of a live run (what it monitors, its libvmon instance, its model,
 * recorder and view, and one of each part below), starting and reaping the
 * command (spawn.c, children.c), the sampling loop (loop.c) and the walk
 * that turns each libvmon sample into model updates and record lines
 * (observe.c).  A part with a file of its own keeps its state in a struct
 * of that file (the schedule, the reap table, the capture), and a function
 * that needs one part takes that part, not the session.
 */
#ifndef VMON_TOOL_H
#define VMON_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

#include <vmon/vmon.h>

#include "model.h"
#include "reap_table.h"
#include "record.h"
#include "schedule.h"

enum run_mode { MODE_RUN, MODE_PID, MODE_ALL, MODE_REPLAY };

struct opts {
	enum run_mode mode;
	char **argv;		/* run: the command; replay: [FILE] */
	int argc;
	int pid;		/* -p */
	double hz;		/* -z */
	bool wait_all;		/* -w */
	int live;		/* 1 --live, 0 --no-live, -1 when stdout is a terminal */
	bool threads;		/* chart rows for threads (--no-threads clears) */
	const char *output;	/* -o: the command's output under the live view */
	const char *png;	/* --png */
	double snapshot_every;	/* --snapshot-every */
	int width, height;	/* --size (0: automatic) */
	const char *record;	/* --record */
	const char *summary_json;	/* --summary-json */
	bool summary;		/* replay --summary */
	bool quiet;		/* -q: no summary on stderr */
	double duration;	/* -d: stop after that many seconds */
	vmon_event_source_t events;	/* --events, --trace */
};

/* what each libvmon node carries in its foo member */
struct nodeinfo {
	struct track *track;	/* NULL until first seen (and for main threads) */
	int holds;		/* vmon_proc_monitor() references vmon holds */
};

/* what observe.c found in the sample it walks, in lists kept from one
 * sample to the next so that they are allocated once */
struct sample_changes {
	struct track **births, **exits, **reaps;	/* reaps: gone from /proc */
	int nbirths, births_alloc, nexits, exits_alloc, nreaps, reaps_alloc;
	vmon_proc_t **unhold;	/* nodes to let go of after the walk */
	int nunhold, unhold_alloc;
};

/* the processes a run is about */
struct watched {
	pid_t self;
	vmon_proc_t *root;	/* run: vmon itself; -p: the process; -a: NULL */
	pid_t command;		/* run: the command */
	bool command_exited;	/* its exit was seen */
};

struct live;
struct capture;

struct session {
	struct opts *o;
	vmon_t vmon;
	struct model m;
	struct recorder *rec;
	struct live *live;	/* the live view, or NULL */
	struct capture *cap;	/* the command's output under the live view */
	int out_fd;		/* or -o's file, opened before the command starts */
	struct watched watched;
	struct schedule sched;	/* when to sample (loop.c follows it) */
	bool stopping;		/* stop at the next chance */
	int quit_presses;	/* q pressed (run: 1 SIGTERM, 2 SIGKILL) */
	struct reap_table reaped;	/* statuses not yet matched with an exit */
	struct sample_changes changes;	/* observe.c's, of the last sample */
};

/* spawn.c: fork the command held on a pipe until released; output to the
 * capture (live view) or inherited */
pid_t spawn_held(struct session *s, char **argv, int *go_fd, int *err_fd);
/* let it exec: 0, or the errno of its exec */
int spawn_release(int go_fd, int err_fd);

/* children.c */
void become_subreaper(void);
/* reap the children vmon saw as zombies, and strays it never saw, into
 * the table */
void reap_children(vmon_t *v, struct model *m, struct reap_table *rt);
/* the status of pid if reaped (taken from the table), else -1; tries
 * waitpid() when it is vmon's child */
int take_status(vmon_t *v, struct reap_table *rt, int pid, bool child);
/* whether the command has exited and waits to be reaped */
bool command_is_zombie(const struct watched *w);
/* send sig to the command, or after it to the orphans vmon adopted */
void forward_signal(const struct watched *w, int sig);

/* observe.c */
void observe_init(struct session *s);
/* after vmon_sample(), at t and woken late by that much: births, updates,
 * exits into model and record */
void observe(struct session *s, vt_us t, vt_us late);
void sample_changes_free(struct sample_changes *c);

/* loop.c */
int run_loop(struct session *s);

/* session.c */
int session_main(struct opts *o);

/* summary.c */
void summary_print(const struct model *m, FILE *f);
int summary_json(const struct model *m, const char *path);

/* replay.c */
int replay_main(struct opts *o);

#endif
