/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_export_tls.c - vmon-export behind TLS and basic authentication,
 * configured by a Prometheus web configuration file (paths relative to
 * it, a bcrypt hash made by vmon-export --hash-password), scraped by a
 * real Prometheus: with the right password up is 1 and the group series
 * arrive; with a wrong one, or none, up is 0; plain HTTP gets no page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "test_export_util.h"

static void run(const char *cmd)
{
	int rc = system(cmd);

	ASSERT_MSG(rc == 0, "%s: status %d", cmd, rc);
}

static void make_hash(const char *dir, char *hash, size_t size)
{
	char cmd[512], path[256];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "printf 's3cret\\n' | %s --hash-password > %s/hash",
		 t_build_path("vmon-export", path, sizeof(path)), dir);
	run(cmd);
	snprintf(path, sizeof(path), "%s/hash", dir);
	f = fopen(path, "r");
	ASSERT(f && fgets(hash, (int)size, f));
	fclose(f);
	hash[strcspn(hash, "\n")] = '\0';
	ASSERT_MSG(!strncmp(hash, "$2b$10$", 7) && strlen(hash) == 60, "hash %s", hash);
}

static const char *job(char *buf, size_t size, const char *name, int port, const char *dir,
		       const char *password)
{
	int n = snprintf(buf, size,
			 "  - job_name: %s\n    scheme: https\n    tls_config:\n"
			 "      ca_file: %s/cert.pem\n", name, dir);

	if (password)
		n += snprintf(buf + n, size - n, "    basic_auth:\n      username: prometheus\n"
			      "      password: %s\n", password);
	snprintf(buf + n, size - n, "    static_configs:\n      - targets: ['127.0.0.1:%d']\n",
		 port);
	return buf;
}

TEST(export_tls_basic_auth_scraped_by_prometheus)
{
	char dir[128], cmd[1024], hash[128], web[512], path[256], jobs[3][512], all[2048];
	const char *args[] = { "--interval", "0.5", "--web.config.file", path, NULL };
	struct xt_exporter e;
	struct xt_prom p;
	double t;

	xt_require_root();
	if (access("/usr/bin/openssl", X_OK) < 0)
		SKIP("no /usr/bin/openssl to make a certificate");
	xt_mkdir(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "cd %s && openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 2 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null", dir);
	run(cmd);
	make_hash(dir, hash, sizeof(hash));
	snprintf(web, sizeof(web), "# relative paths: to this file's directory\n"
		 "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
		 "  min_version: TLS12\nbasic_auth_users:\n  prometheus: '%s'\n", hash);
	xt_write(dir, "web.yml", web, path, sizeof(path));
	xt_exporter_start(&e, args);

	/* plain HTTP on the TLS port: no page */
	ASSERT(xt_http_get(e.port, "/metrics", NULL, NULL) != 200);

	snprintf(all, sizeof(all), "%s%s%s",
		 job(jobs[0], sizeof(jobs[0]), "good", e.port, dir, "s3cret"),
		 job(jobs[1], sizeof(jobs[1]), "wrong", e.port, dir, "not-it"),
		 job(jobs[2], sizeof(jobs[2]), "none", e.port, dir, NULL));
	xt_prom_start(&p, all);
	t = xt_now();
	xt_prom_wait_scrape(&p, "good", t);
	xt_prom_wait_scrape(&p, "wrong", t);
	xt_prom_wait_scrape(&p, "none", t);
	ASSERT_EQ(xt_prom_query(&p, "up{job=\"good\"}", 0), 1);
	ASSERT_EQ(xt_prom_query(&p, "up{job=\"wrong\"}", 0), 0);
	ASSERT_EQ(xt_prom_query(&p, "up{job=\"none\"}", 0), 0);
	ASSERT(xt_prom_query(&p, "count(namedprocess_namegroup_num_procs{job=\"good\"})", 0) > 0);
	ASSERT(isnan(xt_prom_query(&p, "count(namedprocess_namegroup_num_procs{job=\"wrong\"})",
				   0)));
	xt_prom_stop(&p);
	xt_exporter_stop(&e);
	xt_rmdir(dir);
}
