/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_status.c - VMON_WANT_PROC_STATUS on real processes the test
 * starts, every field compared with /proc/PID/status read right after the
 * sample by want_util.c's own reader, and with ps and psutil where they
 * report the same thing:
 *
 *   - a child that changed every credential (setresuid, setresgid,
 *     setgroups, setfsuid), blocks, ignores and catches signals, set
 *     no_new_privs and pinned itself to CPU 0: uids, gids, groups, masks,
 *     capabilities, against ps (ruid ... fsgid, supgid, blocked ...) and
 *     psutil (uids, gids);
 *   - a child that grew to 64 MiB and shrank to 16: VmHWM and VmPeak stay
 *     high, VmRSS and its split come down; psutil's rss and vms agree;
 *   - a child that sleeps and spins: context switches between a read
 *     before and one after the sample, and below psutil's afterwards;
 *   - kthreadd is a kernel thread, a thread node reads its own task's
 *     status, and a child in strict seccomp says Seccomp 1.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

#define MiB (1024 * 1024)

static vmon_proc_t *start(vmon_t *v, pid_t pid, vmon_proc_wants_t wants)
{
	vmon_proc_t *p;

	ASSERT(vmon_init(v, VMON_FLAG_NONE, 0, wants));
	p = vmon_proc_monitor(v, pid, 0, NULL, NULL);
	ASSERT(p);
	ASSERT(vmon_sample(v));
	ASSERT(!p->is_stale);
	return p;
}

static vmon_proc_status_t *status_of(vmon_proc_t *p)
{
	vmon_proc_status_t *st = p->stores[VMON_STORE_PROC_STATUS];

	ASSERT(st);
	return st;
}

/* NSpid and the Cpus_allowed mask equal the lines of the status file of
 * pid (tid), read and decoded here. */
static void compare_lists(vmon_proc_status_t *st, pid_t pid, pid_t tid)
{
	char path[64], *text, *line, *save = NULL;
	bool nspid = false, mask = false;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT((text = t_read_file(path, NULL)));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "NSpid:", 6)) {
			char *p = line + 6, *end;
			int n = 0;

			for (long v; (v = strtol(p, &end, 10)), end != p; p = end, n++) {
				ASSERT(n < st->nspid_nr);
				ASSERT_EQ(st->nspid[n], v);
				ASSERT_EQ(st->nspid_inner, v);	/* the last one, in the end */
			}
			ASSERT_EQ(n, st->nspid_nr);
			nspid = true;
		} else if (!strncmp(line, "Cpus_allowed:", 13)) {
			char *p = line + strlen(line);
			int cpu = 0;

			/* from the last digit, CPUs 0-3 */
			while (*--p != '\t' && *p != ' ') {
				int x;

				if (*p == ',')
					continue;
				x = *p <= '9' ? *p - '0' : *p - 'a' + 10;
				for (int b = 0; b < 4; b++, cpu++)
					ASSERT_MSG(!BITTEST(st->cpus_allowed, cpu) == !(x & (1 << b)),
						   "CPU %d", cpu);
			}
			ASSERT_EQ(cpu, st->cpus_allowed_nr);
			mask = true;
		}
	}
	free(text);
	ASSERT_MSG(nspid == !BITTEST(st->unavailable, VMON_PROC_STATUS_NSPID_NR), "NSpid");
	ASSERT(mask && !BITTEST(st->unavailable, VMON_PROC_STATUS_CPUS_ALLOWED_NR));
}

/* Every field of the store equals the status file of pid (tid) now: for
 * processes that are not running, whose status does not move. */
static void compare_all(vmon_proc_status_t *st, pid_t pid, pid_t tid)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STATUS);
	int compared = 0;

	for (int sym = 0; sym < info->fields_nr; sym++) {
		const vmon_field_t *f = &info->fields[sym];
		const char *dot = strchr(f->source, '.');
		char key[64], want[128], got[128];

		/* lists: compare_lists() */
		if (sym == VMON_PROC_STATUS_KTHREAD || sym == VMON_PROC_STATUS_NGROUPS ||
		    sym >= VMON_PROC_STATUS_NSPID_INNER)
			continue;
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - f->source) : 63, f->source);
		if (!t_status_value(pid, tid, key, dot ? atoi(dot + 1) : 1, want, sizeof(want))) {
			ASSERT_MSG(vmon_field_unavailable(info, st, sym), "%s: status has no %s",
				   f->name, key);
			continue;
		}
		if (sym >= VMON_PROC_STATUS_SIG_PENDING && sym <= VMON_PROC_STATUS_CAP_AMB)
			snprintf(want, sizeof(want), "%llu", strtoull(want, NULL, 16));
		ASSERT_MSG(!vmon_field_unavailable(info, st, sym), "%s unavailable", f->name);
		vmon_field_format(info, st, sym, got, sizeof(got));
		ASSERT_MSG(!strcmp(got, want), "%s: library %s, status %s", f->name, got, want);
		compared++;
	}
	ASSERT(compared >= 20);
	compare_lists(st, pid, tid);
}

