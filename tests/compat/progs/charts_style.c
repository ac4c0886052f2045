/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * charts_style.c - a program written the way the original libvmon's first
 * user draws its per-window charts (vwm's charts): the same calls, list
 * macros and field accesses, in code of our own.  It includes the library
 * by the original's path and then its own copy of list.h (guard __LIST_H),
 * is built with -Wall -Wextra -Werror against the installed headers by
 * tests/compat/check-compat.sh, and draws, as text, the rows such a chart
 * would draw for a real tree it starts:
 *
 *   tree          a process waiting for its children (wchan do_wait)
 *     single      a single-threaded child: one row, no thread rows
 *     multi       a child with a second thread: its row, then a "~" row
 *     ~multi      for each of its threads (the main one included)
 *     ~worker
 *
 * It checks the rows (names printed as comm.len - 1 bytes, thread rows,
 * wchan and state columns, the age as boottime - start), then kills
 * "single" and checks that the hierarchy reports the change both when the
 * row goes stale and when it is removed.  Exit status 0 when all holds.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libvmon/vmon.h"
#include "list.h"

#define WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS)
#define MAX_ROWS 16

typedef struct row_ctxt {
	int generation;
	typeof(((vmon_proc_stat_t *)0)->utime) last_utime;
	typeof(((vmon_proc_stat_t *)0)->stime) last_stime;
} row_ctxt_t;

typedef struct chart {
	vmon_t vmon;
	typeof(((vmon_sys_stat_t *)0)->user) last_total;
	unsigned long long total_delta;
	char rows[MAX_ROWS][160];
	int rows_nr, stale_rows, redraws, ctors, dtors;
} chart_t;

static int failed;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "charts_style: FAIL line %d: ", __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failed = 1; \
	} \
} while (0)

static void sample_callback(vmon_t *vmon, void *arg)
{
	chart_t *c = arg;
	vmon_sys_stat_t *sys = vmon->stores[VMON_STORE_SYS_STAT];
	typeof(sys->user) total = sys->user + sys->nice + sys->system + sys->idle + sys->iowait +
				  sys->irq + sys->softirq + sys->steal + sys->guest;

	c->total_delta = total - c->last_total;
	c->last_total = total;
}

static void ctor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	chart_t *c = (chart_t *)vmon;	/* the vmon_t is the chart's first member */

	proc->foo = calloc(1, sizeof(row_ctxt_t));
	c->ctors++;
}

static void dtor_cb(vmon_t *vmon, vmon_proc_t *proc)
{
	chart_t *c = (chart_t *)vmon;

	free(proc->foo);
	proc->foo = NULL;
	c->dtors++;
}

static int count_rows(vmon_proc_t *proc)
{
	vmon_proc_t *child;
	int n = 1;

	if (!proc->is_thread)
		list_for_each_entry(child, &proc->threads, threads)
			n += count_rows(child);
	list_for_each_entry(child, &proc->children, siblings)
		n += count_rows(child);
	return n;
}

static int hierarchy_changed(vmon_proc_t *proc)
{
	vmon_proc_t *child;

	if (proc->children_changed || proc->threads_changed)
		return 1;
	if (!proc->is_thread)
		list_for_each_entry(child, &proc->threads, threads)
			if (hierarchy_changed(child))
				return 1;
	list_for_each_entry(child, &proc->children, siblings)
		if (hierarchy_changed(child))
			return 1;
	return 0;
}

