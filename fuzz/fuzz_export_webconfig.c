/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_export_webconfig.c - libFuzzer target for webconfig_parse(), the
 * Prometheus web configuration file as vmon-export reads it
 * (tools/export/webconfig.h): read or refused with a message; what is
 * read holds a certificate and a key or neither, and only bcrypt hashes.
 * Passwords are not checked here: bcrypt would make every input slow.
 */
#include <string.h>

#include "fuzz.h"
#include "webconfig.h"

static void one(const char *text, size_t len)
{
	char err[256], prio[128];
	struct web_config wc;

	if (webconfig_parse(text, len, "/etc/vmon", &wc, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0]);
		return;
	}
	FUZZ_CHECK(!wc.cert_file == !wc.key_file);
	for (int i = 0; i < wc.nusers; i++)
		FUZZ_CHECK(strlen(wc.users[i].hash) == 60 && wc.users[i].name);
	webconfig_priorities(&wc, prio, sizeof(prio));
	FUZZ_CHECK(!strncmp(prio, "NORMAL:-VERS-ALL", 16));
	webconfig_free(&wc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size);
	one(FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