/* ---- credentials, signals, capabilities ---- */

static void on_term(int sig)
{
	(void)sig;
}

static bool cred_main(void *arg)
{
	static const gid_t groups[] = { 4, 24, 1234 };
	cpu_set_t cpus;
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (setgroups(3, groups) || setresgid(1001, 1002, 1003) || setresuid(2001, 2002, 2003) ||
	    sigprocmask(SIG_BLOCK, &block, NULL) || signal(SIGUSR2, SIG_IGN) == SIG_ERR ||
	    signal(SIGTERM, on_term) == SIG_ERR || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    sched_setaffinity(0, sizeof(cpus), &cpus))
		return false;
	setfsuid(2003);
	setfsgid(1001);
	return t_sleeper(arg);
}

static pid_t start_child(bool (*fn)(void *), struct t_sync *ready)
{
	pid_t pid;

	t_sync_init(ready);
	pid = t_fork(fn, ready);
	t_sync_wait(ready);
	t_wait_sleeping(pid);
	return pid;
}

/* `ps -o FIELDS -p pid` (fields "a=,b=", so no header) split at blanks
 * into numbers of base (ps takes a third of a second: ask once) */
static int ps_numbers(pid_t pid, const char *fields, int base, unsigned long long *v, int max)
{
	char cmd[256], line[512], *p = line, *end;
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ps -o %s -p %d", fields, pid);
	ASSERT((f = popen(cmd, "r")));
	ASSERT_MSG(fgets(line, sizeof(line), f), "%s printed nothing", cmd);
	pclose(f);
	while (n < max && (v[n] = strtoull(p, &end, base), end != p)) {
		n++;
		p = end + strspn(end, " ,");
	}
	return n;
}

TEST(want_status_credentials_of_a_setuid_child)
{
	struct t_sync ready;
	unsigned long long ps[8];
	vmon_t v;
	vmon_proc_status_t *st;
	char buf[256];
	pid_t pid;

	t_need_root();
	pid = start_child(cred_main, &ready);
	st = status_of(start(&v, pid, VMON_WANT_PROC_STATUS));
	compare_all(st, pid, 0);
	ASSERT(st->uid == 2001 && st->euid == 2002 && st->suid == 2003 && st->fsuid == 2003);
	ASSERT(st->gid == 1001 && st->egid == 1002 && st->sgid == 1003 && st->fsgid == 1001);
	ASSERT_EQ(st->ngroups, 3);
	ASSERT(st->groups[0] == 4 && st->groups[1] == 24 && st->groups[2] == 1234);
	ASSERT_ULL_EQ(st->sig_blocked, 1ULL << (SIGUSR1 - 1));
	ASSERT(st->sig_ignored & (1ULL << (SIGUSR2 - 1)));
	ASSERT(st->sig_caught & (1ULL << (SIGTERM - 1)));
	ASSERT_ULL_EQ(st->cap_eff, 0);
	ASSERT_EQ(st->no_new_privs, 1);
	ASSERT_STREQ(st->cpus_allowed_list.array, "0");
	ASSERT_EQ(st->kthread, 0);
	ASSERT_EQ(st->threads, 1);
	/* ps */
	ASSERT_EQ(ps_numbers(pid, "ruid=,euid=,suid=,fsuid=,rgid=,egid=,sgid=,fsgid=", 10,
			     ps, 8), 8);
	ASSERT(ps[0] == st->uid && ps[1] == st->euid && ps[2] == st->suid && ps[3] == st->fsuid);
	ASSERT(ps[4] == st->gid && ps[5] == st->egid && ps[6] == st->sgid && ps[7] == st->fsgid);
	ASSERT_EQ(ps_numbers(pid, "blocked=,ignored=,caught=", 16, ps, 3), 3);
	ASSERT_ULL_EQ(ps[0], st->sig_blocked);
	ASSERT_ULL_EQ(ps[1], st->sig_ignored);
	ASSERT_ULL_EQ(ps[2], st->sig_caught);
	ASSERT_EQ(ps_numbers(pid, "supgid=", 10, ps, 8), 3);
	ASSERT(ps[0] == 4 && ps[1] == 24 && ps[2] == 1234);
	/* psutil */
	ASSERT(t_psutil(pid, "*p.uids(), *p.gids()", buf, sizeof(buf)));
	ASSERT_STREQ(buf, "2001 2002 2003 1001 1002 1003");
	vmon_destroy(&v);
	t_kill(pid);
}

