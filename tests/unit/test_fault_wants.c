/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_fault_wants.c - the wants the puppet cycle leaves out (every want
 * but the original's, the files and the sockets: T_WANTS_APART_* in
 * test.h, so a new want is in by construction) under allocation and I/O
 * failures,
 * swept as the sweeps of test_fault_alloc.c and test_fault_io.c do: call N
 * of a site fails (once, or every call from N on) for N = 1, 2, ... until
 * a whole cycle runs without reaching N.
 *
 * A cycle inits with those wants (the system ones and the per-process
 * ones, with threads followed), monitors a child with a second thread, samples three times,
 * reads the child's extras and the rates, then unmonitors and destroys.
 * The puppet cycle of fault_cycle.c keeps to the original wants: with
 * twelve more stores each of its sweeps would outgrow the runner's time,
 * so the new ones are swept here, on a smaller tree, at every site:
 * allocation (ENOMEM), openat, pread and readlinkat (EINTR retried; EIO,
 * EACCES, ESRCH, ENOENT one-shot; EIO and EACCES persistent) and short
 * reads.  The ioprio_get() of the ioprio want is no such site: its
 * failures are those of a task gone or of another namespace, tested on
 * real processes (test_want_ioprio.c).
 *
 * What must hold: public calls succeed or fail with ENOMEM (vmon_sample,
 * the rates) or, for vmon_proc_read_extras(), with ESRCH when a read said
 * the child is gone; the invariant checker passes after every sample (test
 * builds also run it inside vmon_sample()); no descriptor is left; after
 * a one-shot fault, once the faults are cleared, two samples bring every
 * store back to what a fault-free cycle shows; LeakSanitizer finds no leak
 * in the sanitizer run.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

#define NEW_SYS T_WANTS_APART_SYS
#define NEW_PROC (T_WANTS_APART_PROC | VMON_WANT_PROC_FOLLOW_THREADS)

/* a process with a second thread, ready when it posts */
static bool root_main(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, t_sleeper_thread, NULL))
		return false;
	return t_sleeper(arg);
}

/* What the stores say, for comparing a recovered cycle with a clean one:
 * the unavailable masks of the instance, the root and its threads (the
 * main thread first: the list's order may differ between runs). */
static void signature(vmon_t *v, vmon_proc_t *root, char *sig, size_t size)
{
	size_t off = snprintf(sig, size, "sys %#x\nroot stale=%d unavail=%#x\n",
			      (unsigned)v->unavailable, root->is_stale,
			      (unsigned)root->unavailable);
	vmon_proc_t *t;

	for (int main_thread = 1; main_thread >= 0; main_thread--)
		list_for_each_entry(t, &root->threads, threads)
			if ((t->pid == root->pid) == main_thread)
				off += snprintf(sig + off, size - off, "thread %d unavail=%#x\n",
						main_thread, (unsigned)t->unavailable);
}

/* One cycle: whether the fault fired (the sweep is done when not). */
static bool cycle(pid_t pid, int err, char *sig, size_t size)
{
	bool fired;
	vmon_proc_extras_t x = { 0 };
	vmon_proc_rates_t pr = { 0 };
	vmon_sys_rates_t sr = { 0 };
	vmon_proc_t *p;
	vmon_t v;

	sig[0] = '\0';
	if (!vmon_init(&v, VMON_FLAG_NONE, NEW_SYS, NEW_PROC)) {
		ASSERT_MSG(errno == ENOMEM || errno == err, "init: %s", strerror(errno));
		return vmon_test_fault_fired();
	}
	if (!(p = vmon_proc_monitor(&v, pid, 0, NULL, NULL))) {
		ASSERT_MSG(errno == ENOMEM || errno == err || errno == ESRCH, "monitor: %s",
			   strerror(errno));
		vmon_destroy(&v);
		return vmon_test_fault_fired();
	}
	for (int i = 0; i < 3; i++) {
		if (!vmon_sample(&v))
			ASSERT_EQ(errno, ENOMEM);
		t_check_tree(&v);
		if (!vmon_proc_rates_update(&v, p, &pr) || !vmon_sys_rates_update(&v, &sr))
			ASSERT_EQ(errno, ENOMEM);
	}
	if (!vmon_proc_read_extras(&v, p, VMON_EXTRA_ALL, &x))
		ASSERT_MSG(errno == ENOMEM || errno == ESRCH, "extras: %s", strerror(errno));
	/* recovery: faults off, two more samples */
	fired = vmon_test_fault_fired();
	vmon_test_fault_clear();
	for (int i = 0; i < 2; i++)
		ASSERT(vmon_sample(&v));
	t_check_tree(&v);
	signature(&v, p, sig, size);
	vmon_proc_extras_free(&x);
	vmon_sys_rates_free(&sr);
	vmon_proc_unmonitor(&v, p, NULL, NULL);
	vmon_destroy(&v);
	return fired;
}

