/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render.c - a snapshot as a metrics page, in the Prometheus text format
 * (0.0.4) or in OpenMetrics 1.0 (a counter family is named without its
 * _total there, and the page ends with "# EOF").
 *
 * The group metrics keep process-exporter's names and labels
 * (namedprocess_namegroup_*, groupname, mode, memtype, ctxswitchtype,
 * state), so that the dashboards and alerts written for it work
 * unchanged; docs/vmon-export.md lists them and what vmon adds.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "buf.h"
#include "export.h"

#define NG "namedprocess_namegroup_"

struct page {
	struct buf *b;
	bool om;
};

/* "# HELP" and "# TYPE" of a family; a counter's name is given without
 * _total */
static void family(struct page *pg, const char *name, bool counter, const char *help)
{
	const char *suffix = counter && !pg->om ? "_total" : "";

	buf_printf(pg->b, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix, help, name, suffix,
		   counter ? "counter" : "gauge");
}

/* the start of a sample line: name{groupname="..." */
static void start(struct page *pg, const char *name, bool counter, const char *group)
{
	buf_printf(pg->b, "%s%s{groupname=\"", name, counter ? "_total" : "");
	buf_label_value(pg->b, group);
	buf_puts(pg->b, "\"");
}

static void group_u(struct page *pg, const char *name, bool counter, const char *group,
		    const char *label, const char *lv, unsigned long long v)
{
	start(pg, name, counter, group);
	if (label)
		buf_printf(pg->b, ",%s=\"%s\"", label, lv);
	buf_printf(pg->b, "} %llu\n", v);
}

static void group_f(struct page *pg, const char *name, bool counter, const char *group,
		    const char *label, const char *lv, double v)
{
	start(pg, name, counter, group);
	if (label)
		buf_printf(pg->b, ",%s=\"%s\"", label, lv);
	buf_printf(pg->b, "} %.6f\n", v);
}

static void groups(struct page *pg, const struct snapshot *s)
{
	static const char *const states[S_NR] = { "Running", "Sleeping", "Waiting", "Zombie",
						  "Other" };
	const struct snap_group *g;

#define EACH for (g = s->groups; g < s->groups + s->ngroups; g++)
	family(pg, NG "num_procs", false, "Processes in the group, alive.");
	EACH group_u(pg, NG "num_procs", false, g->name, NULL, NULL, (unsigned)g->nprocs);
	family(pg, NG "cpu_seconds", true, "CPU time of the group's processes, ended ones included.");
	EACH {
		group_f(pg, NG "cpu_seconds", true, g->name, "mode", "user", g->c[C_USER_US] / 1e6);
		group_f(pg, NG "cpu_seconds", true, g->name, "mode", "system",
			g->c[C_SYSTEM_US] / 1e6);
	}
	family(pg, NG "read_bytes", true, "Bytes read from storage (read_bytes of /proc/PID/io).");
	EACH group_u(pg, NG "read_bytes", true, g->name, NULL, NULL, g->c[C_READ_BYTES]);
	family(pg, NG "write_bytes", true, "Bytes written to storage (write_bytes of /proc/PID/io).");
	EACH group_u(pg, NG "write_bytes", true, g->name, NULL, NULL, g->c[C_WRITE_BYTES]);
	family(pg, NG "major_page_faults", true, "Major page faults.");
	EACH group_u(pg, NG "major_page_faults", true, g->name, NULL, NULL, g->c[C_MAJFLT]);
	family(pg, NG "minor_page_faults", true, "Minor page faults.");
	EACH group_u(pg, NG "minor_page_faults", true, g->name, NULL, NULL, g->c[C_MINFLT]);
	family(pg, NG "context_switches", true, "Context switches.");
	EACH {
		group_u(pg, NG "context_switches", true, g->name, "ctxswitchtype", "voluntary",
			g->c[C_VCSW]);
		group_u(pg, NG "context_switches", true, g->name, "ctxswitchtype", "nonvoluntary",
			g->c[C_IVCSW]);
	}
	family(pg, NG "memory_bytes", false, "Memory of the group's alive processes.");
	EACH {
		group_u(pg, NG "memory_bytes", false, g->name, "memtype", "resident",
			g->g[G_RSS_BYTES]);
		group_u(pg, NG "memory_bytes", false, g->name, "memtype", "virtual",
			g->g[G_VSIZE_BYTES]);
		group_u(pg, NG "memory_bytes", false, g->name, "memtype", "swapped",
			g->g[G_SWAP_BYTES]);
	}
	family(pg, NG "open_filedesc", false, "Open file descriptors.");
	EACH group_u(pg, NG "open_filedesc", false, g->name, NULL, NULL, g->g[G_FDS]);
	family(pg, NG "num_threads", false, "Threads.");
	EACH group_u(pg, NG "num_threads", false, g->name, NULL, NULL, g->g[G_THREADS]);
	family(pg, NG "oldest_start_time_seconds", false,
	       "Start time of the oldest alive process, seconds since the epoch (0: none alive).");
	EACH group_f(pg, NG "oldest_start_time_seconds", false, g->name, NULL, NULL,
		     g->oldest_start);
	family(pg, NG "states", false, "Alive processes by state.");
	EACH for (int k = 0; k < S_NR; k++)
		group_u(pg, NG "states", false, g->name, "state", states[k], (unsigned)g->states[k]);
	family(pg, NG "exited_procs", true,
	       "Processes of the group that ended (vmon-export; not in process-exporter).");
	EACH group_u(pg, NG "exited_procs", true, g->name, NULL, NULL, g->exited);
#undef EACH
}

