/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_backend_bpf.c - the BPF backend against the procfs backend
 * (docs/design/backend.md): two instances, one on each, sample the same
 * live processes the test starts, one right after the other, and must
 * agree field by field on PROC_STAT, PROC_VM and PROC_IO (CPU within one
 * tick: the two reads are instants apart), on the change bits, on is_new
 * and is_stale and on the constructor and destructor callbacks: through
 * a fork tree, threads that exit, an exec, a pid reused by clone3()'s
 * set_tid, and children exiting while the iterator runs.  The processes
 * are stopped or asleep whenever both instances read them, so nothing
 * moves between the two reads.
 *
 * BPF needs root; run as root where bpf(2) is denied on purpose
 * (VMON_TEST_NO_BPF=1, the check-bpf-suite stage: the runner denies bpf(2)) each test checks
 * the fallback instead.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "test.h"
#include "vmon/vmon.h"

#define WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)
#define MAX_PIDS 4096	/* PROC_ALL: every process of the system */

/* an instance and what its callbacks saw, per pid */
struct side {
	vmon_t v;		/* first: the callbacks find the side from it */
	const char *name;
	struct { int pid, ctors, dtors; } seen[MAX_PIDS];
	int seen_nr;
};

static int *counter(struct side *s, int pid, bool dtor)
{
	for (int i = 0; i < s->seen_nr; i++)
		if (s->seen[i].pid == pid)
			return dtor ? &s->seen[i].dtors : &s->seen[i].ctors;
	if (s->seen_nr == MAX_PIDS)
		return NULL;
	s->seen[s->seen_nr].pid = pid;
	return dtor ? &s->seen[s->seen_nr++].dtors : &s->seen[s->seen_nr++].ctors;
}

static void ctor_cb(vmon_t *v, vmon_proc_t *proc)
{
	int *c = counter((struct side *)v, proc->pid, false);

	if (c)
		(*c)++;
}

static void dtor_cb(vmon_t *v, vmon_proc_t *proc)
{
	int *c = counter((struct side *)v, proc->pid, true);

	if (c)
		(*c)++;
}

/* BPF could not be loaded: a failure, unless the test runs where bpf(2)
 * is denied on purpose, where the fallback is what is checked */
static bool bpf_unavailable(struct side *b)
{
	vmon_sample_cost_t cost;
	const char *reason = vmon_backend_reason(&b->v);

	if (geteuid() != 0)
		SKIP("BPF BACKEND NOT TESTED: it needs root (euid %d)", (int)geteuid());
	ASSERT_MSG(getenv("VMON_TEST_NO_BPF"), "BPF did not load as root: %s",
		   reason ? reason : "(no reason)");
	ASSERT_EQ(vmon_backend(&b->v), VMON_BACKEND_PROCFS);
	ASSERT(reason && strstr(reason, "bpf: "));
	ASSERT(vmon_sample(&b->v));
	ASSERT(vmon_sample_cost(&b->v, &cost));
	ASSERT_EQ(cost.backend, VMON_BACKEND_PROCFS);
	ASSERT(cost.backend_error != 0);
	return true;
}

/* Two instances with the same flags, a on procfs and b on BPF: false
 * (after checking the fallback) when BPF cannot load here. */
static bool sides_init(struct side *a, struct side *b, vmon_flags_t flags, vmon_proc_wants_t wants)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->name = "procfs";
	b->name = "bpf";
	ASSERT(vmon_init(&a->v, flags, VMON_WANT_SYS_NONE, wants));
	ASSERT(vmon_init(&b->v, flags, VMON_WANT_SYS_NONE, wants));
	a->v.proc_ctor_cb = b->v.proc_ctor_cb = ctor_cb;
	a->v.proc_dtor_cb = b->v.proc_dtor_cb = dtor_cb;
	/* two PROC_ALL instances in one process share its RLIMIT_NOFILE: on
	 * a machine with thousands of processes, the first would take every
	 * descriptor the second needs to make its nodes */
	ASSERT(vmon_set_fd_budget(&a->v, 512));
	ASSERT(vmon_set_fd_budget(&b->v, 512));
	ASSERT(vmon_set_backend(&a->v, VMON_BACKEND_PROCFS));
	if (!vmon_set_backend(&b->v, VMON_BACKEND_BPF)) {
		bool gone = bpf_unavailable(b);

		vmon_destroy(&a->v);
		vmon_destroy(&b->v);
		return !gone;
	}
	ASSERT_EQ(vmon_backend(&b->v), VMON_BACKEND_BPF);
	ASSERT(vmon_backend_reason(&b->v) == NULL);
	return true;
}

