/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_export_procnames.c - libFuzzer target for procnames_parse(),
 * process-exporter's process_names rules as vmon-export reads them
 * (tools/export/procnames.h): a file is read or refused with a message;
 * rules that were read then name a few processes (comm, exe and cmdline
 * matching, templates, PCRE2 under its match limit) into a
 * NUL-terminated name.  The input's second half is a second file.
 */
#include <string.h>

#include "fuzz.h"
#include "procnames.h"

static const struct proc_info procs[] = {
	{ "bash", "/bin/bash", "bash", "/bin/bash -l", "root", "/user.slice", 1 },
	{ "prometheus", "/usr/bin/prometheus", "prometheus",
	  "/usr/bin/prometheus --config.file=/etc/p.yml", "prometheus", "/system.slice", 42 },
	{ "x", "", "x", "", "", "", 7 },
	{ "\xff\xfe", "\xc3(", "\xc3(", "a\xff b\x80 (((((((((a", "?", "", 9 },
};

static void one(const char *text, size_t len)
{
	char err[256];
	struct procnames *pn = procnames_parse(text, len, err, sizeof(err));
	struct buf out = { 0 };

	if (!pn) {
		FUZZ_CHECK(err[0]);
		return;
	}
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		if (procnames_match(pn, &procs[i], &out) && out.data && !out.failed)
			FUZZ_CHECK(strlen(out.data) == out.len);
	buf_free(&out);
	procnames_free(pn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size);
	one(FUZZ_TAIL(data, size), FUZZ_TAIL_LEN(size));
	return 0;
}
