/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc_extras.c - vmon_proc_read_extras(): /proc/PID/environ and the cwd
 * and root links, read once when the caller asks, never sampled at rate.
 * They are private (environ holds secrets; another user's need ptrace read
 * access) and environ can be as large as the command line (ARG_MAX), so no
 * want reads them behind the caller's back.
 *
 * A kernel thread or a zombie has no environ (ESRCH on open) and no cwd or
 * root (ENOENT): that is reported per item as ENOENT, the call succeeding;
 * only a process that is gone (its stat no longer opens) fails the call.
 * Nothing is held: environ is opened, read to the end and closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "internal.h"

/* Read one item into ca: 0, -ESRCH gone, -ENOMEM, or -errno for the item */
static int read_item(vmon_t *vmon, vmon_proc_t *proc, vmon_extra_t e, vmon_char_array_t *ca)
{
	static const char *const names[VMON_EXTRA_NR] = { "environ", "cwd", "root" };
	int dirfd = vmon__node(proc)->dirfd;
	struct vmon__buf *buf = e == VMON_EXTRA_ENVIRON ? &vmon->internal->buf :
				&vmon->internal->link;
	struct vmon__file f;
	ssize_t n;
	char scratch[1] = { 0 };

	if (e == VMON_EXTRA_ENVIRON) {
		vmon__file_init(&f);
		n = vmon__file_read_records(vmon, dirfd, names[e], &f, buf);
		vmon__file_close(&f);
	} else {
		n = vmon__readlink(dirfd, names[e], buf);
	}
	if (n == -ESRCH || n == -ENOENT)
		return vmon__proc_gone(proc) ? -ESRCH : -ENOENT;
	if (n < 0)
		return (int)n;
	return vmon__chars_set(ca, buf->data, n, scratch, 0);
}

static vmon_char_array_t *item_of(vmon_proc_extras_t *x, vmon_extra_t e)
{
	return e == VMON_EXTRA_ENVIRON ? &x->environ : e == VMON_EXTRA_CWD ? &x->cwd : &x->root;
}

static int read_all(vmon_t *vmon, vmon_proc_t *proc, unsigned what, vmon_proc_extras_t *x)
{
	for (int e = 0; e < VMON_EXTRA_NR; e++) {
		int err;

		if (!(what & VMON_EXTRA_BIT(e)))
			continue;
		err = read_item(vmon, proc, e, item_of(x, e));
		if (err == -ESRCH || err == -ENOMEM)
			return err;
		if (err < 0)
			x->error[e] = -err;
		else
			x->read |= VMON_EXTRA_BIT(e);
	}
	return 0;
}

VMON_EXPORT int vmon_proc_read_extras(vmon_t *vmon, vmon_proc_t *proc, unsigned what,
				      vmon_proc_extras_t *x)
{
	struct vmon__node *node = (struct vmon__node *)proc;
	bool opened = false;
	int err;

	if (!vmon || !vmon->internal || !proc || !x || (what & ~VMON_EXTRA_ALL)) {
		errno = EINVAL;
		return 0;
	}
	x->read = 0;
	memset(x->error, 0, sizeof(x->error));
	if (proc->is_stale) {
		errno = ESRCH;
		return 0;
	}
	/* between samples the node's directory may not be held (the
	 * descriptor budget): open it for this call */
	if (node->dirfd < 0) {
		err = vmon__node_dir_open(vmon, node);
		if (err < 0) {
			errno = -err;
			return 0;
		}
		opened = !node->dir_held;
	}
	err = read_all(vmon, proc, what, x);
	if (opened)
		vmon__node_dir_close(vmon, node);
	if (err < 0) {
		errno = -err;
		return 0;
	}
	return 1;
}

VMON_EXPORT const char *vmon_proc_extras_getenv(const vmon_proc_extras_t *x, const char *name)
{
	size_t len;

	if (!x || !name || !x->environ.array)
		return NULL;
	len = strlen(name);
	for (size_t i = 0; i < x->environ.len; i += strlen(x->environ.array + i) + 1) {
		const char *entry = x->environ.array + i;

		if (!strncmp(entry, name, len) && entry[len] == '=')
			return entry + len + 1;
	}
	return NULL;
}

VMON_EXPORT void vmon_proc_extras_free(vmon_proc_extras_t *x)
{
	if (!x)
		return;
	vmon__chars_free(&x->environ);
	vmon__chars_free(&x->cwd);
	vmon__chars_free(&x->root);
	x->read = 0;
}
