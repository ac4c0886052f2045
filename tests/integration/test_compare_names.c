/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compare_names.c - processes naming themselves with
 * prctl(PR_SET_NAME) to spoof the fields of /proc/PID/stat that follow comm
 * ("x) Z 1 1", "a) Z 1 1 1\n", "))))", "((sd-pam))", "a b";
 * docs/design/kernel.md K1, K2): comm must be exactly those bytes and
 * state, ppid, pgrp and start the real ones, as /proc/PID/status (which
 * escapes the name) and the test's own reader (split at the last ')') say.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

struct named {
	const char *name;
	struct t_sync ready;
};

static bool rename_self(void *arg)
{
	struct named *n = arg;

	if (prctl(PR_SET_NAME, n->name))
		return false;
	t_sync_post(&n->ready);
	for (;;)
		pause();
	return true;
}

/* "Key:\tvalue" of /proc/PID/status, the first word of the value */
static void status_value(pid_t pid, const char *key, char *out, size_t size)
{
	char path[64], *buf, *line;
	size_t klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	buf = t_read_file(path, NULL);
	ASSERT(buf);
	for (line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			char *v = line + klen + 1;

			v += strspn(v, " \t");
			snprintf(out, size, "%.*s", (int)strcspn(v, " \t\n"), v);
			free(buf);
			return;
		}
	}
	free(buf);
	ASSERT_MSG(0, "no %s in /proc/%d/status", key, pid);
}

TEST(compare_spoofing_comm)
{
	static const char *const names[] = { "x) Z 1 1", "a) Z 1 1 1\n", "))))", "((sd-pam))", "a b" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	struct named kids[N];
	vmon_proc_t *nodes[N];
	pid_t pids[N];
	vmon_t v;

	for (int i = 0; i < N; i++) {
		kids[i].name = names[i];
		t_sync_init(&kids[i].ready);
		pids[i] = t_fork(rename_self, &kids[i]);
		t_sync_wait(&kids[i].ready);
		t_wait_sleeping(pids[i]);
	}
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, VMON_WANT_PROC_STAT));
	for (int i = 0; i < N; i++) {
		nodes[i] = vmon_proc_monitor(&v, pids[i], 0, NULL, NULL);
		ASSERT(nodes[i]);
	}
	ASSERT(vmon_sample(&v));
	for (int i = 0; i < N; i++) {
		const vmon_proc_stat_t *st = nodes[i]->stores[VMON_STORE_PROC_STAT];
		char state[16], ppid[16];

		ASSERT_EQ(st->comm.len, strlen(names[i]) + 1);	/* its NUL counted */
		ASSERT_MSG(!memcmp(st->comm.array, names[i], st->comm.len),
			   "comm \"%s\" read as \"%s\"", names[i], st->comm.array);
		status_value(pids[i], "State", state, sizeof(state));
		status_value(pids[i], "PPid", ppid, sizeof(ppid));
		ASSERT_MSG(st->state == state[0], "name \"%s\": state %c, status says %s",
			   names[i], st->state, state);
		ASSERT_EQ(st->ppid, atoll(ppid));
		ASSERT_EQ(st->ppid, getpid());
		ASSERT_EQ(st->state, 'S');
		ASSERT_EQ(st->pid, pids[i]);
		ASSERT_EQ(st->pgrp, getpgrp());
		ASSERT_ULL_EQ(st->start, t_stat_ull(pids[i], 0, 22));
	}
	vmon_destroy(&v);
	for (int i = 0; i < N; i++) {
		t_kill(pids[i]);
		t_sync_close(&kids[i].ready);
	}
}
