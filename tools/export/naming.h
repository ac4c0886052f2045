/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * naming.h - a process's group name: by comm, by user, by cgroup, or by
 * process-exporter's rules (procnames.h), from the stores libvmon filled.
 * Names become label values: bytes that are not UTF-8 and control
 * characters become '?', so a scrape is always valid text, and two names
 * that differ only there are one group.
 */
#ifndef EXPORT_NAMING_H
#define EXPORT_NAMING_H

#include <vmon/vmon.h>

#include "buf.h"
#include "export.h"
#include "procnames.h"

struct namer;

struct namer *namer_new(enum group_by by, struct procnames *pn);
/* The group name of p into out ("" when it is in no group). */
void namer_name(struct namer *nm, vmon_proc_t *p, struct buf *out);
/* Whether p's name may have changed since the last sample. */
bool namer_inputs_changed(const struct namer *nm, const vmon_proc_t *p);
/* the wants naming needs beyond PROC_STAT */
vmon_proc_wants_t namer_wants(const struct namer *nm);
void namer_free(struct namer *nm);
/* s made a valid label value, in place */
void name_sanitize(char *s);

#endif
