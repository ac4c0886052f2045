/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_smaps.c - VMON_WANT_PROC_SMAPS_ROLLUP on real processes:
 *
 *   - a child with 16 MiB of private memory and 8 MiB shared with a
 *     grandchild: every field equals /proc/PID/smaps_rollup read right
 *     after the sample, PSS counts the shared part half, USS is the
 *     private part, and psutil's memory_full_info() says the same uss, pss
 *     and swap;
 *   - a process that execs between samples: the descriptor held on the
 *     old memory map is reopened, and the figures are the new program's;
 *   - a kernel thread and a zombie have no memory map: unavailable, and
 *     the node is not taken for dead;
 *   - vmon_set_want_interval() reads the file every Nth sample only.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

#define MiB (1024 * 1024)

static vmon_proc_smaps_rollup_t *rollup_of(vmon_proc_t *p)
{
	vmon_proc_smaps_rollup_t *sr = p->stores[VMON_STORE_PROC_SMAPS_ROLLUP];

	ASSERT(sr);
	return sr;
}

/* the kB value of key in a smaps_rollup text, or -1 */
static long long text_value(const char *text, const char *key)
{
	char k[64];
	const char *line;

	snprintf(k, sizeof(k), "\n%s:", key);
	line = strstr(text, k);
	return line ? strtoll(line + strlen(k), NULL, 10) : -1;
}

static char *rollup_text(pid_t pid)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	text = t_read_file(path, NULL);
	ASSERT_MSG(text, "cannot read %s", path);
	return text;
}

static long long rollup_value(pid_t pid, const char *key)
{
	char *text = rollup_text(pid);
	long long v = text_value(text, key);

	free(text);
	return v;
}

/* Does the field move when other processes map or unmap the same files?
 * A page another process maps too turns from private to shared, and the
 * PSS of shared file pages is divided among their mappers: with the
 * machine running other work, these figures move from read to read. */
static bool moved_by_others(const char *source)
{
	static const char *const keys[] = { "Pss", "Pss_Dirty", "Pss_File", "Shared_Clean",
					    "Private_Clean", "Referenced", "SwapPss" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(source, keys[i]))
			return true;
	return false;
}

/* Every field but the derived one lies between the file read before the
 * sample and the file read after it (equal when nothing moved); those
 * moved by others' mappings lie within the file-backed resident memory of
 * the first read.  The PSS split adds up within one read. */
static void compare_file(const vmon_proc_smaps_rollup_t *sr, const char *before,
			 const char *after)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_SMAPS_ROLLUP);
	long long file_kb = text_value(before, "Rss") - text_value(before, "Anonymous");

	for (int sym = 0; sym < info->fields_nr; sym++) {
		const vmon_field_t *f = &info->fields[sym];
		long long a = text_value(before, f->source), b = text_value(after, f->source);
		long long got = *(const unsigned long long *)((const char *)sr + f->offset);
		long long lo = a < b ? a : b, hi = a < b ? b : a;

		if (sym == VMON_PROC_SMAPS_ROLLUP_USS_KB)
			continue;
		if (a < 0) {
			ASSERT_MSG(vmon_field_unavailable(info, sr, sym), "%s not printed", f->source);
			continue;
		}
		ASSERT_MSG(!vmon_field_unavailable(info, sr, sym), "%s unavailable", f->name);
		if (moved_by_others(f->source)) {
			lo -= file_kb;
			hi += file_kb;
		}
		ASSERT_MSG(got >= lo && got <= hi, "%s: library %lld, file %lld then %lld",
			   f->name, got, a, b);
	}
	ASSERT_EQ(sr->uss_kb, sr->private_clean_kb + sr->private_dirty_kb);
	ASSERT_NEAR(sr->pss_kb, sr->pss_anon_kb + sr->pss_file_kb + sr->pss_shmem_kb, 2);
}

/* sample, with the file read just before and just after */
static void sample_between(vmon_t *v, pid_t pid, char **before, char **after)
{
	*before = rollup_text(pid);
	ASSERT(vmon_sample(v));
	*after = rollup_text(pid);
}

struct sharer {
	struct t_sync ready, mapped;
	char *shared;
};

static bool grandchild_main(void *arg)
{
	struct sharer *s = arg;
	volatile char sum = 0;

	for (size_t i = 0; i < 8 * MiB; i += 4096)
		sum += s->shared[i];	/* map the shared pages too */
	(void)sum;
	return t_sleeper(&s->mapped);
}

/* 8 MiB shared with a grandchild, then 16 MiB of its own (allocated after
 * the fork, so the grandchild does not share them copy-on-write) */