static unsigned long sweep(pid_t pid, int site, const struct vmon_fault_plan *plan,
			   const char *clean)
{
	int fds = t_count_fds();
	unsigned long n;
	char sig[1024];

	for (n = 1; n < 50000; n++) {
		struct vmon_fault_plan p = *plan;

		p.countdown = n;
		vmon_test_fault_clear();
		vmon_test_fault_set(site, &p);
		if (!cycle(pid, plan->err, sig, sizeof(sig)))
			break;
		ASSERT_EQ(t_count_fds(), fds);
		/* a one-shot fault that did not lose the root leaves no trace
		 * (a cycle whose init or monitor failed has no signature) */
		if (!plan->persistent && sig[0] && !strstr(sig, "root stale=1"))
			ASSERT_MSG(!strcmp(sig, clean), "fault %d at call %lu of site %d:\n%s"
				   "instead of\n%s", plan->err, n, site, sig, clean);
	}
	vmon_test_fault_clear();
	ASSERT_MSG(n > 5 && n < 50000, "the sweep ended after %lu calls", n);
	return n - 1;
}

/* Sweep site with each error of errs, one-shot and/or persistent. */
static void sweep_site(int site, const int *errs, int nr, bool one_shot, bool persistent_too)
{
	struct t_sync ready;
	char clean[1024];
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(root_main, &ready);
	t_sync_wait(&ready);
	t_wait_sleeping(pid);
	vmon_test_fault_clear();
	cycle(pid, 0, clean, sizeof(clean));
	for (int i = 0; i < nr; i++)
		for (int persistent = !one_shot; persistent <= (persistent_too && errs[i] != EINTR);
		     persistent++) {
			struct vmon_fault_plan plan = { .armed = 1, .err = errs[i],
							.persistent = persistent };

			printf("    site %d, %s%s: %lu calls failed in turn\n", site,
			       strerror(errs[i]), persistent ? ", persistent" : "",
			       sweep(pid, site, &plan, clean));
		}
	t_kill(pid);
}

static const int io_errors[] = { EINTR, EIO, EACCES, ESRCH, ENOENT };

TEST(fault_wants_alloc_sweep)
{
	static const int enomem[] = { ENOMEM };

	sweep_site(VMON__FAULT_ALLOC, enomem, 1, true, true);
}

TEST(fault_wants_openat_sweep)
{
	sweep_site(VMON__FAULT_OPEN, io_errors, VMON__ARRAY_SIZE(io_errors), true, false);
}

TEST(fault_wants_pread_sweep)
{
	static const int persistent[] = { EIO, EACCES };

	sweep_site(VMON__FAULT_READ, io_errors, VMON__ARRAY_SIZE(io_errors), true, false);
	sweep_site(VMON__FAULT_READ, persistent, VMON__ARRAY_SIZE(persistent), false, true);
}

TEST(fault_wants_readlinkat_sweep)
{
	sweep_site(VMON__FAULT_READLINK, io_errors, VMON__ARRAY_SIZE(io_errors), true, false);
}

TEST(fault_wants_short_reads)
{
	struct t_sync ready;
	char clean[1024];
	pid_t pid;

	t_sync_init(&ready);
	pid = t_fork(root_main, &ready);
	t_sync_wait(&ready);
	t_wait_sleeping(pid);
	cycle(pid, 0, clean, sizeof(clean));
	for (int cut = 1; cut <= 7; cut += 6) {
		struct vmon_fault_plan plan = { .armed = 1, .short_read = cut };

		printf("    reads cut to %d bytes: %lu reads cut in turn\n", cut,
		       sweep(pid, VMON__FAULT_READ, &plan, clean));
	}
	t_kill(pid);
}
