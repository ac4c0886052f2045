/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c - vmon-export: a Prometheus exporter of per-group process
 * metrics built on libvmon (docs/vmon-export.1).  `vmon export ARGS`
 * runs it.  This file reads the options and the configuration files,
 * starts the sampler thread and the HTTP server, and waits for SIGINT or
 * SIGTERM.
 */
#include <crypt.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmon/vmon.h>

#include "export.h"
#include "http.h"
#include "procnames.h"
#include "webconfig.h"

#define MAX_CONFIG_BYTES (1 << 20)
#define PID_SERIES_LIMIT 100000

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmon-export [--listen ADDR:PORT] [--web.config.file FILE]\n"
		"                   [--config.path FILE | --procnames A,B | --group-by comm|user|cgroup]\n"
		"                   [--interval S] [--group-grace S] [--pid-series-max N]\n"
		"                   [--kernel-threads] [--web.max-connections N]\n"
		"                   [--web.request-timeout S] [--web.max-request-bytes N]\n"
		"       vmon-export --hash-password < PASSWORD\n"
		"       vmon-export --check-config FILE\n"
		"Serves /metrics for Prometheus (default 127.0.0.1:9256).  See vmon-export(1).\n");
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "vmon-export: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static double number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "vmon-export: %s %s: expected a number from %g to %g\n", opt, s,
			lo, hi);
		exit(2);
	}
	return v;
}

/* a whole file, at most MAX_CONFIG_BYTES; exits on failure */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data = malloc(MAX_CONFIG_BYTES + 1);

	if (!f || !data)
		die("cannot read %s", path);
	*len = fread(data, 1, MAX_CONFIG_BYTES + 1, f);
	if (ferror(f) || *len > MAX_CONFIG_BYTES)
		die("%s: unreadable or larger than 1 MiB", path);
	fclose(f);
	data[*len] = '\0';
	return data;
}

static struct procnames *load_procnames(const char *path)
{
	char err[512];
	size_t len;
	char *text = read_file(path, &len);
	struct procnames *pn = procnames_parse(text, len, err, sizeof(err));

	free(text);
	if (!pn) {
		fprintf(stderr, "vmon-export: %s: %s\n", path, err);
		exit(2);
	}
	return pn;
}

static void load_web_config(const char *path, struct web_config *wc)
{
	char err[512], *copy = strdup(path);
	size_t len;
	char *text = read_file(path, &len);

	if (!copy || webconfig_parse(text, len, dirname(copy), wc, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmon-export: %s: %s\n", path, copy ? err : "out of memory");
		exit(2);
	}
	free(copy);
	free(text);
}

/* --hash-password: a bcrypt hash of the line on standard input, for
 * basic_auth_users */
static int hash_password(void)
{
	char pw[1024], salt[64];
	struct crypt_data cd;
	const char *h;
	size_t n;

	if (!fgets(pw, sizeof(pw), stdin))
		die("%s", "no password on standard input");
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	memset(&cd, 0, sizeof(cd));
	if (!crypt_gensalt_rn("$2b$", 10, NULL, 0, salt, sizeof(salt)))
		die("%s", "crypt_gensalt: bcrypt is not available");
	h = crypt_r(pw, salt, &cd);
	explicit_bzero(pw, sizeof(pw));
	if (!h || h[0] == '*')
		die("%s", "crypt failed");
	printf("%s\n", h);
	return 0;
}

enum {
	O_LISTEN = 256, O_WEB_CONFIG, O_CONFIG, O_PROCNAMES, O_GROUP_BY, O_INTERVAL, O_GRACE,
	O_PID_MAX, O_KTHREADS, O_MAX_CONN, O_TIMEOUT, O_MAX_REQ, O_HASH, O_CHECK, O_VERSION,
	O_HELP,
};

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "web.listen-address", required_argument, NULL, O_LISTEN },
	{ "web.config.file", required_argument, NULL, O_WEB_CONFIG },
	{ "config.path", required_argument, NULL, O_CONFIG },
	{ "procnames", required_argument, NULL, O_PROCNAMES },
	{ "group-by", required_argument, NULL, O_GROUP_BY },
	{ "interval", required_argument, NULL, O_INTERVAL },
	{ "group-grace", required_argument, NULL, O_GRACE },
	{ "pid-series-max", required_argument, NULL, O_PID_MAX },
	{ "kernel-threads", no_argument, NULL, O_KTHREADS },
	{ "web.max-connections", required_argument, NULL, O_MAX_CONN },
	{ "web.request-timeout", required_argument, NULL, O_TIMEOUT },
	{ "web.max-request-bytes", required_argument, NULL, O_MAX_REQ },
	{ "hash-password", no_argument, NULL, O_HASH },
	{ "check-config", required_argument, NULL, O_CHECK },
	{ "version", no_argument, NULL, O_VERSION },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static void parse_group_by(struct export_opts *o, const char *s)
{
	if (!strcmp(s, "comm"))
		o->group_by = GROUP_BY_COMM;
	else if (!strcmp(s, "user"))
		o->group_by = GROUP_BY_USER;
	else if (!strcmp(s, "cgroup"))
		o->group_by = GROUP_BY_CGROUP;
	else
		die("--group-by %s: expected comm, user or cgroup", s);
}