static void sides_destroy(struct side *a, struct side *b)
{
	vmon_destroy(&a->v);
	vmon_destroy(&b->v);
}

/* One sample of each, procfs first; b's must have come from BPF, for
 * at least `served` process nodes. */
static void sample_both_served(struct side *a, struct side *b, int served)
{
	vmon_sample_cost_t cost;

	ASSERT(vmon_sample(&a->v));
	ASSERT(vmon_sample(&b->v));
	ASSERT(vmon_sample_cost(&b->v, &cost));
	ASSERT_EQ(cost.backend, VMON_BACKEND_BPF);
	ASSERT_EQ(cost.backend_error, 0);
	ASSERT_MSG(cost.backend_nodes >= served, "%d nodes filled from BPF records, not %d",
		   cost.backend_nodes, served);
	ASSERT(vmon_sample_cost(&a->v, &cost));
	ASSERT_EQ(cost.backend_nodes, 0);
}

static void sample_both(struct side *a, struct side *b)
{
	sample_both_served(a, b, 1);
}

static vmon_proc_t *find_in(list_head_t *list, int pid)
{
	vmon_proc_t *p, *found;

	list_for_each_entry(p, list, siblings) {
		if (p->pid == pid)
			return p;
		if ((found = find_in(&p->children, pid)))
			return found;
	}
	return NULL;
}

static bool is_cpu(vmon_proc_store_t store, int sym)
{
	return store == VMON_STORE_PROC_STAT &&
	       (sym == VMON_PROC_STAT_UTIME || sym == VMON_PROC_STAT_STIME);
}

/* The same node on both sides, store by store, field by field. */
static void same_node(vmon_proc_t *pa, vmon_proc_t *pb)
{
	static const vmon_proc_store_t stores[] = {
		VMON_STORE_PROC_STAT, VMON_STORE_PROC_VM, VMON_STORE_PROC_IO,
	};

	ASSERT_MSG(pa->is_new == pb->is_new && pa->is_stale == pb->is_stale,
		   "pid %d: is_new %d/%d, is_stale %d/%d (procfs/bpf)", pa->pid,
		   pa->is_new, pb->is_new, pa->is_stale, pb->is_stale);
	ASSERT_MSG(pa->activity == pb->activity, "pid %d: activity %#x/%#x", pa->pid,
		   (unsigned)pa->activity, (unsigned)pb->activity);
	ASSERT_MSG(pa->unavailable == pb->unavailable, "pid %d: unavailable %#x/%#x",
		   pa->pid, (unsigned)pa->unavailable, (unsigned)pb->unavailable);
	for (size_t i = 0; i < sizeof(stores) / sizeof(stores[0]); i++) {
		const vmon_store_info_t *info = vmon_proc_store_info(stores[i]);
		const void *sa = pa->stores[stores[i]], *sb = pb->stores[stores[i]];

		ASSERT(sa && sb);
		for (int f = 0; f < info->fields_nr; f++) {
			char xa[512], xb[512];
			bool cpu = is_cpu(stores[i], f);

			vmon_field_format(info, sa, f, xa, sizeof(xa));
			vmon_field_format(info, sb, f, xb, sizeof(xb));
			if (cpu) {
				long long d = strtoll(xa, NULL, 10) - strtoll(xb, NULL, 10);

				ASSERT_MSG(d >= -1 && d <= 1, "pid %d %s.%s: procfs %s, bpf %s",
					   pa->pid, info->name, info->fields[f].name, xa, xb);
				if (d)
					continue;	/* and its change bit may differ */
			} else {
				ASSERT_MSG(!strcmp(xa, xb), "pid %d %s.%s: procfs %s, bpf %s",
					   pa->pid, info->name, info->fields[f].name, xa, xb);
			}
			ASSERT_MSG(vmon_field_changed(info, sa, f) == vmon_field_changed(info, sb, f),
				   "pid %d %s.%s: changed %d/%d", pa->pid, info->name,
				   info->fields[f].name, vmon_field_changed(info, sa, f),
				   vmon_field_changed(info, sb, f));
			ASSERT_MSG(vmon_field_unavailable(info, sa, f) ==
				   vmon_field_unavailable(info, sb, f),
				   "pid %d %s.%s: unavailable %d/%d", pa->pid, info->name,
				   info->fields[f].name, vmon_field_unavailable(info, sa, f),
				   vmon_field_unavailable(info, sb, f));
		}
	}
}

