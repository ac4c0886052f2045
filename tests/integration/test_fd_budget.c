/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fd_budget.c - descriptor exhaustion (the original's defect 13):
 * with RLIMIT_NOFILE at 64 and 2000 monitored processes every sample must
 * succeed with every figure right, the stores that could not keep a
 * descriptor read open-per-sample and counted, and persistent descriptors
 * must come back when the limit allows; ENFILE is survived the same way.
 * Also the budget set by the caller (vmon_set_fd_budget()) and the
 * self-report (vmon_sample_cost()), and what a budget of 0 means: every
 * file opened by path from the proc root, where ENOENT must still tell a
 * process gone from a file this kernel does not have.
 *
 * The soft limit lowered while the instance holds thousands of
 * descriptors: the next sample sheds them down to the new budget before it
 * opens anything, so no process is lost, every figure stays exact and the
 * application can still open files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"
#include "want_util.h"

#define WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT | \
	       VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)

static pid_t *spawn_many(int n)
{
	pid_t *kids = calloc(n, sizeof(*kids));

	ASSERT(kids);
	for (int i = 0; i < n; i++)
		kids[i] = t_fork(t_sleeper, NULL);
	return kids;
}

/* Descriptors open in this process, however many. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = -1;	/* the listing's own */

	ASSERT(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;	/* . and .. */
}

/* Every followed child is one of ours and its figures are right. */
static void check_children(vmon_proc_t *self, int n)
{
	vmon_proc_t *c;
	int nr = 0;

	list_for_each_entry(c, &self->children, siblings) {
		vmon_proc_stat_t *st = c->stores[VMON_STORE_PROC_STAT];
		vmon_proc_vm_t *vm = c->stores[VMON_STORE_PROC_VM];
		char path[64], *statm;

		ASSERT(st && vm && !c->is_stale);
		ASSERT_EQ(st->pid, c->pid);
		ASSERT_EQ(st->ppid, getpid());
		ASSERT_ULL_EQ(st->start, t_stat_ull(c->pid, 0, 22));
		snprintf(path, sizeof(path), "/proc/%d/statm", c->pid);
		statm = t_read_file(path, NULL);
		ASSERT(statm);
		ASSERT_ULL_EQ(vm->size_pages, strtoull(statm, NULL, 10));
		free(statm);
		ASSERT(!(c->unavailable & (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM)));
		nr++;
	}
	ASSERT_EQ(nr, n);
}

TEST(defect_13_rlimit_64_with_2000_processes)
{
	enum { N = 2000 };
	struct rlimit rl, low;
	vmon_sample_cost_t cost;
	pid_t *kids = spawn_many(N);
	int base = count_fds();
	vmon_proc_t *self;
	vmon_t v;

	ASSERT(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	low = rl;
	low.rlim_cur = 64;
	ASSERT(setrlimit(RLIMIT_NOFILE, &low) == 0);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, WANTS));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.fd_budget, 32);	/* 64 less the 32 left to us */
		ASSERT(cost.fds_held <= cost.fd_budget);
		ASSERT(t_count_fds() <= 64);
		ASSERT_MSG(cost.fallback_files > N && cost.fallback_nodes > N - 32,
			   "fallback: %d files, %d nodes", cost.fallback_files, cost.fallback_nodes);
		check_children(self, N);
		t_check_tree(&v);
	}
	/* the limit allows more again: descriptors are held again */
	ASSERT(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.fallback_files, 0);
	ASSERT_EQ(cost.fallback_nodes, 0);
	ASSERT(cost.fds_held > 4 * N);
	ASSERT_EQ(cost.fds_held, count_fds() - base);
	check_children(self, N);
	vmon_destroy(&v);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

/* The file at path, read now, has key's value (a "Key: value" line). */
static unsigned long long keyed(pid_t pid, const char *file, const char *key)
{
	unsigned long long v;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	ASSERT_MSG(t_keyed_value(path, key, &v), "%s: no %s", path, key);
	return v;
}

/* Column n (0-based) of /proc/PID/statm, read now. */
static unsigned long long statm_column(pid_t pid, int n)
{
	unsigned long long v = 0;
	char path[64], *statm, *p;

	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	statm = t_read_file(path, NULL);
	ASSERT(statm);
	p = statm;
	for (int i = 0; i <= n; i++)
		v = strtoull(p, &p, 10);
	free(statm);
	return v;
}

