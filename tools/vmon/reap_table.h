/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reap_table.h - the wait statuses of processes vmon reaped before their
 * exits were recorded (children.c reaps, observe.c asks), kept by pid
 * until asked for.
 */
#ifndef VMON_TOOL_REAP_TABLE_H
#define VMON_TOOL_REAP_TABLE_H

struct reaped {
	int pid;
	int status;
};

struct reap_table {
	struct reaped *v;
	int n, alloc;
};

void reap_table_keep(struct reap_table *rt, int pid, int status);
/* pid's status, taken out of the table, or -1 if it is not there */
int reap_table_take(struct reap_table *rt, int pid);
void reap_table_free(struct reap_table *rt);

#endif
