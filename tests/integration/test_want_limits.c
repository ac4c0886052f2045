/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_limits.c - VMON_WANT_PROC_LIMITS on real processes the test
 * starts, every limit compared with two independent readers: psutil's
 * Process.rlimit() (prlimit(2)) and /proc/PID/limits read here by column:
 *
 *   - a child that set its own limits with setrlimit(2) (some lowered to
 *     numbers of its own, some unlimited, some left as inherited): all
 *     sixteen resources, soft and hard, "unlimited" as VMON_RLIM_INFINITY
 *     where psutil says -1;
 *   - a limit changed from outside with prlimit(2) while monitored: that
 *     field alone is changed at the next sample;
 *   - the getter's errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

#define INF VMON_RLIM_INFINITY

/* the lines of /proc/PID/limits, in resource order, as this test knows them */
static const char *const names[VMON_RLIMIT_NR] = {
	"Max cpu time", "Max file size", "Max data size", "Max stack size",
	"Max core file size", "Max resident set", "Max processes", "Max open files",
	"Max locked memory", "Max address space", "Max file locks", "Max pending signals",
	"Max msgqueue size", "Max nice priority", "Max realtime priority",
	"Max realtime timeout",
};

struct limits {
	unsigned long long soft[VMON_RLIMIT_NR], hard[VMON_RLIMIT_NR];
};

static unsigned long long file_value(const char *s)
{
	return !strncmp(s, "unlimited", 9) ? INF : strtoull(s, NULL, 10);
}

/* /proc/PID/limits by the kernel's columns ("%-25s %-20s %-20s"): line i
 * after the header is resource i */
static void read_file(pid_t pid, struct limits *l)
{
	char path[64], *text, *line, *save = NULL;
	int r = -1;

	snprintf(path, sizeof(path), "/proc/%d/limits", pid);
	ASSERT((text = t_read_file(path, NULL)));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), r++) {
		if (r < 0)
			continue;	/* the header */
		ASSERT(r < VMON_RLIMIT_NR && strlen(line) > 47);
		ASSERT_MSG(!strncmp(line, names[r], strlen(names[r])), "line %d: %s", r, line);
		l->soft[r] = file_value(line + 26);
		l->hard[r] = file_value(line + 47);
	}
	ASSERT_EQ(r, VMON_RLIMIT_NR);
	free(text);
}

/* psutil: rlimit(r) of every resource, -1 for unlimited */
static void read_psutil(pid_t pid, struct limits *l)
{
	char out[1024], *p = out;

	ASSERT(t_psutil(pid, "\" \".join(\"%d %d\" % p.rlimit(r) for r in range(16))", out,
			sizeof(out)));
	for (int r = 0; r < VMON_RLIMIT_NR; r++) {
		long long soft = strtoll(p, &p, 10), hard = strtoll(p, &p, 10);

		l->soft[r] = soft == -1 ? INF : (unsigned long long)soft;
		l->hard[r] = hard == -1 ? INF : (unsigned long long)hard;
	}
}

/* The store, the file and psutil agree on every limit. */
static void compare(const vmon_proc_limits_t *lim, pid_t pid)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_LIMITS);
	struct limits file, ps;

	read_file(pid, &file);
	read_psutil(pid, &ps);
	for (int r = 0; r < VMON_RLIMIT_NR; r++) {
		unsigned long long soft, hard;

		ASSERT_MSG(vmon_proc_limits_get(lim, r, &soft, &hard), "%s unavailable", names[r]);
		ASSERT_MSG(soft == file.soft[r] && hard == file.hard[r],
			   "%s: library %llu %llu, file %llu %llu", names[r], soft, hard,
			   file.soft[r], file.hard[r]);
		ASSERT_MSG(soft == ps.soft[r] && hard == ps.hard[r],
			   "%s: library %llu %llu, psutil %llu %llu", names[r], soft, hard,
			   ps.soft[r], ps.hard[r]);
		/* the reflection rows name the same lines */
		ASSERT(!strncmp(info->fields[2 * r].source, names[r], strlen(names[r])));
		ASSERT(!strncmp(info->fields[2 * r + 1].source, names[r], strlen(names[r])));
	}
}

/* Lower resource r to (soft, hard), within the hard limit in force. */
static bool set(int r, unsigned long long soft, unsigned long long hard)
{
	struct rlimit now, want;

	if (getrlimit(r, &now))
		return false;
	if (now.rlim_max != RLIM_INFINITY && hard > now.rlim_max)
		hard = now.rlim_max;
	if (soft > hard)
		soft = hard;
	want.rlim_cur = soft;
	want.rlim_max = hard;
	return setrlimit(r, &want) == 0;
}

static bool limited_main(void *arg)
{
	if (!set(RLIMIT_CPU, 3600, INF) || !set(RLIMIT_FSIZE, (1ULL << 30) + 1, (2ULL << 30) + 1) ||
	    !set(RLIMIT_DATA, (64ULL << 30) + 2, INF) ||
	    !set(RLIMIT_STACK, (4 << 20) + 3, (16 << 20) + 3) || !set(RLIMIT_CORE, 0, INF) ||
	    !set(RLIMIT_NOFILE, 100, 200) || !set(RLIMIT_LOCKS, 1000, 2000) ||
	    !set(RLIMIT_SIGPENDING, 1000, 2000) || !set(RLIMIT_MSGQUEUE, 81925, 819200) ||
	    !set(RLIMIT_RTTIME, 500000, 1000000))
		return false;
	return t_sleeper(arg);
}