/* ---- memory: a peak that is gone ---- */

static bool shrink_main(void *arg)
{
	char *p = mmap(NULL, 64 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return false;
	for (size_t i = 0; i < 64 * MiB; i += 4096)
		p[i] = 1;
	if (munmap(p + 16 * MiB, 48 * MiB))
		return false;
	return t_sleeper(arg);
}

TEST(want_status_peak_and_split_memory)
{
	struct t_sync ready;
	vmon_t v;
	vmon_proc_status_t *st;
	unsigned long long ps[2];
	char buf[256];
	pid_t pid = start_child(shrink_main, &ready);

	st = status_of(start(&v, pid, VMON_WANT_PROC_STATUS));
	compare_all(st, pid, 0);
	ASSERT(st->vm_hwm_kb >= 64 * 1024);
	ASSERT(st->vm_peak_kb >= 64 * 1024 + st->vm_size_kb - 16 * 1024 - 1024);
	ASSERT(st->vm_rss_kb >= 16 * 1024 && st->vm_rss_kb < st->vm_hwm_kb - 40 * 1024);
	ASSERT(st->rss_anon_kb >= 16 * 1024);
	ASSERT_EQ(st->vm_rss_kb, st->rss_anon_kb + st->rss_file_kb + st->rss_shmem_kb);
	ASSERT(t_psutil(pid, "p.memory_info().rss, p.memory_info().vms", buf, sizeof(buf)));
	ASSERT_EQ(t_numbers(buf, ps, 2), 2);
	ASSERT_ULL_EQ(ps[0], st->vm_rss_kb * 1024);
	ASSERT_ULL_EQ(ps[1], st->vm_size_kb * 1024);
	ASSERT_EQ(ps_numbers(pid, "rss=,vsz=", 10, ps, 2), 2);
	ASSERT_EQ(ps[0], st->vm_rss_kb);
	ASSERT_EQ(ps[1], st->vm_size_kb);
	vmon_destroy(&v);
	t_kill(pid);
}

/* ---- context switches of a busy child ---- */

static bool switcher_main(void *arg)
{
	t_sync_post(arg);
	for (;;) {
		for (volatile int i = 0; i < 200000; i++)
			;
		usleep(200);
	}
	return true;
}

TEST(want_status_context_switches_between_two_reads)
{
	struct t_sync ready;
	unsigned long long before[2], after[2], ps[2];
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_status_t *st;
	char buf[256];
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(switcher_main, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STATUS));
	p = vmon_proc_monitor(&v, pid, 0, NULL, NULL);
	for (int round = 0; round < 3; round++) {
		before[0] = t_status_ull(pid, "voluntary_ctxt_switches", 1);
		before[1] = t_status_ull(pid, "nonvoluntary_ctxt_switches", 1);
		ASSERT(vmon_sample(&v));
		after[0] = t_status_ull(pid, "voluntary_ctxt_switches", 1);
		after[1] = t_status_ull(pid, "nonvoluntary_ctxt_switches", 1);
		st = status_of(p);
		ASSERT(before[0] <= st->vol_ctxt_switches && st->vol_ctxt_switches <= after[0]);
		ASSERT(before[1] <= st->nonvol_ctxt_switches && st->nonvol_ctxt_switches <= after[1]);
		ASSERT(t_psutil(pid, "*p.num_ctx_switches()", buf, sizeof(buf)));
		ASSERT_EQ(t_numbers(buf, ps, 2), 2);
		ASSERT(st->vol_ctxt_switches <= ps[0] && st->nonvol_ctxt_switches <= ps[1]);
		/* let it switch (bounded: a loaded machine may not run it at
		 * once): the figures must move */
		for (int i = 0; i < 10000 && t_status_ull(pid, "voluntary_ctxt_switches", 1) ==
		     st->vol_ctxt_switches; i++)
			usleep(1000);
	}
	ASSERT(st->vol_ctxt_switches > 0);
	ASSERT(BITTEST(st->changed, VMON_PROC_STATUS_VOL_CTXT_SWITCHES));
	vmon_destroy(&v);
	t_kill(pid);
}

