/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stores.h - the stores' structs and field symbols, each expanded from its
 * .def table (defs/), with the few types of their own the stores use
 * (limits' resources, the row structs of diskstats, net/dev and the
 * sockets).  Part of vmon.h, which includes it: include <vmon/vmon.h>.
 */
#ifndef VMON_STORES_H
#define VMON_STORES_H

#ifndef _VMON_H
#error "include <vmon/vmon.h>, which includes this"
#endif

/* Each store's struct begins with these two bitmaps, indexed by its field
 * symbols: changed (the field's value differs from the previous sample; all
 * set on a store's first sample) and unavailable (the last sample could not
 * read the field: the file could not be opened (EACCES, EPERM), the kernel
 * does not print it, or it does not exist for this task, such as exe for a
 * kernel thread).  An unavailable field keeps its last value (0 if it never
 * had one). */
#define VMON_STORE_BITMAPS(_nr) \
	char changed[BITNSLOTS(_nr)]; \
	char unavailable[BITNSLOTS(_nr)];

/* one CPU's row of /proc/stat */
typedef enum _vmon_sys_cpu_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_cpu.def"
	VMON_SYS_CPU_NR
} vmon_sys_cpu_sym_t;

typedef struct _vmon_sys_cpu_t {
	VMON_STORE_BITMAPS(VMON_SYS_CPU_NR)
	int online;	/* the CPU's row was in the last sample */
#define VMON_DECLARE_MEMBERS
#include "defs/sys_cpu.def"
} vmon_sys_cpu_t;

/* VMON_WANT_SYS_STAT: /proc/stat */
typedef enum _vmon_sys_stat_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_stat.def"
	VMON_SYS_STAT_NR
} vmon_sys_stat_sym_t;

typedef struct _vmon_sys_stat_t {
	VMON_STORE_BITMAPS(VMON_SYS_STAT_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_stat.def"
	/* per-CPU rows indexed by CPU id: cpus_nr is one more than the highest
	 * id seen; ids without a row in the last sample (offline, hot-unplugged)
	 * have online == 0 and keep their last values */
	int cpus_nr;
	vmon_sys_cpu_t *cpus;
} vmon_sys_stat_t;

/* VMON_WANT_SYS_VM: /proc/meminfo */
typedef enum _vmon_sys_vm_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_vm.def"
	VMON_SYS_VM_NR
} vmon_sys_vm_sym_t;

/* one key of /proc/meminfo, kept by name (extension): the value as
 * printed, in kB for the lines that end in kB (all but the HugePages_
 * counts) */
typedef struct _vmon_sys_vm_key_t {
	vmon_char_array_t name;
	unsigned long long value;
	int changed;	/* the value changed in the last sample (or the key is new) */
	int is_new;	/* first seen in the last sample */
	int is_stale;	/* not in the last sample (keeps its value): removed at the next */
} vmon_sys_vm_key_t;

typedef struct _vmon_sys_vm_t {
	VMON_STORE_BITMAPS(VMON_SYS_VM_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_vm.def"
	/* every key the kernel prints, the members' included, in the
	 * kernel's order (rows may move between samples): the keys this
	 * table does not know (Zswap, KReclaimable, Percpu, ...) are read
	 * by name, vmon_sys_vm_get() */
	int keys_nr;
	vmon_sys_vm_key_t *keys;
	size_t keys_alloc;		/* private */
} vmon_sys_vm_t;

/* VMON_WANT_PROC_STAT: /proc/PID/{stat,cmdline,exe,wchan} */
typedef enum _vmon_proc_stat_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_stat.def"
	VMON_PROC_STAT_NR
} vmon_proc_stat_sym_t;

typedef struct _vmon_proc_stat_t {
	VMON_STORE_BITMAPS(VMON_PROC_STAT_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_stat.def"
} vmon_proc_stat_t;

/* VMON_WANT_PROC_VM: /proc/PID/statm */
typedef enum _vmon_proc_vm_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_vm.def"
	VMON_PROC_VM_NR
} vmon_proc_vm_sym_t;

typedef struct _vmon_proc_vm_t {
	VMON_STORE_BITMAPS(VMON_PROC_VM_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_vm.def"
} vmon_proc_vm_t;

/* VMON_WANT_PROC_IO: /proc/PID/io */
typedef enum _vmon_proc_io_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_io.def"
	VMON_PROC_IO_NR
} vmon_proc_io_sym_t;