/* one row of text: name (and argv for processes), wchan, state, age */
static void draw_row(chart_t *c, vmon_proc_t *proc, int depth)
{
	vmon_sys_stat_t *sys = c->vmon.stores[VMON_STORE_SYS_STAT];
	vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];
	char *row = c->rows[c->rows_nr++];
	int n;

	n = snprintf(row, sizeof(c->rows[0]), "%*s%s%.*s", depth * 2, "", proc->is_thread ? "~" : "",
		     (int)st->comm.len - 1, st->comm.array);
	for (int i = 1; !proc->is_thread && i < st->argc && n < 100; i++)
		n += snprintf(row + n, sizeof(c->rows[0]) - n, " %s", st->argv[i]);
	/* a process with threads shows wchan and state on its thread rows */
	if (proc->is_thread || list_empty(&proc->threads))
		n += snprintf(row + n, sizeof(c->rows[0]) - n, " | %.*s %c",
			      (int)st->wchan.len,
			      st->wchan.len == 1 && st->wchan.array[0] == '0' ? "-" : st->wchan.array,
			      st->state);
	if (st->start && st->start <= sys->boottime)
		snprintf(row + n, sizeof(c->rows[0]) - n, " | %.2fs",
			 (float)(sys->boottime - st->start) / (float)c->vmon.ticks_per_sec);
}

static void draw(chart_t *c, vmon_proc_t *proc, int depth)
{
	row_ctxt_t *ctxt = proc->foo;
	vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];
	vmon_proc_t *child;

	if (proc->is_stale) {	/* its rows leave, leaves first */
		list_for_each_entry_prev(child, &proc->children, siblings)
			draw(c, child, depth + 1);
		if (!proc->is_thread)
			list_for_each_entry_prev(child, &proc->threads, threads)
				draw(c, child, depth + 1);
		c->stale_rows++;
		return;
	}
	if (ctxt->generation != c->vmon.generation) {
		ctxt->last_utime = st->utime;
		ctxt->last_stime = st->stime;
		ctxt->generation = c->vmon.generation;
	}
	if (c->rows_nr < MAX_ROWS)
		draw_row(c, proc, depth);
	if (!proc->is_thread)
		list_for_each_entry(child, &proc->threads, threads)
			draw(c, child, depth + 1);
	list_for_each_entry(child, &proc->children, siblings)
		draw(c, child, depth + 1);
}

/* called for the root once its subtree is sampled (VMON_FLAG_2PASS) */
static void proc_sample_callback(vmon_t *vmon, void *sys_arg, vmon_proc_t *proc, void *arg)
{
	chart_t *c = arg;

	(void)vmon;
	(void)sys_arg;
	c->rows_nr = c->stale_rows = 0;
	if (hierarchy_changed(proc))
		c->redraws++;
	draw(c, proc, 0);
}

/* ---- the tree it charts ---- */

static int quit[2];

