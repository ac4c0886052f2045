/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_pipeline.c - the shared objects of a real pipeline, a | b | c,
 * built by the test with pipe() and fork(): two pipe objects, each with
 * exactly its writer and its reader as holders (with their open modes);
 * one end closed updates refcnt and ref_fds at the next sample; a stage
 * killed stales and lets go of its references at once; the dtor callback
 * fires exactly once per object; and the dump prints the same graph.
 *
 * Each stage keeps only descriptors 0, 1 and 2 (pipe ends or /dev/null),
 * so the graph is exactly the pipeline's.  The test knows the stages are
 * set up when a pipe all of them held reads EOF (each closes its end last),
 * and that b closed an end when b stops itself (waitpid WUNTRACED): no
 * sleeping anywhere.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files_util.h"
#include "test.h"

struct pipeline {
	pid_t a, b, c;
	char name1[48], name2[48];	/* "pipe:[INODE]" of a -> b and b -> c */
};

static void close_stdout_and_stop(int sig)
{
	(void)sig;
	close(1);
	raise(SIGSTOP);
}

/* A stage: stdin from in, stdout to out (-1: /dev/null), nothing else. */
static pid_t stage(int in, int out)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(in >= 0 ? in : null, 0) < 0 ||
		    dup2(out >= 0 ? out : null, 1) < 0 || dup2(null, 2) < 0)
			_exit(1);
		close_range(3, ~0u, 0);	/* the setup pipe's end too: EOF for the test */
		signal(SIGUSR1, close_stdout_and_stop);
		for (;;)
			pause();
	}
	return pid;
}

static void pipe_name(int fd, char *buf, size_t size)
{
	struct stat st;

	ASSERT(fstat(fd, &st) == 0);
	snprintf(buf, size, "pipe:[%llu]", (unsigned long long)st.st_ino);
}

/* Wait for EOF on fd: every holder of its write end closed it. */
static void wait_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	ASSERT_MSG(poll(&p, 1, 10000) == 1, "stages not set up within 10 s");
	ASSERT(read(fd, &c, 1) == 0);
}

static void pipeline_start(struct pipeline *pl)
{
	int p1[2], p2[2], setup[2];

	ASSERT(pipe(p1) == 0 && pipe(p2) == 0 && pipe(setup) == 0);
	pipe_name(p1[0], pl->name1, sizeof(pl->name1));
	pipe_name(p2[0], pl->name2, sizeof(pl->name2));
	pl->a = stage(-1, p1[1]);
	pl->b = stage(p1[0], p2[1]);
	pl->c = stage(p2[0], -1);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	close(setup[1]);
	wait_eof(setup[0]);
	close(setup[0]);
}

static int pipe_objects(vmon_t *v)
{
	vmon_fobject_t *o;
	int n = 0;

	list_for_each_entry(o, &v->fobjects, bucket)
		n += o->type == VMON_FOBJECT_TYPE_PIPE;
	return n;
}

static void expect_mode(vmon_proc_t *p, int fdnum, int mode)
{
	vmon_proc_fd_t *fd = t_fd_entry(p, fdnum);

	ASSERT(fd && fd->flags >= 0);
	ASSERT_EQ(fd->flags & O_ACCMODE, mode);
	ASSERT_EQ(fd->kind, VMON_FD_KIND_PIPE);
}

static void sample(vmon_t *v)
{
	ASSERT(vmon_sample(v));
	t_check_tree(v);
}

TEST(files_pipeline_two_pipes_two_holders_each)
{
	struct pipeline pl;
	vmon_proc_t *a, *b, *c;
	vmon_fobject_t *p1, *p2;
	vmon_t v;

	pipeline_start(&pl);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT));
	t_objlog_install(&v);
	a = vmon_proc_monitor(&v, pl.a, 0, NULL, NULL);
	b = vmon_proc_monitor(&v, pl.b, 0, NULL, NULL);
	c = vmon_proc_monitor(&v, pl.c, 0, NULL, NULL);
	ASSERT(a && b && c);
	sample(&v);
	t_files_compare(a);
	t_files_compare(b);
	t_files_compare(c);
	ASSERT_EQ(pipe_objects(&v), 2);
	p1 = t_fobject_named(&v, pl.name1);
	p2 = t_fobject_named(&v, pl.name2);
	ASSERT(p1 && p2 && p1 != p2);
	ASSERT_EQ(p1->refcnt, 2);
	ASSERT_EQ(t_fobject_holders(p1), 2);
	ASSERT(t_fobject_held_by(p1, pl.a, 1) && t_fobject_held_by(p1, pl.b, 0));
	ASSERT_EQ(p2->refcnt, 2);
	ASSERT_EQ(t_fobject_holders(p2), 2);
	ASSERT(t_fobject_held_by(p2, pl.b, 1) && t_fobject_held_by(p2, pl.c, 0));
	ASSERT(vmon_fobject_find(&v, VMON_FOBJECT_TYPE_PIPE, p1->inum) == p1);
	expect_mode(a, 1, O_WRONLY);
	expect_mode(b, 0, O_RDONLY);
	expect_mode(b, 1, O_WRONLY);
	expect_mode(c, 0, O_RDONLY);
	ASSERT_EQ(t_objlog_ctors(), v.fobjects_nr);
	ASSERT_EQ(t_objlog_dtors(), 0);
	vmon_destroy(&v);
	t_objlog_check_balanced();
	t_kill(pl.a);
	t_kill(pl.b);
	t_kill(pl.c);
}

