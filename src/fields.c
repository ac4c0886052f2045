/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fields.c - the reflection tables: for every store, one vmon_field_t per
 * .def row (name, label, description, source, type, offset, symbol),
 * generated from the same rows that declare the struct members and the
 * change-bit symbols, so they can never disagree.  The _Static_asserts
 * check that every table has exactly _NR rows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define VMON__STORE_TYPE vmon_sys_cpu_t
static const vmon_field_t sys_cpu_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_cpu.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_stat_t
static const vmon_field_t sys_stat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_stat.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_vm_t
static const vmon_field_t sys_vm_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_vm.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_stat_t
static const vmon_field_t proc_stat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_stat.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_vm_t
static const vmon_field_t proc_vm_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_vm.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_io_t
static const vmon_field_t proc_io_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_io.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_fd_t
static const vmon_field_t proc_files_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_files.def"
};
#undef VMON__STORE_TYPE

_Static_assert(VMON__ARRAY_SIZE(sys_cpu_fields) == VMON_SYS_CPU_NR, "sys_cpu.def");
_Static_assert(VMON__ARRAY_SIZE(sys_stat_fields) == VMON_SYS_STAT_NR, "sys_stat.def");
_Static_assert(VMON__ARRAY_SIZE(sys_vm_fields) == VMON_SYS_VM_NR, "sys_vm.def");
_Static_assert(VMON__ARRAY_SIZE(proc_stat_fields) == VMON_PROC_STAT_NR, "proc_stat.def");
_Static_assert(VMON__ARRAY_SIZE(proc_vm_fields) == VMON_PROC_VM_NR, "proc_vm.def");
_Static_assert(VMON__ARRAY_SIZE(proc_io_fields) == VMON_PROC_IO_NR, "proc_io.def");
_Static_assert(VMON__ARRAY_SIZE(proc_files_fields) == VMON_PROC_FILES_NR, "proc_files.def");
/* vmon__parse_keyed() keeps a 512-bit "seen" bitmap */
_Static_assert(VMON_SYS_VM_NR <= 512 && VMON_PROC_IO_NR <= 512, "keyed stores");

#define VMON__INFO(_var, _name, _source, _type, _fields) \
	const vmon_store_info_t _var = { _name, _source, sizeof(_type), \
		(int)VMON__ARRAY_SIZE(_fields), _fields, 1 }

VMON__INFO(vmon__sys_cpu_info, "sys_cpu", "/proc/stat cpuN", vmon_sys_cpu_t, sys_cpu_fields);
VMON__INFO(vmon__sys_stat_info, "sys_stat", "/proc/stat", vmon_sys_stat_t, sys_stat_fields);
VMON__INFO(vmon__sys_vm_info, "sys_vm", "/proc/meminfo", vmon_sys_vm_t, sys_vm_fields);
VMON__INFO(vmon__proc_stat_info, "proc_stat", "/proc/PID/{stat,cmdline,exe,wchan}",
	   vmon_proc_stat_t, proc_stat_fields);
VMON__INFO(vmon__proc_vm_info, "proc_vm", "/proc/PID/statm", vmon_proc_vm_t, proc_vm_fields);
VMON__INFO(vmon__proc_io_info, "proc_io", "/proc/PID/io", vmon_proc_io_t, proc_io_fields);
/* the files store's rows describe one vmon_proc_fd_t, which has no bitmaps */
const vmon_store_info_t vmon__proc_files_info = { "proc_files", "/proc/PID/fd",
	sizeof(vmon_proc_fd_t), VMON_PROC_FILES_NR, proc_files_fields, 0 };

static const vmon_store_info_t follow_children_info = {
	"proc_follow_children", "/proc/PID/task/TID/children",
	sizeof(vmon_proc_follow_children_t), 0, NULL, 0
};
static const vmon_store_info_t follow_threads_info = {
	"proc_follow_threads", "/proc/PID/task",
	sizeof(vmon_proc_follow_threads_t), 0, NULL, 0
};

