/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_events_netlink.c - the NETLINK event source against the kernel: a
 * process forks 200 short-lived children (1 to 5 ms of CPU each, exit
 * codes and signals known) while the test samples four times a second;
 * every child must become a node exactly once, under its parent, with its
 * name, its status and an exit record whose CPU times add up to what
 * getrusage(RUSAGE_CHILDREN) tells the parent.  An exec's arguments are
 * caught by a caller that reads events between samples.  Without
 * CAP_NET_ADMIN the source is refused (EPERM) and AUTO takes WAIT; a storm
 * that overruns the sockets is counted lost, and destroy closes them.
 *
 * The workload is tests/helpers/fork_storm (built without sanitizers).
 * The tests that need the source skip as nobody (t_need_root()).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "fault_cycle.h"
#include "internal.h"
#include "test.h"
#include "want_util.h"

#define NOBODY 65534
#define KIDS 200

/* ---- the workload ---- */

struct storm {
	pid_t pid;
	int in, out;		/* its stdin and stdout */
	char text[64 * 1024];	/* what it printed */
	size_t len;
};

static void storm_start(struct storm *s, const char *const *args)
{
	char path[256];
	const char *argv[16] = { "fork_storm" };
	int in[2], out[2];
	int n = 1;

	t_build_path("helpers/fork_storm", path, sizeof(path));
	while (*args && n < 15)
		argv[n++] = *args++;
	ASSERT(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	fflush(NULL);
	s->pid = fork();
	ASSERT(s->pid >= 0);
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	s->out = out[0];
	s->len = 0;
}

static void storm_go(struct storm *s)
{
	ASSERT(write(s->in, "g", 1) == 1);
}

/* Wait up to ms for output; true once it printed "done". */
static bool storm_poll(struct storm *s, int ms)
{
	struct pollfd p = { .fd = s->out, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) > 0) {
		n = read(s->out, s->text + s->len, sizeof(s->text) - 1 - s->len);
		ASSERT_MSG(n > 0, "fork_storm ended early");
		s->len += (size_t)n;
		s->text[s->len] = '\0';
	}
	return strstr(s->text, "done\n") != NULL;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void storm_end(struct storm *s)
{
	close(s->in);
	ASSERT_EQ(t_wait(s->pid), 0);
	close(s->out);
}

/* the children it reported, and its RUSAGE_CHILDREN CPU time */
static int storm_children(const struct storm *s, int *pids, int *status, int max,
			  unsigned long long *cpu_ns)
{
	const char *p = s->text;
	int n = 0;

	while (p && *p) {
		if (n < max && sscanf(p, "child %d %d", &pids[n], &status[n]) == 2)
			n++;
		else
			(void)sscanf(p, "cpu_ns %llu", cpu_ns);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

/* ---- what the tree showed of each child ---- */

struct seen {
	int pid;
	int nodes;		/* proc_ctor_cb calls */
	int stale;		/* samples that showed it stale */
	bool born_gone;		/* new and stale in one sample */
	int parent;		/* its parent node's pid */
	int ppid;		/* its stat's, -1 unavailable */
	char comm[64];
	char argv0[64], argv1[64];
	vmon_exit_t exit;
	bool has_exit;
};

static struct seen seen[2 * KIDS];
static int seen_nr;

static struct seen *seen_of(int pid)
{
	for (int i = 0; i < seen_nr; i++)
		if (seen[i].pid == pid)
			return &seen[i];
	ASSERT(seen_nr < (int)VMON__ARRAY_SIZE(seen));
	memset(&seen[seen_nr], 0, sizeof(seen[0]));
	seen[seen_nr].pid = pid;
	return &seen[seen_nr++];
}

static pid_t watched_parent;

static void count_ctor(vmon_t *v, vmon_proc_t *p)
{
	(void)v;
	if (p->parent && p->parent->pid == watched_parent)
		seen_of(p->pid)->nodes++;
}

static void copy_str(char *to, size_t size, const char *from)
{
	snprintf(to, size, "%s", from ? from : "");
}

/* Note the children of parent that went stale in this sample. */
static void collect(vmon_proc_t *parent)
{
	vmon_proc_t *c;

	list_for_each_entry(c, &parent->children, siblings) {
		const vmon_proc_stat_t *st = c->stores[VMON_STORE_PROC_STAT];
		struct seen *s;

		if (!c->is_stale)
			continue;
		s = seen_of(c->pid);
		s->stale++;
		s->born_gone = c->is_new;
		s->parent = c->parent ? c->parent->pid : 0;
		s->ppid = -1;
		if (st) {
			if (!BITTEST(st->unavailable, VMON_PROC_STAT_PPID))
				s->ppid = st->ppid;
			copy_str(s->comm, sizeof(s->comm), st->comm.len ? st->comm.array : "");
			if (st->argc >= 2) {
				copy_str(s->argv0, sizeof(s->argv0), st->argv[0]);
				copy_str(s->argv1, sizeof(s->argv1), st->argv[1]);
			}
		}
		if (c->exit) {
			s->exit = *c->exit;
			s->has_exit = true;
		}
	}
}

static void netlink_instance(vmon_t *v)
{
	ASSERT(vmon_init(v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT_MSG(vmon_set_event_source(v, VMON_EVENTS_NETLINK),
		   "NETLINK refused as root: %s", strerror(errno));
	ASSERT_EQ(vmon_event_source(v), VMON_EVENTS_NETLINK);
}

/* Start the workload as a child of the test, followed, and sample until
 * its node shows it runs fork_storm; then let it go. */
static vmon_proc_t *start_followed(vmon_t *v, struct storm *s, const char *const *args)
{
	vmon_proc_t *self, *w = NULL;
	const vmon_proc_stat_t *st;

	ASSERT((self = vmon_proc_monitor(v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(v));
	storm_start(s, args);
	watched_parent = s->pid;
	for (int i = 0; i < 200; i++) {
		ASSERT(vmon_sample(v));
		w = t_child_node(self, s->pid);
		st = w ? w->stores[VMON_STORE_PROC_STAT] : NULL;
		if (st && st->comm.len && !strcmp(st->comm.array, "fork_storm"))
			break;
		w = NULL;
		usleep(10000);
	}
	ASSERT_MSG(w, "fork_storm never showed in the tree");
	storm_go(s);
	return w;
}

/* ---- the tests ---- */

TEST(events_netlink_every_short_lived_child_is_a_node_once)
{
	static const char *const args[] = { "200", "1000", "5000", NULL };
	unsigned long long cpu_ns = 0, sum = 0, tol;
	int pids[KIDS], status[KIDS], n, born_gone = 0;
	unsigned long events = 0, lost = 0;
	vmon_sample_cost_t cost;
	struct storm s;
	vmon_proc_t *w;
	vmon_t v;

	t_need_root();
	seen_nr = 0;
	netlink_instance(&v);
	v.proc_ctor_cb = count_ctor;
	w = start_followed(&v, &s, args);
	/* four samples a second, on a schedule of their own (the storm's
	 * reports are read in between): a child lives 1 to 5 ms */
	for (long long next = mono_ms() + 250;; next += 250) {
		bool done = false;

		while (!done && mono_ms() < next)
			done = storm_poll(&s, (int)(next - mono_ms()));
		if (done)
			break;
		ASSERT(vmon_sample(&v));
		collect(w);
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.event_source, VMON_EVENTS_NETLINK);
		events += cost.events;
		lost += cost.events_lost;
	}
	for (int i = 0; i < 3; i++) {
		usleep(50000);
		ASSERT(vmon_sample(&v));
		collect(w);
		ASSERT(vmon_sample_cost(&v, &cost));
		events += cost.events;
		lost += cost.events_lost;
	}
	ASSERT(events > 0);
	n = storm_children(&s, pids, status, KIDS, &cpu_ns);
	ASSERT_EQ(n, KIDS);
	for (int i = 0; i < n; i++) {
		struct seen *c = seen_of(pids[i]);

		ASSERT_MSG(c->nodes == 1 && c->stale == 1,
			   "child %d (#%d): %d nodes, stale in %d samples", pids[i], i, c->nodes,
			   c->stale);
		ASSERT_EQ(c->parent, s.pid);
		ASSERT_MSG(c->ppid == s.pid, "child %d (#%d): ppid %d, born gone %d, known %#x",
			   pids[i], i, c->ppid, c->born_gone, c->exit.known);
		ASSERT_STREQ(c->comm, "fork_storm");
		ASSERT_MSG(c->has_exit && (c->exit.known & VMON_EXIT_STATUS),
			   "child %d (#%d): no exit status (known %#x, born gone %d, %lu events lost)",
			   pids[i], i, c->exit.known, c->born_gone, lost);
		ASSERT_EQ(c->exit.source, VMON_EVENTS_NETLINK);
		ASSERT_EQ(c->exit.status, status[i]);
		if (i % 7 == 3)
			ASSERT(WIFSIGNALED(c->exit.status));
		else
			ASSERT(WIFEXITED(c->exit.status) && WEXITSTATUS(c->exit.status) == i % 100);
		ASSERT_MSG((c->exit.known & VMON_EXIT_CPU) && (c->exit.known & VMON_EXIT_START),
			   "child %d (#%d): known %#x", pids[i], i, c->exit.known);
		ASSERT_MSG((c->exit.known & (VMON_EXIT_END | VMON_EXIT_PPID | VMON_EXIT_PEAK_RSS |
					     VMON_EXIT_IO | VMON_EXIT_FAULTS | VMON_EXIT_CPU_SPLIT)) ==
			   (VMON_EXIT_END | VMON_EXIT_PPID | VMON_EXIT_PEAK_RSS | VMON_EXIT_IO |
			    VMON_EXIT_FAULTS | VMON_EXIT_CPU_SPLIT),
			   "child %d (#%d): known %#x", pids[i], i, c->exit.known);
		ASSERT_EQ(c->exit.ppid, s.pid);
		ASSERT(c->exit.cpu_ns >= 900000);	/* it spun 1 ms at least */
		/* the split adds up to the exact figure, as /proc's does */
		ASSERT_NEAR((c->exit.utime_us + c->exit.stime_us) * 1000, c->exit.cpu_ns, 2000);
		sum += c->exit.cpu_ns;
		born_gone += c->born_gone;
	}
	/* the kernel's record is taken before the address space goes, some
	 * 40 us before the end getrusage() counts: 1.3% short here */
	tol = cpu_ns / 50 + 5000000;
	ASSERT_MSG(sum + tol >= cpu_ns && sum <= cpu_ns + tol,
		   "exit records: %llu ns of CPU, getrusage: %llu ns", sum, cpu_ns);
	ASSERT_MSG(born_gone > KIDS / 2, "only %d of %d children born and gone between samples",
		   born_gone, KIDS);
	storm_end(&s);
	vmon_destroy(&v);
}

/* A caller that reads events as they come catches the arguments of a
 * process gone by the next sample.  The children come one at a time, the
 * next when the last is reaped, and the test samples only between two:
 * every child is born and gone between two samples. */
TEST(events_netlink_exec_arguments_of_short_lived_processes)
{
	static const char *const args[] = { "-s", "10", "0", "0", "/bin/sleep", "0.1", NULL };
	int pids[KIDS], status[KIDS], n, reported = 0;
	unsigned long long cpu_ns = 0;
	struct storm s;
	vmon_proc_t *w;
	vmon_t v;

	t_need_root();
	seen_nr = 0;
	netlink_instance(&v);
	v.proc_ctor_cb = count_ctor;
	w = start_followed(&v, &s, args);
	while (reported < 10) {
		struct pollfd p[2] = {
			{ .fd = vmon_event_fd(&v), .events = POLLIN },
			{ .fd = s.out, .events = POLLIN },
		};

		ASSERT(p[0].fd >= 0);
		ASSERT(poll(p, 2, 10000) > 0);
		if (p[0].revents)
			ASSERT(vmon_events_read(&v) >= 0);
		if (!p[1].revents)
			continue;
		(void)storm_poll(&s, 0);
		n = storm_children(&s, pids, status, KIDS, &cpu_ns);
		if (n == reported)
			continue;
		reported = n;	/* reaped: sample, then the next one */
		ASSERT(vmon_sample(&v));
		collect(w);
		if (reported < 10)
			storm_go(&s);
	}
	for (int i = 0; i < 2; i++) {
		ASSERT(vmon_sample(&v));
		collect(w);
	}
	for (int i = 0; i < n; i++) {
		struct seen *c = seen_of(pids[i]);

		ASSERT_MSG(c->nodes == 1 && c->stale == 1 && c->born_gone,
			   "child %d: %d nodes, stale %d times, born gone %d", pids[i], c->nodes,
			   c->stale, c->born_gone);
		ASSERT_EQ(status[i], 0);
		ASSERT(c->has_exit && (c->exit.known & VMON_EXIT_STATUS) && c->exit.status == 0);
		ASSERT_STREQ(c->comm, "sleep");
		ASSERT_STREQ(c->argv0, "/bin/sleep");
		ASSERT_STREQ(c->argv1, "0.1");
	}
	storm_end(&s);
	vmon_destroy(&v);
}

static bool refused_here(void *arg)
{
	int before, after;
	vmon_t v;

	(void)arg;
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0, VMON_WANT_PROC_STAT));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_WAIT);	/* AUTO fell back */
	ASSERT_EQ(vmon_event_fd(&v), -1);
	before = t_count_fds();
	errno = 0;
	ASSERT(!vmon_set_event_source(&v, VMON_EVENTS_NETLINK));
	ASSERT_EQ(errno, EPERM);
	after = t_count_fds();
	ASSERT_EQ(after, before);	/* nothing left open by the refusal */
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_WAIT);
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_AUTO));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_WAIT);
	ASSERT(vmon_sample(&v));
	vmon_destroy(&v);
	return true;
}