static void block(void)
{
	char b;

	while (read(quit[0], &b, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void *worker(void *ready)
{
	prctl(PR_SET_NAME, "worker");
	if (write(*(int *)ready, "w", 1) != 1)
		_exit(1);
	block();
	return NULL;
}

static pid_t child(const char *name, int ready, int threads)
{
	pthread_t th;
	pid_t pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_NAME, name);
	if (threads && pthread_create(&th, NULL, worker, &ready))
		_exit(1);
	if (write(ready, "c", 1) != 1)
		_exit(1);
	block();
	return 0;
}

/* "tree": forks single and multi, says ready, waits for them */
static pid_t tree(int ready, pid_t *single)
{
	int pipefd[2];
	pid_t pid, kids[2];

	if (pipe(pipefd))
		exit(1);
	pid = fork();
	if (pid) {
		close(pipefd[1]);
		if (read(pipefd[0], single, sizeof(*single)) != sizeof(*single))
			exit(1);
		close(pipefd[0]);
		return pid;
	}
	prctl(PR_SET_NAME, "tree");
	close(quit[1]);	/* the tree ends when main closes its end */
	kids[0] = child("single", ready, 0);
	kids[1] = child("multi", ready, 1);
	if (write(pipefd[1], &kids[0], sizeof(kids[0])) != sizeof(kids[0]))
		_exit(1);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

/* the kernel says when tree sleeps in do_wait only through its wchan */
static void wait_for_wchan(pid_t pid, const char *want)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	for (int i = 0; i < 100000; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		if (!strcmp(buf, want))
			return;
		sched_yield();
	}
	CHECK(0, "tree never reached %s", want);
}

static int row_is(chart_t *c, int i, const char *name)
{
	const char *r = c->rows[i];

	while (*r == ' ')
		r++;
	return !strncmp(r, name, strlen(name)) && r[strlen(name)] == ' ';
}

static int bars(const char *row)
{
	int n = 0;

	for (; *row; row++)
		n += *row == '|';
	return n;
}

int main(void)
{
	static chart_t c;
	vmon_proc_t *root;
	pid_t pid, single;
	int ready[2];
	char b;

	if (pipe(ready) || pipe(quit))
		return 1;
	fflush(NULL);
	pid = tree(ready[1], &single);
	for (int i = 0; i < 3; i++)	/* single, multi, worker */
		if (read(ready[0], &b, 1) != 1)
			return 1;
	wait_for_wchan(pid, "do_wait");

	CHECK(vmon_init(&c.vmon, VMON_FLAG_2PASS, VMON_WANT_SYS_STAT, WANTS), "vmon_init");
	c.vmon.proc_ctor_cb = ctor_cb;
	c.vmon.proc_dtor_cb = dtor_cb;
	c.vmon.sample_cb = sample_callback;
	c.vmon.sample_cb_arg = &c;
	root = vmon_proc_monitor(&c.vmon, pid, VMON_WANT_PROC_INHERIT,
				 (void (*)(vmon_t *, void *, vmon_proc_t *, void *))proc_sample_callback,
				 &c);
	CHECK(root != NULL, "vmon_proc_monitor");
	for (int i = 0; i < 3; i++)
		CHECK(vmon_sample(&c.vmon), "vmon_sample");
	for (int i = 0; i < c.rows_nr; i++)
		printf("charts_style: %s\n", c.rows[i]);
	CHECK(count_rows(root) == 5 && c.rows_nr == 5, "5 rows, not %d", c.rows_nr);
	CHECK(row_is(&c, 0, "tree") && row_is(&c, 1, "single") && row_is(&c, 2, "multi") &&
	      row_is(&c, 3, "~multi") && row_is(&c, 4, "~worker"), "rows and names");
	CHECK(strstr(c.rows[0], "| do_wait S"), "tree waits in do_wait: %s", c.rows[0]);
	/* multi has threads: its wchan and state are on the thread rows */
	CHECK(bars(c.rows[2]) == 1 && bars(c.rows[3]) == 2 && bars(c.rows[4]) == 2,
	      "wchan and state columns of multi and its threads");
	CHECK(!root->is_threaded && list_empty(&root->threads), "tree has no thread rows");
	CHECK(c.ctors == 5, "5 nodes, %d", c.ctors);

	kill(single, SIGKILL);
	for (int i = 0; i < 100000 && !kill(single, 0); i++)	/* reaped by tree */
		sched_yield();
	c.redraws = 0;
	CHECK(vmon_sample(&c.vmon), "vmon_sample");
	CHECK(c.stale_rows == 1 && c.redraws == 1, "single's row stale: %d, %d", c.stale_rows,
	      c.redraws);
	CHECK(vmon_sample(&c.vmon), "vmon_sample");
	CHECK(count_rows(root) == 4 && c.redraws == 2, "single's row removed: %d rows",
	      count_rows(root));
	CHECK(vmon_sample(&c.vmon) && c.redraws == 2, "nothing more changed");
	vmon_dump_procs(&c.vmon, stdout);

	vmon_proc_unmonitor(&c.vmon, root,
			    (void (*)(vmon_t *, void *, vmon_proc_t *, void *))proc_sample_callback, &c);
	vmon_destroy(&c.vmon);
	CHECK(c.dtors == c.ctors, "%d of %d nodes freed", c.dtors, c.ctors);
	close(quit[1]);	/* every process of the tree ends */
	waitpid(pid, NULL, 0);
	if (!failed)
		printf("charts_style: ok\n");
	return failed;
}
