/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* webconfig.c - the web configuration file of webconfig.h. */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webconfig.h"
#include "yaml.h"

#define MAX_USERS 1000

static const char *const versions[] = { "TLS10", "TLS11", "TLS12", "TLS13" };

void webconfig_free(struct web_config *wc)
{
	free(wc->cert_file);
	free(wc->key_file);
	for (int i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		free(wc->users[i].hash);
		if (wc->users[i].good)
			explicit_bzero(wc->users[i].good, strlen(wc->users[i].good));
		free(wc->users[i].good);
	}
	free(wc->users);
	pthread_mutex_destroy(&wc->lock);
	memset(wc, 0, sizeof(*wc));
}

static char *path_in(const char *dir, const char *path)
{
	char *p;

	if (path[0] == '/' || !dir || !*dir)
		return strdup(path);
	if (asprintf(&p, "%s/%s", dir, path) < 0)
		return NULL;
	return p;
}

static const char *version_of(const struct yaml_node *n)
{
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (n->kind == YAML_SCALAR && !strcmp(n->value, versions[i]))
			return versions[i];
	return NULL;
}

static int parse_tls(const struct yaml_node *tls, const char *dir, struct web_config *wc,
		     char *err, size_t esz)
{
	if (tls->kind != YAML_MAP) {
		yaml_error(err, esz, tls->line, "tls_server_config must be a mapping");
		return -1;
	}
	for (const struct yaml_node *e = tls->child; e; e = e->next) {
		char **path = !strcmp(e->key, "cert_file") ? &wc->cert_file :
			      !strcmp(e->key, "key_file") ? &wc->key_file : NULL;

		if (path && e->kind == YAML_SCALAR && *e->value) {
			*path = path_in(dir, e->value);
			if (!*path) {
				yaml_error(err, esz, e->line, "out of memory");
				return -1;
			}
		} else if (!strcmp(e->key, "min_version") && version_of(e)) {
			wc->min_version = version_of(e);
		} else if (!strcmp(e->key, "max_version") && version_of(e)) {
			wc->max_version = version_of(e);
		} else if (!strcmp(e->key, "client_auth_type") && e->kind == YAML_SCALAR &&
			   !strcmp(e->value, "NoClientCert")) {
			continue;
		} else if (!strcmp(e->key, "prefer_server_cipher_suites")) {
			continue;	/* TLS 1.3 and GnuTLS decide; harmless either way */
		} else {
			yaml_error(err, esz, e->line, "tls_server_config: \"%s\" is not supported "
				"(cert_file, key_file, min_version, max_version, "
				"client_auth_type: NoClientCert)", e->key);
			return -1;
		}
	}
	if (!wc->cert_file != !wc->key_file) {
		yaml_error(err, esz, tls->line, "tls_server_config needs both cert_file and key_file");
		return -1;
	}
	return 0;
}

static bool is_bcrypt(const char *h)
{
	return (!strncmp(h, "$2a$", 4) || !strncmp(h, "$2b$", 4) || !strncmp(h, "$2y$", 4)) &&
	       strlen(h) == 60;
}

static int parse_users(const struct yaml_node *users, struct web_config *wc, char *err,
		       size_t esz)
{
	if (users->kind != YAML_MAP) {
		yaml_error(err, esz, users->line, "basic_auth_users must be a mapping");
		return -1;
	}
	for (const struct yaml_node *e = users->child; e; e = e->next) {
		struct web_user *u;

		if (e->kind != YAML_SCALAR || !is_bcrypt(e->value)) {
			yaml_error(err, esz, e->line, "the password of \"%s\" must be a bcrypt hash "
				"($2a$, $2b$ or $2y$, 60 characters)", e->key);
			return -1;
		}
		if (wc->nusers >= MAX_USERS || strchr(e->key, ':')) {
			yaml_error(err, esz, e->line, "too many users, or a user name with ':'");
			return -1;
		}
		u = realloc(wc->users, (wc->nusers + 1) * sizeof(*u));
		if (!u)
			goto oom;
		wc->users = u;
		u = &u[wc->nusers];
		memset(u, 0, sizeof(*u));
		wc->nusers++;
		u->name = strdup(e->key);
		u->hash = strdup(e->value);
		if (!u->name || !u->hash)
			goto oom;
	}
	return 0;
oom:
	yaml_error(err, esz, users->line, "out of memory");
	return -1;
}

int webconfig_parse(const char *text, size_t len, const char *dir, struct web_config *wc,
		    char *err, size_t esz)
{
	struct yaml_node *root = yaml_parse(text, len, err, esz);
	int rc = -1;

	memset(wc, 0, sizeof(*wc));
	pthread_mutex_init(&wc->lock, NULL);
	if (!root)
		goto out;
	if (root->kind != YAML_MAP) {
		yaml_error(err, esz, root->line, "expected a mapping");
		goto out;
	}
	for (const struct yaml_node *e = root->child; e; e = e->next) {
		if (!strcmp(e->key, "tls_server_config")) {
			if (parse_tls(e, dir, wc, err, esz) < 0)
				goto out;
		} else if (!strcmp(e->key, "basic_auth_users")) {
			if (parse_users(e, wc, err, esz) < 0)
				goto out;
		} else {
			yaml_error(err, esz, e->line, "\"%s\" is not supported (tls_server_config, "
				"basic_auth_users)", e->key);
			goto out;
		}
	}
	rc = 0;
out:
	yaml_free(root);
	if (rc < 0)
		webconfig_free(wc);
	return rc;
}

/* compare without an early exit, so the time taken says nothing */
static bool same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;

	for (size_t i = 0; i < na && i < nb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

bool webconfig_check(struct web_config *wc, const char *user, const char *password)
{
	struct crypt_data *cd;
	struct web_user *u = NULL;
	bool ok = false;
	const char *h;

	for (int i = 0; i < wc->nusers && !u; i++)
		if (!strcmp(wc->users[i].name, user))
			u = &wc->users[i];
	if (!u)
		return false;
	pthread_mutex_lock(&wc->lock);
	ok = u->good && same(u->good, password);
	pthread_mutex_unlock(&wc->lock);
	if (ok)
		return true;
	cd = calloc(1, sizeof(*cd));	/* 32 kB: not on a server thread's stack */
	if (!cd)
		return false;
	h = crypt_r(password, u->hash, cd);
	ok = h && h[0] != '*' && same(h, u->hash);
	free(cd);
	if (ok) {
		char *copy = strdup(password);

		pthread_mutex_lock(&wc->lock);
		if (copy) {
			if (u->good)
				explicit_bzero(u->good, strlen(u->good));
			free(u->good);
			u->good = copy;
		}
		pthread_mutex_unlock(&wc->lock);
	}
	return ok;
}

void webconfig_priorities(const struct web_config *wc, char *out, size_t size)
{
	static const char *const vers[] = { "VERS-TLS1.0", "VERS-TLS1.1", "VERS-TLS1.2",
					    "VERS-TLS1.3" };
	int lo = 2, hi = 3, n;	/* exporter-toolkit's default minimum: TLS 1.2 */

	for (int i = 0; i < 4; i++) {
		if (wc->min_version == versions[i])
			lo = i;
		if (wc->max_version == versions[i])
			hi = i;
	}
	n = snprintf(out, size, "NORMAL:-VERS-ALL");
	for (int i = lo; i <= hi && n > 0 && (size_t)n < size; i++)
		n += snprintf(out + n, size - n, ":+%s", vers[i]);
}