VMON_EXPORT const vmon_store_info_t *vmon_proc_store_info(vmon_proc_store_t store)
{
	switch (store) {
	case VMON_STORE_PROC_FOLLOW_CHILDREN: return &follow_children_info;
	case VMON_STORE_PROC_FOLLOW_THREADS: return &follow_threads_info;
	case VMON_STORE_PROC_FILES: return &vmon__proc_files_info;
	case VMON_STORE_PROC_STAT: return &vmon__proc_stat_info;
	case VMON_STORE_PROC_VM: return &vmon__proc_vm_info;
	case VMON_STORE_PROC_IO: return &vmon__proc_io_info;
	case VMON_STORE_PROC_STATUS: return &vmon__proc_status_info;
	case VMON_STORE_PROC_SMAPS_ROLLUP: return &vmon__proc_smaps_rollup_info;
	case VMON_STORE_PROC_CGROUP: return &vmon__proc_cgroup_info;
	case VMON_STORE_PROC_NS: return &vmon__proc_ns_info;
	case VMON_STORE_PROC_OOM: return &vmon__proc_oom_info;
	case VMON_STORE_PROC_SCHED: return &vmon__proc_sched_info;
	case VMON_STORE_PROC_LIMITS: return &vmon__proc_limits_info;
	case VMON_STORE_PROC_IOPRIO: return &vmon__proc_ioprio_info;
	default: break;
	}
	errno = EINVAL;
	return NULL;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_store_info(vmon_sys_store_t store)
{
	switch (store) {
	case VMON_STORE_SYS_STAT: return &vmon__sys_stat_info;
	case VMON_STORE_SYS_VM: return &vmon__sys_vm_info;
	case VMON_STORE_SYS_LOADAVG: return &vmon__sys_loadavg_info;
	case VMON_STORE_SYS_UPTIME: return &vmon__sys_uptime_info;
	case VMON_STORE_SYS_VMSTAT: return &vmon__sys_vmstat_info;
	case VMON_STORE_SYS_PRESSURE_CPU: return &vmon__sys_pressure_cpu_info;
	case VMON_STORE_SYS_PRESSURE_MEMORY: return &vmon__sys_pressure_memory_info;
	case VMON_STORE_SYS_PRESSURE_IO: return &vmon__sys_pressure_io_info;
	case VMON_STORE_SYS_DISKSTATS: return &vmon__sys_diskstats_info;
	case VMON_STORE_SYS_NET_DEV: return &vmon__sys_net_dev_info;
	case VMON_STORE_SYS_SOCKETS: return &vmon__sys_sockets_info;
	default: break;
	}
	errno = EINVAL;
	return NULL;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_cpu_info(void)
{
	return &vmon__sys_cpu_info;
}

static int bitmap_test(const vmon_store_info_t *info, const void *store,
		       int sym, size_t map)
{
	const char *bits;

	if (!info || !store || !info->bitmaps || sym < 0 || sym >= info->fields_nr) {
		errno = EINVAL;
		return 0;
	}
	bits = (const char *)store + map * BITNSLOTS(info->fields_nr);
	return BITTEST(bits, sym) != 0;
}

VMON_EXPORT int vmon_field_changed(const vmon_store_info_t *info, const void *store, int sym)
{
	return bitmap_test(info, store, sym, 0);
}

VMON_EXPORT int vmon_field_unavailable(const vmon_store_info_t *info, const void *store, int sym)
{
	return bitmap_test(info, store, sym, 1);
}

/* A bounded appender: counts what it would write, as snprintf() does. */
struct out {
	char *buf;
	size_t size;
	size_t n;
};

static void put(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++, o->n++)
		if (o->n + 1 < o->size)
			o->buf[o->n] = s[i];
	if (o->size)
		o->buf[o->n < o->size ? o->n : o->size - 1] = '\0';
}

/* append bytes escaped: printable ASCII as is, the rest (and \) as \xHH */
static void put_escaped(struct out *o, const char *s, size_t len)
{
	char hex[5];

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			put(o, (const char *)&c, 1);
		} else {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			put(o, hex, 4);
		}
	}
}

