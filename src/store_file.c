/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store_file.c - the common shape of a store filled from one file: read
 * it (with one pread() when the kernel generates it whole, as /proc/stat,
 * meminfo, statm, io; to EOF when it generates it record by record, as
 * vmstat, diskstats, net/dev, a read returning about a page), parse it,
 * and say what changed; and what every store's sample ends with.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

enum vmon__outcome vmon__sample_file(vmon_t *vmon, int dirfd, const char *name,
				     struct vmon__file_store *fs,
				     const vmon_store_info_t *info, void *store,
				     int (*parse)(void *store, const char *buf, size_t len))
{
	char *changed = store, *unavail = (char *)store + BITNSLOTS(info->fields_nr);
	ssize_t n = vmon__file_read(vmon, dirfd, name, &fs->file, &vmon->internal->buf);

	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n == -ESRCH)
		return VMON__GONE;
	if (n < 0) {	/* not permitted, not in this kernel, or waiting to retry */
		vmon__file_forget(&fs->file);
		memset(changed, 0, BITNSLOTS(info->fields_nr));
		vmon__bits_fill(unavail, info->fields_nr);
		return VMON__UNCHANGED;
	}
	if (vmon__file_unchanged(&fs->file, vmon->internal->buf.data, n) && fs->sampled) {
		/* the same bytes: the same values, nothing changed */
		memset(changed, 0, BITNSLOTS(info->fields_nr));
		return VMON__UNCHANGED;
	}
	if (parse(store, vmon->internal->buf.data, n) < 0) {
		vmon__file_forget(&fs->file);
		return VMON__NOMEM;
	}
	if (!fs->sampled) {
		vmon__bits_fill(changed, info->fields_nr);
		fs->sampled = true;
	}
	return vmon__store_changed(info, store);
}

enum vmon__outcome vmon__sample_proc_file(vmon_t *vmon, vmon_proc_t *proc, const char *name,
					  struct vmon__file_store *fs,
					  const vmon_store_info_t *info, void *store,
					  int (*parse)(void *store, const char *buf, size_t len),
					  void (*fill)(const vmon_t *vmon, void *store,
						       const struct vmon_bpf_task *r))
{
	bool gone;
	const struct vmon_bpf_task *r = vmon__backend_task(vmon, vmon__node(proc), &gone);

	if (gone)
		return VMON__GONE;
	if (!r)
		return vmon__sample_file(vmon, vmon__node(proc)->dirfd, name, fs, info, store,
					 parse);
	/* the same record as last time: the same values, nothing changed
	 * (its digest takes the place of the file's: a read of the file
	 * later is parsed) */
	if (vmon__bpf_unchanged(&fs->file, vmon__node(proc)) && fs->sampled) {
		memset(store, 0, BITNSLOTS(info->fields_nr));
		return VMON__UNCHANGED;
	}
	fill(vmon, store, r);
	if (!fs->sampled) {
		vmon__bits_fill(store, info->fields_nr);
		fs->sampled = true;
	}
	return vmon__store_changed(info, store);
}

enum vmon__outcome vmon__sample_records(vmon_t *vmon, int dirfd, const char *name,
					struct vmon__file_store *fs,
					const vmon_store_info_t *info, void *store,
					int (*parse)(void *store, const char *buf, size_t len))
{
	char *changed = store, *unavail = (char *)store + BITNSLOTS(info->fields_nr);
	ssize_t n = vmon__file_read_records(vmon, dirfd, name, &fs->file, &vmon->internal->buf);

	if (n == -ENOMEM)
		return VMON__NOMEM;
	if (n < 0) {	/* not permitted, not in this kernel, or waiting to retry */
		memset(changed, 0, BITNSLOTS(info->fields_nr));
		vmon__bits_fill(unavail, info->fields_nr);
		return VMON__UNCHANGED;
	}
	if (parse(store, vmon->internal->buf.data, n) < 0)
		return VMON__NOMEM;
	if (!fs->sampled) {
		vmon__bits_fill(changed, info->fields_nr);
		fs->sampled = true;
	}
	return vmon__store_changed(info, store);
}

bool vmon__store_unavailable(const vmon_store_info_t *info, const void *store)
{
	const char *unavail = (const char *)store + BITNSLOTS(info->fields_nr);

	return info->bitmaps && vmon__bits_any(unavail, info->fields_nr);
}

enum vmon__outcome vmon__store_changed(const vmon_store_info_t *info, const void *store)
{
	return vmon__bits_any(store, info->fields_nr) ? VMON__CHANGED : VMON__UNCHANGED;
}