/* Both sides agree on pids[]: present in both or in neither, the same
 * figures, and as many constructors and destructors so far. */
static void same_pids(struct side *a, struct side *b, const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		vmon_proc_t *pa = find_in(&a->v.processes, pids[i]);
		vmon_proc_t *pb = find_in(&b->v.processes, pids[i]);

		ASSERT_MSG(!pa == !pb, "pid %d: a node on %s only (sample %d)", pids[i],
			   pa ? "procfs" : "bpf", a->v.generation);
		if (pa)
			same_node(pa, pb);
		ASSERT_EQ(*counter(a, pids[i], false), *counter(b, pids[i], false));
		ASSERT_EQ(*counter(a, pids[i], true), *counter(b, pids[i], true));
	}
}

/* ---- the processes ---- */

/* Until pid sleeps and /proc/PID/wchan names where: a task that has just
 * set its state to sleep still reads "0" there until it is off its CPU,
 * and each side reads wchan for itself. */
static void wait_asleep(pid_t pid)
{
	char path[64];

	t_wait_sleeping(pid);
	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	for (int tries = 0; tries < 10000; tries++) {
		char *w = t_read_file(path, NULL);
		bool named = w && strcmp(w, "0");

		free(w);
		if (named)
			return;
		usleep(1000);
	}
	ASSERT_MSG(false, "pid %d never named its wchan", (int)pid);
}

/* A child that, each time its pipe gives it a byte, does some work (CPU,
 * a write, fresh memory) and posts its ready pipe, then sleeps again. */
struct worker {
	struct t_sync go, ready;
	int threads;	/* extra threads started and joined by each round */
};

static void *burn_thread(void *arg)
{
	volatile unsigned long x = 0;
	struct timespec t0, t;

	(void)arg;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 30000000L);
	if (write(STDERR_FILENO, "", 0) < 0)	/* a write call, of nothing */
		x++;
	return NULL;
}

static bool worker_body(void *arg)
{
	struct worker *w = arg;
	char c;

	t_sync_post(&w->ready);
	while (read(w->go.fd[0], &c, 1) == 1) {
		pthread_t t[8];
		char *mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem != MAP_FAILED)
			memset(mem, 1, 1 << 20);	/* resident, faulted in */
		for (int i = 0; i < w->threads && i < 8; i++)
			pthread_create(&t[i], NULL, burn_thread, NULL);
		for (int i = 0; i < w->threads && i < 8; i++)
			pthread_join(t[i], NULL);	/* exited: their CPU is the signal's */
		burn_thread(NULL);
		t_sync_post(&w->ready);
	}
	return true;
}

static pid_t worker_start(struct worker *w, int threads)
{
	pid_t pid;

	t_sync_init(&w->go);
	t_sync_init(&w->ready);
	w->threads = threads;
	pid = t_fork(worker_body, w);
	t_sync_wait(&w->ready);
	wait_asleep(pid);
	return pid;
}

static void worker_round(struct worker *w, pid_t pid)
{
	t_sync_post(&w->go);
	t_sync_wait(&w->ready);
	wait_asleep(pid);
}

/* ---- the tests ---- */

TEST(bpf_backend_same_stores_as_procfs_proc_all)
{
	struct side a, b;
	struct worker w[3];
	pid_t pids[3];

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	for (int i = 0; i < 3; i++)
		pids[i] = worker_start(&w[i], i);	/* 0, 1 and 2 extra threads */
	for (int round = 0; round < 4; round++) {
		sample_both(&a, &b);
		same_pids(&a, &b, pids, 3);
		/* between rounds each worker does work: CPU, faults, a
		 * write, memory, and threads that start and exit */
		if (round < 3)
			for (int i = 0; i < 3; i++)
				worker_round(&w[i], pids[i]);
	}
	/* the round's figures moved, and were seen to */
	ASSERT(find_in(&b.v.processes, pids[2])->activity & VMON_WANT_PROC_STAT);
	for (int i = 0; i < 3; i++)
		t_kill(pids[i]);
	sample_both(&a, &b);
	same_pids(&a, &b, pids, 3);
	ASSERT(find_in(&b.v.processes, pids[0])->is_stale);
	sides_destroy(&a, &b);
}

