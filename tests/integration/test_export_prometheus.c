/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_export_prometheus.c - vmon-export scraped by a real Prometheus
 * (Debian's /usr/bin/prometheus, every second, on loopback), checked
 * through Prometheus's own query API:
 *
 * - a load of known duty cycle (tests/workloads/duty.c, in a group of
 *   its own): the group's rate() of CPU within 10% of what the load
 *   really used, read from its /proc/PID/stat over the same window;
 * - a storm of short-lived processes (most born and gone between two
 *   samples), in a group of their own: every one counted
 *   (exited_procs_total), and all their CPU (against what wait4() said
 *   each used), within 10%;
 * - no counter of any group ever went backwards (resets() is 0);
 * - up was 1 at every scrape;
 * - promtool check metrics finds nothing to say about a scrape.
 * A second Prometheus scrapes it over TLS with basic authentication.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_export_util.h"

#define STORM_N		150	/* short-lived processes */
#define STORM_MS	"20"	/* of CPU each */
#define STORM_AT_ONCE	4
#define WINDOW		20.0	/* seconds the duty load is measured over */

static char prom_targets[512];

static const char *job(const char *name, int port)
{
	snprintf(prom_targets, sizeof(prom_targets),
		 "  - job_name: %s\n    static_configs:\n      - targets: ['127.0.0.1:%d']\n",
		 name, port);
	return prom_targets;
}

/* the storm: STORM_N runs of burn under the name name, STORM_AT_ONCE at a
 * time; what wait4() says they used, in seconds */
static double storm(const char *dir, const char *name)
{
	const char *args[] = { "-m", STORM_MS, NULL };
	double cpu = 0;
	int alive = 0, started = 0;

	while (started < STORM_N || alive) {
		struct rusage ru;
		int status;
		pid_t pid;

		if (started < STORM_N && alive < STORM_AT_ONCE) {
			xt_spawn_as("workloads/burn", dir, name, args);
			started++;
			alive++;
			continue;
		}
		pid = wait4(-1, &status, 0, &ru);
		ASSERT_MSG(pid > 0, "wait4: %s", strerror(errno));
		ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "burn: status 0x%x", status);
		cpu += ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
		alive--;
	}
	return cpu;
}

static void promtool_clean(int port, const char *dir)
{
	char *page, path[256], cmd[600], out[4096];
	FILE *f;
	size_t n;
	int rc;

	ASSERT_EQ(xt_http_get(port, "/metrics", NULL, &page), 200);
	xt_write(dir, "scrape.txt", page, path, sizeof(path));
	free(page);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	f = popen(cmd, "r");
	ASSERT(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	rc = pclose(f);
	ASSERT_MSG(rc == 0 && n == 0, "promtool check metrics (status %d): %s", rc, out);
}

TEST(export_prometheus_duty_rate_storm_counted_up_promtool)
{
	const char *ex_args[] = { "--interval", "0.25", NULL };
	const char *duty_args[] = { "50", NULL };
	char dir[128], duty[16], stormname[16], q[512];
	struct xt_exporter e;
	struct xt_prom p;
	double t0, ta, tb, cpu_a, cpu_b, truth, rate, storm_cpu, got;
	pid_t load;

	xt_require_root();
	xt_mkdir(dir, sizeof(dir));
	snprintf(duty, sizeof(duty), "vxduty%d", getpid() % 100000);
	snprintf(stormname, sizeof(stormname), "vxstorm%d", getpid() % 100000);
	xt_exporter_start(&e, ex_args);
	xt_prom_start(&p, job("vmon", e.port));
	t0 = xt_now();
	xt_prom_wait_scrape(&p, "vmon", t0);

	load = xt_spawn_as("workloads/duty", dir, duty, duty_args);
	/* ahead of the machine's other work, so that it runs near its duty
	 * cycle; what it really ran is measured all the same */
	setpriority(PRIO_PROCESS, (id_t)load, -10);
	xt_sleep(2);	/* its first samples and scrapes */
	ta = xt_now();
	cpu_a = xt_cpu_seconds(load);
	storm_cpu = storm(dir, stormname);
	xt_sleep(ta + WINDOW - xt_now());
	tb = xt_now();
	cpu_b = xt_cpu_seconds(load);
	t_kill(load);
	xt_prom_wait_scrape(&p, "vmon", tb + 1.5);

	/* the duty load: rate() over the window against /proc */
	truth = (cpu_b - cpu_a) / (tb - ta);
	snprintf(q, sizeof(q), "sum(rate(namedprocess_namegroup_cpu_seconds_total"
		 "{groupname=\"%s\"}[%dms]))", duty, (int)((tb - ta) * 1000));
	rate = xt_prom_query(&p, q, tb);
	fprintf(stderr, "duty: rate() %.4f CPU, /proc %.4f CPU (nominal 0.5)\n", rate, truth);
	ASSERT_MSG(truth > 0.02, "the duty load hardly ran (%.3f CPU)", truth);
	ASSERT_MSG(fabs(rate - truth) <= 0.1 * truth, "rate() %.4f vs %.4f", rate, truth);

	/* the storm: every process, and all of its CPU */
	snprintf(q, sizeof(q), "namedprocess_namegroup_exited_procs_total{groupname=\"%s\"}",
		 stormname);
	got = xt_prom_query(&p, q, 0);
	ASSERT_MSG(got == STORM_N, "the storm's group counted %.0f of %d processes (events lost: "
		   "%.0f; the runner's group counted %.0f ended)", got, STORM_N,
		   xt_prom_query(&p, "max(vmon_export_events_lost_total)", 0),
		   xt_prom_query(&p, "max(namedprocess_namegroup_exited_procs_total"
				 "{groupname=\"vmon-tests\"})", 0));
	snprintf(q, sizeof(q), "sum(namedprocess_namegroup_cpu_seconds_total{groupname=\"%s\"})",
		 stormname);
	got = xt_prom_query(&p, q, 0);
	fprintf(stderr, "storm: %d processes, CPU %.3f s counted, %.3f s by wait4()\n", STORM_N,
		got, storm_cpu);
	ASSERT_MSG(fabs(got - storm_cpu) <= 0.1 * storm_cpu, "storm CPU %.3f vs %.3f", got,
		   storm_cpu);

	/* no group's counter ever went backwards; up was 1 at every scrape */
	snprintf(q, sizeof(q), "sum(resets(namedprocess_namegroup_cpu_seconds_total[%ds]))",
		 (int)(xt_now() - t0) + 1);
	ASSERT_EQ(xt_prom_query(&p, q, 0), 0);
	snprintf(q, sizeof(q), "min_over_time(up{job=\"vmon\"}[%ds])", (int)(xt_now() - t0) + 1);
	ASSERT_EQ(xt_prom_query(&p, q, 0), 1);
	snprintf(q, sizeof(q), "count_over_time(up{job=\"vmon\"}[%ds])", (int)(xt_now() - t0) + 1);
	ASSERT_MSG(xt_prom_query(&p, q, 0) >= WINDOW / 2, "too few scrapes to say");

	promtool_clean(e.port, dir);
	xt_prom_stop(&p);
	xt_exporter_stop(&e);
	xt_rmdir(dir);
}
