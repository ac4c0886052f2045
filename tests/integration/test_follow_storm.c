/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_follow_storm.c - a child's absence from its parent's children list
 * is no proof that it is gone.  The list (/proc/PID/task/TID/children) is
 * read a page at a time, and when a child printed on one page exits before
 * the next read, the kernel resumes by position and skips live children.
 * A parent forks thousands of children in bursts, half of them exiting at
 * once (reaped by it), half staying; the test samples as fast as it can
 * with PROC_FOLLOW_CHILDREN alone and checks after every sample that no
 * stale node is a live process, and that no process is born twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "test.h"

#define BURSTS 30
#define BURST 100	/* children per burst, every other one long-lived */

struct storm {
	int progress[2];	/* a byte per burst, then 'd' */
	int quit[2];		/* closed: the long-lived children exit */
};

static void storm_child(struct storm *s, bool long_lived, int i)
{
	char c;

	if (long_lived) {
		while (read(s->quit[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	/* a short one lives a little, so exits spread over the burst and
	 * fall between the reads of a sample */
	for (volatile int spin = 0; spin < (i * 7919) % 100000; spin++)
		;
	_exit(0);
}

/* fork the bursts, reaping the short-lived children of each */
static bool storm(void *arg)
{
	struct storm *s = arg;
	pid_t shorts[BURST];

	close(s->progress[0]);
	close(s->quit[1]);	/* the test's: closing it ends the long-lived */
	for (int b = 0; b < BURSTS; b++) {
		int n = 0;

		for (int i = 0; i < BURST; i++) {
			pid_t pid = fork();

			if (pid == 0)
				storm_child(s, i % 2, i);
			if (pid < 0)
				return false;
			if (!(i % 2))
				shorts[n++] = pid;
		}
		for (int i = 0; i < n; i++)
			waitpid(shorts[i], NULL, 0);
		if (write(s->progress[1], "b", 1) != 1)
			return false;
	}
	if (write(s->progress[1], "d", 1) != 1)
		return false;
	while (wait(NULL) > 0 || errno == EINTR)	/* the long-lived ones */
		;
	return true;
}

/* the start time (stat field 22) of pid, or 0 if it has no stat */
static unsigned long long start_of(pid_t pid)
{
	char f[32];

	return t_stat_field(pid, 0, 22, f, sizeof(f)) ? strtoull(f, NULL, 10) : 0;
}

struct birth {
	pid_t pid;
	unsigned long long start;
};

static struct birth *births;
static int births_nr, births_alloc;
static pid_t storm_pid;

static void ctor(vmon_t *v, vmon_proc_t *p)
{
	unsigned long long start = start_of(p->pid);

	(void)v;
	if (p->pid == storm_pid)
		return;
	/* the same process (pid and start) born twice is a false death */
	for (int i = 0; start && i < births_nr; i++)
		ASSERT_MSG(births[i].pid != p->pid || births[i].start != start,
			   "pid %d (start %llu) born twice", p->pid, start);
	if (births_nr == births_alloc) {
		births_alloc = births_alloc ? 2 * births_alloc : 1024;
		births = realloc(births, births_alloc * sizeof(*births));
		ASSERT(births);
	}
	births[births_nr++] = (struct birth){ p->pid, start };
	p->foo = (void *)(unsigned long)start;
}

/* a stale node must be a process that is gone: no stat, a zombie, or
 * another process with its pid */
static int check_stale(vmon_proc_t *root)
{
	vmon_proc_t *c;
	int stale = 0;

	list_for_each_entry(c, &root->children, siblings) {
		char state[8];
		unsigned long long start;

		if (!c->is_stale)
			continue;
		stale++;
		start = start_of(c->pid);
		if (!start || start != (unsigned long long)(unsigned long)c->foo)
			continue;
		ASSERT(t_stat_field(c->pid, 0, 3, state, sizeof(state)) || errno);
		ASSERT_MSG(state[0] == 'Z' || state[0] == 'X',
			   "child %d is stale but alive (state %c)", c->pid, state[0]);
	}
	return stale;
}

static void follow_storm(vmon_flags_t flags)
{
	struct storm s;
	vmon_proc_t *root, *c;
	int samples = 0, stale = 0, live = 0, done = 0;
	char b;
	vmon_t v;

	births_nr = 0;
	ASSERT(pipe(s.progress) == 0 && pipe(s.quit) == 0);
	storm_pid = t_fork(storm, &s);
	close(s.progress[1]);
	close(s.quit[0]);
	ASSERT(vmon_init(&v, flags, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	v.proc_ctor_cb = ctor;
	ASSERT((root = vmon_proc_monitor(&v, storm_pid, 0, NULL, NULL)));
	ASSERT(fcntl(s.progress[0], F_SETFL, O_NONBLOCK) == 0);
	while (!done) {
		ASSERT(vmon_sample(&v));
		samples++;
		stale += check_stale(root);
		/* what the storm said so far, without waiting */
		while (read(s.progress[0], &b, 1) == 1)
			done |= b == 'd';
	}
	/* quiet: the list reads whole now; every long-lived child is there */
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		stale += check_stale(root);
	}
	list_for_each_entry(c, &root->children, siblings)
		live += !c->is_stale;
	ASSERT_EQ(live, BURSTS * BURST / 2);
	vmon_destroy(&v);
	close(s.quit[1]);
	ASSERT_EQ(t_wait(storm_pid), 0);
	close(s.progress[0]);
	free(births);
	births = NULL;
	births_alloc = 0;
	(void)samples;
	(void)stale;
}

TEST(follow_storm_no_live_child_is_stale)
{
	follow_storm(VMON_FLAG_NONE);
}

/* ---- the same, made to happen: siblings exit between two pages ---- */

#define MANY 1200		/* children: two pages or more of "PID " entries */
#define PAGE 4096		/* what the kernel hands over at one read */
#define CUT_AROUND 150		/* killed between the reads: as many each
				 * side of the first page's end */

struct pages {
	int cmd[2], ack[2], quit[2];
	pid_t kids[MANY];
	int cut[2];		/* from, to: the indexes of kids killed */
};

/* The cut around the end of the first page, wherever the pids' lengths
 * put it (pids of 3 to 7 digits: 585 to 1,024 entries a page). */
static void cut_around_the_page_end(struct pages *p)
{
	size_t bytes = 0;
	int end = 0;
	char entry[16];

	while (end < MANY && (bytes += snprintf(entry, sizeof(entry), "%d ", p->kids[end])) <= PAGE)
		end++;
	ASSERT_MSG(end + CUT_AROUND <= MANY, "%d children fit in a page", end);
	p->cut[0] = end - CUT_AROUND;
	p->cut[1] = end + CUT_AROUND;
}

/* fork MANY sleepers, then on each command kill and reap the cut */
static bool many_children(void *arg)
{
	struct pages *p = arg;
	char c;

	close(p->quit[1]);	/* the test's ends: closing them ends us */
	close(p->cmd[1]);
	close(p->ack[0]);
	for (int i = 0; i < MANY; i++) {
		p->kids[i] = fork();
		if (p->kids[i] == 0) {
			while (read(p->quit[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	/* the pids, for the test, then the cut on command */
	if (write(p->ack[1], p->kids, sizeof(p->kids)) != sizeof(p->kids))
		return false;
	while (read(p->cmd[0], p->cut, sizeof(p->cut)) == sizeof(p->cut)) {
		for (int i = p->cut[0]; i < p->cut[1]; i++) {
			kill(p->kids[i], SIGKILL);
			waitpid(p->kids[i], NULL, 0);
		}
		if (write(p->ack[1], "k", 1) != 1)
			return false;
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return true;
}

static void cut_now(void *arg)
{
	struct pages *p = arg;
	char c;

	ASSERT(write(p->cmd[1], p->cut, sizeof(p->cut)) == sizeof(p->cut));
	ASSERT(read(p->ack[0], &c, 1) == 1 && c == 'k');
}

static bool in_cut(const struct pages *p, pid_t pid)
{
	for (int i = p->cut[0]; i < p->cut[1]; i++)
		if (p->kids[i] == pid)
			return true;
	return false;
}

TEST(follow_listing_read_in_pages_skips_no_live_child)
{
	static struct pages p;
	struct vmon_fault_plan plan = { .armed = 1, .countdown = 2, .hook = cut_now, .hook_arg = &p };
	vmon_proc_t *root, *c;
	int stale = 0, live = 0;
	size_t got = 0;
	pid_t pid;
	vmon_t v;

	ASSERT(pipe(p.cmd) == 0 && pipe(p.ack) == 0 && pipe(p.quit) == 0);
	pid = t_fork(many_children, &p);
	close(p.quit[0]);
	while (got < sizeof(p.kids)) {
		ssize_t n = read(p.ack[0], (char *)p.kids + got, sizeof(p.kids) - got);

		ASSERT(n > 0);
		got += n;
	}
	cut_around_the_page_end(&p);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN));
	ASSERT((root = vmon_proc_monitor(&v, pid, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	list_for_each_entry(c, &root->children, siblings)
		live++;
	ASSERT_EQ(live, MANY);
	/* the children file's second read comes after the cut: the kernel
	 * resumes from a child that is gone, by position, past live ones */
	vmon_test_fault_set(VMON__FAULT_READ, &plan);
	ASSERT(vmon_sample(&v));
	vmon_test_fault_clear();
	ASSERT_EQ(vmon_test_fault_calls(VMON__FAULT_READ) > 0, 1);
	/* no live child is stale (a killed one printed before the cut was
	 * listed, so it goes at the next sample) */
	list_for_each_entry(c, &root->children, siblings) {
		ASSERT_MSG(!c->is_stale || in_cut(&p, c->pid), "live child %d is stale", c->pid);
		stale += c->is_stale;
	}
	ASSERT_MSG(stale > 0, "no killed child was left out of the second page");
	ASSERT(vmon_sample(&v));
	live = 0;
	list_for_each_entry(c, &root->children, siblings) {
		ASSERT_MSG(c->is_stale == in_cut(&p, c->pid), "child %d: stale %d, killed %d",
			   c->pid, c->is_stale, in_cut(&p, c->pid));
		live += !c->is_stale;
	}
	ASSERT_EQ(live, MANY - (p.cut[1] - p.cut[0]));
	vmon_destroy(&v);
	close(p.cmd[1]);
	close(p.quit[1]);
	ASSERT_EQ(t_wait(pid), 0);
	close(p.ack[0]);
}
