/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * naming.c - group names (naming.h).  User names are looked up once per
 * uid and kept: the sampler thread must not wait on a name service at
 * every sample.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "naming.h"

#define UID_SLOTS 256

struct uid_name {
	unsigned long long uid;
	char *name;
	struct uid_name *next;
};

struct namer {
	enum group_by by;
	struct procnames *pn;
	struct uid_name *uids[UID_SLOTS];
	struct buf cmdline;
};

struct namer *namer_new(enum group_by by, struct procnames *pn)
{
	struct namer *nm = calloc(1, sizeof(*nm));

	if (nm) {
		nm->by = by;
		nm->pn = pn;
	}
	return nm;
}

void namer_free(struct namer *nm)
{
	if (!nm)
		return;
	for (int i = 0; i < UID_SLOTS; i++)
		while (nm->uids[i]) {
			struct uid_name *u = nm->uids[i];

			nm->uids[i] = u->next;
			free(u->name);
			free(u);
		}
	buf_free(&nm->cmdline);
	procnames_free(nm->pn);
	free(nm);
}

static bool need_user(const struct namer *nm)
{
	return nm->by == GROUP_BY_USER || (nm->pn && procnames_uses_username(nm->pn));
}

static bool need_cgroup(const struct namer *nm)
{
	return nm->by == GROUP_BY_CGROUP || (nm->pn && procnames_uses_cgroup(nm->pn));
}

vmon_proc_wants_t namer_wants(const struct namer *nm)
{
	return need_cgroup(nm) ? VMON_WANT_PROC_CGROUP : 0;
}

static const char *username(struct namer *nm, unsigned long long uid)
{
	struct uid_name *u;
	struct passwd pw, *res = NULL;
	char pwbuf[1024], num[24];

	for (u = nm->uids[uid % UID_SLOTS]; u; u = u->next)
		if (u->uid == uid)
			return u->name;
	u = calloc(1, sizeof(*u));
	if (!u)
		return "";
	snprintf(num, sizeof(num), "%llu", uid);
	getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof(pwbuf), &res);
	u->uid = uid;
	u->name = strdup(res ? res->pw_name : num);
	if (!u->name) {
		free(u);
		return "";
	}
	name_sanitize(u->name);
	u->next = nm->uids[uid % UID_SLOTS];
	nm->uids[uid % UID_SLOTS] = u;
	return u->name;
}

/* the length of a valid UTF-8 sequence at s, or 0 */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	unsigned cp;

	if (s[0] >= 0xf5)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3) {
		cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	} else if (n == 4) {
		cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12;
		if (cp < 0x10000 || cp > 0x10ffff)
			return 0;
	}
	return n;
}

void name_sanitize(char *s)
{
	unsigned char *c = (unsigned char *)s;

	while (*c) {
		int n = *c < 0x80 ? 1 : utf8_len(c);

		if (n == 0 || *c < 0x20 || *c == 0x7f) {
			*c++ = '?';
			continue;
		}
		c += n;
	}
}

static void proc_info_of(struct namer *nm, vmon_proc_t *p, struct proc_info *pi)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_status_t *ss = p->stores[VMON_STORE_PROC_STATUS];
	const vmon_proc_cgroup_t *cg = p->stores[VMON_STORE_PROC_CGROUP];
	const char *argv0 = st && st->argc > 0 && st->argv ? st->argv[0] : "";
	const char *slash = strrchr(argv0, '/');

	pi->comm = st && st->comm.array ? st->comm.array : "";
	pi->exe_full = argv0;
	pi->exe_base = *argv0 ? (slash ? slash + 1 : argv0) : pi->comm;
	pi->username = need_user(nm) && ss ? username(nm, ss->euid) : "";
	pi->cgroup = cg && cg->path.array ? cg->path.array : "";
	pi->pid = p->pid;
	nm->cmdline.len = 0;
	buf_puts(&nm->cmdline, "");
	for (int i = 0; st && st->argv && i < st->argc; i++) {
		if (i)
			buf_add(&nm->cmdline, " ", 1);
		buf_puts(&nm->cmdline, st->argv[i]);
	}
	pi->cmdline = nm->cmdline.failed ? "" : nm->cmdline.data;
}

void namer_name(struct namer *nm, vmon_proc_t *p, struct buf *out)
{
	struct proc_info pi;

	proc_info_of(nm, p, &pi);
	out->len = 0;
	switch (nm->by) {
	case GROUP_BY_COMM:
		buf_puts(out, pi.comm);
		break;
	case GROUP_BY_USER:
		buf_puts(out, pi.username);
		break;
	case GROUP_BY_CGROUP:
		buf_puts(out, pi.cgroup);
		break;
	case GROUP_BY_CONFIG:
		if (!procnames_match(nm->pn, &pi, out))
			out->len = 0;
		break;
	}
	buf_add(out, "", 0);
	if (out->failed) {
		buf_free(out);
		return;
	}
	name_sanitize(out->data);
}

bool namer_inputs_changed(const struct namer *nm, const vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_status_t *ss = p->stores[VMON_STORE_PROC_STATUS];
	const vmon_proc_cgroup_t *cg = p->stores[VMON_STORE_PROC_CGROUP];
	const vmon_store_info_t *si = vmon_proc_store_info(VMON_STORE_PROC_STAT);

	if (st && (vmon_field_changed(si, st, VMON_PROC_STAT_COMM) > 0 ||
		   vmon_field_changed(si, st, VMON_PROC_STAT_CMDLINE) > 0))
		return true;
	if (need_user(nm) && ss &&
	    vmon_field_changed(vmon_proc_store_info(VMON_STORE_PROC_STATUS), ss,
			       VMON_PROC_STATUS_EUID) > 0)
		return true;
	return need_cgroup(nm) && cg &&
	       vmon_field_changed(vmon_proc_store_info(VMON_STORE_PROC_CGROUP), cg,
				  VMON_PROC_CGROUP_PATH) > 0;
}
