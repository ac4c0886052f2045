/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_export_scrape.c - vmon-export's pages and groups, scraped
 * directly: OpenMetrics when asked, process-exporter's rules (a cmdline
 * expression's named group in the name), grouping by user (a uid without
 * a name is its number) and by cgroup, the per-pid
 * series' cap, an ended group kept for its grace period then removed,
 * configuration errors reported with their line, and `vmon export`.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "test_export_util.h"

static char *scrape(int port)
{
	char *page;

	ASSERT_EQ(xt_http_get(port, "/metrics", NULL, &page), 200);
	return page;
}

/* scrape until the line starting with prefix says want (60 s at most) */
static void wait_metric(int port, const char *prefix, double want)
{
	double end = xt_now() + 60, v = NAN;

	for (; xt_now() < end; xt_sleep(0.1)) {
		char *page = scrape(port);

		v = xt_metric(page, prefix);
		free(page);
		if (v == want)
			return;
	}
	ASSERT_MSG(0, "%s is %g, not %g, after 60 s", prefix, v, want);
}

static int count_lines(const char *page, const char *prefix)
{
	int n = 0;

	for (const char *l = page; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		n += !strncmp(l, prefix, strlen(prefix));
	return n;
}

TEST(export_openmetrics_when_asked)
{
	const char *args[] = { "--interval", "0.2", NULL };
	const char om[] = "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n";
	struct xt_exporter e;
	char req[512], *resp;
	size_t len;

	xt_exporter_start(&e, args);
	snprintf(req, sizeof(req), "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n%s\r\n",
		 om);
	ASSERT_EQ(xt_http_raw(e.port, req, strlen(req), 30, &resp), 200);
	ASSERT(strstr(resp, "Content-Type: application/openmetrics-text; version=1.0.0"));
	ASSERT(strstr(resp, "\n# TYPE namedprocess_namegroup_cpu_seconds counter\n"));
	len = strlen(resp);
	ASSERT(len > 6 && !strcmp(resp + len - 6, "# EOF\n"));
	free(resp);
	snprintf(req, sizeof(req), "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
	ASSERT_EQ(xt_http_raw(e.port, req, strlen(req), 30, &resp), 200);
	ASSERT(strstr(resp, "Content-Type: text/plain; version=0.0.4"));
	ASSERT(strstr(resp, "\n# TYPE namedprocess_namegroup_cpu_seconds_total counter\n"));
	ASSERT(!strstr(resp, "# EOF"));
	free(resp);
	xt_exporter_stop(&e);
}

TEST(export_groups_by_process_exporter_rules)
{
	char dir[128], name[16], conf[512], path[256], prefix[128], *page;
	const char *args[] = { "--interval", "0.2", "--config.path", path, NULL };
	const char *duty_args[] = { "1", "--tag=blue", NULL };
	struct xt_exporter e;
	pid_t load;

	xt_mkdir(dir, sizeof(dir));
	snprintf(name, sizeof(name), "vxcfg%d", getpid() % 100000);
	snprintf(conf, sizeof(conf),
		 "process_names:\n"
		 "  - comm: [no-such-command]\n"
		 "  - name: \"cfg:{{.Matches.tag}}:{{.Comm}}\"\n"
		 "    cmdline:\n"
		 "      - '^%s\\s+\\d+\\s+--tag=(?P<tag>\\w+)$'\n", name);
	xt_write(dir, "procnames.yml", conf, path, sizeof(path));
	load = xt_spawn_as("workloads/duty", dir, name, duty_args);
	xt_exporter_start(&e, args);
	snprintf(prefix, sizeof(prefix), "namedprocess_namegroup_num_procs{groupname=\"cfg:blue:%s\"} ",
		 name);
	wait_metric(e.port, prefix, 1);
	/* the rules match only that process: one group */
	page = scrape(e.port);
	ASSERT_EQ(count_lines(page, "namedprocess_namegroup_num_procs{"), 1);
	free(page);
	t_kill(load);
	xt_exporter_stop(&e);
	xt_rmdir(dir);
}

TEST(export_groups_by_user)
{
	const char *args[] = { "--interval", "0.2", "--group-by", "user", NULL };
	/* a uid no one else uses, without a name: the group is the number */
	int uid = 40000 + getpid() % 20000;
	char prefix[128];
	struct xt_exporter e;
	pid_t pid;

	if (geteuid() != 0)
		SKIP("needs root to start a process as another user");
	ASSERT_MSG(!getpwuid((uid_t)uid), "uid %d has a name here", uid);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		if (setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	xt_exporter_start(&e, args);
	snprintf(prefix, sizeof(prefix), "namedprocess_namegroup_num_procs{groupname=\"%d\"} ", uid);
	wait_metric(e.port, prefix, 1);
	t_kill(pid);
	xt_exporter_stop(&e);
}

TEST(export_groups_by_cgroup)
{
	const char *args[] = { "--interval", "0.2", "--group-by", "cgroup", NULL };
	char *text, prefix[4200], *page;
	struct xt_exporter e;
	size_t len;
	char *line;

	/* the test's own cgroup (v2: the "0::" line) is a group, with the
	 * test in it at least */
	text = t_read_file("/proc/self/cgroup", &len);
	ASSERT(text);
	line = strstr(text, "0::");
	if (!line) {
		free(text);
		SKIP("no cgroup v2 here");
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(prefix, sizeof(prefix), "namedprocess_namegroup_num_procs{groupname=\"%s\"} ",
		 line + 3);
	free(text);
	xt_exporter_start(&e, args);
	page = scrape(e.port);
	ASSERT_MSG(xt_metric(page, prefix) >= 1, "no group %s", prefix);
	free(page);
	xt_exporter_stop(&e);
}

TEST(export_pid_series_capped)
{
	const char *args[] = { "--interval", "0.2", "--pid-series-max", "3", NULL };
	struct xt_exporter e;
	char *page;

	xt_exporter_start(&e, args);
	page = scrape(e.port);
	ASSERT_EQ(count_lines(page, "vmon_process_cpu_seconds_total{"), 3 * 2);	/* user, system */
	ASSERT_EQ(count_lines(page, "vmon_process_memory_bytes{"), 3 * 2);
	ASSERT(xt_metric(page, "vmon_export_pid_series_dropped ") > 0);
	free(page);
	xt_exporter_stop(&e);
}

TEST(export_ended_group_kept_for_grace_then_removed)
{
	const char *args[] = { "--interval", "0.2", "--group-grace", "5", NULL };
	const char *duty_args[] = { "1", NULL };
	char dir[128], name[16], procs[128], exited[128], *page;
	struct xt_exporter e;
	double end;
	pid_t load;

	xt_mkdir(dir, sizeof(dir));
	snprintf(name, sizeof(name), "vxgrace%d", getpid() % 100000);
	snprintf(procs, sizeof(procs), "namedprocess_namegroup_num_procs{groupname=\"%s\"} ", name);
	snprintf(exited, sizeof(exited), "namedprocess_namegroup_exited_procs_total{groupname=\"%s\"} ",
		 name);
	xt_exporter_start(&e, args);
	load = xt_spawn_as("workloads/duty", dir, name, duty_args);
	wait_metric(e.port, procs, 1);
	t_kill(load);
	/* ended: still there, with its counters, for the grace period */
	wait_metric(e.port, procs, 0);
	page = scrape(e.port);
	ASSERT_EQ(xt_metric(page, exited), 1);
	free(page);
	/* then gone */
	for (end = xt_now() + 60; xt_now() < end; xt_sleep(0.2)) {
		page = scrape(e.port);
		if (!strstr(page, name)) {
			free(page);
			break;
		}
		free(page);
	}
	ASSERT_MSG(xt_now() < end, "the ended group %s was never removed", name);
	xt_exporter_stop(&e);
	xt_rmdir(dir);
}

/* run vmon-export with args; its status, its stderr in err */
static int run_export(const char *const args[], char *err, size_t size)
{
	const char *argv[16] = { "vmon-export" };
	char path[256];
	int p[2], status, n = 1;
	ssize_t k;
	size_t got = 0;
	pid_t pid;

	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	t_build_path("vmon-export", path, sizeof(path));
	ASSERT(pipe(p) == 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 2);
		dup2(p[1], 1);
		close(p[0]);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < size && (k = read(p[0], err + got, size - got - 1)) > 0)
		got += (size_t)k;
	err[got] = '\0';
	close(p[0]);
	ASSERT(waitpid(pid, &status, 0) == pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(export_bad_configuration_said_with_its_line)
{
	static const struct { const char *text, *says; } bad[] = {
		{ "process_names:\n\t- comm: [a]\n", "line 2: a tab" },
		{ "process_names:\n  - comm: [a]\n    colour: red\n", "line 3: unknown" },
		{ "process_names:\n  - cmdline: ['(unclosed']\n", "line 2: cmdline expression" },
		{ "process_names:\n  - name: '{{.Nope}}'\n    comm: [a]\n", "line 2: the name template" },
		{ "process_names:\n  - name: '{{.Matches.x}}'\n    cmdline: ['a']\n", "line 2: {{.Matches.x}}" },
		{ "process_names:\n  - &anchor\n    comm: [a]\n", "line 2: '&'" },
		{ "process_names:\n  - name: x\n", "line 2: a rule needs" },
		{ "process_names: [a, b\n", "line 1: expected , or ]" },
		{ "other: 1\nprocess_names:\n  - comm: [a]\n", "line 1: unknown key" },
		{ "process_names:\n  - comm: \"a\\q\"\n", "line 2: a bad escape" },
	};
	const char *good = "# ok\n---\nprocess_names:\n  - name: \"{{.Comm}}\"\n    comm:\n    - bash\n"
			   "    - 'zsh'\n  - exe: [/usr/bin/x, \"y\"]\n";
	char dir[128], path[256], err[1024];
	const char *args[] = { "--check-config", path, NULL };

	xt_mkdir(dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xt_write(dir, "bad.yml", bad[i].text, path, sizeof(path));
		ASSERT_MSG(run_export(args, err, sizeof(err)) == 2, "case %zu accepted", i);
		ASSERT_MSG(strstr(err, bad[i].says), "case %zu: \"%s\" does not say \"%s\"", i, err,
			   bad[i].says);
	}
	xt_write(dir, "good.yml", good, path, sizeof(path));
	ASSERT_MSG(run_export(args, err, sizeof(err)) == 0, "a good file refused: %s", err);
	xt_rmdir(dir);
}

TEST(export_bad_web_config_refused)
{
	static const struct { const char *text, *says; } bad[] = {
		{ "basic_auth_users:\n  u: plaintext\n", "bcrypt" },
		{ "tls_server_config:\n  cert_file: c.pem\n", "both cert_file and key_file" },
		{ "tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: "
		  "RequireAndVerifyClientCert\n", "not supported" },
		{ "http_server_config:\n  http2: false\n", "not supported" },
	};
	char dir[128], path[256], err[1024];
	const char *args[] = { "--listen", "127.0.0.1:0", "--web.config.file", path, NULL };

	xt_mkdir(dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xt_write(dir, "web.yml", bad[i].text, path, sizeof(path));
		ASSERT_MSG(run_export(args, err, sizeof(err)) == 2, "case %zu accepted", i);
		ASSERT_MSG(strstr(err, bad[i].says), "case %zu: \"%s\" does not say \"%s\"", i, err,
			   bad[i].says);
	}
	xt_rmdir(dir);
}

TEST(export_vmon_export_runs_it)
{
	char path[256], cmd[300], out[256] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s export --version", t_build_path("vmon", path, sizeof(path)));
	f = popen(cmd, "r");
	ASSERT(f);
	ASSERT(fgets(out, sizeof(out), f));
	ASSERT_EQ(pclose(f), 0);
	ASSERT_MSG(!strncmp(out, "vmon-export ", 12), "vmon export --version said %s", out);
}

/* the nanoseconds thread tid of pid has run or waited to run (its
 * schedstat's first two figures) */
static double runnable_ns(pid_t pid, const char *tid)
{
	char path[96];
	double on = 0, wait = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%.32s/schedstat", pid, tid);
	f = fopen(path, "r");
	ASSERT_MSG(f, "%s: %s", path, strerror(errno));
	ASSERT(fscanf(f, "%lf %lf", &on, &wait) == 2);
	fclose(f);
	return on + wait;
}

TEST(export_idle_threads_sleep)
{
	/* Between samples and scrapes every thread of the exporter sleeps.  A
	 * thread that spins (the watchdog once waited on a monotonic deadline
	 * with a realtime condition variable, and never slept) is running or
	 * waiting for a CPU all the time, however busy the machine: its
	 * schedstat's run and wait times add up to the wall time.  A
	 * sleeping thread's are a small part of it. */
	const char *args[] = { "--interval", "1", NULL };
	char tids[16][32], path[64];
	double before[16], t0, wall;
	int ntids = 0;
	struct xt_exporter e;
	struct dirent *d;
	DIR *dir;

	xt_exporter_start(&e, args);
	snprintf(path, sizeof(path), "/proc/%d/task", e.pid);
	dir = opendir(path);
	ASSERT(dir);
	while ((d = readdir(dir)) && ntids < 16)
		if (d->d_name[0] != '.')
			snprintf(tids[ntids++], sizeof(tids[0]), "%.31s", d->d_name);
	closedir(dir);
	t0 = xt_now();
	for (int i = 0; i < ntids; i++)
		before[i] = runnable_ns(e.pid, tids[i]);
	xt_sleep(2);
	wall = (xt_now() - t0) * 1e9;
	for (int i = 0; i < ntids; i++) {
		double share = (runnable_ns(e.pid, tids[i]) - before[i]) / wall;

		ASSERT_MSG(share < 0.9, "thread %s was running or runnable %.0f%% of the time",
			   tids[i], share * 100);
	}
	xt_exporter_stop(&e);
}