static void pid_start(struct page *pg, const char *name, bool counter, const struct snap_pid *p)
{
	start(pg, name, counter, p->group);
	buf_printf(pg->b, ",pid=\"%d\",comm=\"", p->pid);
	buf_label_value(pg->b, p->comm);
	buf_puts(pg->b, "\"");
}

static void pids(struct page *pg, const struct snapshot *s)
{
	const struct snap_pid *p;

#define EACH for (p = s->pids; p < s->pids + s->npids; p++)
	family(pg, "vmon_export_pid_series_dropped", false,
	       "Processes left without per-pid series by --pid-series-max.");
	buf_printf(pg->b, "vmon_export_pid_series_dropped %d\n", s->pids_dropped);
	if (!s->npids)
		return;
	family(pg, "vmon_process_cpu_seconds", true, "CPU time of one process.");
	EACH {
		pid_start(pg, "vmon_process_cpu_seconds", true, p);
		buf_printf(pg->b, ",mode=\"user\"} %.6f\n", p->c[C_USER_US] / 1e6);
		pid_start(pg, "vmon_process_cpu_seconds", true, p);
		buf_printf(pg->b, ",mode=\"system\"} %.6f\n", p->c[C_SYSTEM_US] / 1e6);
	}
	family(pg, "vmon_process_memory_bytes", false, "Memory of one process.");
	EACH {
		pid_start(pg, "vmon_process_memory_bytes", false, p);
		buf_printf(pg->b, ",memtype=\"resident\"} %llu\n", p->g[G_RSS_BYTES]);
		pid_start(pg, "vmon_process_memory_bytes", false, p);
		buf_printf(pg->b, ",memtype=\"virtual\"} %llu\n", p->g[G_VSIZE_BYTES]);
	}
	family(pg, "vmon_process_read_bytes", true, "Bytes one process read from storage.");
	EACH {
		pid_start(pg, "vmon_process_read_bytes", true, p);
		buf_printf(pg->b, "} %llu\n", p->c[C_READ_BYTES]);
	}
	family(pg, "vmon_process_write_bytes", true, "Bytes one process wrote to storage.");
	EACH {
		pid_start(pg, "vmon_process_write_bytes", true, p);
		buf_printf(pg->b, "} %llu\n", p->c[C_WRITE_BYTES]);
	}
	family(pg, "vmon_process_num_threads", false, "Threads of one process.");
	EACH {
		pid_start(pg, "vmon_process_num_threads", false, p);
		buf_printf(pg->b, "} %llu\n", p->g[G_THREADS]);
	}
	family(pg, "vmon_process_start_time_seconds", false,
	       "Start time of one process, seconds since the epoch.");
	EACH {
		pid_start(pg, "vmon_process_start_time_seconds", false, p);
		buf_printf(pg->b, "} %.2f\n", p->start);
	}
#undef EACH
}

static void one(struct page *pg, const char *name, bool counter, const char *help, double v)
{
	family(pg, name, counter, help);
	buf_printf(pg->b, "%s%s %.6f\n", name, counter ? "_total" : "", v);
}

static void one_u(struct page *pg, const char *name, bool counter, const char *help,
		  unsigned long long v)
{
	family(pg, name, counter, help);
	buf_printf(pg->b, "%s%s %llu\n", name, counter ? "_total" : "", v);
}

