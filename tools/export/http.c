/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http.c - the HTTP server of http.h.
 *
 * What a client can make it do is bounded:
 * - connections: at most --web.max-connections at once; more are refused
 *   at accept (and counted);
 * - request size: the request line and headers must fit in
 *   --web.max-request-bytes (libmicrohttpd answers 431 or 413 and closes);
 * - time: a connection must deliver a whole request within
 *   --web.request-timeout of opening, or of its previous response (and a
 *   response must be taken within as long).  libmicrohttpd's own timeout
 *   is an idle timeout, which a slowloris client (a byte every few
 *   seconds) never trips; so a watchdog thread shuts down the socket of a
 *   connection past its deadline, and libmicrohttpd then closes it.
 * The server runs one thread: a connection's socket is opened and closed
 * on it, between the notifications that add it to and remove it from the
 * watchdog's list, so the watchdog never shuts down a reused descriptor
 * of another connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "http.h"

#define MAX_PEM_BYTES (1 << 20)

struct conn {
	int fd;
	double deadline;	/* CLOCK_MONOTONIC seconds */
	struct conn *prev, *next;
};

struct server {
	struct export_opts opts;
	struct sampler *sampler;
	struct web_config *wc;
	struct MHD_Daemon *d;
	char *pem_cert, *pem_key;
	struct scrape_stats stats;	/* updated with atomics */
	int active;			/* connections open (atomic) */
	pthread_mutex_t lock;		/* over conns and the watchdog's state */
	pthread_cond_t wake;
	struct conn *conns;
	bool stopping;
	pthread_t watchdog;
	bool watchdog_running;
};

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct server *srv = cls;

	(void)addr;
	(void)len;
	if (__atomic_load_n(&srv->active, __ATOMIC_RELAXED) >= srv->opts.max_connections) {
		__atomic_add_fetch(&srv->stats.refused, 1, __ATOMIC_RELAXED);
		return MHD_NO;
	}
	return MHD_YES;
}

static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			      enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	struct conn *k = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		k = calloc(1, sizeof(*k));
		*socket_context = k;
		__atomic_add_fetch(&srv->active, 1, __ATOMIC_RELAXED);
		if (!k)
			return;
		k->fd = ci ? ci->connect_fd : -1;
		k->deadline = mono_now() + srv->opts.request_timeout;
		pthread_mutex_lock(&srv->lock);
		k->next = srv->conns;
		if (k->next)
			k->next->prev = k;
		srv->conns = k;
		pthread_mutex_unlock(&srv->lock);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		__atomic_sub_fetch(&srv->active, 1, __ATOMIC_RELAXED);
		if (!k)
			return;
		pthread_mutex_lock(&srv->lock);
		if (k->prev)
			k->prev->next = k->next;
		else
			srv->conns = k->next;
		if (k->next)
			k->next->prev = k->prev;
		pthread_mutex_unlock(&srv->lock);
		free(k);
		*socket_context = NULL;
	}
}

/* a response was sent: the next request has the timeout from now */
static void request_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = ci ? ci->socket_context : NULL;

	(void)toe;
	*req_cls = NULL;
	if (!k)
		return;
	pthread_mutex_lock(&srv->lock);
	k->deadline = mono_now() + srv->opts.request_timeout;
	pthread_mutex_unlock(&srv->lock);
}

static void *watchdog(void *arg)
{
	struct server *srv = arg;

	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		struct timespec until;
		double now = mono_now();

		for (struct conn *k = srv->conns; k; k = k->next)
			if (k->fd >= 0 && k->deadline < now) {
				shutdown(k->fd, SHUT_RDWR);
				k->deadline = now + 3600;	/* once */
				__atomic_add_fetch(&srv->stats.timed_out, 1, __ATOMIC_RELAXED);
			}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&srv->wake, &srv->lock, &until);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len, bool must_free)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static bool authorised(struct server *srv, struct MHD_Connection *c)
{
	char *pass = NULL, *user;
	bool ok;

	if (!srv->wc || !srv->wc->nusers)
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = user && pass && webconfig_check(srv->wc, user, pass);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result metrics(struct server *srv, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);
	bool om = accept && strstr(accept, "application/openmetrics-text");
	unsigned long long cpu0 = thread_cpu_ns();
	struct scrape_stats st;
	struct snapshot *snap = sampler_get(srv->sampler);
	struct buf b = { 0 };
	size_t len;
	char *body;

	st.scrapes = __atomic_load_n(&srv->stats.scrapes, __ATOMIC_RELAXED);
	st.scrape_cpu_ns = __atomic_load_n(&srv->stats.scrape_cpu_ns, __ATOMIC_RELAXED);
	st.refused = __atomic_load_n(&srv->stats.refused, __ATOMIC_RELAXED);
	st.timed_out = __atomic_load_n(&srv->stats.timed_out, __ATOMIC_RELAXED);
	render_metrics(&b, snap, &st, om);
	snapshot_put(snap);
	body = buf_take(&b, &len);
	__atomic_add_fetch(&srv->stats.scrapes, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&srv->stats.scrape_cpu_ns, thread_cpu_ns() - cpu0, __ATOMIC_RELAXED);
	if (!body)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
			     "out of memory\n", 14, false);
	return reply(c, MHD_HTTP_OK,
		     om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			: "text/plain; version=0.0.4; charset=utf-8", body, len, true);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	static const char home[] = "<html><head><title>vmon-export</title></head><body>"
				   "<h1>vmon-export</h1><p><a href=\"/metrics\">Metrics</a></p>"
				   "</body></html>\n";
	static int marker;
	struct server *srv = cls;

	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
			     "only GET and HEAD\n", 18, false);
	if (*upload_data_size)	/* a GET with a body: not read, not wanted */
		return MHD_NO;
	if (!*req_cls) {	/* the headers are in; the (empty) body comes next */
		*req_cls = &marker;
		return MHD_YES;
	}
	if (!authorised(srv, c)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			13, "Unauthorized\n", MHD_RESPMEM_PERSISTENT);
		enum MHD_Result rc;

		if (!r)
			return MHD_NO;
		rc = MHD_queue_basic_auth_fail_response(c, "vmon-export", r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, "/metrics"))
		return metrics(srv, c);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)home,
			     sizeof(home) - 1, false);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n", 10, false);
}