/* Every figure of the three stores that a sleeping child keeps still is
 * what its files say now. */
static void check_exact(vmon_proc_t *self)
{
	vmon_proc_t *c;

	list_for_each_entry(c, &self->children, siblings) {
		vmon_proc_stat_t *st = c->stores[VMON_STORE_PROC_STAT];
		vmon_proc_vm_t *vm = c->stores[VMON_STORE_PROC_VM];
		vmon_proc_io_t *io = c->stores[VMON_STORE_PROC_IO];

		ASSERT(st && vm && io && !c->unavailable);
		ASSERT_EQ(st->state, 'S');
		ASSERT_ULL_EQ(st->minflt, t_stat_ull(c->pid, 0, 10));
		ASSERT_ULL_EQ(st->utime, t_stat_ull(c->pid, 0, 14));
		ASSERT_ULL_EQ(st->stime, t_stat_ull(c->pid, 0, 15));
		ASSERT_ULL_EQ(st->vsize, t_stat_ull(c->pid, 0, 23));
		ASSERT_ULL_EQ(vm->size_pages, statm_column(c->pid, 0));
		ASSERT_ULL_EQ(vm->resident_pages, statm_column(c->pid, 1));
		ASSERT_ULL_EQ(vm->shared_pages, statm_column(c->pid, 2));
		ASSERT_ULL_EQ(io->rchars, keyed(c->pid, "io", "rchar"));
		ASSERT_ULL_EQ(io->wchars, keyed(c->pid, "io", "wchar"));
		ASSERT_ULL_EQ(io->syscr, keyed(c->pid, "io", "syscr"));
		ASSERT_ULL_EQ(io->syscw, keyed(c->pid, "io", "syscw"));
	}
}

/* A child started now, asleep when this returns. */
static pid_t spawn_asleep(void)
{
	struct t_sync sync;
	pid_t pid;

	t_sync_init(&sync);
	pid = t_fork(t_sleeper, &sync);
	t_sync_wait(&sync);
	t_sync_close(&sync);
	t_wait_sleeping(pid);
	return pid;
}

/*
 * The limit lowered under an instance holding thousands of descriptors
 * (reported: 2,015 held against a new soft limit of 100, new processes
 * never found, the application's open() failing with EMFILE).  The very
 * next sample must shed down to the new budget before it opens anything:
 * the children started meanwhile are found, every figure is exact, the
 * application can open a file, and the cost says what happened.
 */
TEST(rlimit_lowered_while_running)
{
	enum { N = 2000, LATE = 5, LOW = 100 };
	struct rlimit rl, high, low;
	vmon_sample_cost_t cost;
	pid_t *kids = spawn_many(N), late[LATE];
	vmon_proc_t *self;
	int base, fd;
	vmon_t v;

	for (int i = 0; i < N; i++)
		t_wait_sleeping(kids[i]);
	ASSERT(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	high = rl;
	high.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
	if (high.rlim_cur < 10 * N)
		SKIP("RLIMIT_NOFILE hard limit %llu: too low to hold %d processes' files",
		     (unsigned long long)rl.rlim_max, N);
	ASSERT(setrlimit(RLIMIT_NOFILE, &high) == 0);
	base = count_fds();
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM, WANTS));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	ASSERT(vmon_sample(&v) && vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_MSG(cost.fds_held > 4 * N, "%d descriptors held", cost.fds_held);
	ASSERT_EQ(cost.fds_held, count_fds() - base);
	for (int i = 0; i < LATE; i++)
		late[i] = spawn_asleep();

	/* from here until the sample, nothing may open: we are over the limit */
	low = high;
	low.rlim_cur = LOW;
	ASSERT(setrlimit(RLIMIT_NOFILE, &low) == 0);
	for (int s = 0; s < 3; s++) {
		ASSERT(vmon_sample(&v));
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.fd_budget, LOW - 32);
		ASSERT_MSG(cost.fds_held <= cost.fd_budget, "sample %d: %d held, budget %d", s,
			   cost.fds_held, cost.fd_budget);
		ASSERT_EQ(count_fds() - base, cost.fds_held);
		ASSERT_MSG(cost.fallback_files > N && cost.fallback_nodes > N - LOW,
			   "sample %d: fallback %d files, %d nodes", s, cost.fallback_files,
			   cost.fallback_nodes);
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ASSERT_MSG(fd >= 0, "the application's open(): %s", strerror(errno));
		close(fd);
		check_children(self, N + LATE);
		check_exact(self);
		t_check_tree(&v);
	}

	/* the limit raised again: descriptors are held again */
	ASSERT(setrlimit(RLIMIT_NOFILE, &high) == 0);
	ASSERT(vmon_sample(&v) && vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.fallback_files + cost.fallback_nodes, 0);
	ASSERT_MSG(cost.fds_held > 4 * N, "%d descriptors held again", cost.fds_held);
	ASSERT_EQ(cost.fds_held, count_fds() - base);
	check_children(self, N + LATE);
	check_exact(self);
	vmon_destroy(&v);
	ASSERT_EQ(count_fds(), base);
	for (int i = 0; i < LATE; i++)
		t_kill(late[i]);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

