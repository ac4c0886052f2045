/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stress.c - the churn stress test (docs/design/io-and-faults.md, "Long
 * runs"), built with ASan and UBSan against the test build of the library,
 * so the invariant checker (vmon__check) runs inside every vmon_sample()
 * and aborts on a violation.
 *
 *   vmon-stress CHURN [SECONDS]      (default 60, or $VMON_STRESS_SECONDS)
 *
 * It starts CHURN (tests/helpers/churn.c), a workload forking and reaping
 * thousands of short-lived processes and threads a second, some
 * multi-threaded, some renaming themselves, some exec-ing, some leaving
 * orphans.  Four instances watch it, each in its own thread, sampling as
 * fast as they can for SECONDS: one follows CHURN's tree with every
 * process want, one monitors every process of the system (PROC_ALL,
 * PROC_ARRAY) with every want it allows and every system want, and two
 * follow the tree with events on (VMON_FLAG_EVENTS): the best source
 * (netlink as root) and ptrace, whose processes born and gone between two
 * samples become nodes with exit records.
 *
 * Then the workload goes quiet, and all must agree with /proc exactly:
 * the followed tree is CHURN and its two stable children (one with its
 * three threads), and PROC_ALL holds no live node for a churned process.
 * Finally all are destroyed: every constructed node must have been
 * destroyed, no descriptor may be left open, and LeakSanitizer checks for
 * leaks at exit.  The counts are printed: processes churned, samples
 * taken, exit records seen, invariant checks passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define ALL_SYS_WANTS ((vmon_sys_wants_t)((1u << VMON_STORE_SYS_NR) - 1))
#define ALL_PROC_WANTS ((vmon_proc_wants_t)((1u << VMON_STORE_PROC_NR) - 1))

#define FAIL(...) do { \
	fprintf(stderr, "vmon-stress: FAIL: " __VA_ARGS__); \
	fputc('\n', stderr); \
	exit(1); \
} while (0)

struct watcher {
	vmon_t vmon;
	const char *name;
	pthread_t thread;
	atomic_bool *stop;
	unsigned long samples, failed, births, deaths, exits;
};

static void on_ctor(vmon_t *v, vmon_proc_t *p)
{
	(void)p;
	((struct watcher *)v->sample_cb_arg)->births++;
}

static void on_dtor(vmon_t *v, vmon_proc_t *p)
{
	struct watcher *w = v->sample_cb_arg;

	w->deaths++;
	w->exits += p->exit && (p->exit->known & VMON_EXIT_STATUS);
}

static void sample(struct watcher *w)
{
	if (!vmon_sample(&w->vmon)) {
		if (errno == ENOMEM)
			FAIL("%s: vmon_sample: %s", w->name, strerror(errno));
		w->failed++;
	}
	w->samples++;
}

static void *watch(void *arg)
{
	struct watcher *w = arg;

	while (!atomic_load(w->stop))
		sample(w);
	return NULL;
}

static void watcher_init(struct watcher *w, const char *name, vmon_flags_t flags,
			 vmon_sys_wants_t sys, vmon_proc_wants_t proc, atomic_bool *stop)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->stop = stop;
	if (!vmon_init(&w->vmon, flags, sys, proc))
		FAIL("%s: vmon_init: %s", name, strerror(errno));
	w->vmon.sample_cb_arg = w;
	w->vmon.proc_ctor_cb = on_ctor;
	w->vmon.proc_dtor_cb = on_dtor;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = -1;	/* the listing's own descriptor */

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* the workload, with pipes to its stdin and from its stdout */
struct churn {
	pid_t pid;
	FILE *in, *out;
	int gate;	/* written once everything watches: the child execs */
};

/* Fork the workload, which waits at the gate: the ptrace source traces
 * only what its roots fork once traced (their workers, here). */