/* Without CAP_NET_ADMIN: EPERM, and AUTO takes WAIT without a word. */
TEST(events_netlink_refused_without_privilege)
{
	pid_t pid;

	if (geteuid() != 0) {
		ASSERT(refused_here(NULL));
		return;
	}
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			_exit(2);
		_exit(refused_here(NULL) ? 0 : 1);
	}
	ASSERT_EQ(t_wait(pid), 0);
}

/* This process's netlink sockets of protocol proto: shrink their
 * receive buffers to the least the kernel allows.  How many. */
static int shrink_netlink_buffers(int proto)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		int domain = 0, protocol = -1, one = 1;
		socklen_t len = sizeof(domain);

		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
			continue;
		len = sizeof(protocol);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0 || protocol != proto)
			continue;
		ASSERT(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &one, sizeof(one)) == 0);
		n++;
	}
	return n;
}

/* A storm while nobody reads overruns the sockets: the events are lost,
 * counted, and the library goes on. */
TEST(events_netlink_overrun_is_counted_lost)
{
	static const char *const args[] = { "400", "0", "0", NULL };
	vmon_sample_cost_t cost;
	unsigned long lost = 0;
	struct storm s;
	vmon_t v;

	t_need_root();
	seen_nr = 0;
	netlink_instance(&v);
	(void)start_followed(&v, &s, args);
	ASSERT(vmon_sample_cost(&v, &cost));
	/* the source's connector socket, and its catcher's unless the
	 * catcher reads the kernel-side capture's ring */
	ASSERT_EQ(shrink_netlink_buffers(NETLINK_CONNECTOR), cost.event_capture ? 1 : 2);
	ASSERT_EQ(shrink_netlink_buffers(NETLINK_GENERIC), 1);
	while (!storm_poll(&s, 1000))	/* not sampling meanwhile */
		;
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(vmon_sample_cost(&v, &cost));
		ASSERT_EQ(cost.event_source, VMON_EVENTS_NETLINK);
		lost += cost.events_lost;
	}
	ASSERT_MSG(lost > 0, "a storm of 400 children into the smallest buffers lost nothing");
	storm_end(&s);
	ASSERT(vmon_sample(&v));
	vmon_destroy(&v);
}