TEST(files_pipeline_close_and_kill_release_references)
{
	struct pipeline pl;
	vmon_proc_t *a, *b, *c;
	vmon_fobject_t *p1, *p2;
	vmon_proc_fd_t *fd;
	int status;
	vmon_t v;

	pipeline_start(&pl);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES));
	t_objlog_install(&v);
	a = vmon_proc_monitor(&v, pl.a, 0, NULL, NULL);
	b = vmon_proc_monitor(&v, pl.b, 0, NULL, NULL);
	c = vmon_proc_monitor(&v, pl.c, 0, NULL, NULL);
	ASSERT(a && b && c);
	sample(&v);
	sample(&v);
	ASSERT(!(b->activity & VMON_WANT_PROC_FILES));
	p2 = t_fobject_named(&v, pl.name2);

	/* b closes its stdout, the write end of p2, and stops */
	kill(pl.b, SIGUSR1);
	ASSERT(waitpid(pl.b, &status, WUNTRACED) == pl.b && WIFSTOPPED(status));
	sample(&v);
	ASSERT((b->activity & VMON_WANT_PROC_FILES) &&
	       ((vmon_proc_files_t *)b->stores[VMON_STORE_PROC_FILES])->changed);
	fd = t_fd_entry(b, 1);
	ASSERT(fd && fd->is_stale && !fd->object);
	ASSERT_STREQ(fd->object_path.array, pl.name2);	/* what it was */
	ASSERT_EQ(p2->refcnt, 1);
	ASSERT_EQ(t_fobject_holders(p2), 1);
	ASSERT(t_fobject_held_by(p2, pl.c, 0));
	t_files_compare(b);
	sample(&v);	/* shown once, then gone */
	ASSERT(!t_fd_entry(b, 1));
	ASSERT(!(b->activity & VMON_WANT_PROC_FILES));
	kill(pl.b, SIGCONT);

	/* c, the last holder of p2, is killed: stale, p2 destroyed once */
	t_kill(pl.c);
	sample(&v);
	ASSERT(c->is_stale);
	ASSERT(!t_fobject_named(&v, pl.name2));
	ASSERT_EQ(t_objlog_dtors_of(pl.name2), 1);
	ASSERT_EQ(((vmon_proc_files_t *)c->stores[VMON_STORE_PROC_FILES])->fds_nr, 0);

	/* a is killed: p1 keeps its reader */
	p1 = t_fobject_named(&v, pl.name1);
	t_kill(pl.a);
	sample(&v);
	ASSERT(a->is_stale);
	ASSERT_EQ(p1->refcnt, 1);
	ASSERT(t_fobject_held_by(p1, pl.b, 0) && !t_fobject_held_by(p1, pl.a, 1));
	ASSERT_EQ(t_objlog_dtors_of(pl.name1), 0);
	ASSERT_EQ(v.fobjects_nr, 1);
	sample(&v);
	ASSERT_EQ(t_objlog_dtors_of(pl.name2), 1);
	vmon_destroy(&v);
	ASSERT_EQ(t_objlog_dtors_of(pl.name1), 1);
	t_objlog_check_balanced();
	t_kill(pl.b);
}

TEST(files_pipeline_dump_shows_the_graph)
{
	struct pipeline pl;
	char *text = NULL, line[128];
	size_t len = 0;
	FILE *out;
	vmon_t v;

	pipeline_start(&pl);
	ASSERT(vmon_init(&v, VMON_FLAG_NONE, 0, VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT));
	ASSERT(vmon_proc_monitor(&v, pl.a, 0, NULL, NULL));
	ASSERT(vmon_proc_monitor(&v, pl.b, 0, NULL, NULL));
	sample(&v);
	out = open_memstream(&text, &len);
	ASSERT(out);
	vmon_dump_procs_ex(&v, out, VMON_DUMP_FILES);
	fclose(out);
	snprintf(line, sizeof(line), "\n  fd 1 pipe w %s [new]\n", pl.name1);
	ASSERT_MSG(strstr(text, line), "no \"%s\" in:\n%s", line, text);
	ASSERT(strstr(text, "  fd 2 chr rw /dev/null [new]\n"));
	ASSERT(strstr(text, "# fobjects 2\n"));
	snprintf(line, sizeof(line), "\n%s refs=2 %d:1w %d:0r\n", pl.name1, pl.a, pl.b);
	ASSERT_MSG(strstr(text, line), "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof(line), "\n%s refs=1 %d:1w\n", pl.name2, pl.b);
	ASSERT_MSG(strstr(text, line), "no \"%s\" in:\n%s", line, text);
	free(text);
	/* without the flag, the plain dump */
	out = open_memstream(&text, &len);
	vmon_dump_procs_ex(&v, out, 0);
	fclose(out);
	ASSERT(!strstr(text, " fd ") && !strstr(text, "fobjects"));
	free(text);
	vmon_destroy(&v);
	t_kill(pl.a);
	t_kill(pl.b);
	t_kill(pl.c);
}
