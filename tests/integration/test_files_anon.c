/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_anon.c - anon inode objects are open files, not kinds: two
 * eventfds, two epoll instances, two timerfds of one process are six
 * objects, and a child that inherits one of each shares exactly those
 * three.  Two processes (a parent P and, on command, its child C) open,
 * duplicate and close anon inodes on command, each command acknowledged
 * on a pipe, and after each sample every pair of anon descriptors of the
 * two is checked against what the test finds itself: the same object
 * exactly when kcmp(2) KCMP_FILE, called here, says they are the same
 * open file (or, where kcmp() is refused, when their fdinfo read here has
 * the same eventfd-id, and never otherwise).  Also: anon files whose
 * fdinfo reads the same (two signalfds of one mask, two inotify instances,
 * two pidfds of one process) are still told apart; many epolls (the kcmp
 * order several levels deep); and a monitor whose kcmp() a seccomp filter
 * refuses, as in a container.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

struct cmd {
	char op;	/* e eventfd, p epoll (watching fd2 if >= 0), t timerfd
			 * (armed if fd2), s signalfd, i inotify, d pidfd of
			 * itself, m dup2(fd, fd2), c close, f fork C */
	int fd, fd2;
};

/* the command pipes of P and of C, made before P so C inherits its own */
struct pipes {
	int p_cmd[2], p_ack[2], c_cmd[2], c_ack[2];
};

struct puppet {
	pid_t pid;
	int cmd, ack;
};

/* Put the descriptor got at fd. */
static bool place(int got, int fd)
{
	if (got < 0 || (got != fd && dup2(got, fd) < 0))
		return false;
	return got == fd || close(got) == 0;
}

static int make_epoll(int watch)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = watch };
	int ep = epoll_create1(0);

	if (ep >= 0 && watch >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, watch, &ev) < 0) {
		close(ep);
		return -1;
	}
	return ep;
}

static int make_timerfd(bool armed)
{
	struct itimerspec its = { { 1, 0 }, { 100, 0 } };
	int t = timerfd_create(CLOCK_MONOTONIC, 0);

	if (t >= 0 && armed && timerfd_settime(t, 0, &its, NULL) < 0) {
		close(t);
		return -1;
	}
	return t;
}

static int make_signalfd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	return signalfd(-1, &mask, 0);
}

static bool run(const struct cmd *c)
{
	switch (c->op) {
	case 'e': return place(eventfd(0, 0), c->fd);
	case 'p': return place(make_epoll(c->fd2), c->fd);
	case 't': return place(make_timerfd(c->fd2), c->fd);
	case 's': return place(make_signalfd(), c->fd);
	case 'i': return place(inotify_init1(0), c->fd);
	case 'd': return place(syscall(SYS_pidfd_open, getpid(), 0), c->fd);
	case 'm': return dup2(c->fd, c->fd2) == c->fd2;
	case 'c': return close(c->fd) == 0;
	default: return false;
	}
}

/* Obey the commands on cmd, answering each on ack: one byte, or the
 * child's pid for f (C then obeys its own pipes). */
static bool obey(int cmd, int ack, const struct pipes *pp)
{
	struct cmd c;

	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		pid_t child;
		char ok;

		if (c.op != 'f' || !pp) {	/* only P forks */
			ok = run(&c);
			if (write(ack, &ok, 1) != 1)
				return false;
			continue;
		}
		fflush(NULL);
		child = fork();
		if (child == 0) {
			close(cmd);
			close(ack);
			_exit(obey(pp->c_cmd[0], pp->c_ack[1], NULL) ? 0 : 1);
		}
		close(pp->c_cmd[0]);
		close(pp->c_ack[1]);
		if (write(ack, &child, sizeof(child)) != sizeof(child))
			return false;
	}
	return true;
}

static bool parent_main(void *arg)
{
	struct pipes *pp = arg;

	close(pp->p_cmd[1]);
	close(pp->p_ack[0]);
	close(pp->c_cmd[1]);
	close(pp->c_ack[0]);
	return obey(pp->p_cmd[0], pp->p_ack[1], pp);
}

static void family_start(struct puppet *p, struct puppet *c)
{
	struct pipes pp;

	ASSERT(pipe(pp.p_cmd) == 0 && pipe(pp.p_ack) == 0 && pipe(pp.c_cmd) == 0 &&
	       pipe(pp.c_ack) == 0);
	p->pid = t_fork(parent_main, &pp);
	close(pp.p_cmd[0]);
	close(pp.p_ack[1]);
	close(pp.c_cmd[0]);
	close(pp.c_ack[1]);
	p->cmd = pp.p_cmd[1];
	p->ack = pp.p_ack[0];
	c->pid = 0;
	c->cmd = pp.c_cmd[1];
	c->ack = pp.c_ack[0];
}