static bool sharer_main(void *arg)
{
	struct sharer *s = arg;
	char *priv;

	s->shared = mmap(NULL, 8 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->shared == MAP_FAILED)
		return false;
	memset(s->shared, 2, 8 * MiB);
	t_sync_init(&s->mapped);
	t_fork(grandchild_main, s);
	t_sync_wait(&s->mapped);
	priv = mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (priv == MAP_FAILED)
		return false;
	memset(priv, 1, 16 * MiB);
	return t_sleeper(&s->ready);
}

TEST(want_smaps_pss_uss_of_a_sharing_child)
{
	struct sharer s;
	unsigned long long ps[3];
	char *before, *after;
	char buf[256];
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_smaps_rollup_t *sr;
	pid_t pid;

	t_sync_init(&s.ready);
	pid = t_fork(sharer_main, &s);
	t_sync_wait(&s.ready);
	t_wait_sleeping(pid);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_SMAPS_ROLLUP));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	sample_between(&v, pid, &before, &after);
	sr = rollup_of(p);
	compare_file(sr, before, after);
	free(before);
	free(after);
	ASSERT(sr->uss_kb >= 16 * 1024);
	ASSERT(sr->rss_kb >= 24 * 1024);
	/* the shared 8 MiB count half in the PSS: rss - pss >= 4 MiB */
	ASSERT(sr->pss_kb <= sr->rss_kb - 4 * 1024 + 512);
	ASSERT(sr->pss_shmem_kb >= 4 * 1024 - 512 && sr->pss_shmem_kb <= 4 * 1024 + 512);
	ASSERT(t_psutil(pid, "p.memory_full_info().uss, p.memory_full_info().pss, "
			"p.memory_full_info().swap", buf, sizeof(buf)));
	ASSERT_EQ(t_numbers(buf, ps, 3), 3);
	ASSERT_ULL_EQ(ps[0], sr->uss_kb * 1024);
	/* python3 maps the same libraries, which lowers their share of the
	 * child's PSS: only the file-backed part may move */
	ASSERT_NEAR(ps[1] / 1024, sr->pss_kb, sr->pss_file_kb);
	ASSERT_ULL_EQ(ps[2], sr->swap_kb * 1024);
	vmon_destroy(&v);
	t_kill(pid);
}

struct execer {
	struct t_sync ready;
	int go[2];		/* a byte here: exec */
};

static bool execer_main(void *arg)
{
	struct execer *e = arg;
	char *big = mmap(NULL, 32 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	if (big == MAP_FAILED)
		return false;
	memset(big, 1, 32 * MiB);
	t_sync_post(&e->ready);
	if (read(e->go[0], &c, 1) != 1 || dup2(e->go[0], 0) < 0)
		return false;
	execl("/bin/sh", "sh", "-c", "read x", (char *)NULL);
	return false;
}

TEST(want_smaps_reopened_after_exec)
{
	struct execer e;
	char *before, *after;
	vmon_t v;
	vmon_proc_t *p;
	pid_t pid;

	t_sync_init(&e.ready);
	ASSERT(pipe2(e.go, O_CLOEXEC) == 0);
	pid = t_fork(execer_main, &e);
	t_sync_wait(&e.ready);
	t_wait_sleeping(pid);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_SMAPS_ROLLUP));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(rollup_of(p)->anonymous_kb >= 32 * 1024);
	/* exec, and wait until the shell blocks in read */
	ASSERT(write(e.go[1], "x", 1) == 1);
	for (int i = 0; i < 1000 && rollup_value(pid, "Anonymous") >= 32 * 1024; i++)
		usleep(1000);
	t_wait_sleeping(pid);
	sample_between(&v, pid, &before, &after);
	ASSERT(!p->is_stale);
	ASSERT(!(p->unavailable & VMON_WANT_PROC_SMAPS_ROLLUP));
	ASSERT(rollup_of(p)->anonymous_kb < 32 * 1024);
	compare_file(rollup_of(p), before, after);
	free(before);
	free(after);
	vmon_destroy(&v);
	t_kill(pid);
}

static bool exit_now(void *arg)
{
	(void)arg;
	return true;
}

TEST(want_smaps_kernel_thread_and_zombie_unavailable_not_gone)
{
	vmon_t v;
	vmon_proc_t *k, *z;
	pid_t zombie = t_fork(exit_now, NULL);
	siginfo_t si;

	/* a zombie: exited, not reaped */
	ASSERT(waitid(P_PID, zombie, &si, WEXITED | WNOWAIT) == 0);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_SMAPS_ROLLUP));
	ASSERT((k = vmon_proc_monitor(&v, 2, 0, NULL, NULL)));
	ASSERT((z = vmon_proc_monitor(&v, zombie, 0, NULL, NULL)));
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(!k->is_stale && !z->is_stale);
		ASSERT(k->unavailable & VMON_WANT_PROC_SMAPS_ROLLUP);
		ASSERT(z->unavailable & VMON_WANT_PROC_SMAPS_ROLLUP);
		ASSERT(BITTEST(rollup_of(k)->unavailable, VMON_PROC_SMAPS_ROLLUP_PSS_KB));
	}
	/* reaped: now it is gone */
	t_wait(zombie);
	ASSERT(vmon_sample(&v));
	ASSERT(z->is_stale);
	ASSERT(!k->is_stale);
	vmon_destroy(&v);
}

