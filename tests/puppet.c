/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * puppet.c - the puppet process tree of the fault sweeps (puppet.h).
 *
 * The puppet root R takes one-byte commands on a pipe and answers each
 * once it is done, so the test never sleeps to wait for a birth, an exec
 * or an exit: 'b' forks B (which starts a thread), starts a thread T2 and
 * forks X; 'x' makes X exec sleep and answers when the exec happened (a
 * close-on-exec pipe reaches EOF); 'e' kills and reaps B and X and joins
 * T2.  Every per-cycle descriptor is closed again at 'e', so R's
 * descriptor table is the same at the end of every cycle.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "puppet.h"
#include "test.h"

/* ---- the puppet, on R's side ---- */

struct reply {
	pid_t t1, c1, b, bt, t2, x;
};

static void put(int fd, const void *p, size_t n)
{
	while (write(fd, p, n) < 0 && errno == EINTR)
		;
}

static bool get(int fd, void *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) < 0 && errno == EINTR)
		;
	return r == (ssize_t)n;
}

/* a thread that says its tid on fd, then waits for its pipe to say go */
struct waiter {
	int tell, wait;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	char c;

	put(w->tell, &tid, sizeof(tid));
	if (w->wait < 0)
		for (;;)
			pause();
	get(w->wait, &c, 1);
	return NULL;
}

static pid_t start_waiter(pthread_t *t, struct waiter *w)
{
	int p[2];
	pid_t tid = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return 0;
	w->tell = p[1];
	pthread_create(t, NULL, waiter_thread, w);
	get(p[0], &tid, sizeof(tid));
	close(p[0]);
	close(p[1]);
	return tid;
}

/* A child that keeps only stdin, stdout and stderr (fewer descriptors,
 * fewer links to read per cycle), then sleeps until killed. */
static bool quiet_sleeper(void *arg)
{
	(void)arg;
	close_range(3, ~0U, 0);
	for (;;)
		pause();
	return true;
}

/* B: a process with a thread; says the thread's tid on fd */
static pid_t fork_b(pid_t *bt)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		struct waiter w = { -1, -1 };
		pthread_t t;
		pid_t tid = start_waiter(&t, &w);

		put(p[1], &tid, sizeof(tid));
		quiet_sleeper(NULL);
	}
	get(p[0], bt, sizeof(*bt));
	close(p[0]);
	close(p[1]);
	return pid;
}

struct r_state {
	struct reply r;
	pthread_t t2;
	struct waiter w2;
	int t2_go[2];		/* T2 returns when this pipe says so */
	int x_go[2];		/* X execs when this pipe says so */
	int x_done[2];		/* close-on-exec: EOF once X has exec'd */
};

static void births(struct r_state *s)
{
	s->r.b = fork_b(&s->r.bt);
	if (pipe2(s->t2_go, O_CLOEXEC) == 0) {
		s->w2.wait = s->t2_go[0];
		s->r.t2 = start_waiter(&s->t2, &s->w2);
	}
	if (pipe2(s->x_go, O_CLOEXEC) < 0 || pipe2(s->x_done, O_CLOEXEC) < 0)
		return;
	s->r.x = fork();
	if (s->r.x == 0) {
		char c;

		if (get(s->x_go[0], &c, 1))
			execlp("sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	close(s->x_done[1]);
}

static void exec_x(struct r_state *s)
{
	char c = 'x';

	put(s->x_go[1], &c, 1);
	while (get(s->x_done[0], &c, 1))	/* EOF: exec'd (or died) */
		;
}

static void exits(struct r_state *s)
{
	char c = 'e';

	if (s->r.b > 0) {
		kill(s->r.b, SIGKILL);
		waitpid(s->r.b, NULL, 0);
	}
	if (s->r.t2 > 0) {
		put(s->t2_go[1], &c, 1);
		pthread_join(s->t2, NULL);
	}
	if (s->r.x > 0) {
		kill(s->r.x, SIGKILL);
		waitpid(s->r.x, NULL, 0);
	}
	close(s->t2_go[0]);
	close(s->t2_go[1]);
	close(s->x_go[0]);
	close(s->x_go[1]);
	close(s->x_done[0]);
	s->r.b = s->r.bt = s->r.t2 = s->r.x = 0;
}

struct r_pipes {
	int cmd, ack;		/* R's ends */
	int cmd_w, ack_r;	/* the test's ends, closed in R */
};

static bool puppet_root(void *arg)
{
	struct r_pipes *p = arg;
	struct r_state s = { 0 };
	struct waiter w1 = { -1, -1 };
	pthread_t t1;
	char c;

	close(p->cmd_w);	/* else the commands never reach EOF */
	close(p->ack_r);
	s.r.t1 = start_waiter(&t1, &w1);
	s.r.c1 = t_fork(quiet_sleeper, NULL);
	put(p->ack, &s.r, sizeof(s.r));
	while (get(p->cmd, &c, 1)) {
		if (c == 'b')
			births(&s);
		else if (c == 'x')
			exec_x(&s);
		else if (c == 'e')
			exits(&s);
		put(p->ack, &s.r, sizeof(s.r));
	}
	kill(s.r.c1, SIGKILL);
	return true;
}

/* ---- the puppet, on the test's side ---- */

static void command(struct fc_puppet *pp, char c)
{
	struct reply r;

	put(pp->cmd, &c, 1);
	ASSERT_MSG(get(pp->ack, &r, sizeof(r)), "puppet: no answer to '%c'", c);
	pp->t1 = r.t1;
	pp->c1 = r.c1;
	pp->b = r.b;
	pp->bt = r.bt;
	pp->t2 = r.t2;
	pp->x = r.x;
}

void fc_puppet_start(struct fc_puppet *pp)
{
	struct t_sync cmd, ack;
	struct r_pipes p;
	struct reply r;

	t_sync_init(&cmd);
	t_sync_init(&ack);
	p.cmd = cmd.fd[0];
	p.ack = ack.fd[1];
	p.cmd_w = cmd.fd[1];
	p.ack_r = ack.fd[0];
	memset(pp, 0, sizeof(*pp));
	pp->root = t_fork(puppet_root, &p);
	close(cmd.fd[0]);
	close(ack.fd[1]);
	pp->cmd = cmd.fd[1];
	pp->ack = ack.fd[0];
	ASSERT_MSG(get(pp->ack, &r, sizeof(r)), "puppet did not start");
	pp->t1 = r.t1;
	pp->c1 = r.c1;
	ASSERT(pp->t1 > 0 && pp->c1 > 0);
}

void fc_puppet_births(struct fc_puppet *pp)
{
	command(pp, 'b');
	ASSERT(pp->b > 0 && pp->bt > 0 && pp->t2 > 0 && pp->x > 0);
}

void fc_puppet_exec(struct fc_puppet *pp)
{
	command(pp, 'x');
}

void fc_puppet_exits(struct fc_puppet *pp)
{
	command(pp, 'e');
}

void fc_puppet_stop(struct fc_puppet *pp)
{
	pid_t c1 = pp->c1;

	close(pp->cmd);
	t_wait(pp->root);
	close(pp->ack);
	/* R killed its child; it was reparented to us (subreaper) */
	t_kill(c1);
}

bool fc_puppet_alive(const struct fc_puppet *pp, int id)
{
	const pid_t ids[] = { pp->root, pp->t1, pp->c1, pp->b, pp->bt, pp->t2, pp->x };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] > 0 && ids[i] == id)
			return true;
	return false;
}