static bool exit_at_once(void *arg)
{
	(void)arg;
	_exit(0);
}

/* Two sockets and an epoll descriptor, readable when events wait, and the
 * catcher's pipe and its socket, or where the kernel-side capture loads
 * its two programs, their two links and two maps instead of the socket;
 * all closed by destroy, and by a change of source. */
TEST(events_netlink_descriptors)
{
	vmon_sample_cost_t cost;
	struct pollfd p;
	int before, open_nr;
	vmon_t v;

	t_need_root();
	before = t_count_fds();
	ASSERT(vmon_init(&v, VMON_FLAG_EVENTS, 0,
			 VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT_EQ(vmon_event_source(&v), VMON_EVENTS_NETLINK);	/* AUTO, as root */
	open_nr = t_count_fds();
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample_cost(&v, &cost));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_WAIT));
	ASSERT_EQ(t_count_fds(), open_nr - (cost.event_capture ? 5 + 6 : 6));
	ASSERT(vmon_set_event_source(&v, VMON_EVENTS_NETLINK));
	ASSERT_EQ(t_count_fds(), open_nr);
	/* readable once a followed process has come and gone */
	ASSERT(vmon_proc_monitor(&v, getpid(), 0, NULL, NULL));
	ASSERT(vmon_sample(&v));
	t_wait(t_fork(exit_at_once, NULL));
	p = (struct pollfd){ .fd = vmon_event_fd(&v), .events = POLLIN };
	ASSERT_EQ(poll(&p, 1, 5000), 1);
	ASSERT(vmon_events_read(&v) > 0);
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), before);
}