static void system_figures(struct page *pg, const struct snap_system *y)
{
	static const char *const modes[8] = { "user", "nice", "system", "idle", "iowait", "irq",
					      "softirq", "steal" };
	static const char *const mems[7][2] = {
		{ "vmon_system_memory_total_bytes", "Usable RAM (MemTotal)." },
		{ "vmon_system_memory_free_bytes", "Unused RAM (MemFree)." },
		{ "vmon_system_memory_available_bytes", "RAM available without swapping (MemAvailable)." },
		{ "vmon_system_memory_buffers_bytes", "Block device buffers (Buffers)." },
		{ "vmon_system_memory_cached_bytes", "Page cache (Cached)." },
		{ "vmon_system_swap_total_bytes", "Swap space (SwapTotal)." },
		{ "vmon_system_swap_free_bytes", "Unused swap space (SwapFree)." },
	};
	static const char *const res[3] = { "cpu", "memory", "io" };

	if (y->have_cpu) {
		family(pg, "vmon_system_cpu_seconds", true, "CPU time of all CPUs, by mode.");
		for (int i = 0; i < 8; i++)
			buf_printf(pg->b, "vmon_system_cpu_seconds_total{mode=\"%s\"} %.2f\n",
				   modes[i], y->cpu_us[i] / 1e6);
		one_u(pg, "vmon_system_boot_time_seconds", false,
		      "Boot time, seconds since the epoch.", y->boot_time);
		one_u(pg, "vmon_system_forks", true, "Processes and threads created since boot.",
		      y->forks);
		one_u(pg, "vmon_system_context_switches", true, "Context switches since boot.",
		      y->ctxt);
		one_u(pg, "vmon_system_procs_running", false, "Threads runnable.", y->running);
		one_u(pg, "vmon_system_procs_blocked", false, "Threads blocked on I/O.", y->blocked);
	}
	for (int i = 0; y->have_mem && i < 7; i++)
		one_u(pg, mems[i][0], false, mems[i][1], y->mem_kb[i] * 1024ULL);
	if (y->have_load) {
		one(pg, "vmon_system_load1", false, "Load average over 1 minute.", y->load_x100[0] / 100.0);
		one(pg, "vmon_system_load5", false, "Load average over 5 minutes.", y->load_x100[1] / 100.0);
		one(pg, "vmon_system_load15", false, "Load average over 15 minutes.",
		    y->load_x100[2] / 100.0);
	}
	if (y->psi[0].have || y->psi[1].have || y->psi[2].have)
		family(pg, "vmon_system_pressure_stalled_seconds", true,
		       "Pressure stall time: some (at least one task) or full (all tasks) stalled.");
	for (int i = 0; i < 3; i++) {
		if (!y->psi[i].have)
			continue;
		buf_printf(pg->b, "vmon_system_pressure_stalled_seconds_total{resource=\"%s\","
			   "kind=\"some\"} %.6f\n", res[i], y->psi[i].some_us / 1e6);
		if (y->psi[i].have_full)
			buf_printf(pg->b, "vmon_system_pressure_stalled_seconds_total{resource=\"%s\","
				   "kind=\"full\"} %.6f\n", res[i], y->psi[i].full_us / 1e6);
	}
}

static void self(struct page *pg, const struct snapshot *s, const struct scrape_stats *st)
{
	struct rusage ru;

	one_u(pg, "vmon_export_samples", true, "Samples taken.", s->samples);
	one(pg, "vmon_export_sample_cpu_seconds", true,
	    "CPU time the sampling thread spent in samples.", s->sample_cpu_ns / 1e9);
	one(pg, "vmon_export_last_sample_duration_seconds", false,
	    "Wall time of the last sample.", s->last_sample_seconds);
	one(pg, "vmon_export_last_sample_timestamp_seconds", false,
	    "When the last sample was taken, seconds since the epoch.", s->time);
	one_u(pg, "vmon_export_scrapes", true, "Scrapes served, this one excluded.", st->scrapes);
	one(pg, "vmon_export_scrape_cpu_seconds", true,
	    "CPU time spent rendering scrapes, this one excluded.", st->scrape_cpu_ns / 1e9);
	one_u(pg, "vmon_export_connections_refused", true,
	      "Connections refused over --web.max-connections.", st->refused);
	one_u(pg, "vmon_export_requests_timed_out", true,
	      "Connections closed for not sending a whole request within --web.request-timeout.",
	      st->timed_out);
	one_u(pg, "vmon_export_events_lost", true,
	      "Process events the kernel dropped (a full socket buffer).", s->events_lost);
	one_u(pg, "vmon_export_tracked_processes", false, "Processes alive and tracked.",
	      (unsigned long long)s->tracked);
	one_u(pg, "vmon_export_groups", false, "Groups reported.", (unsigned long long)s->ngroups);
	family(pg, "vmon_export_event_source", false,
	       "The event source that reports exits (1 for the one in use).");
	buf_printf(pg->b, "vmon_export_event_source{source=\"%s\"} 1\n", s->event_source);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		one(pg, "process_cpu_seconds", true, "CPU time of the exporter, user and system.",
		    ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
}

void render_metrics(struct buf *b, const struct snapshot *s, const struct scrape_stats *st,
		    bool openmetrics)
{
	struct page pg = { .b = b, .om = openmetrics };

	groups(&pg, s);
	pids(&pg, s);
	system_figures(&pg, &s->sys);
	self(&pg, s, st);
	if (openmetrics)
		buf_puts(b, "# EOF\n");
}
