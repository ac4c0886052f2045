/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http.h - vmon-export's HTTP server: libmicrohttpd on one thread of its
 * own, serving /metrics from the sampler's last snapshot.
 */
#ifndef EXPORT_HTTP_H
#define EXPORT_HTTP_H

#include <stddef.h>

#include "export.h"
#include "webconfig.h"

struct server;

/* Listen on o->listen (TLS and basic authentication as wc says; wc may be
 * NULL).  NULL with a message in err.  The address bound (the port of
 * ":0" chosen) is written to bound. */
struct server *server_start(const struct export_opts *o, struct sampler *s,
			    struct web_config *wc, char *bound, size_t boundsize,
			    char *err, size_t errsize);
void server_stop(struct server *srv);

#endif
