/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * export.h - what vmon-export's parts share: the options, and the snapshot
 * the sampling thread publishes after every sample and a scrape renders.
 *
 * A snapshot is immutable once published and reference-counted: a scrape
 * takes a reference under the publication lock (held only for that), then
 * renders without any lock, so a slow or hostile client never delays a
 * sample, and a sample never waits for a scrape.
 */
#ifndef EXPORT_EXPORT_H
#define EXPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

enum group_by { GROUP_BY_COMM, GROUP_BY_USER, GROUP_BY_CGROUP, GROUP_BY_CONFIG };

struct export_opts {
	const char *listen;		/* ADDR:PORT */
	const char *web_config;		/* --web.config.file */
	const char *config_path;	/* --config.path: process_names rules */
	const char *procnames;		/* --procnames a,b,c */
	enum group_by group_by;
	double interval;		/* seconds between samples */
	double grace;			/* seconds an empty group is kept */
	int pid_series_max;		/* per-pid series: 0 none, else at most this many */
	bool kernel_threads;		/* group kernel threads too */
	int max_connections;
	double request_timeout;		/* seconds a request may take to arrive */
	size_t max_request_bytes;	/* request line and headers */
};

/* the counters of a process and of a group, in these units */
enum counter {
	C_USER_US, C_SYSTEM_US,		/* CPU, microseconds */
	C_READ_BYTES, C_WRITE_BYTES,	/* storage I/O, /proc/PID/io */
	C_MAJFLT, C_MINFLT,
	C_VCSW, C_IVCSW,		/* voluntary and involuntary context switches */
	C_NR
};

/* the gauges */
enum gauge {
	G_RSS_BYTES, G_VSIZE_BYTES, G_SWAP_BYTES,
	G_THREADS, G_FDS,
	G_NR
};

enum pstate { S_RUNNING, S_SLEEPING, S_WAITING, S_ZOMBIE, S_OTHER, S_NR };

struct snap_group {
	char *name;
	unsigned long long c[C_NR];
	unsigned long long g[G_NR];
	unsigned long long exited;	/* processes of the group that ended */
	int nprocs;			/* processes alive */
	int states[S_NR];
	double oldest_start;		/* Unix time of the oldest alive, 0 when none */
};

struct snap_pid {
	int pid;
	char comm[32];
	char *group;			/* the group's name (owned by the snapshot) */
	unsigned long long c[C_NR];
	unsigned long long g[G_NR];
	double start;			/* Unix time */
};

struct snap_pressure {
	bool have, have_full;
	unsigned long long some_us, full_us;
};

struct snap_system {
	bool have_cpu, have_mem, have_load;
	unsigned long long cpu_us[8];	/* user nice system idle iowait irq softirq steal */
	unsigned long long mem_kb[7];	/* total free available buffers cached swap_total swap_free */
	unsigned long long load_x100[3];
	unsigned long long boot_time, forks, ctxt, running, blocked;
	struct snap_pressure psi[3];	/* cpu memory io */
};

struct snapshot {
	int refs;			/* atomic */
	double time;			/* Unix time of the sample */
	struct snap_group *groups;
	int ngroups;
	struct snap_pid *pids;
	int npids;
	int pids_dropped;		/* processes over --pid-series-max */
	struct snap_system sys;
	/* the sampler's own figures */
	unsigned long long samples, sample_cpu_ns, events_lost;
	double last_sample_seconds;	/* wall time of the last sample */
	int tracked;			/* processes alive, in a group or not */
	const char *event_source;	/* "netlink", "wait", "none" */
};

/* scrape statistics, kept by the server (atomics) */
struct scrape_stats {
	unsigned long long scrapes, scrape_cpu_ns, refused, timed_out;
};

struct sampler;

/* Start the sampling thread, grouping by o->group_by (by pn's rules for
 * GROUP_BY_CONFIG; the sampler owns pn): the first sample is taken before
 * it returns, so the first scrape has data.  NULL with a message in err. */
struct procnames;
struct sampler *sampler_start(const struct export_opts *o, struct procnames *pn,
			      char *err, size_t errsize);
/* The last snapshot, with a reference the caller drops with snapshot_put(). */
struct snapshot *sampler_get(struct sampler *s);
void snapshot_put(struct snapshot *snap);
void sampler_stop(struct sampler *s);

/* Render the page: the Prometheus text format, or OpenMetrics. */
struct buf;
void render_metrics(struct buf *b, const struct snapshot *snap, const struct scrape_stats *st,
		    bool openmetrics);

#endif
