/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session.c - one live run of vmon from start to end: set up libvmon for
 * the mode (a command run under vmon, a process attached to, or every
 * process), start or attach, run the sampling loop, then write the chart,
 * the end of the record and the summary.
 *
 * Run mode monitors vmon itself, following its children: they are the
 * command and the orphans the kernel reparents to vmon, its subreaper.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "chart.h"
#include "fd_limit.h"
#include "live.h"
#include "loop.h"
#include "outfile.h"
#include "tool.h"

#define PROC_WANTS (VMON_WANT_PROC_FOLLOW_THREADS | VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | \
		    VMON_WANT_PROC_IO)

static void set_cmd(struct session *s)
{
	struct opts *o = s->o;
	char pid[16], **argv;

	if (o->mode == MODE_RUN) {
		argv = xcalloc(o->argc + 1, sizeof(*argv));
		for (int i = 0; i < o->argc; i++)
			argv[i] = escape_bytes(o->argv[i], strlen(o->argv[i]));
		model_set_cmd(&s->m, "run", argv, o->argc);
		for (int i = 0; i < o->argc; i++)
			free(argv[i]);
		free(argv);
	} else if (o->mode == MODE_PID) {
		char *v[] = { "-p", pid };

		snprintf(pid, sizeof(pid), "%d", o->pid);
		model_set_cmd(&s->m, "pid", v, 2);
	} else {
		char *v[] = { "-a" };

		model_set_cmd(&s->m, "all", v, 1);
	}
}

static void hold(vmon_proc_t *p)
{
	struct nodeinfo *ni = p->foo;

	if (ni)
		ni->holds++;
}

/* Take over the terminal: 1, or 0 after a message.  The command's output,
 * unless -o sends it to a file, is captured to show under the tree.  -o's
 * file is opened first: an error is better said on the terminal than
 * under the view. */
static int start_view(struct session *s)
{
	bool own;

	if (s->o->mode == MODE_RUN && s->o->output) {
		s->out_fd = out_open_stream(s->o->output, &own);
		if (s->out_fd < 0) {
			out_error("the command's output", s->o->output, s->out_fd);
			return 0;
		}
	}
	s->live = live_start(&s->m, &s->sched);
	if (!s->live)
		return 0;
	if (s->o->mode == MODE_RUN && !s->o->output)
		s->cap = capture_new();
	live_show_output(s->live, s->cap);
	return 1;
}

/* Give the terminal back, then print the command's captured output. */
static void stop_view(struct session *s)
{
	if (!s->live)
		return;
	live_stop(s->live);
	s->live = NULL;
	capture_finish(s->cap, stdout);
	s->cap = NULL;
}

/* Fork the command held, monitor it, let it exec: 0, or vmon's exit code
 * (after a message). */
static int start_command(struct session *s)
{
	int go, errfd, err, status;
	vmon_proc_t *node;

	s->watched.root = vmon_proc_monitor(&s->vmon, s->watched.self, 0, NULL, NULL);
	if (!s->watched.root)
		die(1, "cannot monitor itself: %s", strerror(errno));
	s->watched.command = spawn_held(s, s->o->argv, &go, &errfd);
	if (s->watched.command < 0)
		die(1, "fork: %s", strerror(errno));
	if (s->cap)
		capture_close_write(s->cap);
	node = vmon_proc_monitor(&s->vmon, s->watched.command, 0, NULL, NULL);
	if (node)
		hold(node);
	schedule_start_clock(&s->sched);
	err = node ? spawn_release(go, errfd) : ESRCH;
	if (!node) {
		close(go);	/* the child exits 127 without running anything */
		close(errfd);
	}
	if (!err)
		return 0;
	waitpid(s->watched.command, &status, 0);
	stop_view(s);
	warnx_("%s: %s", s->o->argv[0], node ? strerror(err) : "could not be monitored");
	return err == ENOENT ? 127 : 126;
}

static int attach(struct session *s)
{
	vmon_proc_t *node = vmon_proc_monitor(&s->vmon, s->o->pid, 0, NULL, NULL);

	if (!node) {
		stop_view(s);
		warnx_("cannot monitor process %d: %s", s->o->pid,
		       errno == ESRCH ? "no such process" : strerror(errno));
		return 1;
	}
	hold(node);
	s->watched.root = node;
	schedule_start_clock(&s->sched);
	return 0;
}

static void outputs(struct session *s)
{
	struct chart_opts co = { s->o->width, s->o->height, s->o->threads };

	if (s->rec)
		rec_close(s->rec, &s->m);
	s->rec = NULL;
	if (s->o->png && !chart_write(&s->m, s->o->png, &co))
		out_error("the chart", s->o->png, -errno);
	if (!s->o->quiet)
		summary_print(&s->m, stderr);
	if (s->o->summary_json && !summary_json(&s->m, s->o->summary_json))
		out_error("the summary", s->o->summary_json, -errno);
}

