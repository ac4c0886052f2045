/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_tmux.c - the helpers of test_vmon_tmux.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_tmux.h"

static const char *tmux_path(void)
{
	return access("/usr/bin/tmux", X_OK) == 0 ? "/usr/bin/tmux" : "/bin/tmux";
}

void tmux_need(void)
{
	if (access("/usr/bin/tmux", X_OK) && access("/bin/tmux", X_OK))
		SKIP("tmux is not installed (apt-get install tmux)");
}

void tmux_run(struct term *t, char *const args[])
{
	char *argv[16] = { (char *)tmux_path(), "-S", t->sock, "-f", t->conf };
	char err[4096];
	struct vt_proc p;
	int n = 5, status;

	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	vt_start(&p, argv, NULL, -1, -1);
	status = vt_finish(&p, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "tmux %s: %#x %s", argv[5],
		   status, err);
}

void tmux_start(struct term *t, int cols, int rows, const char *cmd)
{
	char full[4096], x[16], y[16];
	char *args[] = { "new-session", "-d", "-x", x, "-y", y, full, NULL };
	FILE *f;

	vt_mkdir(&t->dir);
	vt_file(&t->dir, "sock", t->sock, sizeof(t->sock));
	vt_file(&t->dir, "tmux.conf", t->conf, sizeof(t->conf));
	vt_file(&t->dir, "status", t->done, sizeof(t->done));
	f = fopen(t->conf, "w");
	ASSERT(f);
	/* tmux runs the pane's command with the user's login shell when
	 * SHELL is unset: nobody's is nologin, so name the shell */
	fputs("set -g remain-on-exit on\nset -g status off\nset -g default-shell /bin/sh\n", f);
	fclose(f);
	snprintf(x, sizeof(x), "%d", cols);
	snprintf(y, sizeof(y), "%d", rows);
	snprintf(full, sizeof(full), "%s; echo $? > %s.tmp; mv %s.tmp %s", cmd, t->done, t->done,
		 t->done);
	tmux_run(t, args);
}

void tmux_keys(struct term *t, const char *keys)
{
	char *args[] = { "send-keys", "-t", "0", (char *)keys, NULL };

	tmux_run(t, args);
}

void tmux_resize(struct term *t, int cols, int rows)
{
	char x[16], y[16];
	char *args[] = { "resize-window", "-t", "0", "-x", x, "-y", y, NULL };

	snprintf(x, sizeof(x), "%d", cols);
	snprintf(y, sizeof(y), "%d", rows);
	tmux_run(t, args);
}

void tmux_capture(struct term *t)
{
	char cmd[600];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s -S %s capture-pane -p -t 0", tmux_path(), t->sock);
	f = popen(cmd, "r");
	ASSERT(f);
	n = fread(t->screen, 1, sizeof(t->screen) - 1, f);
	t->screen[n] = '\0';
	pclose(f);
}

int count_of(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static void pause_a_little(void)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	nanosleep(&pause, NULL);
}

void tmux_wait(struct term *t, const char *what, int n)
{
	for (int i = 0; i < 400; i++) {
		tmux_capture(t);
		if (count_of(t->screen, what) >= n)
			return;
		pause_a_little();
	}
	ASSERT_MSG(0, "the screen never showed %d x \"%s\":\n%s", n, what, t->screen);
}

void tmux_wait_gone(struct term *t, const char *what)
{
	for (int i = 0; i < 400; i++) {
		tmux_capture(t);
		if (!strstr(t->screen, what))
			return;
		pause_a_little();
	}
	ASSERT_MSG(0, "the screen still shows \"%s\":\n%s", what, t->screen);
}

int tmux_exit_status(struct term *t)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd p;
	char *text = NULL;
	int in = inotify_init1(IN_CLOEXEC), code;

	ASSERT(in >= 0);
	ASSERT(inotify_add_watch(in, t->dir.path, IN_MOVED_TO) >= 0);
	p = (struct pollfd){ .fd = in, .events = POLLIN };
	while (!(text = t_read_file(t->done, NULL))) {
		ASSERT_MSG(poll(&p, 1, 20000) == 1, "the command in tmux did not end");
		ASSERT(read(in, buf, sizeof(buf)) > 0);
	}
	close(in);
	code = atoi(text);
	free(text);
	return code;
}

pid_t tmux_pane_pid(struct term *t)
{
	char cmd[600], buf[64] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s -S %s display-message -p -t 0 '#{pane_pid}'", tmux_path(),
		 t->sock);
	f = popen(cmd, "r");
	ASSERT(f);
	ASSERT(fgets(buf, sizeof(buf), f));
	pclose(f);
	ASSERT(atoi(buf) > 0);
	return atoi(buf);
}

void tmux_end(struct term *t)
{
	char *kill_server[] = { "kill-server", NULL };

	tmux_run(t, kill_server);
	vt_cleanup(&t->dir);
}

bool screen_line(const char *screen, const char *what, char *line, size_t size)
{
	const char *at = strstr(screen, what), *start, *end;

	if (!at)
		return false;
	for (start = at; start > screen && start[-1] != '\n'; start--)
		;
	end = strchr(at, '\n');
	if (!end)
		end = at + strlen(at);
	snprintf(line, size, "%.*s", (int)(end - start), start);
	return true;
}

int screen_row(const char *screen, const char *what)
{
	const char *at = strstr(screen, what);
	int row = 0;

	if (!at)
		return -1;
	for (const char *p = screen; p < at; p++)
		row += *p == '\n';
	return row;
}