static void churn_start(struct churn *c, const char *path)
{
	int to[2], from[2], gate[2];
	char b;

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0 || pipe2(gate, O_CLOEXEC) < 0)
		FAIL("pipe: %s", strerror(errno));
	c->pid = fork();
	if (c->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(gate[1]);
		if (read(gate[0], &b, 1) != 1)
			_exit(126);
		execl(path, "churn", (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	c->gate = gate[1];
	close(to[0]);
	close(from[1]);
	c->in = fdopen(to[1], "w");
	c->out = fdopen(from[0], "r");
	setvbuf(c->in, NULL, _IONBF, 0);
}

static void churn_say(struct churn *c, char cmd, char *answer, size_t size)
{
	fputc(cmd, c->in);
	if (!fgets(answer, size, c->out))
		FAIL("the workload did not answer '%c'", cmd);
}

/* ---- after the workload went quiet ---- */

static int ids_of(const char *path, int *ids, int max)
{
	FILE *f = fopen(path, "r");
	int n = 0;

	while (f && n < max && fscanf(f, "%d", &ids[n]) == 1)
		n++;
	if (f)
		fclose(f);
	return n;
}

/* the followed tree is exactly CHURN, its stable children and threads */
static void check_tree(vmon_t *v, pid_t root, pid_t s1, pid_t s2)
{
	vmon_proc_t *r = list_first_entry(&v->processes, vmon_proc_t, siblings), *c, *t;
	int kids = 0, threads = 0;
	char path[64];
	int ids[64];

	if (r->pid != root || r->is_stale)
		FAIL("follow: the root is %d%s", r->pid, r->is_stale ? " (stale)" : "");
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", root, root);
	if (ids_of(path, ids, 64) != 2)
		FAIL("follow: the workload has other children than its stable ones");
	list_for_each_entry(c, &r->children, siblings) {
		if (c->is_stale || (c->pid != s1 && c->pid != s2))
			FAIL("follow: child %d%s is not a stable child", c->pid,
			     c->is_stale ? " (stale)" : "");
		kids++;
		if (c->pid != s2)
			continue;
		list_for_each_entry(t, &c->threads, threads)
			threads += !t->is_stale;
	}
	if (kids != 2 || threads != 4)
		FAIL("follow: %d children and %d threads of the threaded one, not 2 and 4",
		     kids, threads);
}

/* PROC_ALL: no live node is a churned process (their parents were the
 * workload and its workers, all gone now but the workload) */
static void check_all(vmon_t *v, pid_t root, pid_t s1, pid_t s2, const pid_t *workers, int nw)
{
	vmon_proc_t *p;
	bool seen[3] = { false };

	list_for_each_entry(p, &v->processes, siblings) {
		vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
		bool churned = st && st->ppid == root && p->pid != s1 && p->pid != s2;

		if (p->is_stale || !st)
			continue;
		seen[0] |= p->pid == root;
		seen[1] |= p->pid == s1;
		seen[2] |= p->pid == s2;
		for (int i = 0; i < nw; i++)
			churned |= p->pid == workers[i] || st->ppid == workers[i];
		if (churned)
			FAIL("all: churned pid %d (%s) still shown live", p->pid, st->comm.array);
	}
	if (!seen[0] || !seen[1] || !seen[2])
		FAIL("all: the workload or a stable child is missing");
}

static void report(struct watcher *w, bool exits)
{
	printf("vmon-stress: %s: %lu samples (%lu failed: proc root errors), %lu nodes "
	       "born, %lu destroyed, %lu with an exit status\n", w->name, w->samples, w->failed,
	       w->births, w->deaths, w->exits);
	if (w->births != w->deaths)
		FAIL("%s: %lu nodes constructed but %lu destroyed", w->name, w->births,
		     w->deaths);
	if (exits && !w->exits)
		FAIL("%s: events on, and not one exit status", w->name);
}

/* An instance following the workload's tree with events from source. */
static void events_init(struct watcher *w, const char *name, vmon_event_source_t source,
			atomic_bool *stop, pid_t root)
{
	watcher_init(w, name, VMON_FLAG_EVENTS, 0, ALL_PROC_WANTS, stop);
	if (!vmon_set_event_source(&w->vmon, source))
		FAIL("%s: the %s source: %s", name, vmon_event_source_name(source),
		     strerror(errno));
	if (!vmon_proc_monitor(&w->vmon, root, 0, NULL, NULL))
		FAIL("%s: monitor %d: %s", name, root, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *env = getenv("VMON_STRESS_SECONDS");
	int seconds = argc > 2 ? atoi(argv[2]) : env ? atoi(env) : 60, fds;
	struct watcher follow, all, events, traced;
	bool netlink;
	atomic_bool stop = false;
	char answer[256];
	pid_t s1, s2, w[4];
	struct churn c;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: vmon-stress CHURN [SECONDS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fds = count_fds();
	churn_start(&c, argv[1]);
	watcher_init(&follow, "follow", VMON_FLAG_NONE, 0, ALL_PROC_WANTS, &stop);
	watcher_init(&all, "proc_all", VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY, ALL_SYS_WANTS,
		     ALL_PROC_WANTS & ~VMON_WANT_PROC_FOLLOW_CHILDREN, &stop);
	if (!vmon_proc_monitor(&follow.vmon, c.pid, 0, NULL, NULL))
		FAIL("monitor %d: %s", c.pid, strerror(errno));
	events_init(&events, "events", VMON_EVENTS_AUTO, &stop, c.pid);
	events_init(&traced, "ptrace", VMON_EVENTS_PTRACE, &stop, c.pid);
	printf("vmon-stress: %d s of churn under pid %d; events from %s and ptrace\n", seconds,
	       c.pid, vmon_event_source_name(vmon_event_source(&events.vmon)));
	if (write(c.gate, "g", 1) != 1)
		FAIL("the workload's gate: %s", strerror(errno));
	close(c.gate);
	pthread_create(&follow.thread, NULL, watch, &follow);
	pthread_create(&all.thread, NULL, watch, &all);
	pthread_create(&events.thread, NULL, watch, &events);
	pthread_create(&traced.thread, NULL, watch, &traced);
	sleep(seconds);		/* the duration itself, not a synchronisation */
	atomic_store(&stop, true);
	pthread_join(follow.thread, NULL);
	pthread_join(all.thread, NULL);
	pthread_join(events.thread, NULL);
	pthread_join(traced.thread, NULL);

	churn_say(&c, 'q', answer, sizeof(answer));
	if (sscanf(answer, "quiet %d %d %d %d %d %d", &s1, &s2, &w[0], &w[1], &w[2], &w[3]) != 6)
		FAIL("the workload said \"%s\"", answer);
	for (int i = 0; i < 3; i++) {	/* stale, then freed, then steady */
		sample(&follow);
		sample(&all);
		sample(&events);
		sample(&traced);
	}
	if (vmon__check(&follow.vmon) || vmon__check(&all.vmon) || vmon__check(&events.vmon) ||
	    vmon__check(&traced.vmon))
		FAIL("invariant checker");
	check_tree(&follow.vmon, c.pid, s1, s2);
	check_tree(&events.vmon, c.pid, s1, s2);
	check_tree(&traced.vmon, c.pid, s1, s2);
	check_all(&all.vmon, c.pid, s1, s2, w, 4);

	churn_say(&c, 'x', answer, sizeof(answer));
	printf("vmon-stress: workload: %s", answer);
	waitpid(c.pid, &status, 0);
	fclose(c.in);
	fclose(c.out);
	netlink = vmon_event_source(&events.vmon) == VMON_EVENTS_NETLINK;
	vmon_destroy(&follow.vmon);
	vmon_destroy(&all.vmon);
	vmon_destroy(&events.vmon);
	vmon_destroy(&traced.vmon);
	report(&follow, false);
	report(&all, false);
	/* the churned processes' parents reap them: a status only from a
	 * source that tells every exit */
	report(&events, netlink);
	report(&traced, true);
	printf("vmon-stress: %lu invariant checks passed\n", vmon_test_checks_passed());
	if (count_fds() != fds)
		FAIL("%d descriptors open after destroy, %d before", count_fds(), fds);
	printf("vmon-stress: no crash, no invariant violation, no descriptor left; "
	       "leaks: checked by LeakSanitizer at exit\n");
	return 0;
}
