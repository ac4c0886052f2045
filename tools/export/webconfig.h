/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * webconfig.h - Prometheus's web configuration file (the exporter-toolkit
 * format every official exporter reads with --web.config.file), so that an
 * operator configures vmon-export as the exporters beside it:
 *
 *   tls_server_config:
 *     cert_file: server.crt        # relative to the file's directory
 *     key_file: server.key
 *     min_version: TLS12           # TLS10 .. TLS13
 *     max_version: TLS13
 *   basic_auth_users:
 *     alice: $2y$10$...            # bcrypt hashes only
 *
 * Client certificates (client_auth_type other than NoClientCert), cipher
 * and curve choices and http_server_config are refused by name rather
 * than ignored: a setting that silently did nothing would be a security
 * hole.  Passwords are checked with crypt(3) (libxcrypt reads $2a$, $2b$
 * and $2y$); a password that matched is remembered for its user, as
 * exporter-toolkit does, so that a scrape does not pay bcrypt's cost each
 * time.
 */
#ifndef EXPORT_WEBCONFIG_H
#define EXPORT_WEBCONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct web_user {
	char *name, *hash;
	char *good;		/* the last password that matched, or NULL */
};

struct web_config {
	char *cert_file, *key_file;	/* both or neither: TLS */
	const char *min_version, *max_version;	/* "TLS10" ... or NULL */
	struct web_user *users;
	int nusers;
	pthread_mutex_t lock;	/* over users[].good */
};

/* Parse the file's text; dir (the file's directory) is prefixed to
 * relative paths.  0, or -1 with a message in err (wc then holds nothing
 * to free). */
int webconfig_parse(const char *text, size_t len, const char *dir, struct web_config *wc,
		    char *err, size_t errsize);
/* Whether user and password are those of a basic_auth_users entry. */
bool webconfig_check(struct web_config *wc, const char *user, const char *password);
/* The GnuTLS priority string for the versions asked, into out. */
void webconfig_priorities(const struct web_config *wc, char *out, size_t size);
void webconfig_free(struct web_config *wc);

#endif
