/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * record.h - writing a run as JSON Lines (--record FILE), the format that
 * `vmon replay` reads back.  The format is described in vmon(1), FILES.
 *
 * Per sample the lines are: a "birth" line per track first seen, the
 * "sample" line (system figures and, per track, the fields that changed,
 * named from libvmon's reflection tables), an "exit" line per track gone.
 * The first line is the "header", the last the "end".
 */
#ifndef VMON_TOOL_RECORD_H
#define VMON_TOOL_RECORD_H

#include <stdbool.h>

#include <vmon/vmon.h>

#include "model.h"

#define RECORD_FORMAT "vmon-record"
/* 2: exit lines carry the event source's final figures ("final"), the
 * header names the source, sample lines count its events; 3: "reap" lines
 * tell when a process was gone from /proc (its parent reaped it), and
 * "final" says "io_own" when its I/O leaves out the reaped children's */
#define RECORD_VERSION 3

struct recorder {
	int fd;
	bool own;		/* a regular file vmon created or truncated */
	long long whole;	/* its length up to the last sample written whole */
	const char *path;
	struct sbuf procs;	/* the sample's per-track entries */
	struct sbuf out;	/* the sample's lines */
	int failed;		/* a write failed: recording stopped */
};

/* Open path as outfile.h's out_open_stream() does; NULL after a message. */
struct recorder *rec_open(const char *path);
/* The header line: what m monitors, pid its command or process. */
void rec_header(struct recorder *r, const struct model *m, int pid);
/* The changed fields of node p (track id) in this sample; with io_whole,
 * every available io field (its first read, changed or not). */
void rec_proc(struct recorder *r, int id, const vmon_proc_t *p, bool io_whole);
void rec_birth(struct recorder *r, const struct model *m, const struct track *t);
/* The sample line: open sample of m, system stores of v, rec_proc()s. */
void rec_sample(struct recorder *r, const struct model *m, const vmon_t *v);
void rec_exit(struct recorder *r, const struct model *m, const struct track *t);
void rec_reap(struct recorder *r, const struct model *m, const struct track *t);
/* Write the lines of this sample, all or none (record.c says how). */
void rec_flush(struct recorder *r);
/* Close without an end line (nothing was monitored). */
void rec_abort(struct recorder *r);
/* The end line, then close. */
void rec_close(struct recorder *r, const struct model *m);

/* {"code":N}, {"signal":N} or null, for a wait status (-1: not known) */
void json_status(struct sbuf *b, int status);

#endif