static void order(struct puppet *pp, char op, int fd, int fd2)
{
	struct cmd c = { op, fd, fd2 };
	char ok = 0;

	ASSERT(write(pp->cmd, &c, sizeof(c)) == sizeof(c));
	ASSERT(read(pp->ack, &ok, 1) == 1);
	ASSERT_MSG(ok, "command %c %d %d failed", op, fd, fd2);
}

static void fork_child(struct puppet *p, struct puppet *c)
{
	struct cmd cmd = { 'f', 0, 0 };

	ASSERT(write(p->cmd, &cmd, sizeof(cmd)) == sizeof(cmd));
	ASSERT(read(p->ack, &c->pid, sizeof(c->pid)) == sizeof(c->pid));
}

static void family_stop(struct puppet *p, struct puppet *c)
{
	if (c->pid)
		t_kill(c->pid);	/* not our child: P reaps it, or init */
	t_kill(p->pid);
	close(p->cmd);
	close(p->ack);
	close(c->cmd);
	close(c->ack);
}

/* ---- what the test finds itself ---- */

static long kcmp_file(int pid1, int pid2, int fd1, int fd2)
{
	return syscall(SYS_kcmp, pid1, pid2, KCMP_FILE, fd1, fd2);
}

/* Does kcmp() work here, between P's descriptor fd and itself? */
static bool kcmp_works(pid_t pid, int fd)
{
	return kcmp_file(pid, pid, fd, fd) == 0;
}

/* The eventfd-id of an eventfd, read from its fdinfo; -1 for others. */
static long long eventfd_id(int pid, int fd)
{
	char path[64], *text, *p;
	long long id = -1;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	text = t_read_file(path, NULL);
	ASSERT_MSG(text, "%s unreadable", path);
	p = strstr(text, "\neventfd-id:");
	if (p)
		ASSERT(sscanf(p + 12, "%lld", &id) == 1);
	free(text);
	return id;
}

/* One anon descriptor of the store and what the test read of it. */
struct anon {
	int pid, fd;
	vmon_fobject_t *obj;
	long long id;
};

static int collect(vmon_proc_t **procs, int nprocs, struct anon *a, int max)
{
	int n = 0;

	for (int i = 0; i < nprocs; i++) {
		vmon_proc_files_t *files = procs[i]->stores[VMON_STORE_PROC_FILES];
		vmon_proc_fd_t *fd;

		t_files_compare(procs[i]);
		list_for_each_entry(fd, &files->fds, fds) {
			if (fd->is_stale || fd->kind != VMON_FD_KIND_ANON)
				continue;
			ASSERT(n < max && fd->object);
			a[n++] = (struct anon){ procs[i]->pid, fd->fdnum, fd->object,
						eventfd_id(procs[i]->pid, fd->fdnum) };
		}
	}
	return n;
}

/* How each anon object must have been matched. */
static void check_match(const struct anon *a, bool kcmp)
{
	const vmon_fobject_t *o = a->obj;

	ASSERT_EQ(o->type, VMON_FOBJECT_TYPE_ANON);
	ASSERT_EQ(o->refcnt, t_fobject_holders(o));
	ASSERT_EQ(o->inum, 0);
	if (a->id >= 0) {
		ASSERT_EQ(o->match, VMON_FOBJECT_MATCH_FDINFO);
		ASSERT_EQ((long long)o->anon_id, a->id);
		ASSERT_STREQ(o->name.array, "anon_inode:[eventfd]");
	} else {
		ASSERT_EQ(o->match, kcmp ? VMON_FOBJECT_MATCH_KCMP : VMON_FOBJECT_MATCH_NONE);
		ASSERT(!o->anon_id && (kcmp || o->refcnt == 1));
	}
}

/*
 * Every pair of anon descriptors of procs shares an object exactly when
 * the test finds them the same open file: by kcmp(), or where the monitor
 * may not use it (kcmp false), by eventfd-id, other anon files never.
 * Returns the number of distinct anon objects.
 */