typedef struct _vmon_proc_io_t {
	VMON_STORE_BITMAPS(VMON_PROC_IO_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_io.def"
} vmon_proc_io_t;

/* The 0.1 spellings of symbols that now have the original's */
#define VMON_SYS_VM_VMALLOCTOTAL_KB VMON_SYS_VM_VMALLOC_TOTAL_KB
#define VMON_SYS_VM_VMALLOCUSED_KB VMON_SYS_VM_VMALLOC_USED_KB
#define VMON_SYS_VM_VMALLOCCHUNK_KB VMON_SYS_VM_VMALLOC_CHUNK_KB
#define VMON_SYS_VM_DIRECTMAP4K_KB VMON_SYS_VM_DIRECTMAP_4K_KB
#define VMON_SYS_VM_DIRECTMAP2M_KB VMON_SYS_VM_DIRECTMAP_4M_KB
#define VMON_PROC_IO_RCHARS VMON_PROC_IO_RCHAR
#define VMON_PROC_IO_WCHARS VMON_PROC_IO_WCHAR
#define VMON_PROC_IO_READ_BYTES VMON_PROC_IO_READBYTES
#define VMON_PROC_IO_WRITE_BYTES VMON_PROC_IO_WRITEBYTES
#define VMON_PROC_IO_CANCELLED_WRITE_BYTES VMON_PROC_IO_CANCELLED_WRITEBYTES
#define VMON_PROC_FILES_FDNUM VMON_FILES_FDNUM
#define VMON_PROC_FILES_OBJECT_PATH VMON_FILES_OBJPATH

/*
 * The wants added in 0.2: what libproc2, psutil and htop tell about a
 * process and the system.  Each store is generated from its .def table in
 * <vmon/defs/>; sets of variable size (supplementary groups, cgroup v1
 * lines, vmstat keys, disks, interfaces) hang off the store as arrays
 * documented beside them.  Decimal figures the kernel prints with two
 * decimals (load averages, uptime, pressure) are kept exactly, in
 * hundredths (members ending in _x100 or _cs).
 */

/* VMON_WANT_PROC_STATUS: /proc/PID/status, by key, and PF_KTHREAD */
typedef enum _vmon_proc_status_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_status.def"
	VMON_PROC_STATUS_NR
} vmon_proc_status_sym_t;

typedef struct _vmon_proc_status_t {
	VMON_STORE_BITMAPS(VMON_PROC_STATUS_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_status.def"
	gid_t *groups;	/* ngroups supplementary group ids, in the kernel's order */
	/* NSpid: the task's pid in each pid namespace it is seen in, from the
	 * proc root's (nspid[0], proc->pid) to its own innermost one
	 * (nspid[nspid_nr - 1], nspid_inner); one entry outside any nested
	 * namespace */
	int *nspid;
	/* Cpus_allowed as a bitmap: CPU n may run the task when
	 * BITTEST(cpus_allowed, n), for n < cpus_allowed_nr (bit n % 8 of byte
	 * n / 8, as cpumask and cpu_set_t lay them out on little-endian
	 * machines) */
	char *cpus_allowed;
} vmon_proc_status_t;

/* VMON_WANT_PROC_SMAPS_ROLLUP: /proc/PID/smaps_rollup (costly: opt in, and
 * see vmon_set_want_interval()) */
typedef enum _vmon_proc_smaps_rollup_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_smaps_rollup.def"
	VMON_PROC_SMAPS_ROLLUP_NR
} vmon_proc_smaps_rollup_sym_t;

typedef struct _vmon_proc_smaps_rollup_t {
	VMON_STORE_BITMAPS(VMON_PROC_SMAPS_ROLLUP_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_smaps_rollup.def"
} vmon_proc_smaps_rollup_t;

/* VMON_WANT_PROC_CGROUP: /proc/PID/cgroup */
typedef enum _vmon_proc_cgroup_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_cgroup.def"
	VMON_PROC_CGROUP_NR
} vmon_proc_cgroup_sym_t;

/* one cgroup v1 line: "hierarchy:controllers:path" */
typedef struct _vmon_proc_cgroup_v1_t {
	int hierarchy;			/* hierarchy id */
	vmon_char_array_t controllers;	/* "cpu,cpuacct", "name=systemd" ... */
	vmon_char_array_t path;
} vmon_proc_cgroup_v1_t;