/* Against /proc read directly: the dead threads' CPU, faults and io are
 * the process's (the kernel's signal totals), resident memory as statm. */
TEST(bpf_backend_figures_match_proc_files)
{
	struct side a, b;
	struct worker w;
	pid_t pid;
	vmon_proc_t *p;
	const vmon_proc_stat_t *st;
	const vmon_proc_vm_t *vm;
	const vmon_proc_io_t *io;
	char path[64];
	unsigned long long v;

	if (!sides_init(&a, &b, VMON_FLAG_NONE, WANTS))
		return;
	pid = worker_start(&w, 4);
	worker_round(&w, pid);
	ASSERT(vmon_proc_monitor(&a.v, pid, 0, NULL, NULL));
	ASSERT(vmon_proc_monitor(&b.v, pid, 0, NULL, NULL));
	sample_both(&a, &b);
	same_pids(&a, &b, &pid, 1);
	p = find_in(&b.v.processes, pid);
	ASSERT(p);
	st = p->stores[VMON_STORE_PROC_STAT];
	vm = p->stores[VMON_STORE_PROC_VM];
	io = p->stores[VMON_STORE_PROC_IO];
	/* 5 x 30 ms of CPU, 4 threads of which are gone */
	ASSERT_NEAR((double)(st->utime + st->stime),
		    (double)(t_stat_ull(pid, 0, 14) + t_stat_ull(pid, 0, 15)), 1.0);
	ASSERT(st->utime + st->stime >= 10);
	ASSERT_ULL_EQ(st->minflt, t_stat_ull(pid, 0, 10));
	ASSERT_EQ(st->num_threads, 1);
	ASSERT_ULL_EQ(st->start, t_stat_ull(pid, 0, 22));
	ASSERT_EQ(st->ppid, getpid());
	ASSERT_STREQ(st->comm.array, "vmon-tests");
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	{
		char *statm = t_read_file(path, NULL);
		unsigned long long size, res, shared;

		ASSERT(statm);
		ASSERT_EQ(sscanf(statm, "%llu %llu %llu", &size, &res, &shared), 3);
		free(statm);
		ASSERT_ULL_EQ(vm->size_pages, size);
		ASSERT_ULL_EQ(vm->resident_pages, res);
		ASSERT_ULL_EQ(vm->shared_pages, shared);
		ASSERT(res >= 256);	/* the megabyte it touched */
	}
	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	ASSERT(t_keyed_value(path, "syscw", &v));
	ASSERT_ULL_EQ(io->syscw, v);
	ASSERT(v >= 5);	/* the threads' writes of nothing, dead threads' too */
	ASSERT(t_keyed_value(path, "rchar", &v));
	ASSERT_ULL_EQ(io->rchars, v);
	t_kill(pid);
	sides_destroy(&a, &b);
}

static bool forker_body(void *arg)
{
	struct t_sync *ready = arg;
	pid_t c1 = fork();

	if (c1 == 0) {
		if (fork() == 0)	/* a grandchild */
			for (;;)
				pause();
		for (;;)
			pause();
	}
	if (fork() == 0)
		for (;;)
			pause();
	t_sync_post(ready);
	for (;;)
		pause();
	return true;
}

/* A followed tree: the same children appear on both sides, with the same
 * figures, and leave together. */