VMON_EXPORT int vmon_field_format(const vmon_store_info_t *info, const void *store,
				  int sym, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const vmon_field_t *f;
	const char *m;
	char num[32];

	if (!info || !store || sym < 0 || sym >= info->fields_nr) {
		errno = EINVAL;
		return -1;
	}
	f = &info->fields[sym];
	m = (const char *)store + f->offset;
	put(&o, "", 0);
	switch (f->type) {
	case VMON_FIELD_ULL:
		put(&o, num, snprintf(num, sizeof(num), "%llu", *(const unsigned long long *)m));
		break;
	case VMON_FIELD_ULONG:
		put(&o, num, snprintf(num, sizeof(num), "%lu", *(const unsigned long *)m));
		break;
	case VMON_FIELD_LL:
		put(&o, num, snprintf(num, sizeof(num), "%lld", *(const long long *)m));
		break;
	case VMON_FIELD_INT:
		put(&o, num, snprintf(num, sizeof(num), "%d", *(const int *)m));
		break;
	case VMON_FIELD_CHAR:
		put_escaped(&o, m, *m ? 1 : 0);
		break;
	case VMON_FIELD_STR: {
		const vmon_char_array_t *ca = (const vmon_char_array_t *)m;

		put_escaped(&o, ca->array, ca->array ? ca->len : 0);
		break;
	}
	case VMON_FIELD_STRZ: {
		const vmon_char_array_t *ca = (const vmon_char_array_t *)m;

		put_escaped(&o, ca->array, ca->array && ca->len ? ca->len - 1 : 0);
		break;
	}
	case VMON_FIELD_ARGV: {
		char *const *argv = *(char *const *const *)m;

		for (int i = 0; argv && argv[i]; i++) {
			if (i)
				put(&o, " ", 1);
			put_escaped(&o, argv[i], strlen(argv[i]));
		}
		break;
	}
	}
	return (int)o.n;
}

/*
 * The 0.2 stores.  The three pressure wants share one table; the per-row
 * tables of diskstats and net/dev describe vmon_sys_disk_t and
 * vmon_sys_netif_t, as sys_cpu's does vmon_sys_cpu_t.
 */
#define VMON__STORE_TYPE vmon_proc_status_t
static const vmon_field_t proc_status_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_status.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_smaps_rollup_t
static const vmon_field_t proc_smaps_rollup_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_smaps_rollup.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_cgroup_t
static const vmon_field_t proc_cgroup_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_cgroup.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_ns_t
static const vmon_field_t proc_ns_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_ns.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_oom_t
static const vmon_field_t proc_oom_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_oom.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_sched_t
static const vmon_field_t proc_sched_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_sched.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_limits_t
static const vmon_field_t proc_limits_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_limits.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_proc_ioprio_t
static const vmon_field_t proc_ioprio_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/proc_ioprio.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_loadavg_t
static const vmon_field_t sys_loadavg_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_loadavg.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_uptime_t
static const vmon_field_t sys_uptime_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_uptime.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_vmstat_t
static const vmon_field_t sys_vmstat_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_vmstat.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_pressure_t
static const vmon_field_t sys_pressure_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_pressure.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_diskstats_t
static const vmon_field_t sys_diskstats_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_diskstats.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_disk_t
static const vmon_field_t sys_disk_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_disk.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_net_dev_t
static const vmon_field_t sys_net_dev_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_net_dev.def"
};
#undef VMON__STORE_TYPE

#define VMON__STORE_TYPE vmon_sys_netif_t
static const vmon_field_t sys_netif_fields[] = {
#include "defs_gen.h"
#include "vmon/defs/sys_netif.def"
};
#undef VMON__STORE_TYPE

_Static_assert(VMON__ARRAY_SIZE(proc_status_fields) == VMON_PROC_STATUS_NR, "proc_status.def");
_Static_assert(VMON__ARRAY_SIZE(proc_smaps_rollup_fields) == VMON_PROC_SMAPS_ROLLUP_NR,
	       "proc_smaps_rollup.def");
_Static_assert(VMON__ARRAY_SIZE(proc_cgroup_fields) == VMON_PROC_CGROUP_NR, "proc_cgroup.def");
_Static_assert(VMON__ARRAY_SIZE(proc_ns_fields) == VMON_PROC_NS_NR, "proc_ns.def");
_Static_assert(VMON__ARRAY_SIZE(proc_oom_fields) == VMON_PROC_OOM_NR, "proc_oom.def");
_Static_assert(VMON__ARRAY_SIZE(proc_sched_fields) == VMON_PROC_SCHED_NR, "proc_sched.def");
_Static_assert(VMON__ARRAY_SIZE(proc_limits_fields) == VMON_PROC_LIMITS_NR, "proc_limits.def");
_Static_assert(VMON__ARRAY_SIZE(proc_ioprio_fields) == VMON_PROC_IOPRIO_NR, "proc_ioprio.def");
_Static_assert(VMON__ARRAY_SIZE(sys_loadavg_fields) == VMON_SYS_LOADAVG_NR, "sys_loadavg.def");
_Static_assert(VMON__ARRAY_SIZE(sys_uptime_fields) == VMON_SYS_UPTIME_NR, "sys_uptime.def");
_Static_assert(VMON__ARRAY_SIZE(sys_vmstat_fields) == VMON_SYS_VMSTAT_NR, "sys_vmstat.def");
_Static_assert(VMON__ARRAY_SIZE(sys_pressure_fields) == VMON_SYS_PRESSURE_NR, "sys_pressure.def");
_Static_assert(VMON__ARRAY_SIZE(sys_diskstats_fields) == VMON_SYS_DISKSTATS_NR,
	       "sys_diskstats.def");
