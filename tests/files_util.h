/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * files_util.h - what the tests of VMON_WANT_PROC_FILES and
 * VMON_WANT_SYS_SOCKETS share (tests/integration/test_files_*.c): an
 * independent reader of /proc/PID/fd (readlink, stat and fdinfo of each
 * entry, as `ls -l /proc/PID/fd` sees it), a reader of ss(8)'s socket
 * table, and a log of the object callbacks that counts them per object.
 */
#ifndef VMON_FILES_UTIL_H
#define VMON_FILES_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmon/vmon.h"

/* Fail unless proc's files store lists exactly the open entries of
 * /proc/PID/fd, read now by the test: number, link target, kind (by the
 * target or stat(2) of the entry), open flags and mount id (fdinfo),
 * object link. */
void t_files_compare(vmon_proc_t *proc);

/* The object named name ("pipe:[123]"), or NULL. */
vmon_fobject_t *t_fobject_named(vmon_t *vmon, const char *name);
/* The object held by descriptor fdnum of process pid, or NULL. */
vmon_fobject_t *t_fobject_of(vmon_t *vmon, int pid, int fdnum);
/* Does obj's ref_fds hold (pid, fdnum)?  How many holders does it list? */
bool t_fobject_held_by(const vmon_fobject_t *obj, int pid, int fdnum);
int t_fobject_holders(const vmon_fobject_t *obj);
/* The store's entry for descriptor fdnum (stale ones included), or NULL. */
vmon_proc_fd_t *t_fd_entry(vmon_proc_t *proc, int fdnum);

/* One row of `ss -tuxane`: netid (tcp, udp, u_str, u_dgr, u_seq), state
 * and the two endpoints as ss prints them; for UNIX sockets the local
 * "path" and the peer's inode. */
struct t_ss_row {
	char netid[16], state[16], local[128], peer[128];
	uint64_t inum, peer_inum;
};
/* Run ss once and find the row of socket inode inum: false when it has
 * none; SKIPs the test when ss is missing. */
bool t_ss_find(uint64_t inum, struct t_ss_row *row);

/* The object callbacks, counted per object: install with
 * t_objlog_install(), check with t_objlog_check_balanced() after
 * vmon_destroy() (every object destroyed exactly once after it was made
 * once). */
void t_objlog_install(vmon_t *vmon);
int t_objlog_ctors(void);
int t_objlog_dtors(void);
/* dtors fired for objects named name so far */
int t_objlog_dtors_of(const char *name);
void t_objlog_check_balanced(void);

#endif