static void parse_args(int argc, char **argv, struct export_opts *o)
{
	int c;

	/* getopt_long_only: process-exporter's single-dash spellings
	 * (-config.path, -procnames) work too */
	while ((c = getopt_long_only(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN: o->listen = optarg; break;
		case O_WEB_CONFIG: o->web_config = optarg; break;
		case O_CONFIG: o->config_path = optarg; o->group_by = GROUP_BY_CONFIG; break;
		case O_PROCNAMES: o->procnames = optarg; o->group_by = GROUP_BY_CONFIG; break;
		case O_GROUP_BY: parse_group_by(o, optarg); break;
		case O_INTERVAL: o->interval = number("--interval", optarg, 0.01, 3600); break;
		case O_GRACE: o->grace = number("--group-grace", optarg, 0, 1e7); break;
		case O_PID_MAX:
			o->pid_series_max = (int)number("--pid-series-max", optarg, 0,
							PID_SERIES_LIMIT);
			break;
		case O_KTHREADS: o->kernel_threads = true; break;
		case O_MAX_CONN:
			o->max_connections = (int)number("--web.max-connections", optarg, 1, 10000);
			break;
		case O_TIMEOUT:
			o->request_timeout = number("--web.request-timeout", optarg, 0.5, 3600);
			break;
		case O_MAX_REQ:
			o->max_request_bytes = (size_t)number("--web.max-request-bytes", optarg,
							      4096, 1 << 20);
			break;
		case O_HASH: exit(hash_password());
		case O_CHECK: procnames_free(load_procnames(optarg)); exit(0);
		case O_VERSION:
			printf("vmon-export (libvmon %d.%d.%d)\n", VMON_VERSION_MAJOR,
			       VMON_VERSION_MINOR, VMON_VERSION_PATCH);
			exit(0);
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		die("unexpected argument %s", argv[optind]);
	if (o->config_path && o->procnames)
		die("%s", "--config.path and --procnames exclude each other");
}

int main(int argc, char **argv)
{
	struct export_opts o = {
		.listen = "127.0.0.1:9256", .interval = 5, .grace = 300,
		.max_connections = 64, .request_timeout = 10, .max_request_bytes = 16384,
	};
	struct procnames *pn = NULL;
	struct web_config wc, *wcp = NULL;
	struct sampler *s;
	struct server *srv;
	char err[512], bound[128];
	sigset_t set;
	int sig;

	parse_args(argc, argv, &o);
	if (o.config_path)
		pn = load_procnames(o.config_path);
	else if (o.procnames && !(pn = procnames_from_list(o.procnames, err, sizeof(err))))
		die("--procnames: %s", err);
	if (o.web_config) {
		load_web_config(o.web_config, &wc);
		wcp = &wc;
	}
	/* the threads inherit this mask: the signals wait for sigwait() here */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	s = sampler_start(&o, pn, err, sizeof(err));
	if (!s)
		die("%s", err);
	srv = server_start(&o, s, wcp, bound, sizeof(bound), err, sizeof(err));
	if (!srv) {
		sampler_stop(s);
		die("%s", err);
	}
	fprintf(stderr, "vmon-export: listening on %s://%s/metrics\n",
		wcp && wcp->cert_file ? "https" : "http", bound);
	do {
		if (sigwait(&set, &sig))
			sig = SIGTERM;
	} while (sig == SIGHUP);	/* nothing is reloaded; SIGHUP is not an end */
	server_stop(srv);
	sampler_stop(s);
	if (wcp)
		webconfig_free(wcp);
	return 0;
}
