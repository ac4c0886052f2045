/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_proc_ns.c - VMON_WANT_PROC_NS: the namespaces of a task, from the
 * links /proc/PID/ns/NAME (namespaces(7)), whose targets read
 * "TYPE:[INODE]".  Each link is read with readlinkat(2) relative to the
 * node's directory: no descriptor is opened or held, and nothing is read
 * unless the want is on.  The parser takes one "NAME:[INODE]" line per
 * link, NAME the link's: pid_for_children's target says "pid:[INODE]" as
 * pid's does, so the type of a target is checked against its link and
 * then replaced by the link's name.
 *
 * Reading another user's links needs ptrace read access (EACCES): the
 * store is then unavailable and retried after the back-off.  A zombie's
 * links say ENOENT, as do the links of a dead task, so failures ask
 * vmon__proc_gone() which of the two it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_proc_ns_t
static const vmon_field_t proc_ns_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_ns.def"
};
#undef VMON__STORE_TYPE
VMON__STORE_INFO(vmon__proc_ns_info, "proc_ns", "/proc/PID/ns/*", vmon_proc_ns_t, proc_ns_fields,
		 VMON_PROC_NS_NR);

#define VMON__NS_TARGET_MAX 64	/* "cgroup:[4026531835]" and room to spare */

struct proc_ns_state {
	vmon_proc_ns_t pub;
	struct vmon__file links;	/* only its back-off is used */
	bool sampled;
	int last_gen;			/* vmon_set_want_interval() */
};

int vmon__parse_proc_ns(vmon_proc_ns_t *ns, const char *buf, size_t len)
{
	const vmon_store_info_t *info = &vmon__proc_ns_info;
	const char *p = buf, *end = buf + len;
	char seen[BITNSLOTS(VMON_PROC_NS_NR)] = { 0 };
	int hint = 0;

	memset(ns->changed, 0, sizeof(ns->changed));
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *colon, *v;
		const vmon_field_t *f;
		unsigned long long inode;

		if (!eol)
			eol = end;
		colon = memchr(p, ':', eol - p);
		if (colon && (f = vmon__field_by_key(info, &hint, p, colon - p)) &&
		    !BITTEST(seen, f->sym)) {
			BITSET(seen, f->sym);
			v = colon + 1;
			if (eol - v >= 3 && *v++ == '[' && vmon__parse_ull(&v, eol, &inode) == 0 &&
			    v + 1 == eol && *v == ']')
				vmon__field_set_ull(f, ns, ns->changed, ns->unavailable, inode);
			else
				BITSET(ns->unavailable, f->sym);
		}
		p = eol + 1;
	}
	for (int sym = 0; sym < VMON_PROC_NS_NR; sym++)
		if (!BITTEST(seen, sym))
			BITSET(ns->unavailable, sym);
	return 0;
}

/* Append link's line "NAME:<target past its TYPE:>" to text at *len, when
 * the target (n bytes) is of the link's type: the link's name up to any
 * "_for_children".  A target of another type adds nothing: unavailable. */
static void add_line(const char *link, const char *target, size_t n, char *text, size_t size,
		     size_t *len)
{
	const char *suffix = strstr(link, "_for_children");
	size_t type = suffix ? (size_t)(suffix - link) : strlen(link), name = strlen(link);

	if (n <= type || memcmp(target, link, type) || target[type] != ':' ||
	    *len + name + (n - type) + 1 > size)
		return;
	memcpy(text + *len, link, name);
	memcpy(text + *len + name, target + type, n - type);
	*len += name + (n - type);
	text[(*len)++] = '\n';
}

/* Read every link into text, one "NAME:[INODE]" line each.  The text's
 * length, or -errno: -ESRCH gone, -EACCES refused, -ENOMEM. */
static ssize_t read_links(vmon_t *vmon, vmon_proc_t *proc, char *text, size_t size)
{
	const vmon_store_info_t *info = &vmon__proc_ns_info;
	struct vmon__buf *link = &vmon->internal->link;
	size_t len = 0;
	int found = 0, gone_hint = 0;

	for (int i = 0; i < info->fields_nr; i++) {
		char name[32];
		ssize_t n;

		snprintf(name, sizeof(name), "ns/%s", info->fields[i].source);
		n = vmon__readlink(vmon__node(proc)->dirfd, name, link);
		if (n == -EACCES || n == -ENOMEM)
			return n;
		if (n == -ESRCH || n == -ENOENT)
			gone_hint++;	/* not in this kernel, a zombie, or gone */
		if (n < 0 || n > VMON__NS_TARGET_MAX)
			continue;
		add_line(info->fields[i].source, link->data, n, text, size, &len);
		found++;
	}
	if (!found && gone_hint && vmon__proc_gone(proc))
		return -ESRCH;
	return len;
}

static void proc_ns_init(void *state)
{
	vmon__file_init(&((struct proc_ns_state *)state)->links);
}

static enum vmon__outcome proc_ns_sample(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	struct proc_ns_state *s = state;
	vmon_proc_ns_t *ns = &s->pub;
	char text[VMON_PROC_NS_NR * (VMON__NS_TARGET_MAX + 32)];	/* names of up to 31 bytes */
	ssize_t n = -EAGAIN;

	if (vmon__file_may_retry(vmon, &s->links))
		n = read_links(vmon, proc, text, sizeof(text));
	if (n == -ESRCH)
		return VMON__GONE;
	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n == -EACCES)
		vmon__file_refused(vmon, &s->links);
	if (n < 0) {
		memset(ns->changed, 0, sizeof(ns->changed));
		vmon__bits_fill(ns->unavailable, VMON_PROC_NS_NR);
	} else {
		s->links.backoff = 0;
		s->links.retry_gen = 0;
		vmon__parse_proc_ns(ns, text, n);
		if (!s->sampled)
			vmon__bits_fill(ns->changed, VMON_PROC_NS_NR);
		s->sampled = true;
	}
	return vmon__store_changed(&vmon__proc_ns_info, ns);
}

static void proc_ns_close(vmon_t *vmon, vmon_proc_t *proc, void *state)
{
	(void)vmon;
	(void)proc;
	(void)state;	/* it holds nothing */
}

VMON__PROC_SAMPLER(vmon__sampler_proc_ns, vmon__proc_ns_info, struct proc_ns_state,
		   VMON__INTERVAL(struct proc_ns_state), proc_ns_init, proc_ns_sample,
		   proc_ns_close, NULL);
