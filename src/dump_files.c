/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dump_files.c - the VMON_DUMP_FILES part of vmon_dump_procs_ex(): each
 * process's descriptors under its line, and after the tree the shared
 * objects with their holders, so a test or a person can read the pipes and
 * sockets of a tree at a glance.  The format (libvmon(3), DUMP FORMAT):
 *
 *   <indent>fd N KIND MODE TARGET [new] [changed] [stale] [deleted]
 *   # fobjects N
 *   NAME refs=R PID:FD[MODE] ... [SOCKET] [MATCH]
 *
 * KIND is vmon_fd_kind_name(); MODE r, w, rw, or ? when the open flags are
 * unknown; TARGET the link target, escaped as vmon_field_format() does;
 * SOCKET the vmon_socket_format() of a socket's row, when known; MATCH,
 * for anon inodes, how their holders were matched ("eventfd-id=N",
 * "kcmp", or "alone" when they could not be compared), since several of
 * them have the same NAME.  A thread's store is its process's, so it is
 * printed under the process only.
 */
#include <fcntl.h>
#include <stdio.h>

#include "internal.h"

static const char *mode_of(int flags)
{
	if (flags < 0)
		return "?";
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return "r";
	case O_WRONLY: return "w";
	default: return "rw";
	}
}

void vmon__dump_fds(const vmon_proc_t *proc, int depth, FILE *out)
{
	const vmon_proc_files_t *files = proc->stores[VMON_STORE_PROC_FILES];
	const vmon_proc_fd_t *fd;
	char target[512];

	if (!files || proc->is_thread)
		return;
	list_for_each_entry(fd, &files->fds, fds) {
		vmon_field_format(&vmon__proc_files_info, fd, VMON_PROC_FILES_OBJECT_PATH,
				  target, sizeof(target));
		fprintf(out, "%*sfd %d %s %s %s%s%s%s%s\n", depth * 2, "", fd->fdnum,
			vmon_fd_kind_name(fd->kind), mode_of(fd->flags), target,
			fd->is_new ? " [new]" : "", fd->is_changed ? " [changed]" : "",
			fd->is_stale ? " [stale]" : "", fd->deleted ? " [deleted]" : "");
	}
}

void vmon__dump_fobjects(vmon_t *vmon, FILE *out)
{
	const vmon_fobject_t *obj;
	char desc[256];

	fprintf(out, "# fobjects %d\n", vmon->fobjects_nr);
	list_for_each_entry(obj, &vmon->fobjects, bucket) {
		const vmon_proc_fd_t *fd;

		fprintf(out, "%s refs=%d", obj->name.array, obj->refcnt);
		list_for_each_entry(fd, &obj->ref_fds, ref_fds)
			fprintf(out, " %d:%d%s", fd->process->pid, fd->fdnum, mode_of(fd->flags));
		if (obj->socket) {
			vmon_socket_format(obj->socket, desc, sizeof(desc));
			fprintf(out, " %s", desc);
		}
		if (obj->match == VMON_FOBJECT_MATCH_FDINFO)
			fprintf(out, " eventfd-id=%llu", (unsigned long long)obj->anon_id);
		else if (obj->match != VMON_FOBJECT_MATCH_INODE)
			fputs(obj->match == VMON_FOBJECT_MATCH_KCMP ? " kcmp" : " alone", out);
		fputc('\n', out);
	}
}
