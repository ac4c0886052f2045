/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_export_util.h - helpers of vmon-export's tests (test_export_*.c):
 * starting the exporter on a port of its choosing, a small HTTP client
 * over plain sockets (to scrape it, and to be a hostile client), a real
 * Prometheus server (Debian's /usr/bin/prometheus) on loopback with a
 * scratch configuration and storage, queried through its HTTP API, and
 * programs started under a name of the test's own (their comm, hence
 * their group).
 */
#ifndef TEST_EXPORT_UTIL_H
#define TEST_EXPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* a scratch directory, removed with everything in it by xt_rmdir() */
void xt_mkdir(char *path, size_t size);
void xt_rmdir(const char *path);
/* write text to dir/name; the path into out */
const char *xt_write(const char *dir, const char *name, const char *text, char *out,
		     size_t size);

/* the exporter, started with extra arguments (NULL-terminated) after
 * --listen 127.0.0.1:0; start returns once it says where it listens */
struct xt_exporter {
	pid_t pid;
	int port;
	int err_fd;		/* its stderr, for the failure message */
};
void xt_exporter_start(struct xt_exporter *e, const char *const extra[]);
/* SIGTERM, and assert it exits 0 (a clean shutdown) */
void xt_exporter_stop(struct xt_exporter *e);

/* One HTTP exchange on 127.0.0.1:port: send req, read until the server
 * closes (at most timeout seconds).  The status (0 when the server closed
 * without a status line); the response (headers and body, malloc'd,
 * NUL-terminated) in *resp when resp is not NULL. */
int xt_http_raw(int port, const char *req, size_t len, double timeout, char **resp);
/* GET path with extra header lines ("Name: value\r\n"... or NULL); the
 * body in *body (malloc'd) */
int xt_http_get(int port, const char *path, const char *headers, char **body);
/* the value of the first sample of metric whose line starts with prefix
 * (the name and labels, e.g. "vmon_export_samples_total "); NAN if none */
double xt_metric(const char *page, const char *prefix);

/* a Prometheus server scraping what scrape_configs (YAML, the list's
 * entries, indented by 2) says, every second */
struct xt_prom {
	pid_t pid;
	int port;
	char dir[128];
};
/* SKIP when there is no /usr/bin/prometheus (fails in CI) */
void xt_prom_start(struct xt_prom *p, const char *scrape_configs);
void xt_prom_stop(struct xt_prom *p);
/* the value of the first result of an instant query at Unix time at (0:
 * now); NAN when the result is empty */
double xt_prom_query(struct xt_prom *p, const char *expr, double at);
/* wait until Prometheus has a sample of up{job} taken after Unix time t */
void xt_prom_wait_scrape(struct xt_prom *p, const char *job, double t);

/* a copy of program (a build path) under dir/name, started with args
 * (NULL-terminated; argv[0] is name): its comm is name */
pid_t xt_spawn_as(const char *program, const char *dir, const char *name,
		  const char *const args[]);
/* user + system CPU seconds of pid from /proc/PID/stat */
double xt_cpu_seconds(pid_t pid);
double xt_now(void);
void xt_sleep(double seconds);
/* A test needs root (the netlink events) and Prometheus: SKIP otherwise. */
void xt_require_root(void);

#endif