TEST(bpf_backend_same_tree_as_procfs_follow_children)
{
	struct side a, b;
	struct t_sync ready;
	pid_t root, ids[8];
	int n;
	char dir[64];

	if (!sides_init(&a, &b, VMON_FLAG_NONE, WANTS | VMON_WANT_PROC_FOLLOW_CHILDREN))
		return;
	t_sync_init(&ready);
	root = t_fork(forker_body, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_proc_monitor(&a.v, root, 0, NULL, NULL));
	ASSERT(vmon_proc_monitor(&b.v, root, 0, NULL, NULL));
	for (int round = 0; round < 3; round++) {
		ids[0] = root;
		snprintf(dir, sizeof(dir), "/proc/%d/task/%d/children", (int)root, (int)root);
		n = 1;
		{
			char *kids = t_read_file(dir, NULL);

			for (char *p = kids; p && *p && n < 8;) {
				char *end;
				long k = strtol(p, &end, 10);

				if (end == p)
					break;
				ids[n++] = (pid_t)k;
				p = end;
			}
			free(kids);
		}
		ASSERT_EQ(n, 3);
		for (int i = 0; i < n; i++)
			wait_asleep(ids[i]);
		/* the children found in the first sample are in the filter from
		 * the second: root, two children, a grandchild */
		sample_both_served(&a, &b, round ? 4 : 1);
		same_pids(&a, &b, ids, n);
		ASSERT(find_in(&b.v.processes, ids[1]));
	}
	/* one child goes (with its grandchild reparented away) */
	kill(ids[1], SIGKILL);
	for (int tries = 0; tries < 1000; tries++) {
		char st[8];

		if (!t_stat_field(ids[1], 0, 3, st, sizeof(st)) || st[0] == 'Z')
			break;
		usleep(1000);
	}
	sample_both(&a, &b);
	same_pids(&a, &b, ids, n);
	kill(-root, SIGKILL);
	t_kill(root);
	sides_destroy(&a, &b);
}

static bool exec_body(void *arg)
{
	struct t_sync *go = arg;
	char c;

	if (read(go->fd[0], &c, 1) != 1)
		return false;
	execl("/bin/sleep", "sleep", "1000", (char *)NULL);
	return false;
}

/* An exec: a new comm and memory layout on both sides, the same change
 * bits, and the companions (cmdline, exe) read again on both. */
TEST(bpf_backend_same_stores_across_exec)
{
	struct side a, b;
	struct t_sync go;
	pid_t pid;
	vmon_proc_t *pb;
	char wchan[64];

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	t_sync_init(&go);
	pid = t_fork(exec_body, &go);
	wait_asleep(pid);
	sample_both(&a, &b);
	same_pids(&a, &b, &pid, 1);
	t_sync_post(&go);
	/* until sleep(1) sleeps in its nanosleep (a state S alone can be a
	 * page fault of the loader's) */
	snprintf(wchan, sizeof(wchan), "/proc/%d/wchan", (int)pid);
	for (int tries = 0; tries < 10000; tries++) {
		char *w = t_read_file(wchan, NULL);
		bool asleep = w && strstr(w, "nanosleep");

		free(w);
		if (asleep)
			break;
		usleep(1000);
	}
	sample_both(&a, &b);
	same_pids(&a, &b, &pid, 1);
	pb = find_in(&b.v.processes, pid);
	ASSERT_STREQ(((vmon_proc_stat_t *)pb->stores[VMON_STORE_PROC_STAT])->comm.array, "sleep");
	ASSERT(vmon_field_changed(vmon_proc_store_info(VMON_STORE_PROC_STAT),
				  pb->stores[VMON_STORE_PROC_STAT], VMON_PROC_STAT_COMM));
	t_kill(pid);
	sides_destroy(&a, &b);
}

/* A pid reused between two samples: the BPF side tells the processes
 * apart by start time (it holds no descriptor that would fail), so the
 * old node goes stale and the new process is a new node, as on procfs. */
TEST(bpf_backend_same_lifecycle_on_pid_reuse)
{
	struct side a, b;
	pid_t pid = -1, again = -1;

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	for (int attempt = 0; attempt < 5 && again < 0; attempt++) {
		struct timespec ts;
		unsigned long long start;

		pid = t_fork(t_sleeper, NULL);
		wait_asleep(pid);
		sample_both(&a, &b);
		same_pids(&a, &b, &pid, 1);
		start = t_stat_ull(pid, 0, 22);
		do	/* the new process must start in a later tick */
			clock_gettime(CLOCK_BOOTTIME, &ts);
		while ((unsigned long long)ts.tv_sec * a.v.ticks_per_sec +
		       (unsigned long long)ts.tv_nsec * a.v.ticks_per_sec / 1000000000ULL <=
		       start + 1);
		t_kill(pid);
		again = t_clone3_with_pid(pid);
		if (again < 0 && errno == ENOSYS)
			SKIP("PID REUSE NOT TESTED: no clone3()");
		ASSERT_MSG(again > 0 || errno == EEXIST, "clone3: %s", strerror(errno));
	}
	ASSERT_EQ(again, pid);
	wait_asleep(pid);
	sample_both(&a, &b);
	/* each side has the old node stale and, from the next sample, the
	 * new process as a new node */
	same_pids(&a, &b, &pid, 1);
	ASSERT(find_in(&b.v.processes, pid)->is_stale);
	sample_both(&a, &b);
	same_pids(&a, &b, &pid, 1);
	ASSERT(!find_in(&b.v.processes, pid)->is_stale);
	ASSERT(find_in(&b.v.processes, pid)->is_new);
	ASSERT_EQ(*counter(&b, pid, false), 2);
	ASSERT_EQ(*counter(&b, pid, true), 1);
	t_kill(pid);
	sides_destroy(&a, &b);
}