/* The event source asked for: 1, or 0 after saying why it cannot be. */
static int set_events(struct session *s)
{
	vmon_event_source_t want = s->o->events;
	const char *name = vmon_event_source_name(want);

	if (want == VMON_EVENTS_NONE || vmon_set_event_source(&s->vmon, want))
		return 1;
	if (errno == EPERM && want == VMON_EVENTS_NETLINK)
		warnx_("--events netlink needs CAP_NET_ADMIN (root); --trace needs no privilege");
	else if (errno == EPERM)
		warnx_("--events %s is not permitted here (ptrace may be disabled by a security "
		       "policy or a seccomp filter)", name);
	else
		warnx_("--events %s: %s", name, strerror(errno));
	return 0;
}

static int init_vmon(struct session *s)
{
	bool all = s->o->mode == MODE_ALL;
	int flags = (all ? VMON_FLAG_PROC_ALL : VMON_FLAG_NONE) |
		    (s->o->events != VMON_EVENTS_NONE ? VMON_FLAG_EVENTS : 0);

	/* the disk and network rates are for the live view's meters only */
	vmon_sys_wants_t sys = VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM |
			       (s->o->live ? VMON_WANT_SYS_DISKSTATS | VMON_WANT_SYS_NET_DEV : 0);

	if (!vmon_init(&s->vmon, flags, sys,
		       PROC_WANTS | (all ? 0 : VMON_WANT_PROC_FOLLOW_CHILDREN))) {
		warnx_("cannot read /proc: %s", strerror(errno));
		return 0;
	}
	if (!set_events(s)) {
		vmon_destroy(&s->vmon);
		return 0;
	}
	/* the cheap refresh: cmdline and exe are read again on every exec,
	 * which is what the chart and the record show; wchan, which vmon
	 * shows nowhere, every 32 samples */
	vmon_set_refresh(&s->vmon, VMON_REFRESH_CMDLINE, 32);
	vmon_set_refresh(&s->vmon, VMON_REFRESH_WCHAN, 32);
	observe_init(s);
	model_init(&s->m, s->vmon.ticks_per_sec, sysconf(_SC_PAGESIZE), (int)s->vmon.num_cpus);
	s->m.hz = s->sched.hz;
	s->m.reaps_seen = true;
	s->m.self_pid = s->o->mode == MODE_RUN ? s->watched.self : 0;
	snprintf(s->m.events, sizeof(s->m.events), "%s",
		 vmon_event_source_name(vmon_event_source(&s->vmon)));
	set_cmd(s);
	return 1;
}

static vt_us tv_us(struct timeval tv)
{
	return (vt_us)tv.tv_sec * US_PER_S + tv.tv_usec;
}

/* The kernel's count of the CPU of every descendant reaped: the command,
 * the orphans vmon reaped as their subreaper, and whatever each of them
 * reaped in turn; less what was counted before vmon started (base), which
 * a process that exec'd vmon leaves in it: the children it reaped. */
static void reaped_cpu(struct session *s, const struct rusage *base)
{
	struct rusage ru;

	reap_children(&s->vmon, &s->m, &s->reaped);
	if (getrusage(RUSAGE_CHILDREN, &ru))
		return;
	s->m.reaped_known = true;
	s->m.reaped_user = tv_us(ru.ru_utime) - tv_us(base->ru_utime);
	s->m.reaped_sys = tv_us(ru.ru_stime) - tv_us(base->ru_stime);
}

static void cleanup(struct session *s)
{
	if (s->rec)
		rec_abort(s->rec);
	s->rec = NULL;
	if (s->out_fd >= 0)
		close(s->out_fd);
	vmon_destroy(&s->vmon);
	model_free(&s->m);
	sample_changes_free(&s->changes);
	reap_table_free(&s->reaped);
}

int session_main(struct opts *o)
{
	struct rusage base = { 0 };
	struct session s;
	int code;

	/* before anything is started: the count vmon inherited */
	(void)getrusage(RUSAGE_CHILDREN, &base);
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.out_fd = -1;
	s.watched.self = getpid();
	schedule_init(&s.sched, o->hz, o->snapshot_every);
	loop_block_signals();
	if (o->mode == MODE_RUN)
		become_subreaper();
	raise_fd_limit(0);
	if (!init_vmon(&s))
		return 1;
	if ((o->record && !(s.rec = rec_open(o->record))) || (o->live && !start_view(&s))) {
		cleanup(&s);
		return 1;
	}
	code = o->mode == MODE_RUN ? start_command(&s) : o->mode == MODE_PID ? attach(&s) : 0;
	if (o->mode == MODE_ALL)
		schedule_start_clock(&s.sched);
	if (code) {
		cleanup(&s);
		return code;
	}
	if (s.rec)
		rec_header(s.rec, &s.m, s.watched.command ? s.watched.command : o->pid);
	run_loop(&s);
	if (o->mode == MODE_RUN)
		reaped_cpu(&s, &base);
	model_end(&s.m, s.m.end);
	stop_view(&s);
	outputs(&s);
	code = o->mode == MODE_RUN ? status_code(s.m.exit_status) : 0;
	cleanup(&s);
	return code;
}