static int check_anon(vmon_proc_t **procs, int nprocs, bool kcmp)
{
	static struct anon a[1024];
	int n = collect(procs, nprocs, a, 1024), objects = 0;

	for (int i = 0; i < n; i++) {
		bool first = true;

		check_match(&a[i], kcmp);
		for (int j = 0; j < n; j++) {
			bool same = kcmp ? kcmp_file(a[i].pid, a[j].pid, a[i].fd, a[j].fd) == 0 :
				    i == j || (a[i].id >= 0 && a[i].id == a[j].id);

			ASSERT_MSG((a[i].obj == a[j].obj) == same,
				   "%d:%d (%s) and %d:%d: %s, but %s", a[i].pid, a[i].fd,
				   a[i].obj->name.array, a[j].pid, a[j].fd,
				   same ? "the same file" : "different files",
				   same ? "two objects" : "one object");
			if (j < i && a[i].obj == a[j].obj)
				first = false;
		}
		objects += first;
	}
	return objects;
}

static vmon_proc_t *sample_until_child(vmon_t *v, vmon_proc_t *p, pid_t child)
{
	vmon_proc_t *c = NULL;

	for (int i = 0; i < 100 && !(c = t_child_node(p, child)); i++)
		ASSERT(vmon_sample(v));
	ASSERT_MSG(c, "child %d never followed", child);
	return c;
}

static void sample(vmon_t *v)
{
	ASSERT(vmon_sample(v));
	t_check_tree(v);
}

static bool holds(const vmon_fobject_t *o, int pid, int fd)
{
	return o && t_fobject_held_by(o, pid, fd);
}

/* P holds two of each; C, forked, keeps one of each: in both, 20-21
 * eventfds, 22-23 epolls (22 watching 20), 24-25 timerfds (24 armed). */
static void two_of_each(struct puppet *p, struct puppet *c)
{
	order(p, 'e', 20, 0);
	order(p, 'e', 21, 0);
	order(p, 'p', 22, 20);
	order(p, 'p', 23, -1);
	order(p, 't', 24, 1);
	order(p, 't', 25, 0);
	fork_child(p, c);
	order(c, 'c', 21, 0);
	order(c, 'c', 23, 0);
	order(c, 'c', 25, 0);
}

/* The fdinfo lines of a file after its generic ones (pos, flags, mnt_id,
 * ino): what it says of itself. */
static char *fdinfo_own(int pid, int fd)
{
	char path[64], *text, *p;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	text = t_read_file(path, NULL);
	ASSERT_MSG(text && (p = strstr(text, "\nino:")) && (p = strchr(p + 1, '\n')),
		   "%s: no ino line", path);
	memmove(text, p + 1, strlen(p + 1) + 1);
	return text;
}

TEST(files_anon_two_of_each_and_a_child)
{
	struct puppet p, c;
	vmon_proc_t *procs[2];
	vmon_fobject_t *o;
	bool kcmp;
	vmon_t v;
	char *x, *y;

	family_start(&p, &c);
	two_of_each(&p, &c);
	kcmp = kcmp_works(p.pid, 22);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FILES));
	t_objlog_install(&v);
	procs[0] = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(procs[0]);
	procs[1] = sample_until_child(&v, procs[0], c.pid);
	t_check_tree(&v);
	/* six objects with kcmp(); without it the inherited epoll and timer
	 * are two each, as their holders cannot be compared */
	ASSERT_EQ(check_anon(procs, 2, kcmp), kcmp ? 6 : 8);
	for (int fd = 20; fd < 26; fd += 2) {
		o = t_fobject_of(&v, p.pid, fd);
		ASSERT(o && o != t_fobject_of(&v, p.pid, fd + 1));
		ASSERT_EQ(holds(o, c.pid, fd), fd == 20 || kcmp);
		ASSERT_EQ(o->refcnt, fd == 20 || kcmp ? 2 : 1);
		ASSERT_EQ(t_fobject_of(&v, p.pid, fd + 1)->refcnt, 1);
		ASSERT(!t_fd_entry(procs[1], fd + 1));
	}
	/* fdinfo read here: the two eventfds differ only in eventfd-id; the
	 * child's descriptors read as the parent's */
	ASSERT(eventfd_id(p.pid, 20) == eventfd_id(c.pid, 20));
	ASSERT(eventfd_id(p.pid, 20) != eventfd_id(p.pid, 21));
	for (int fd = 20; fd < 26; fd += 2) {
		x = fdinfo_own(p.pid, fd);
		y = fdinfo_own(c.pid, fd);
		if (fd != 24)	/* a timer's remaining time moves */
			ASSERT_STREQ(x, y);
		free(x);
		free(y);
	}
	x = fdinfo_own(p.pid, 22);
	ASSERT(strstr(x, "tfd:       20 ") || strstr(x, "tfd: 20 "));
	free(x);
	x = fdinfo_own(p.pid, 23);
	ASSERT_STREQ(x, "");
	free(x);
	vmon_destroy(&v);
	t_objlog_check_balanced();
	family_stop(&p, &c);
}