static bool short_life(void *arg)
{
	(void)arg;
	return true;
}

/* Children born and gone while the iterator walks the tasks: every
 * sample stays consistent (the invariant checker runs after each), and
 * every child that was seen ends stale, then freed. */
TEST(bpf_backend_children_exiting_mid_iteration)
{
	struct side a, b;
	pid_t kids[32];
	int kids_nr = 0;

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	vmon_destroy(&a.v);	/* BPF alone here */
	memset(&a, 0, sizeof(a));
	for (int round = 0; round < 60; round++) {
		vmon_sample_cost_t cost;

		if (kids_nr < 32)
			kids[kids_nr++] = t_fork(short_life, NULL);
		ASSERT(vmon_sample(&b.v));
		ASSERT(vmon_sample_cost(&b.v, &cost));
		ASSERT_EQ(cost.backend, VMON_BACKEND_BPF);
		t_check_tree(&b.v);
	}
	for (int i = 0; i < kids_nr; i++)
		t_wait(kids[i]);
	ASSERT(vmon_sample(&b.v));
	ASSERT(vmon_sample(&b.v));
	for (int i = 0; i < kids_nr; i++)
		ASSERT_MSG(!find_in(&b.v.processes, kids[i]),
			   "child %d reaped two samples ago still has a node", (int)kids[i]);
	for (int i = 0; i < b.seen_nr; i++)
		ASSERT_EQ(b.seen[i].ctors, b.seen[i].dtors + (find_in(&b.v.processes, b.seen[i].pid) != NULL));
	vmon_destroy(&b.v);
}

/* PROC_ALL on BPF takes its listing from the snapshot and lists the proc
 * root only every few samples (a getdents64() of /proc was a third of a
 * sample): a child is still found at the first sample after its fork and
 * gone at the first after its reaping, every process both sides keep is
 * on both (pid 1, which the iterator does not visit here, included), and
 * the proc root is listed at most once every 16 samples. */
TEST(bpf_backend_lists_processes_from_the_snapshot)
{
	enum { SAMPLES = 48, FORK_AT = 5, KILL_AT = 21 };
	unsigned long listings = 0, before;
	struct side a, b;
	pid_t kid = 0;

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	for (int i = 0; i < SAMPLES; i++) {
		vmon_proc_t *p;

		if (i == FORK_AT)
			kid = t_fork(t_sleeper, NULL);
		if (i == KILL_AT) {
			t_kill(kid);
			kid = -kid;
		}
		ASSERT(vmon_sample(&a.v));
		before = vmon_test_fault_calls(VMON__FAULT_READDIR);
		ASSERT(vmon_sample(&b.v));
		listings += vmon_test_fault_calls(VMON__FAULT_READDIR) - before;
		if (kid > 0)
			ASSERT_MSG(find_in(&b.v.processes, kid), "sample %d: child %d not listed", i,
				   (int)kid);
		if (kid < 0) {
			p = find_in(&b.v.processes, -kid);
			ASSERT_MSG(!p || p->is_stale, "sample %d: reaped child %d still listed", i,
				   (int)-kid);
		}
		/* what procfs lists and still has after b's sample, b has */
		list_for_each_entry(p, &a.v.processes, siblings) {
			char path[32];

			snprintf(path, sizeof(path), "/proc/%d/stat", p->pid);
			if (!p->is_stale && access(path, F_OK) == 0)
				ASSERT_MSG(find_in(&b.v.processes, p->pid),
					   "sample %d: process %d (procfs has it) not on BPF", i,
					   p->pid);
		}
	}
	ASSERT_MSG(listings <= SAMPLES / 16 + 1, "the proc root listed %lu times in %d samples",
		   listings, SAMPLES);
	sides_destroy(&a, &b);
}