_Static_assert(VMON__ARRAY_SIZE(sys_disk_fields) == VMON_SYS_DISK_NR, "sys_disk.def");
_Static_assert(VMON__ARRAY_SIZE(sys_net_dev_fields) == VMON_SYS_NET_DEV_NR, "sys_net_dev.def");
_Static_assert(VMON__ARRAY_SIZE(sys_netif_fields) == VMON_SYS_NETIF_NR, "sys_netif.def");
/* vmon__parse_keyed()'s "seen" bitmap, and parse_more.c's status one */
_Static_assert(VMON_PROC_SMAPS_ROLLUP_NR <= 512, "keyed stores");

VMON__INFO(vmon__proc_status_info, "proc_status", "/proc/PID/status", vmon_proc_status_t,
	   proc_status_fields);
VMON__INFO(vmon__proc_smaps_rollup_info, "proc_smaps_rollup", "/proc/PID/smaps_rollup",
	   vmon_proc_smaps_rollup_t, proc_smaps_rollup_fields);
VMON__INFO(vmon__proc_cgroup_info, "proc_cgroup", "/proc/PID/cgroup", vmon_proc_cgroup_t,
	   proc_cgroup_fields);
VMON__INFO(vmon__proc_ns_info, "proc_ns", "/proc/PID/ns/*", vmon_proc_ns_t, proc_ns_fields);
VMON__INFO(vmon__proc_oom_info, "proc_oom", "/proc/PID/{oom_score,oom_score_adj}",
	   vmon_proc_oom_t, proc_oom_fields);
VMON__INFO(vmon__proc_sched_info, "proc_sched", "/proc/PID/{schedstat,stat}",
	   vmon_proc_sched_t, proc_sched_fields);
VMON__INFO(vmon__proc_limits_info, "proc_limits", "/proc/PID/limits", vmon_proc_limits_t,
	   proc_limits_fields);
VMON__INFO(vmon__proc_ioprio_info, "proc_ioprio", "ioprio_get(2)", vmon_proc_ioprio_t,
	   proc_ioprio_fields);
VMON__INFO(vmon__sys_loadavg_info, "sys_loadavg", "/proc/loadavg", vmon_sys_loadavg_t,
	   sys_loadavg_fields);
VMON__INFO(vmon__sys_uptime_info, "sys_uptime", "/proc/uptime", vmon_sys_uptime_t,
	   sys_uptime_fields);
VMON__INFO(vmon__sys_vmstat_info, "sys_vmstat", "/proc/vmstat", vmon_sys_vmstat_t,
	   sys_vmstat_fields);
VMON__INFO(vmon__sys_pressure_cpu_info, "sys_pressure_cpu", "/proc/pressure/cpu",
	   vmon_sys_pressure_t, sys_pressure_fields);
VMON__INFO(vmon__sys_pressure_memory_info, "sys_pressure_memory", "/proc/pressure/memory",
	   vmon_sys_pressure_t, sys_pressure_fields);
VMON__INFO(vmon__sys_pressure_io_info, "sys_pressure_io", "/proc/pressure/io",
	   vmon_sys_pressure_t, sys_pressure_fields);
VMON__INFO(vmon__sys_diskstats_info, "sys_diskstats", "/proc/diskstats", vmon_sys_diskstats_t,
	   sys_diskstats_fields);
VMON__INFO(vmon__sys_disk_info, "sys_disk", "/proc/diskstats row", vmon_sys_disk_t,
	   sys_disk_fields);
VMON__INFO(vmon__sys_net_dev_info, "sys_net_dev", "/proc/net/dev", vmon_sys_net_dev_t,
	   sys_net_dev_fields);
VMON__INFO(vmon__sys_netif_info, "sys_netif", "/proc/net/dev row", vmon_sys_netif_t,
	   sys_netif_fields);

VMON_EXPORT const vmon_store_info_t *vmon_sys_disk_info(void)
{
	return &vmon__sys_disk_info;
}

VMON_EXPORT const vmon_store_info_t *vmon_sys_netif_info(void)
{
	return &vmon__sys_netif_info;
}