/* Holders come and go: the first holder of an object closes (the next
 * one stands for it in kcmp()), a descriptor is dup()ed, another is
 * replaced by an anon file of another kind (leaving an object it was the
 * only holder of), an eventfd is made anew at a number an eventfd had
 * (a sample apart: within one, nothing in the link would tell). */
TEST(files_anon_holders_come_and_go)
{
	struct puppet p, c;
	vmon_proc_t *procs[2];
	vmon_fobject_t *o;
	bool kcmp;
	vmon_t v;

	family_start(&p, &c);
	two_of_each(&p, &c);
	kcmp = kcmp_works(p.pid, 22);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FILES));
	t_objlog_install(&v);
	procs[0] = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(procs[0]);
	procs[1] = sample_until_child(&v, procs[0], c.pid);
	check_anon(procs, 2, kcmp);

	order(&c, 'm', 22, 30);		/* a third holder of P's epoll 22 */
	sample(&v);
	check_anon(procs, 2, kcmp);
	ASSERT_EQ(t_fobject_of(&v, p.pid, 22)->refcnt, kcmp ? 3 : 1);
	order(&p, 'c', 22, 0);		/* its first holder goes */
	sample(&v);
	check_anon(procs, 2, kcmp);
	order(&c, 'm', 30, 31);		/* found through C's 22 now */
	order(&p, 'm', 25, 23);		/* P's lone epoll becomes its lone timer */
	order(&c, 'c', 20, 0);
	sample(&v);
	ASSERT_EQ(t_fobject_of(&v, p.pid, 20)->refcnt, 1);
	ASSERT_EQ(t_fd_entry(procs[0], 23)->is_changed, 1);
	order(&c, 'e', 20, 0);		/* a new eventfd where the shared one was */
	sample(&v);
	ASSERT_EQ(check_anon(procs, 2, kcmp), kcmp ? 6 : 10);
	o = t_fobject_of(&v, c.pid, 22);
	ASSERT(o && holds(o, c.pid, 30) == kcmp && holds(o, c.pid, 31) == kcmp);
	ASSERT(t_fobject_of(&v, p.pid, 23) == t_fobject_of(&v, p.pid, 25) || !kcmp);
	ASSERT(t_fobject_of(&v, p.pid, 20) != t_fobject_of(&v, c.pid, 20));
	ASSERT_EQ(t_fd_entry(procs[1], 20)->is_new, 1);
	t_kill(c.pid);		/* its references go with it */
	for (int i = 0; i < 1000 && ((vmon_proc_files_t *)procs[1]->stores[VMON_STORE_PROC_FILES])->fds_nr; i++) {
		usleep(1000);
		sample(&v);
	}
	check_anon(procs, 1, kcmp);
	c.pid = 0;
	vmon_destroy(&v);
	t_objlog_check_balanced();
	family_stop(&p, &c);
}

/* Files whose fdinfo reads the same are still different files: two
 * signalfds of one mask, two inotify instances without watches, two
 * pidfds of one process (and a dup() of one, the same file). */
TEST(files_anon_same_fdinfo_different_files)
{
	struct puppet p, c;
	vmon_proc_t *proc;
	bool kcmp;
	vmon_t v;

	family_start(&p, &c);
	order(&p, 's', 20, 0);
	order(&p, 's', 21, 0);
	order(&p, 'i', 22, 0);
	order(&p, 'i', 23, 0);
	order(&p, 'd', 24, 0);
	order(&p, 'd', 25, 0);
	order(&p, 'm', 24, 26);
	for (int fd = 20; fd < 26; fd += 2) {
		char *x = fdinfo_own(p.pid, fd), *y = fdinfo_own(p.pid, fd + 1);

		ASSERT_STREQ(x, y);
		free(x);
		free(y);
	}
	kcmp = kcmp_works(p.pid, 20);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES));
	proc = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(proc);
	sample(&v);
	ASSERT_EQ(check_anon(&proc, 1, kcmp), kcmp ? 6 : 7);
	ASSERT_EQ(t_fobject_of(&v, p.pid, 24) == t_fobject_of(&v, p.pid, 26), kcmp);
	vmon_destroy(&v);
	family_stop(&p, &c);
}