static vmon_proc_limits_t *limits_of(vmon_proc_t *p)
{
	ASSERT(p->stores[VMON_STORE_PROC_LIMITS]);
	return p->stores[VMON_STORE_PROC_LIMITS];
}

TEST(want_limits_of_a_child_that_set_its_own)
{
	struct t_sync ready;
	unsigned long long soft, hard;
	vmon_proc_limits_t *lim;
	vmon_proc_t *p;
	vmon_t v;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(limited_main, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_LIMITS));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	lim = limits_of(p);
	compare(lim, pid);
	ASSERT_EQ(p->unavailable, 0);
	for (int sym = 0; sym < VMON_PROC_LIMITS_NR; sym++)
		ASSERT(!BITTEST(lim->unavailable, sym));
	/* what the child set */
	ASSERT(vmon_proc_limits_get(lim, RLIMIT_NOFILE, &soft, &hard) && soft == 100 && hard == 200);
	ASSERT(lim->nofile_soft == 100 && lim->nofile_hard == 200);
	ASSERT(lim->cpu_soft == 3600);
	ASSERT(lim->core_soft == 0);
	ASSERT(lim->rttime_soft == 500000 && lim->rttime_hard == 1000000);
	ASSERT_ULL_EQ(lim->data_soft, (64ULL << 30) + 2);
	ASSERT(lim->locks_soft == 1000 && lim->sigpending_hard == 2000);
	/* unlimited, distinctly: psutil's -1, the file's "unlimited" */
	ASSERT_ULL_EQ(lim->data_hard, VMON_RLIM_INFINITY);
	ASSERT_ULL_EQ(lim->core_hard, VMON_RLIM_INFINITY);
	ASSERT(vmon_proc_limits_get(lim, RLIMIT_CPU, NULL, &hard) && hard == RLIM_INFINITY);
	printf("limits: nofile %llu/%llu, stack %llu/%llu, cpu %llu/unlimited, as %s\n",
	       lim->nofile_soft, lim->nofile_hard, lim->stack_soft, lim->stack_hard, lim->cpu_soft,
	       lim->as_soft == INF ? "unlimited" : "limited");
	/* a second sample of the same file changes nothing */
	ASSERT(vmon_sample(&v));
	ASSERT(!(p->activity & VMON_WANT_PROC_LIMITS));
	vmon_destroy(&v);
	t_kill(pid);
}

TEST(want_limits_changed_from_outside)
{
	const struct rlimit nofile = { 50, 150 };
	struct t_sync ready;
	vmon_proc_limits_t *lim;
	vmon_proc_t *p;
	vmon_t v;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(limited_main, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_LIMITS));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	lim = limits_of(p);
	ASSERT(prlimit(pid, RLIMIT_NOFILE, &nofile, NULL) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(p->activity & VMON_WANT_PROC_LIMITS);
	for (int sym = 0; sym < VMON_PROC_LIMITS_NR; sym++)
		ASSERT_MSG(!BITTEST(lim->changed, sym) ==
			   (sym != VMON_PROC_LIMITS_NOFILE_SOFT && sym != VMON_PROC_LIMITS_NOFILE_HARD),
			   "changed bit of %s", vmon_proc_store_info(VMON_STORE_PROC_LIMITS)->fields[sym].name);
	ASSERT(lim->nofile_soft == 50 && lim->nofile_hard == 150);
	compare(lim, pid);
	/* read every third sample only: the store keeps its figures between */
	ASSERT(vmon_set_want_interval(&v, VMON_WANT_PROC_LIMITS, 3));
	vmon_destroy(&v);
	t_kill(pid);
}

TEST(want_limits_get_errors)
{
	vmon_proc_limits_t lim = { 0 };
	unsigned long long soft, hard;

	ASSERT(!vmon_proc_limits_get(NULL, RLIMIT_NOFILE, &soft, &hard) && errno == EINVAL);
	ASSERT(!vmon_proc_limits_get(&lim, -1, &soft, &hard) && errno == EINVAL);
	ASSERT(!vmon_proc_limits_get(&lim, VMON_RLIMIT_NR, &soft, &hard) && errno == EINVAL);
	ASSERT(vmon_proc_limits_get(&lim, RLIMIT_CORE, &soft, &hard) && soft == 0 && hard == 0);
	BITSET(lim.unavailable, VMON_PROC_LIMITS_CORE_HARD);
	ASSERT(!vmon_proc_limits_get(&lim, RLIMIT_CORE, &soft, &hard) && errno == ENOENT);
	ASSERT(vmon_proc_limits_get(&lim, RLIMIT_CORE, &soft, NULL));
	ASSERT(vmon_proc_limits_get(&lim, RLIMIT_CORE, NULL, NULL));
}
