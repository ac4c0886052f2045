/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * valgrind_cycle.c - one whole life of a vmon_t with every want it may
 * combine, for tests/valgrind-cycle.sh to run under valgrind: init, three
 * samples, a look at every store through the reflection API and
 * vmon_dump_procs(), destroy; twice, since a vmon_t may be initialised
 * again.  valgrind then says whether anything leaked, whether anything
 * read uninitialised memory, and which descriptors were left open.
 *
 *   valgrind_cycle tree        follow a process tree: every sys want, every
 *                              proc want, VMON_FLAG_2PASS
 *   valgrind_cycle tree-array  the same with VMON_FLAG_PROC_ARRAY
 *   valgrind_cycle all         VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY with
 *                              PROC_STAT | VM | IO | FOLLOW_THREADS | FILES
 *
 * The monitored tree is this program run again as "valgrind_cycle
 * --tree" (valgrind does not trace an exec'd child unless asked, so the
 * tree runs natively): a process with a second thread, a pipe its two
 * children share, and two children; one child is killed between the
 * first and second samples, the rest live until after vmon_destroy().
 * Every member of the tree blocks reading descriptor 3 and ends at EOF.
 *
 * Descriptors inherited from whoever started us are closed first, so every
 * descriptor open at exit beyond 0, 1 and 2 is the library's (or ours).
 * Exit status 0 when the lifecycle counts balance.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define ALL_SYS_WANTS ((vmon_sys_wants_t)((1u << VMON_STORE_SYS_NR) - 1))
#define ALL_PROC_WANTS ((vmon_proc_wants_t)((1u << VMON_STORE_PROC_NR) - 1))

static struct {
	int proc_ctor, proc_dtor, fobject_ctor, fobject_dtor, sample_cb, proc_cb;
	int failures;
} counts;

static void fail(const char *what)
{
	fprintf(stderr, "valgrind_cycle: %s: %s\n", what, strerror(errno));
	counts.failures++;
}

/* ---- the monitored tree (runs natively, exec'd from the parent) ---- */

static void *block_on_3(void *arg)
{
	ssize_t n;
	char c;

	(void)arg;
	while ((n = read(3, &c, 1)) > 0 || (n < 0 && errno == EINTR))
		;
	return NULL;
}

/* a child of the tree: hold the shared pipe, block until EOF on 3 */
static pid_t tree_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		block_on_3(NULL);
		_exit(0);
	}
	return pid;
}

/* Descriptor 3: EOF ends everything; descriptor 4: where to say "B C\n",
 * the children's pids, once the tree is complete. */
static int run_tree(void)
{
	pthread_t thread;
	int shared[2];
	pid_t b, c;

	signal(SIGCHLD, SIG_IGN);	/* children are reaped as they exit */
	if (pipe(shared) || pthread_create(&thread, NULL, block_on_3, NULL))
		return 1;
	b = tree_child();
	c = tree_child();
	if (b < 0 || c < 0 || dprintf(4, "%d %d\n", b, c) < 0)
		return 1;
	close(4);
	block_on_3(NULL);
	pthread_join(thread, NULL);
	return 0;
}

/* Start the tree; its pid, with the children's in kids and the write end
 * of its descriptor 3 (closing it ends the tree) in *ctl. */
static pid_t start_tree(pid_t kids[2], int *ctl)
{
	char buf[64], exe[4096];
	int cp[2], rp[2];
	ssize_t n;
	pid_t pid;

	/* valgrind shows our program as /proc/self/exe to readlink(), but an
	 * exec of that path would run valgrind's tool itself */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || pipe2(cp, O_CLOEXEC) || pipe2(rp, O_CLOEXEC))
		return -1;
	exe[n] = '\0';
	pid = fork();
	if (pid == 0) {
		/* fds 3 and 4 are free: inherited descriptors were closed */
		if (dup2(cp[0], 3) < 0 || dup2(rp[1], 4) < 0)
			_exit(127);
		execl(exe, "valgrind_cycle", "--tree", (char *)NULL);
		_exit(127);
	}
	close(cp[0]);
	close(rp[1]);
	n = pid < 0 ? -1 : read(rp[0], buf, sizeof(buf) - 1);
	close(rp[0]);
	if (n <= 0 || sscanf((buf[n] = '\0', buf), "%d %d", &kids[0], &kids[1]) != 2) {
		close(cp[1]);
		return -1;
	}
	*ctl = cp[1];
	return pid;
}

/* ---- the monitor ---- */

/* Close every descriptor above 2 below the soft limit (valgrind keeps its
 * own above it). */
static void close_inherited(void)
{
	struct rlimit rl;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d || getrlimit(RLIMIT_NOFILE, &rl))
		exit(2);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != dirfd(d) && (rlim_t)fd < rl.rlim_cur)
			close(fd);
	}
	closedir(d);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = -1;	/* the listing's own */

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;	/* "." and ".." */
}

static void on_proc_ctor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; counts.proc_ctor++; }
static void on_proc_dtor(vmon_t *v, vmon_proc_t *p) { (void)v; (void)p; counts.proc_dtor++; }
static void on_fobject_ctor(vmon_t *v, vmon_fobject_t *o) { (void)v; (void)o; counts.fobject_ctor++; }
static void on_fobject_dtor(vmon_t *v, vmon_fobject_t *o) { (void)v; (void)o; counts.fobject_dtor++; }
static void on_sample(vmon_t *v, void *arg) { (void)v; (void)arg; counts.sample_cb++; }