/* Kernel threads come from the records too: statm and io always, stat
 * unless /proc names the thread otherwise than its comm (a workqueue
 * worker, a long name), where stat alone is read.  Every kernel thread
 * both sides have shows the same figures: memory and identity exactly,
 * io wherever procfs saw it hold still across the BPF sample. */
TEST(bpf_backend_kernel_threads_from_the_records)
{
	static const int stat_syms[] = {
		VMON_PROC_STAT_PID, VMON_PROC_STAT_PPID, VMON_PROC_STAT_PGID,
		VMON_PROC_STAT_SID, VMON_PROC_STAT_TTY_NR, VMON_PROC_STAT_TPGID,
		VMON_PROC_STAT_PRIORITY, VMON_PROC_STAT_NICE, VMON_PROC_STAT_NUM_THREADS,
		VMON_PROC_STAT_START, VMON_PROC_STAT_VSIZE, VMON_PROC_STAT_RSS,
		VMON_PROC_STAT_RSSLIM, VMON_PROC_STAT_STARTCODE, VMON_PROC_STAT_ENDCODE,
		VMON_PROC_STAT_STARTSTACK, VMON_PROC_STAT_COMM,
	};
	const vmon_store_info_t *si = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	const vmon_store_info_t *vi = vmon_proc_store_info(VMON_STORE_PROC_VM);
	const vmon_store_info_t *ii = vmon_proc_store_info(VMON_STORE_PROC_IO);
	int kthreads = 0, io_checked = 0;
	vmon_sample_cost_t cost;
	struct side a, b;
	vmon_proc_t *pa;

	if (!sides_init(&a, &b, VMON_FLAG_PROC_ALL, WANTS))
		return;
	for (int k = 0; k < 2; k++) {
		ASSERT(vmon_set_refresh(k ? &b.v : &a.v, VMON_REFRESH_CMDLINE, 0));
		ASSERT(vmon_set_refresh(k ? &b.v : &a.v, VMON_REFRESH_WCHAN, 0));
	}
	sample_both(&a, &b);
	sample_both(&a, &b);
	ASSERT(vmon_sample(&b.v));	/* a steady sample: its reads counted */
	ASSERT(vmon_sample_cost(&b.v, &cost));
	/* procfs, then BPF, then procfs again: io that held still over both
	 * procfs samples must be what BPF read between them */
	ASSERT(vmon_sample(&a.v));
	list_for_each_entry(pa, &a.v.processes, siblings) {
		const vmon_proc_stat_t *st = pa->stores[VMON_STORE_PROC_STAT];
		vmon_proc_t *pb = find_in(&b.v.processes, pa->pid);
		char xa[512], xb[512];

		if (!st || !(st->flags & 0x00200000) || !pb || pa->is_stale || pb->is_stale)
			continue;
		kthreads++;
		for (size_t i = 0; i < sizeof(stat_syms) / sizeof(stat_syms[0]); i++) {
			vmon_field_format(si, st, stat_syms[i], xa, sizeof(xa));
			vmon_field_format(si, pb->stores[VMON_STORE_PROC_STAT], stat_syms[i], xb,
					  sizeof(xb));
			ASSERT_MSG(!strcmp(xa, xb), "kernel thread %d stat.%s: procfs %s, bpf %s",
				   pa->pid, si->fields[stat_syms[i]].name, xa, xb);
		}
		for (int f = 0; f < vi->fields_nr; f++) {
			vmon_field_format(vi, pa->stores[VMON_STORE_PROC_VM], f, xa, sizeof(xa));
			vmon_field_format(vi, pb->stores[VMON_STORE_PROC_VM], f, xb, sizeof(xb));
			ASSERT_MSG(!strcmp(xa, xb), "kernel thread %d vm.%s: procfs %s, bpf %s",
				   pa->pid, vi->fields[f].name, xa, xb);
		}
		for (int f = 0; f < ii->fields_nr; f++) {
			if (vmon_field_changed(ii, pa->stores[VMON_STORE_PROC_IO], f))
				continue;	/* moved since: the BPF figure may be either */
			vmon_field_format(ii, pa->stores[VMON_STORE_PROC_IO], f, xa, sizeof(xa));
			vmon_field_format(ii, pb->stores[VMON_STORE_PROC_IO], f, xb, sizeof(xb));
			ASSERT_MSG(!strcmp(xa, xb), "kernel thread %d io.%s: procfs %s, bpf %s",
				   pa->pid, ii->fields[f].name, xa, xb);
			io_checked++;
		}
	}
	ASSERT_MSG(kthreads > 0, "no kernel thread on both sides");
	ASSERT(io_checked > 0);
	/* three files a kernel thread before; now its stat at most */
	ASSERT_MSG(cost.reads < (unsigned long)(2 * kthreads),
		   "%lu reads in a steady sample with %d kernel threads", cost.reads, kthreads);
	sides_destroy(&a, &b);
}

