/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * puppet.h - a process tree that is born, execs and exits on command
 * (puppet.c), for the fault sweeps: the same births and exits in every
 * cycle, without a sleep to wait for any of them.
 */
#ifndef VMON_PUPPET_H
#define VMON_PUPPET_H

#include <stdbool.h>
#include <sys/types.h>

/* The puppet: a root R with a permanent thread and a permanent child;
 * on command it makes a child B (with a thread of its own), a second
 * thread T2 and a child X, makes X exec sleep, and ends all three. */
struct fc_puppet {
	pid_t root, t1, c1;		/* always there */
	pid_t b, bt, t2, x;		/* between births and exits, else 0 */
	int cmd, ack;			/* pipe ends to and from R */
};

void fc_puppet_start(struct fc_puppet *pp);
void fc_puppet_births(struct fc_puppet *pp);	/* B (+ its thread), T2, X */
void fc_puppet_exec(struct fc_puppet *pp);	/* X execs sleep */
void fc_puppet_exits(struct fc_puppet *pp);	/* B, T2 and X go */
void fc_puppet_stop(struct fc_puppet *pp);
/* Is id (a pid or tid) a live task of the puppet? */
bool fc_puppet_alive(const struct fc_puppet *pp, int id);

#endif
