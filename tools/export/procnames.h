/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * procnames.h - grouping processes the way process-exporter's
 * configuration file does, so that its users' files work unchanged:
 *
 *   process_names:
 *     - name: "{{.Comm}}"          # the group's name, a template
 *       comm: [bash, zsh]          # comm is one of these
 *     - exe: [/usr/bin/foo, bar]   # argv[0] in full (with a /) or its base
 *     - name: "{{.ExeBase}};{{.Matches.cfg}}"
 *       cmdline: ['prometheus\s+--config.file=(?P<cfg>\S+)']
 *
 * A rule matches when every kind it gives matches (comm, exe, cmdline:
 * every regular expression matches the arguments joined by spaces); the
 * first rule that matches names the process's group; a process no rule
 * matches is not reported.  The template fields are {{.Comm}},
 * {{.ExeBase}}, {{.ExeFull}}, {{.Username}}, {{.PID}}, {{.Cgroups}} and
 * {{.Matches.NAME}} (a named group of a cmdline expression); the default
 * name is {{.ExeBase}}.  Expressions are PCRE2, which reads the RE2
 * syntax process-exporter's files use ((?P<name>...), \s, \S), with a
 * match limit: command lines are written by any user, and one built to
 * make an expression backtrack must not stall the sampler.
 */
#ifndef EXPORT_PROCNAMES_H
#define EXPORT_PROCNAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* what a rule looks at, for one process */
struct proc_info {
	const char *comm;
	const char *exe_full;	/* argv[0], "" without arguments */
	const char *exe_base;	/* its last component */
	const char *cmdline;	/* the arguments joined by spaces */
	const char *username;
	const char *cgroup;	/* the cgroup v2 path, "" when unknown */
	int pid;
};

struct procnames;

/* Parse a process_names file; NULL with a message in err. */
struct procnames *procnames_parse(const char *text, size_t len, char *err, size_t errsize);
/* process-exporter's -procnames: the processes whose comm is in the
 * comma-separated list, in groups named by comm. */
struct procnames *procnames_from_list(const char *list, char *err, size_t errsize);
/* The group name of the process into out (emptied first): false when no
 * rule matches. */
bool procnames_match(struct procnames *, const struct proc_info *, struct buf *out);
/* Whether any rule looks at the user or the cgroup (what to sample). */
bool procnames_uses_username(const struct procnames *);
bool procnames_uses_cgroup(const struct procnames *);
void procnames_free(struct procnames *);

#endif