/* ---- kernel threads, thread nodes, seccomp ---- */

TEST(want_status_kernel_thread_flag)
{
	vmon_t v;
	vmon_proc_t *k, *self;
	char buf[32];

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_STATUS));
	k = vmon_proc_monitor(&v, 2, 0, NULL, NULL);	/* kthreadd */
	self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL);
	ASSERT(k && self);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(status_of(k)->kthread, 1);
	ASSERT_EQ(status_of(self)->kthread, 0);
	ASSERT(!BITTEST(status_of(k)->unavailable, VMON_PROC_STATUS_KTHREAD));
	/* no memory lines for a kernel thread: unavailable, not 0 */
	ASSERT(BITTEST(status_of(k)->unavailable, VMON_PROC_STATUS_VM_RSS_KB));
	ASSERT(k->unavailable & VMON_WANT_PROC_STATUS);
	/* kernels since 6.x print it too */
	if (t_status_value(2, 0, "Kthread", 1, buf, sizeof(buf)))
		ASSERT_STREQ(buf, "1");
	/* learnt once: later samples keep it, with no change */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(status_of(k)->kthread, 1);
	ASSERT(!BITTEST(status_of(k)->changed, VMON_PROC_STATUS_KTHREAD));
	vmon_destroy(&v);
}

static void *sleeping_thread(void *arg)
{
	t_sync_post(arg);
	for (;;)
		pause();
	return NULL;
}

static bool two_threads_main(void *arg)
{
	struct t_sync started;
	pthread_t t;

	t_sync_init(&started);
	if (pthread_create(&t, NULL, sleeping_thread, &started))
		return false;
	t_sync_wait(&started);
	return t_sleeper(arg);
}

TEST(want_status_thread_nodes_read_their_task)
{
	struct t_sync ready;
	vmon_t v;
	vmon_proc_t *p, *t;
	int threads = 0;
	pid_t pid = start_child(two_threads_main, &ready);

	p = start(&v, pid, VMON_WANT_PROC_STATUS | VMON_WANT_PROC_FOLLOW_THREADS);
	list_for_each_entry(t, &p->threads, threads)
		t_wait_sleeping(t->pid);
	ASSERT(vmon_sample(&v));
	list_for_each_entry(t, &p->threads, threads) {
		compare_all(status_of(t), pid, t->pid);
		ASSERT_EQ(status_of(t)->threads, 2);
		threads++;
	}
	ASSERT_EQ(threads, 2);
	vmon_destroy(&v);
	t_kill(pid);
}

static bool strict_main(void *arg)
{
	int block[2];
	char c;

	/* a pipe nobody else writes: reading it blocks for good; under the
	 * runner's filter (VMON_TEST_NO_BPF=1) a process cannot enter strict
	 * mode, and stays in filter mode */
	if (pipe(block) || (!getenv("VMON_TEST_NO_BPF") && prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)))
		return false;
	t_sync_post(arg);	/* write(2) and read(2) are allowed in strict mode */
	for (;;)
		(void)!read(block[0], &c, 1);
	return true;
}

TEST(want_status_strict_seccomp)
{
	struct t_sync ready;
	unsigned long long mode;
	vmon_t v;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(strict_main, &ready);
	t_sync_wait(&ready);
	mode = getenv("VMON_TEST_NO_BPF") ? 2 : 1;	/* filter or strict */
	ASSERT_EQ(status_of(start(&v, pid, VMON_WANT_PROC_STATUS))->seccomp, mode);
	ASSERT_EQ(t_status_ull(pid, "Seccomp", 1), mode);
	vmon_destroy(&v);
	t_kill(pid);
}

/* ---- the CPU affinity mask ---- */