static char *slurp(const char *path, char *err, size_t esz)
{
	FILE *f = fopen(path, "re");
	char *data;
	size_t n;

	if (!f) {
		snprintf(err, esz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	data = malloc(MAX_PEM_BYTES + 1);
	n = data ? fread(data, 1, MAX_PEM_BYTES + 1, f) : 0;
	fclose(f);
	if (!data || n > MAX_PEM_BYTES || n == 0) {
		snprintf(err, esz, "%s: empty, unreadable or larger than 1 MiB", path);
		free(data);
		return NULL;
	}
	data[n] = '\0';
	return data;
}

/* "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every address) */
static int parse_listen(const char *s, struct sockaddr_storage *ss, bool *v6)
{
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	long port;

	if (!colon || colon - s >= (long)sizeof(host))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(ss, 0, sizeof(*ss));
	*v6 = host[0] == '[';
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t n = strlen(host);

		if (n < 2 || host[n - 1] != ']')
			return -1;
		host[n - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!host[0])
		return 0;	/* INADDR_ANY */
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static void bound_address(const struct server *srv, const struct sockaddr_storage *ss,
			  bool v6, char *out, size_t size)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	char host[INET6_ADDRSTRLEN] = "";
	unsigned port = di ? di->port : 0;

	if (v6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof(host));
	snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", host, port);
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	if (srv->d)
		MHD_stop_daemon(srv->d);
	if (srv->watchdog_running) {
		pthread_mutex_lock(&srv->lock);
		srv->stopping = true;
		pthread_cond_signal(&srv->wake);
		pthread_mutex_unlock(&srv->lock);
		pthread_join(srv->watchdog, NULL);
	}
	free(srv->pem_cert);
	free(srv->pem_key);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->wake);
	free(srv);
}

struct server *server_start(const struct export_opts *o, struct sampler *s,
			    struct web_config *wc, char *bound, size_t boundsize,
			    char *err, size_t esz)
{
	struct server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
			 MHD_USE_ERROR_LOG;
	pthread_condattr_t cattr;
	char prio[128] = "";
	bool v6;

	if (!srv) {
		snprintf(err, esz, "out of memory");
		return NULL;
	}
	srv->opts = *o;
	srv->sampler = s;
	srv->wc = wc;
	pthread_mutex_init(&srv->lock, NULL);
	/* the watchdog waits for a CLOCK_MONOTONIC deadline: a condition
	 * variable on the default (realtime) clock would take it as long
	 * past, and the watchdog would spin */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->wake, &cattr);
	pthread_condattr_destroy(&cattr);
	if (parse_listen(o->listen, &ss, &v6) < 0) {
		snprintf(err, esz, "--listen %s: expected ADDR:PORT, [ADDR6]:PORT or :PORT",
			 o->listen);
		goto fail;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (wc && wc->cert_file) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			snprintf(err, esz, "this libmicrohttpd has no TLS");
			goto fail;
		}
		srv->pem_cert = slurp(wc->cert_file, err, esz);
		srv->pem_key = srv->pem_cert ? slurp(wc->key_file, err, esz) : NULL;
		if (!srv->pem_key)
			goto fail;
		flags |= MHD_USE_TLS;
		webconfig_priorities(wc, prio, sizeof(prio));
	}
	srv->d = MHD_start_daemon(flags, 0, accept_policy, srv, handle, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections + 8,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->request_timeout + 0.999),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_request_bytes,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,	/* 400 for what HTTP/1.1 forbids */
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, srv,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv,
		srv->pem_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, srv->pem_cert,
		MHD_OPTION_HTTPS_MEM_KEY, srv->pem_key,
		MHD_OPTION_HTTPS_PRIORITIES, prio,
		MHD_OPTION_END);
	if (!srv->d) {
		snprintf(err, esz, "cannot serve on %s (address in use, or a bad certificate "
			 "or key)", o->listen);
		goto fail;
	}
	if (pthread_create(&srv->watchdog, NULL, watchdog, srv)) {
		snprintf(err, esz, "pthread_create failed");
		goto fail;
	}
	srv->watchdog_running = true;
	bound_address(srv, &ss, v6, bound, boundsize);
	return srv;
fail:
	server_stop(srv);
	return NULL;
}