typedef struct _vmon_proc_cgroup_t {
	VMON_STORE_BITMAPS(VMON_PROC_CGROUP_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_cgroup.def"
	vmon_proc_cgroup_v1_t *v1;	/* v1_nr lines, in the kernel's order */
} vmon_proc_cgroup_t;

/* VMON_WANT_PROC_NS: the inodes of /proc/PID/ns/ links */
typedef enum _vmon_proc_ns_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_ns.def"
	VMON_PROC_NS_NR
} vmon_proc_ns_sym_t;

typedef struct _vmon_proc_ns_t {
	VMON_STORE_BITMAPS(VMON_PROC_NS_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_ns.def"
} vmon_proc_ns_t;

/* VMON_WANT_PROC_OOM: /proc/PID/oom_score, oom_score_adj */
typedef enum _vmon_proc_oom_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_oom.def"
	VMON_PROC_OOM_NR
} vmon_proc_oom_sym_t;

typedef struct _vmon_proc_oom_t {
	VMON_STORE_BITMAPS(VMON_PROC_OOM_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_oom.def"
} vmon_proc_oom_t;

/* VMON_WANT_PROC_SCHED: /proc/PID/schedstat and stat fields 40-42 */
typedef enum _vmon_proc_sched_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_sched.def"
	VMON_PROC_SCHED_NR
} vmon_proc_sched_sym_t;

typedef struct _vmon_proc_sched_t {
	VMON_STORE_BITMAPS(VMON_PROC_SCHED_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_sched.def"
} vmon_proc_sched_t;

/* VMON_WANT_PROC_LIMITS: /proc/PID/limits, every resource's soft and hard
 * limit; vmon_proc_limits_get() reads one by resource */
typedef enum _vmon_proc_limits_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_limits.def"
	VMON_PROC_LIMITS_NR
} vmon_proc_limits_sym_t;

typedef struct _vmon_proc_limits_t {
	VMON_STORE_BITMAPS(VMON_PROC_LIMITS_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_limits.def"
} vmon_proc_limits_t;

/* VMON_WANT_PROC_IOPRIO: the I/O priority, from ioprio_get(2) (a system
 * call per node, no file) */
typedef enum _vmon_proc_ioprio_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/proc_ioprio.def"
	VMON_PROC_IOPRIO_NR
} vmon_proc_ioprio_sym_t;

typedef struct _vmon_proc_ioprio_t {
	VMON_STORE_BITMAPS(VMON_PROC_IOPRIO_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/proc_ioprio.def"
} vmon_proc_ioprio_t;

/* The resources of the limits store, numbered as Linux numbers them
 * (RLIMIT_CPU ... RLIMIT_RTTIME: an RLIMIT_* constant may be passed for
 * one of these).  Resource r's soft limit is field 2 r of the store, its
 * hard limit field 2 r + 1. */
typedef enum vmon_rlimit {
	VMON_RLIMIT_CPU,	/* seconds */
	VMON_RLIMIT_FSIZE,	/* bytes */
	VMON_RLIMIT_DATA,	/* bytes */
	VMON_RLIMIT_STACK,	/* bytes */
	VMON_RLIMIT_CORE,	/* bytes */
	VMON_RLIMIT_RSS,	/* bytes */
	VMON_RLIMIT_NPROC,	/* processes */
	VMON_RLIMIT_NOFILE,	/* descriptors */
	VMON_RLIMIT_MEMLOCK,	/* bytes */
	VMON_RLIMIT_AS,		/* bytes */
	VMON_RLIMIT_LOCKS,	/* locks */
	VMON_RLIMIT_SIGPENDING,	/* signals */
	VMON_RLIMIT_MSGQUEUE,	/* bytes */
	VMON_RLIMIT_NICE,	/* 20 - nice, 0-40 */
	VMON_RLIMIT_RTPRIO,	/* a real-time priority, 0-99 */
	VMON_RLIMIT_RTTIME,	/* microseconds */
	VMON_RLIMIT_NR
} vmon_rlimit_t;

/* A limit that is "unlimited": RLIM64_INFINITY, which is also
 * RLIM_INFINITY on 64-bit machines and psutil's -1 as unsigned. */
#define VMON_RLIM_INFINITY (~0ULL)

/* VMON_WANT_SYS_LOADAVG: /proc/loadavg */
typedef enum _vmon_sys_loadavg_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_loadavg.def"
	VMON_SYS_LOADAVG_NR
} vmon_sys_loadavg_sym_t;