static bool any_changed(const vmon_proc_smaps_rollup_t *sr)
{
	for (int i = 0; i < VMON_PROC_SMAPS_ROLLUP_NR; i++)
		if (BITTEST(sr->changed, i))
			return true;
	return false;
}

TEST(want_smaps_interval_every_third_sample)
{
	vmon_t v;
	vmon_proc_t *p;
	int read_at[9] = { 0 };
	char *grow[9];

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_SMAPS_ROLLUP));
	ASSERT(!vmon_set_want_interval(&v, VMON_WANT_PROC_STAT, 3) && errno == EINVAL);
	ASSERT(vmon_set_want_interval(&v, VMON_WANT_PROC_SMAPS_ROLLUP, 3));
	ASSERT((p = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	for (int i = 0; i < 9; i++) {
		unsigned long before = vmon_test_fault_calls(VMON__FAULT_READ);

		grow[i] = malloc(MiB);	/* kept: every read sees more memory */
		ASSERT(grow[i]);
		memset(grow[i], 1, MiB);
		ASSERT(vmon_sample(&v));
		read_at[i] = vmon_test_fault_calls(VMON__FAULT_READ) != before;
		ASSERT_EQ(any_changed(rollup_of(p)), read_at[i]);
		ASSERT(!(p->unavailable & VMON_WANT_PROC_SMAPS_ROLLUP));
	}
	for (int i = 0; i < 9; i++) {
		ASSERT_MSG(read_at[i] == (i % 3 == 0), "sample %d: read %d", i + 1, read_at[i]);
		free(grow[i]);
	}
	/* back to every sample */
	ASSERT(vmon_set_want_interval(&v, VMON_WANT_PROC_SMAPS_ROLLUP, 0));
	for (int i = 0; i < 2; i++) {
		unsigned long before = vmon_test_fault_calls(VMON__FAULT_READ);

		ASSERT(vmon_sample(&v));
		ASSERT(vmon_test_fault_calls(VMON__FAULT_READ) != before);
	}
	vmon_destroy(&v);
}

static void *sleeping_thread(void *arg)
{
	t_sync_post(arg);
	for (;;)
		pause();
	return NULL;
}

/* a process with 8 MiB of its own and a second thread */
static bool threaded_main(void *arg)
{
	struct t_sync started;
	pthread_t t;
	char *mem = mmap(NULL, 8 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return false;
	memset(mem, 1, 8 * MiB);
	t_sync_init(&started);
	if (pthread_create(&t, NULL, sleeping_thread, &started))
		return false;
	t_sync_wait(&started);
	return t_sleeper(arg);
}

TEST(want_smaps_thread_nodes_take_the_process_figures)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_SMAPS_ROLLUP);
	struct t_sync ready;
	unsigned long before;
	vmon_t v;
	vmon_proc_t *p, *t;
	int threads = 0;
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(threaded_main, &ready);
	t_sync_wait(&ready);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0,
			 VMON_WANT_PROC_SMAPS_ROLLUP | VMON_WANT_PROC_FOLLOW_THREADS));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	/* one walk of the page tables per sample, not one per thread */
	before = vmon_test_fault_calls(VMON__FAULT_READ);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(vmon_test_fault_calls(VMON__FAULT_READ) - before, 1);
	ASSERT(rollup_of(p)->anonymous_kb >= 8 * 1024);
	list_for_each_entry(t, &p->threads, threads) {
		for (int sym = 0; sym < info->fields_nr; sym++) {
			const vmon_field_t *f = &info->fields[sym];

			ASSERT_ULL_EQ(*(unsigned long long *)((char *)rollup_of(t) + f->offset),
				      *(unsigned long long *)((char *)rollup_of(p) + f->offset));
			ASSERT(!BITTEST(rollup_of(t)->unavailable, sym));
		}
		threads++;
	}
	ASSERT_EQ(threads, 2);
	/* the flat array order may reach a thread before its process: it then
	 * reads its task's file, with the same figures */
	vmon_destroy(&v);
	ASSERT(vmon_init(&v, VMON_FLAG_PROC_ARRAY, 0,
			 VMON_WANT_PROC_SMAPS_ROLLUP | VMON_WANT_PROC_FOLLOW_THREADS));
	ASSERT((p = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	for (int i = 0; i < 2; i++)
		ASSERT(vmon_sample(&v));
	list_for_each_entry(t, &p->threads, threads)
		ASSERT_EQ(rollup_of(t)->anonymous_kb, rollup_of(p)->anonymous_kb);
	vmon_destroy(&v);
	t_kill(pid);
}