/* ---- allocation failures ---- */

static bool exec_true(void *arg)
{
	(void)arg;
	execl("/bin/true", "true", "arg", (char *)NULL);
	return false;
}

/* One cycle under the armed fault: init, the NETLINK source, three
 * children born and gone between samples (one execs), a read between
 * samples, destroy.  Every call succeeds or fails with ENOMEM. */
static void alloc_cycle(void)
{
	vmon_t v;

	if (!vmon_init(&v, VMON_FLAG_EVENTS, 0,
		       VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN)) {
		ASSERT_EQ(errno, ENOMEM);
		return;
	}
	if (!vmon_set_event_source(&v, VMON_EVENTS_NETLINK))
		ASSERT_EQ(errno, ENOMEM);
	if (!vmon_proc_monitor(&v, getpid(), 0, NULL, NULL))
		ASSERT_EQ(errno, ENOMEM);
	for (int i = 0; i < 3; i++) {
		if (!vmon_sample(&v))
			ASSERT_EQ(errno, ENOMEM);
		t_check_tree(&v);
		t_wait(t_fork(i == 1 ? exec_true : exit_at_once, NULL));
		if (i == 1)
			ASSERT(vmon_events_read(&v) >= 0);
	}
	vmon_destroy(&v);
}

/* The Nth allocation fails, for every N a cycle makes: nothing leaks
 * (LeakSanitizer in the sanitizer run), no descriptor stays open, the
 * tree stays whole. */