static void set_oom_adj(pid_t pid, int adj)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	f = fopen(path, "w");
	ASSERT(f);
	ASSERT(fprintf(f, "%d\n", adj) > 0);
	ASSERT(fclose(f) == 0);
}

/*
 * A budget the caller lowers is met at the next sample as well, files not
 * read in that sample included (a want due every 4th sample): their
 * descriptors are shed by number, other files take the numbers when the
 * budget rises again, and each store still reads its own file when it is
 * next due.
 */
TEST(fd_budget_lowered_sheds_files_not_due)
{
	enum { N = 10, EVERY = 4 };
	pid_t *kids = spawn_many(N);
	vmon_sample_cost_t cost;
	int fds = t_count_fds();
	vmon_proc_t *self, *c;
	vmon_t v;

	for (int i = 0; i < N; i++)
		set_oom_adj(kids[i], 10 * (i + 1));
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_VM | VMON_WANT_PROC_OOM));
	ASSERT(vmon_set_want_interval(&v, VMON_WANT_PROC_OOM, EVERY));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	ASSERT(vmon_sample(&v));	/* generation 1: every file read and held */
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_MSG(cost.fds_held > 3 * N, "%d held", cost.fds_held);
	ASSERT(vmon_set_fd_budget(&v, 4));
	ASSERT(vmon_sample(&v));	/* 2: the oom files are not due, yet shed */
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_MSG(cost.fds_held <= 4, "%d held, budget 4", cost.fds_held);
	ASSERT_EQ(t_count_fds() - fds, cost.fds_held);
	ASSERT(vmon_set_fd_budget(&v, -1));
	ASSERT(vmon_sample(&v) && vmon_sample(&v));	/* 3, 4: statm held again */
	for (int i = 0; i < N; i++)
		set_oom_adj(kids[i], 500 + i);
	ASSERT(vmon_sample(&v));	/* 5: the oom files due */
	ASSERT_EQ(v.generation, 1 + EVERY);
	list_for_each_entry(c, &self->children, siblings) {
		vmon_proc_oom_t *oom = c->stores[VMON_STORE_PROC_OOM];
		char path[64], *text;

		ASSERT(oom && !c->unavailable);
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", c->pid);
		ASSERT((text = t_read_file(path, NULL)));
		ASSERT_EQ(oom->adj, atoll(text));
		ASSERT(oom->adj >= 500);
		free(text);
		snprintf(path, sizeof(path), "/proc/%d/oom_score", c->pid);
		ASSERT((text = t_read_file(path, NULL)));
		ASSERT_EQ(oom->score, atoll(text));
		free(text);
	}
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(t_count_fds() - fds, cost.fds_held);
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

TEST(defect_13_enfile_is_survived)
{
	enum { N = 50 };
	struct vmon_fault_plan enfile = { .armed = 1, .countdown = 1, .persistent = 1,
					  .err = ENFILE };
	pid_t *kids = spawn_many(N);
	vmon_proc_t *self;
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, WANTS));
	ASSERT(vmon_set_fd_budget(&v, 0));	/* every file opened per sample... */
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	vmon_test_fault_set(VMON__FAULT_OPEN, &enfile);	/* ...and none can be */
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
	}
	ASSERT(self->unavailable & VMON_WANT_PROC_STAT);
	vmon_test_fault_clear();
	/* the back-off lasts a few samples at most */
	for (int i = 0; i < 8; i++)
		ASSERT(vmon_sample(&v));
	check_children(self, N);
	vmon_destroy(&v);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