struct pinned {
	struct t_sync ready;
	int tid_pipe[2];
	int cpu_main, cpu_thread;
};

static bool pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;	/* the calling thread */
}

static void *pinned_thread(void *arg)
{
	struct pinned *p = arg;
	pid_t tid = gettid();

	if (pin_to(p->cpu_thread) && write(p->tid_pipe[1], &tid, sizeof(tid)) == sizeof(tid))
		for (;;)
			pause();
	return NULL;
}

static bool pinned_main(void *arg)
{
	struct pinned *p = arg;
	pthread_t t;

	if (!pin_to(p->cpu_main) || pthread_create(&t, NULL, pinned_thread, p))
		return false;
	return t_sleeper(&p->ready);
}

/* nr_cpu_ids: one more than the highest possible CPU */
static int possible_cpus(void)
{
	char *text = t_read_file("/sys/devices/system/cpu/possible", NULL), *p;
	int n;

	ASSERT(text);	/* a list such as "0-3,8": its last number */
	for (p = text + strcspn(text, "\n"); p > text && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	n = atoi(p) + 1;
	free(text);
	return n;
}

/* psutil's cpu_affinity() of pid (a tid works too), as "[0, 1]" */
static void affinity_matches_psutil(const vmon_proc_status_t *st, pid_t pid)
{
	char want[256] = "[", got[256];
	size_t len = 1;

	for (int cpu = 0; cpu < st->cpus_allowed_nr; cpu++)
		if (BITTEST(st->cpus_allowed, cpu))
			len += snprintf(want + len, sizeof(want) - len, "%s%d", len > 1 ? ", " : "", cpu);
	snprintf(want + len, sizeof(want) - len, "]");
	ASSERT(t_psutil(pid, "p.cpu_affinity()", got, sizeof(got)));
	ASSERT_STREQ(got, want);
}

TEST(want_status_affinity_mask_of_pinned_tasks)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct pinned pin = { .cpu_main = cpus > 1 ? 1 : 0, .cpu_thread = 0 };
	int possible = possible_cpus();
	vmon_proc_status_t *st;
	vmon_proc_t *p, *t;
	cpu_set_t both;
	vmon_t v;
	pid_t pid, tid;

	t_sync_init(&pin.ready);
	ASSERT(pipe(pin.tid_pipe) == 0);
	pid = t_fork(pinned_main, &pin);
	t_sync_wait(&pin.ready);
	ASSERT(read(pin.tid_pipe[0], &tid, sizeof(tid)) == sizeof(tid));
	p = start(&v, pid, VMON_WANT_PROC_STATUS | VMON_WANT_PROC_FOLLOW_THREADS);
	ASSERT((t = t_thread_node(p, tid)));
	ASSERT(vmon_sample(&v));
	/* the process node is its main thread's; the thread node its own */
	st = status_of(p);
	compare_lists(st, pid, 0);
	ASSERT_EQ(st->cpus_allowed_nr, (possible + 3) / 4 * 4);
	ASSERT_EQ(st->cpus_allowed_count, 1);
	ASSERT(BITTEST(st->cpus_allowed, pin.cpu_main));
	affinity_matches_psutil(st, pid);
	compare_lists(status_of(t), pid, tid);
	ASSERT_EQ(status_of(t)->cpus_allowed_count, 1);
	ASSERT(BITTEST(status_of(t)->cpus_allowed, pin.cpu_thread));
	affinity_matches_psutil(status_of(t), tid);
	printf("affinity: %d possible CPUs, mask of %d bits; process on CPU %d, thread on CPU %d\n",
	       possible, st->cpus_allowed_nr, pin.cpu_main, pin.cpu_thread);
	/* widened from here: a change of the mask and its count */
	CPU_ZERO(&both);
	for (int cpu = 0; cpu < cpus && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &both);
	ASSERT(sched_setaffinity(pid, sizeof(both), &both) == 0);
	ASSERT(vmon_sample(&v));
	compare_lists(st, pid, 0);
	ASSERT_EQ(st->cpus_allowed_count, CPU_COUNT(&both));
	ASSERT_EQ(BITTEST(st->changed, VMON_PROC_STATUS_CPUS_ALLOWED_NR) != 0, cpus > 1);
	affinity_matches_psutil(st, pid);
	vmon_destroy(&v);
	t_kill(pid);
}