static void on_proc_sample(vmon_t *v, void *sarg, vmon_proc_t *p, void *arg)
{
	(void)v;
	(void)sarg;
	(void)p;
	(void)arg;
	counts.proc_cb++;
}

/* Format every field of a store (valgrind checks each byte it reads). */
static void format_store(const vmon_store_info_t *info, const void *store)
{
	char buf[512];

	for (int i = 0; info && store && i < info->fields_nr; i++) {
		vmon_field_format(info, store, i, buf, sizeof(buf));
		if (info->bitmaps)
			(void)(vmon_field_changed(info, store, i) + vmon_field_unavailable(info, store, i));
	}
}

static void look_at(vmon_t *v, FILE *null)
{
	const vmon_sys_stat_t *st = v->stores[VMON_STORE_SYS_STAT];

	for (int i = 0; i < VMON_STORE_SYS_NR; i++)
		format_store(vmon_sys_store_info(i), v->stores[i]);
	for (int i = 0; st && i < st->cpus_nr; i++)
		format_store(vmon_sys_cpu_info(), &st->cpus[i]);
	for (int i = 0; i < v->array_allocated_nr; i++) {
		vmon_proc_t *p = v->array[i];

		for (int s = 0; p && s < VMON_STORE_PROC_NR; s++)
			if (s != VMON_STORE_PROC_FILES)
				format_store(vmon_proc_store_info(s), p->stores[s]);
	}
	vmon_dump_procs(v, null);
}

/* One life of a vmon_t. */
static void cycle(const char *mode, pid_t tree, pid_t victim, FILE *null)
{
	int fds = count_fds(), all = !strcmp(mode, "all");
	vmon_flags_t flags = all ? VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY :
			     !strcmp(mode, "tree-array") ? VMON_FLAG_PROC_ARRAY : VMON_FLAG_2PASS;
	vmon_proc_wants_t wants = all ? ALL_PROC_WANTS & ~VMON_WANT_PROC_FOLLOW_CHILDREN :
				  ALL_PROC_WANTS;
	vmon_proc_t *root = NULL;
	vmon_t v;

	if (!vmon_init(&v, flags, ALL_SYS_WANTS, wants)) {
		fail("vmon_init");
		return;
	}
	v.proc_ctor_cb = on_proc_ctor;
	v.proc_dtor_cb = on_proc_dtor;
	v.fobject_ctor_cb = on_fobject_ctor;
	v.fobject_dtor_cb = on_fobject_dtor;
	v.sample_cb = on_sample;
	if (!all && !(root = vmon_proc_monitor(&v, tree, 0, on_proc_sample, NULL)))
		fail("vmon_proc_monitor");
	for (int i = 0; i < 3; i++) {
		if (!vmon_sample(&v))
			fail("vmon_sample");
		look_at(&v, null);
		if (i == 0 && victim > 0)
			kill(victim, SIGKILL);
	}
	/* the caller's reference goes before destroy, or with it */
	if (root && !strcmp(mode, "tree"))
		vmon_proc_unmonitor(&v, root, on_proc_sample, NULL);
	vmon_destroy(&v);
	if (count_fds() != fds) {
		fprintf(stderr, "valgrind_cycle: %d descriptors before, %d after\n", fds, count_fds());
		counts.failures++;
	}
}

int main(int argc, char **argv)
{
	pid_t tree, kids[2];
	FILE *null;
	int ctl;

	if (argc == 2 && !strcmp(argv[1], "--tree"))
		return run_tree();
	if (argc != 2 || (strcmp(argv[1], "tree") && strcmp(argv[1], "tree-array") &&
			  strcmp(argv[1], "all"))) {
		fprintf(stderr, "usage: valgrind_cycle tree|tree-array|all\n");
		return 2;
	}
	close_inherited();
	null = fopen("/dev/null", "we");
	tree = start_tree(kids, &ctl);
	if (!null || tree < 0) {
		fail("starting the tree");
		return 1;
	}
	cycle(argv[1], tree, kids[0], null);
	cycle(argv[1], tree, -1, null);
	close(ctl);
	while (waitpid(tree, NULL, 0) < 0 && errno == EINTR)
		;
	fclose(null);
	if (counts.proc_ctor != counts.proc_dtor || counts.fobject_ctor != counts.fobject_dtor ||
	    !counts.proc_ctor || counts.sample_cb != 6 ||
	    (strcmp(argv[1], "all") && !counts.proc_cb)) {
		fprintf(stderr, "valgrind_cycle: proc ctor %d dtor %d, fobject ctor %d dtor %d, "
			"sample_cb %d, proc callbacks %d\n", counts.proc_ctor, counts.proc_dtor,
			counts.fobject_ctor, counts.fobject_dtor, counts.sample_cb, counts.proc_cb);
		counts.failures++;
	}
	if (!counts.fobject_ctor) {
		fprintf(stderr, "valgrind_cycle: no shared file object seen\n");
		counts.failures++;
	}
	printf("valgrind_cycle %s: %d nodes, %d file objects, %d failures\n", argv[1],
	       counts.proc_ctor, counts.fobject_ctor, counts.failures);
	return counts.failures ? 1 : 0;
}