/* ---- selection and fallback ---- */

TEST(bpf_backend_env_selects_the_backend)
{
	vmon_t v;
	vmon_sample_cost_t cost;

	ASSERT_EQ(setenv("VMON_BACKEND", "procfs", 1), 0);
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, WANTS));
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_backend(&v), VMON_BACKEND_PROCFS);
	ASSERT_STREQ(vmon_backend_reason(&v), "bpf: procfs asked for");
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT_EQ(cost.backend, VMON_BACKEND_PROCFS);
	vmon_destroy(&v);

	/* bpf: even without PROC_ALL, where auto would not */
	ASSERT_EQ(setenv("VMON_BACKEND", "bpf", 1), 0);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, WANTS));
	ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
	ASSERT(vmon_sample(&v));
	if (geteuid() == 0 && !getenv("VMON_TEST_NO_BPF")) {
		ASSERT_EQ(vmon_backend(&v), VMON_BACKEND_BPF);
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.backend, VMON_BACKEND_BPF);
	} else {
		/* not an error: /proc, with the reason */
		ASSERT_EQ(vmon_backend(&v), VMON_BACKEND_PROCFS);
		ASSERT(vmon_backend_reason(&v));
	}
	vmon_destroy(&v);

	/* auto (as an unknown value is): procfs for a followed tree */
	ASSERT_EQ(setenv("VMON_BACKEND", "auto", 1), 0);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, WANTS));
	ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_backend(&v), VMON_BACKEND_PROCFS);
	ASSERT(strstr(vmon_backend_reason(&v), "PROC_ALL"));
	vmon_destroy(&v);
	unsetenv("VMON_BACKEND");
	ASSERT_STREQ(vmon_backend_name(VMON_BACKEND_BPF), "bpf");
	ASSERT(!vmon_set_backend(NULL, VMON_BACKEND_BPF));
	ASSERT_EQ(errno, EINVAL);
}

/* bpf(2) denied by a seccomp filter (as a kernel or a container without
 * BPF would): the load fails once, the instance samples /proc with the
 * same figures, and says why.  In a child, so the filter stays there. */
static int fallback_child(void)
{
	vmon_t v;
	vmon_sample_cost_t cost;
	vmon_proc_t *p;
	const vmon_proc_stat_t *st;

	if (t_deny_bpf() < 0)
		return 10;
	if (!vmon_init(&v, VMON_FLAG_PROC_ALL, VMON_WANT_SYS_NONE, WANTS))
		return 11;
	if (vmon_set_backend(&v, VMON_BACKEND_BPF) || errno != EPERM)
		return 12;	/* asked for: refused, with its errno */
	if (vmon_set_backend(&v, VMON_BACKEND_AUTO) != 1)
		return 13;	/* asked for quietly: never an error */
	for (int i = 0; i < 2; i++)
		if (!vmon_sample(&v))
			return 14;
	if (vmon_backend(&v) != VMON_BACKEND_PROCFS || !vmon_sample_cost(&v, &cost) ||
	    cost.backend != VMON_BACKEND_PROCFS || cost.backend_error != EPERM)
		return 15;
	if (!vmon_backend_reason(&v) || !strstr(vmon_backend_reason(&v), "not permitted"))
		return 16;
	p = find_in(&v.processes, getpid());
	if (!p || !(st = p->stores[VMON_STORE_PROC_STAT]) || st->start != t_stat_ull(getpid(), 0, 22))
		return 17;
	vmon_destroy(&v);
	return 0;
}

TEST(bpf_backend_falls_back_when_bpf_is_denied)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		SKIP("BPF FALLBACK NOT TESTED: denying bpf(2) by seccomp needs root here");
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(fallback_child());
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "the child failed at step %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
