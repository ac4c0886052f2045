/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_files_example.c - examples/pipes on a real pipeline: `pipes -- sh
 * -c 'cat | cat | cat'`, its stdin a pipe the test holds (so the cats wait
 * for input, and end when the test closes it) and its stdout a pipe the
 * test reads.  The graph it prints must show the two pipes between the
 * cats, each written by one cat's descriptor 1 and read by the next cat's
 * descriptor 0; pipes exits with the shell's status.  -p on a stage
 * prints that stage's pipes and ends when it is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define OUT_MAX (1 << 20)

struct run {
	pid_t pid;
	int in, out;	/* the test's ends of the program's stdin and stdout */
	char *text;
	size_t len;
};

static void run_start(struct run *r, char **argv)
{
	static char path[512];
	int in[2], out[2];

	t_build_path("examples/pipes", path, sizeof(path));
	ASSERT_MSG(access(path, X_OK) == 0, "%s: %s (make examples)", path, strerror(errno));
	ASSERT(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	argv[0] = path;
	r->text = calloc(1, OUT_MAX + 1);
	r->len = 0;
	ASSERT(r->text);
	fflush(NULL);
	r->pid = fork();
	ASSERT(r->pid >= 0);
	if (r->pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->in = in[1];
	r->out = out[0];
}

/* Read more output (up to 20 s for some); false at EOF. */
static bool run_read(struct run *r)
{
	struct pollfd p = { .fd = r->out, .events = POLLIN };
	ssize_t n;

	ASSERT_MSG(poll(&p, 1, 20000) == 1, "no output within 20 s; so far:\n%s", r->text);
	ASSERT(r->len < OUT_MAX);
	n = read(r->out, r->text + r->len, OUT_MAX - r->len);
	ASSERT(n >= 0);
	r->len += n;
	r->text[r->len] = '\0';
	return n > 0;
}

/* How many distinct pipes the output shows going from a cat's fd 1 to
 * another cat's fd 0, and only that: "pipe:[N] P (cat) 1w -> Q (cat) 0r" */
static int cat_pipes(const char *text)
{
	char names[8][48];
	int n = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char name[48];
		int w, r, k;

		if (sscanf(l, "%47s %d (cat) 1w -> %d (cat) 0r%n", name, &w, &r, &k) != 3 ||
		    (l[k] != '\n' && l[k]) || w == r)
			continue;
		for (k = 0; k < n && strcmp(names[k], name); k++)
			;
		if (k == n && n < 8)
			snprintf(names[n++], sizeof(names[0]), "%s", name);
	}
	return n;
}

TEST(files_example_pipes_shows_a_pipeline)
{
	char *argv[] = { NULL, "-z", "50", "--", "sh", "-c", "cat | cat | cat", NULL };
	struct run r;
	int status;

	run_start(&r, argv);
	while (cat_pipes(r.text) < 2)
		ASSERT_MSG(run_read(&r), "pipes ended early:\n%s", r.text);
	ASSERT_EQ(cat_pipes(r.text), 2);
	close(r.in);	/* the first cat reads EOF, and the others after it */
	while (run_read(&r))
		;
	ASSERT_MSG(strstr(r.text, "# pipes: exit=0\n"), "no exit line:\n%s", r.text);
	ASSERT(waitpid(r.pid, &status, 0) == r.pid);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(r.out);
	free(r.text);
}

static bool pipe_holder(void *arg)
{
	int *p = arg;

	close(p[0]);
	return t_sleeper(NULL);
}

TEST(files_example_pipes_attached_to_a_process)
{
	char pidbuf[16], want[128], *argv[] = { NULL, "-p", pidbuf, NULL };
	struct stat st;
	struct run r;
	int p[2], status;
	pid_t holder;

	ASSERT(pipe(p) == 0 && fstat(p[0], &st) == 0);
	holder = t_fork(pipe_holder, p);
	snprintf(pidbuf, sizeof(pidbuf), "%d", holder);
	/* the holder writes; the reader (this test) is outside the tree */
	snprintf(want, sizeof(want), "\npipe:[%llu] %d (vmon-tests) %dw ->\n",
		 (unsigned long long)st.st_ino, holder, p[1]);
	close(p[1]);
	run_start(&r, argv);
	while (!strstr(r.text, want))
		ASSERT_MSG(run_read(&r), "no \"%s\" in:\n%s", want, r.text);
	t_kill(holder);
	while (run_read(&r))
		;
	ASSERT_MSG(strstr(r.text, "# pipes: gone=0\n"), "no end line:\n%s", r.text);
	ASSERT(waitpid(r.pid, &status, 0) == r.pid && WIFEXITED(status));
	close(r.in);
	close(r.out);
	close(p[0]);
	free(r.text);
}