typedef struct _vmon_sys_loadavg_t {
	VMON_STORE_BITMAPS(VMON_SYS_LOADAVG_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_loadavg.def"
} vmon_sys_loadavg_t;

/* VMON_WANT_SYS_UPTIME: /proc/uptime */
typedef enum _vmon_sys_uptime_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_uptime.def"
	VMON_SYS_UPTIME_NR
} vmon_sys_uptime_sym_t;

typedef struct _vmon_sys_uptime_t {
	VMON_STORE_BITMAPS(VMON_SYS_UPTIME_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_uptime.def"
} vmon_sys_uptime_t;

/* VMON_WANT_SYS_VMSTAT: /proc/vmstat */
typedef enum _vmon_sys_vmstat_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_vmstat.def"
	VMON_SYS_VMSTAT_NR
} vmon_sys_vmstat_sym_t;

/* one key of /proc/vmstat, kept by name */
typedef struct _vmon_sys_vmstat_key_t {
	vmon_char_array_t name;
	unsigned long long value;
	int changed;	/* the value changed in the last sample (or the key is new) */
	int is_new;	/* first seen in the last sample */
	int is_stale;	/* not in the last sample (keeps its value): removed at the next */
} vmon_sys_vmstat_key_t;

typedef struct _vmon_sys_vmstat_t {
	VMON_STORE_BITMAPS(VMON_SYS_VMSTAT_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_vmstat.def"
	int keys_nr;			/* every key, in the kernel's order */
	vmon_sys_vmstat_key_t *keys;	/* (rows may move between samples) */
	size_t keys_alloc;		/* private */
} vmon_sys_vmstat_t;

/* VMON_WANT_SYS_PRESSURE_CPU, _MEMORY, _IO: /proc/pressure/{cpu,memory,io} */
typedef enum _vmon_sys_pressure_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_pressure.def"
	VMON_SYS_PRESSURE_NR
} vmon_sys_pressure_sym_t;

typedef struct _vmon_sys_pressure_t {
	VMON_STORE_BITMAPS(VMON_SYS_PRESSURE_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_pressure.def"
} vmon_sys_pressure_t;

/* VMON_WANT_SYS_DISKSTATS: /proc/diskstats, one row per device */
typedef enum _vmon_sys_disk_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_disk.def"
	VMON_SYS_DISK_NR
} vmon_sys_disk_sym_t;

typedef struct _vmon_sys_disk_t {
	VMON_STORE_BITMAPS(VMON_SYS_DISK_NR)
	int is_new;	/* first seen in the last sample */
	int is_stale;	/* not in the last sample: removed at the next */
#define VMON_DECLARE_MEMBERS
#include "defs/sys_disk.def"
} vmon_sys_disk_t;

typedef enum _vmon_sys_diskstats_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_diskstats.def"
	VMON_SYS_DISKSTATS_NR
} vmon_sys_diskstats_sym_t;

typedef struct _vmon_sys_diskstats_t {
	VMON_STORE_BITMAPS(VMON_SYS_DISKSTATS_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_diskstats.def"
	vmon_sys_disk_t *disks;	/* disks_nr rows in file order (they may move
				 * between samples: find a device by name) */
	size_t disks_alloc;	/* private */
} vmon_sys_diskstats_t;

/* VMON_WANT_SYS_NET_DEV: /proc/net/dev, one row per interface */
typedef enum _vmon_sys_netif_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_netif.def"
	VMON_SYS_NETIF_NR
} vmon_sys_netif_sym_t;

typedef struct _vmon_sys_netif_t {
	VMON_STORE_BITMAPS(VMON_SYS_NETIF_NR)
	int is_new;	/* first seen in the last sample */
	int is_stale;	/* not in the last sample: removed at the next */
#define VMON_DECLARE_MEMBERS
#include "defs/sys_netif.def"
} vmon_sys_netif_t;

typedef enum _vmon_sys_net_dev_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_net_dev.def"
	VMON_SYS_NET_DEV_NR
} vmon_sys_net_dev_sym_t;