/* 300 epolls, every other one inherited by the child: the kcmp order
 * several levels deep, and what it costs in kcmp() calls is the
 * library's business; that each pair is right is the test's. */
TEST(files_anon_many_epolls)
{
	struct puppet p, c;
	vmon_proc_t *procs[2];
	bool kcmp;
	vmon_t v;

	family_start(&p, &c);
	for (int fd = 100; fd < 400; fd++)
		order(&p, 'p', fd, -1);
	fork_child(&p, &c);
	for (int fd = 101; fd < 400; fd += 2)
		order(&c, 'c', fd, 0);
	kcmp = kcmp_works(p.pid, 100);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FILES));
	procs[0] = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(procs[0]);
	procs[1] = sample_until_child(&v, procs[0], c.pid);
	t_check_tree(&v);
	ASSERT_EQ(check_anon(procs, 2, kcmp), kcmp ? 300 : 450);
	for (int fd = 100; fd < 400; fd += 50)	/* some close in the parent */
		order(&p, 'c', fd, 0);
	sample(&v);
	ASSERT_EQ(check_anon(procs, 2, kcmp), kcmp ? 300 : 444);
	vmon_destroy(&v);
	family_stop(&p, &c);
}

/* Make kcmp() fail with err in this process from now on. */
static bool refuse_kcmp(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kcmp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

struct refused {
	pid_t p, c;
	int err;
};

/* A monitor that may not call kcmp(): eventfds still matched by their
 * id, the rest one object per holder; exits 0 when so. */
static bool monitor_refused(void *arg)
{
	struct refused *r = arg;
	vmon_proc_t *procs[2];
	vmon_t v;

	if (!refuse_kcmp(r->err) || kcmp_file(r->p, r->p, 20, 20) != -1 || errno != r->err)
		return false;
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FILES));
	procs[0] = vmon_proc_monitor(&v, r->p, 0, NULL, NULL);
	ASSERT(procs[0]);
	procs[1] = sample_until_child(&v, procs[0], r->c);
	t_check_tree(&v);
	ASSERT_EQ(check_anon(procs, 2, false), 8);
	ASSERT_EQ(t_fobject_of(&v, r->p, 20)->refcnt, 2);
	ASSERT_EQ(t_fobject_of(&v, r->p, 22)->match, VMON_FOBJECT_MATCH_NONE);
	vmon_destroy(&v);
	return true;
}

TEST(files_anon_kcmp_refused)
{
	static const int errs[] = { EPERM, ENOSYS };
	struct puppet p, c;

	family_start(&p, &c);
	two_of_each(&p, &c);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct refused r = { p.pid, c.pid, errs[i] };

		ASSERT_MSG(t_wait(t_fork(monitor_refused, &r)) == 0, "kcmp() failing with %s",
			   strerror(errs[i]));
	}
	family_stop(&p, &c);
}

/* The dump tells anon objects of one name apart by their match. */
TEST(files_anon_dump)
{
	struct puppet p, c;
	char *text = NULL, line[128];
	size_t size = 0;
	vmon_proc_t *proc;
	FILE *out;
	vmon_t v;

	family_start(&p, &c);
	two_of_each(&p, &c);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FOLLOW_CHILDREN |
			 VMON_WANT_PROC_FILES));
	proc = vmon_proc_monitor(&v, p.pid, 0, NULL, NULL);
	ASSERT(proc);
	sample_until_child(&v, proc, c.pid);
	ASSERT((out = open_memstream(&text, &size)));
	vmon_dump_procs_ex(&v, out, VMON_DUMP_FILES);
	fclose(out);
	snprintf(line, sizeof(line), "\nanon_inode:[eventfd] refs=2 %d:20rw %d:20rw eventfd-id=%lld\n",
		 p.pid, c.pid, eventfd_id(p.pid, 20));
	ASSERT_MSG(strstr(text, line), "no line%s in:\n%s", line, text);
	snprintf(line, sizeof(line), "\nanon_inode:[eventpoll] refs=1 %d:23rw %s\n", p.pid,
		 kcmp_works(p.pid, 23) ? "kcmp" : "alone");
	ASSERT_MSG(strstr(text, line), "no line%s in:\n%s", line, text);
	free(text);
	vmon_destroy(&v);
	family_stop(&p, &c);
}