TEST(events_netlink_allocation_failures)
{
	struct vmon_fault_plan plan = { .armed = 1, .err = ENOMEM };
	unsigned long n, fired = 0;
	int fds;

	t_need_root();
	fds = t_count_fds();
	for (n = 1; n < 100000; n += fc_sweep_stride()) {
		plan.countdown = n;
		vmon_test_fault_clear();
		vmon_test_fault_set(VMON__FAULT_ALLOC, &plan);
		alloc_cycle();
		if (!vmon_test_fault_fired())
			break;
		fired++;
		ASSERT_EQ(t_count_fds(), fds);
	}
	vmon_test_fault_clear();
	ASSERT_MSG(fired * fc_sweep_stride() > 40, "only %lu allocations in a cycle", fired);
}

static void *thread_ends(void *arg)
{
	return arg;
}

/* a process whose thread ends, then waits: ready posted after the join */
static bool thread_then_sleep(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_ends, NULL) || pthread_join(t, NULL))
		return false;
	return t_sleeper(arg);
}

/* A thread's exit is not its process's: the record (NULL while the process
 * runs) came with the first thread's end, and a caller that takes it for
 * the process's end (vmon-export did) counted a running process ended. */
TEST(events_netlink_thread_end_is_not_the_process_end)
{
	struct t_sync ready;
	vmon_proc_t *self, *c;
	pid_t kid;
	vmon_t v;

	t_need_root();
	netlink_instance(&v);
	ASSERT((self = vmon_proc_monitor(&v, getpid(), 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	t_sync_init(&ready);
	kid = t_fork(thread_then_sleep, &ready);
	t_sync_wait(&ready);
	for (int i = 0; i < 3; i++)
		ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT(c && !c->is_stale);
	ASSERT_MSG(!c->exit, "an exit record for %d, which runs (its thread ended)", kid);
	t_kill(kid);
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_sample(&v));
	c = t_child_node(self, kid);
	ASSERT_MSG(!c || (c->exit && (c->exit->known & VMON_EXIT_STATUS) &&
			  WIFSIGNALED(c->exit->status)), "no exit record for %d killed", kid);
	vmon_destroy(&v);
	t_sync_close(&ready);
}