TEST(fd_budget_set_by_the_caller)
{
	enum { N = 20 };
	pid_t *kids = spawn_many(N);
	vmon_sample_cost_t cost;
	vmon_proc_t *self;
	int fds = t_count_fds();
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_STAT, WANTS));
	ASSERT(vmon_set_fd_budget(&v, 10));
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(self);
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.fd_budget, 10);
		ASSERT(cost.fds_held <= 10);
		ASSERT_EQ(t_count_fds() - fds, cost.fds_held);
		ASSERT(cost.reads > 3 * N && cost.opens > 3 * N && cost.bytes_read > 0);
		ASSERT(cost.wall_ns > 0 && cost.cpu_ns > 0);
		check_children(self, N);
	}
	ASSERT(vmon_set_fd_budget(&v, -1));	/* the default: room for all */
	ASSERT(vmon_sample(&v) && vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.fallback_files + cost.fallback_nodes, 0);
	/* steady state, once the companions' refreshes are off: no open */
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_CMDLINE, 0));
	ASSERT(vmon_set_refresh(&v, VMON_REFRESH_WCHAN, 0));
	ASSERT(!vmon_set_refresh(&v, VMON_REFRESH_NR, 1) && errno == EINVAL);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.opens, 0);
	ASSERT(!vmon_set_fd_budget(NULL, 1) && errno == EINVAL);
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
	for (int i = 0; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

/* Budget 0, real processes, no stat want (the start-time check is stat's):
 * a process gone is stale at the next sample, and its siblings' figures
 * stay right, each file opened by path. */
TEST(fd_budget_0_reads_by_path)
{
	enum { N = 6 };
	pid_t *kids = spawn_many(N);
	vmon_proc_t *procs[N];
	vmon_sample_cost_t cost;
	int fds = t_count_fds();
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			 VMON_WANT_PROC_VM | VMON_WANT_PROC_IO));
	ASSERT(vmon_set_fd_budget(&v, 0));
	for (int i = 0; i < N; i++)
		ASSERT((procs[i] = vmon_proc_monitor(&v, kids[i], 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.fds_held, 1);	/* the proc root */
	ASSERT_EQ(t_count_fds() - fds, 1);
	ASSERT_EQ(cost.fallback_nodes, N);
	ASSERT_EQ(cost.fallback_files, 2 * N);
	ASSERT_EQ(cost.opens, 2 * N);
	t_kill(kids[0]);
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(procs[0]->is_stale, "pid %d reaped, read by path, not stale", kids[0]);
	for (int i = 1; i < N; i++) {
		vmon_proc_vm_t *vm = procs[i]->stores[VMON_STORE_PROC_VM];
		char path[64], *statm;

		ASSERT(!procs[i]->is_stale && !procs[i]->unavailable);
		snprintf(path, sizeof(path), "/proc/%d/statm", kids[i]);
		ASSERT((statm = t_read_file(path, NULL)));
		ASSERT_ULL_EQ(vm->size_pages, strtoull(statm, NULL, 10));
		free(statm);
	}
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
	for (int i = 1; i < N; i++)
		t_kill(kids[i]);
	free(kids);
}

/* Budget 0 over a fixture root: a file missing from a process directory
 * that is there (an older kernel without io) is unavailable, not an exit;
 * the directory removed is an exit. */
TEST(fd_budget_0_missing_file_is_not_an_exit)
{
	int fds = t_count_fds();
	char dir[256], path[300];
	vmon_proc_t *p;
	vmon_t v;

	t_copy_fixture("procs", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/101/io", dir);
	ASSERT(unlink(path) == 0);
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_NONE,
			      VMON_WANT_PROC_VM | VMON_WANT_PROC_IO));
	ASSERT(vmon_set_fd_budget(&v, 0));
	ASSERT((p = vmon_proc_monitor(&v, 101, 0, NULL, NULL)));
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(!p->is_stale);
		ASSERT_EQ(p->unavailable, VMON_WANT_PROC_IO);
		ASSERT(p->stores[VMON_STORE_PROC_VM]);
		ASSERT(((vmon_proc_vm_t *)p->stores[VMON_STORE_PROC_VM])->size_pages > 0);
	}
	snprintf(path, sizeof(path), "%s/101", dir);
	t_rm_tree(path);
	ASSERT(vmon_sample(&v));
	ASSERT_MSG(p->is_stale, "the directory of 101 removed, its node not stale");
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
	t_rm_tree(dir);
}