typedef struct _vmon_sys_net_dev_t {
	VMON_STORE_BITMAPS(VMON_SYS_NET_DEV_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_net_dev.def"
	vmon_sys_netif_t *ifaces;	/* ifaces_nr rows in file order (they may
					 * move between samples: find by name) */
	size_t ifaces_alloc;		/* private */
} vmon_sys_net_dev_t;

/* VMON_WANT_PROC_FOLLOW_CHILDREN: the children of every task of the process
 * (/proc/PID/task/TID/children), kept as nodes on vmon_proc_t.children */
typedef struct _vmon_proc_follow_children_t {
	int children_nr;	/* followed children, stale ones included */
} vmon_proc_follow_children_t;

/* VMON_WANT_PROC_FOLLOW_THREADS: the tasks of /proc/PID/task, kept as nodes
 * on vmon_proc_t.threads (the main thread, tid == pid, is one of them) */
typedef struct _vmon_proc_follow_threads_t {
	int threads_nr;		/* followed threads, stale ones included */
} vmon_proc_follow_threads_t;

/* VMON_WANT_SYS_SOCKETS: the sockets of the network namespace of the
 * process calling vmon_sample() (the library reads /proc/net, that is
 * /proc/self/net, of its proc root): TCP and UDP over IPv4 and IPv6 from
 * /proc/net/{tcp,tcp6,udp,udp6}, UNIX sockets from /proc/net/unix with
 * their peers from the kernel's sock_diag netlink interface.  Each
 * socket-type vmon_fobject_t is joined to its row by inode (its socket
 * member). */
typedef enum _vmon_sys_sockets_sym_t {
#define VMON_ENUM_SYMBOLS
#include "defs/sys_sockets.def"
	VMON_SYS_SOCKETS_NR
} vmon_sys_sockets_sym_t;

/* a socket's state, in the kernel's TCP_* numbering (UDP and UNIX sockets
 * use ESTABLISHED, CLOSE (unconnected) and LISTEN), as ss(8) reports it */
typedef enum _vmon_socket_state_t {
	VMON_SOCKET_UNKNOWN = 0,
	VMON_SOCKET_ESTABLISHED,	/* "ESTAB" */
	VMON_SOCKET_SYN_SENT,
	VMON_SOCKET_SYN_RECV,
	VMON_SOCKET_FIN_WAIT1,
	VMON_SOCKET_FIN_WAIT2,
	VMON_SOCKET_TIME_WAIT,
	VMON_SOCKET_CLOSE,		/* "UNCONN": not connected */
	VMON_SOCKET_CLOSE_WAIT,
	VMON_SOCKET_LAST_ACK,
	VMON_SOCKET_LISTEN,
	VMON_SOCKET_CLOSING,
	VMON_SOCKET_NEW_SYN_RECV,
	VMON_SOCKET_STATE_NR
} vmon_socket_state_t;

/* one socket: a row of a /proc/net table */
typedef struct _vmon_socket_t {
	uint64_t inum;		/* inode: socket:[INODE]; 0 for a TIME_WAIT row */
	int family;		/* AF_INET, AF_INET6 or AF_UNIX */
	int type;		/* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	int protocol;		/* IPPROTO_TCP, IPPROTO_UDP; 0 for UNIX */
	vmon_socket_state_t state;
	unsigned char local_addr[16];	/* network byte order: 4 bytes used for */
	unsigned char remote_addr[16];	/* AF_INET, 16 for AF_INET6 */
	int local_port, remote_port;	/* host byte order; 0 for UNIX */
	unsigned long long tx_queue, rx_queue;	/* TCP/UDP: bytes queued */
	long long uid;		/* TCP/UDP: owner's uid; -1 for UNIX */
	const char *path;	/* UNIX: the bound name ("@name" for an abstract
				 * one), NULL if unbound; valid until the next
				 * vmon_sample() */
	size_t path_len;
	uint64_t peer_inum;	/* UNIX: the connected peer's inode, 0 if none
				 * or unknown (sock_diag unavailable) */
} vmon_socket_t;

typedef struct _vmon_sys_sockets_t {
	VMON_STORE_BITMAPS(VMON_SYS_SOCKETS_NR)
#define VMON_DECLARE_MEMBERS
#include "defs/sys_sockets.def"
	int sockets_nr;		/* rows of sockets[]: tcp, tcp6, udp, udp6 then */
	vmon_socket_t *sockets;	/* unix, each in its table's order; rebuilt at
				 * every sample (pointers into it last until the
				 * next vmon_sample()) */
	size_t sockets_alloc;	/* private */
} vmon_sys_sockets_t;

#endif
