/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loop.c - the sampling loop: samples on the schedule (schedule.c), with
 * the lateness of every wake-up measured and recorded, and the ticks a
 * sample ran past counted and reported ("falling behind").
 *
 * Between samples vmon sleeps in ppoll() on the live view's keyboard, the
 * command's captured output and libvmon's event source (read as events
 * come), with its signals let in: SIGCHLD (a
 * child exited: sample now, so the command's exit is timed exactly),
 * SIGINT, SIGTERM, SIGQUIT and SIGHUP (forwarded to the command, or the
 * end of -p and -a), SIGUSR1 (a chart now) and SIGWINCH (the view resizes).
 * The live view's keys come back from it as actions (live.h) that the loop
 * carries out: quit, a new rate, a chart now.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "capture.h"
#include "chart.h"
#include "fd_limit.h"
#include "live.h"
#include "loop.h"
#include "sys_rates.h"
#include "tool.h"

static const int handled[] = { SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGWINCH };
#define NHANDLED ((int)(sizeof(handled) / sizeof(*handled)))

static volatile sig_atomic_t pending[NSIG], from_tty[NSIG];
static sigset_t orig_mask, wait_mask;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	pending[sig] = 1;
	from_tty[sig] = si && si->si_code == SI_KERNEL;
}

void loop_catch_early(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	/* a read or write it interrupts (replay reading a pipe) goes on */
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
}

void loop_block_signals(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigemptyset(&block);
	for (int i = 0; i < NHANDLED; i++) {
		sigaction(handled[i], &sa, NULL);
		sigaddset(&block, handled[i]);
	}
	signal(SIGPIPE, SIG_IGN);	/* a record on a closed pipe: EPIPE */
	sigprocmask(SIG_BLOCK, &block, &orig_mask);
	wait_mask = orig_mask;
	for (int i = 0; i < NHANDLED; i++)
		sigdelset(&wait_mask, handled[i]);
}

void loop_restore_signals(void)
{
	for (int i = 0; i < NHANDLED; i++)
		signal(handled[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}

static int nodes(const struct session *s)
{
	return s->m.live_procs * 2 + s->m.live_threads + 1;
}

static void snapshot(struct session *s, bool say)
{
	const char *path = s->o->png ? s->o->png : "vmon.png";
	struct chart_opts co = { s->o->width, s->o->height, s->o->threads };
	static int last_err;	/* said already: periodic snapshots repeat it */
	char msg[512];
	bool ok = chart_write(&s->m, path, &co);
	int err = ok ? 0 : errno;

	if (ok)
		snprintf(msg, sizeof(msg), "chart written to %s", path);
	else
		snprintf(msg, sizeof(msg), "could not write %s: %s", path, strerror(err));
	if (s->live && say)
		live_message(s->live, msg);
	else if (s->live && !ok)
		live_notice(s->live, msg);
	else if (!ok && (say || err != last_err))
		warnx_("%s", msg);
	last_err = err;
}

static void take_sample(struct session *s, vt_us late)
{
	vt_us t = schedule_now(&s->sched);

	if (!vmon_sample(&s->vmon) && errno != ENOMEM) {
		warnx_("sampling failed: %s", strerror(errno));
		s->stopping = true;
	}
	observe(s, t, late);
	if (s->live)
		sys_rates_observe(&s->m, &s->vmon, t);
	reap_children(&s->vmon, &s->m, &s->reaped);
	raise_fd_limit(nodes(s));
	if (schedule_snapshot_due(&s->sched, t))
		snapshot(s, false);
	if (s->live)
		live_draw(s->live);
}

static void scheduled_sample(struct session *s)
{
	char behind[160];

	/* lateness: how far past its deadline the sample starts */
	take_sample(s, schedule_now(&s->sched) - s->sched.next);
	s->m.missed += schedule_advance(&s->sched, behind, sizeof(behind));
	if (!behind[0])
		return;
	if (s->live)
		live_notice(s->live, behind);
	else
		warnx_("%s", behind);
}

static void quit(struct session *s)
{
	int sig = ++s->quit_presses > 1 ? SIGKILL : SIGTERM;

	if (s->o->mode != MODE_RUN) {
		s->stopping = true;
		return;
	}
	/* the run ends: the command and everything it started are asked to
	 * end, then made to */
	for (int i = 0; i < s->m.ntracks; i++) {
		const struct track *t = s->m.tracks[i];

		if (!t->is_thread && !t->exited)
			kill(t->pid, sig);
	}
}

/* setpriority() sets one thread's nice value: each of pid's threads */
static bool renice(int pid, int nice)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	bool ok = setpriority(PRIO_PROCESS, (id_t)pid, nice) == 0;
	int err = errno;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (!ok || !(d = opendir(path))) {
		errno = err;
		return ok;
	}
	while ((e = readdir(d)))
		if (atoi(e->d_name) > 0 && atoi(e->d_name) != pid)
			(void)setpriority(PRIO_PROCESS, (id_t)atoi(e->d_name), nice);
	closedir(d);
	return true;
}

/* k and n of the view: only to a process of the view, still alive (its
 * pid not yet reused: its track is the live one of that pid) */
static void signal_or_renice(struct session *s, const struct live_action *a)
{
	char msg[160];
	bool ok;

	if (!model_find(&s->m, a->pid, false)) {
		snprintf(msg, sizeof(msg), "%d is no longer running: nothing done", a->pid);
		live_message(s->live, msg);
		return;
	}
	if (a->act == LIVE_SIGNAL)
		ok = kill(a->pid, a->sig) == 0;
	else
		ok = renice(a->pid, a->nice);
	if (!ok)
		snprintf(msg, sizeof(msg), "could not %s %d: %s", a->act == LIVE_SIGNAL ?
			 "signal" : "renice", a->pid, strerror(errno));
	else if (a->act == LIVE_SIGNAL)
		snprintf(msg, sizeof(msg), "sent signal %d (%s) to %d", a->sig, strsignal(a->sig),
			 a->pid);
	else
		snprintf(msg, sizeof(msg), "nice value of %d set to %d", a->pid, a->nice);
	live_message(s->live, msg);
}

/* Do what a key of the live view asks, and say so on the view. */
static void act(struct session *s, struct live_action a)
{
	char msg[64];

	switch (a.act) {
	case LIVE_QUIT:
		quit(s);
		live_message(s->live, s->o->mode != MODE_RUN ? "quitting"
				      : "asked the run to end (q again: kill it)");
		break;
	case LIVE_SET_RATE:
		schedule_set_rate(&s->sched, a.hz);
		s->m.hz_end = s->sched.hz;	/* for the summary and the record */
		snprintf(msg, sizeof(msg), "sampling at %g Hz", s->sched.hz);
		live_message(s->live, msg);
		break;
	case LIVE_SNAPSHOT:
		snapshot(s, true);
		break;
	case LIVE_SIGNAL:
	case LIVE_RENICE:
		signal_or_renice(s, &a);
		break;
	case LIVE_NONE:
		break;
	}
}

static void keys(struct session *s)
{
	struct live_action a;

	while ((a = live_key(s->live)).act != LIVE_NONE)
		act(s, a);
}

static void handle_signals(struct session *s)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGQUIT, SIGHUP };

	for (int i = 0; i < 4; i++) {
		int sig = stops[i];

		if (!pending[sig])
			continue;
		pending[sig] = 0;
		if (s->o->mode != MODE_RUN)
			s->stopping = true;
		else if (!from_tty[sig])	/* the terminal sent it to the command too */
			forward_signal(&s->watched, sig);
	}
	if (pending[SIGUSR1]) {
		pending[SIGUSR1] = 0;
		snapshot(s, true);
	}
	if (pending[SIGWINCH]) {
		pending[SIGWINCH] = 0;
		if (s->live)
			live_resize(s->live);
	}
	if (pending[SIGCHLD]) {
		pending[SIGCHLD] = 0;
		if (command_is_zombie(&s->watched))
			take_sample(s, 0);	/* its exit, timed and measured now */
		reap_children(&s->vmon, &s->m, &s->reaped);
	}
}

static bool finished(const struct session *s)
{
	vt_us limit = (vt_us)(s->o->duration * US_PER_S);

	if (s->stopping)
		return true;
	if (s->o->duration > 0 && s->m.nsamples && model_cur((struct model *)&s->m)->t >= limit)
		return true;
	switch (s->o->mode) {
	case MODE_RUN:
		return s->watched.command_exited && (!s->o->wait_all || s->m.live_procs == 0);
	case MODE_PID:
		return s->m.nsamples && s->m.live_procs == 0;
	default:
		return false;
	}
}

static void wait_events(struct session *s)
{
	struct pollfd fds[3];
	vt_us left = schedule_left(&s->sched);
	struct timespec ts = { 0, 0 };
	int n = 0, live_fd = -1, cap_fd = -1, ev_fd = -1;

	if (s->live) {
		fds[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
		live_fd = n++;
	}
	if (s->cap && capture_read_fd(s->cap) >= 0) {
		fds[n] = (struct pollfd){ .fd = capture_read_fd(s->cap), .events = POLLIN };
		cap_fd = n++;
	}
	if (vmon_event_fd(&s->vmon) >= 0) {
		fds[n] = (struct pollfd){ .fd = vmon_event_fd(&s->vmon), .events = POLLIN };
		ev_fd = n++;
	}
	if (left > 0) {
		ts.tv_sec = left / US_PER_S;
		ts.tv_nsec = left % US_PER_S * 1000;
	}
	if (ppoll(fds, n, &ts, &wait_mask) <= 0)
		return;
	if (cap_fd >= 0 && fds[cap_fd].revents) {
		capture_read(s->cap);
		if (s->live)
			live_draw_output(s->live);
	}
	if (live_fd >= 0 && fds[live_fd].revents)
		keys(s);
	/* read events as they come, not at the next sample: the library
	 * reads a short-lived process's arguments at its exec while the
	 * process still exists, and the source's buffer does not fill */
	if (ev_fd >= 0 && fds[ev_fd].revents)
		(void)vmon_events_read(&s->vmon);
}

/* A process of the tree that is gone from the system (reaped) but whose
 * exit vmon has not been told yet.  The kernel sends a process's exit
 * event after it has woken the parent, so on a busy machine the command
 * can reap its last children and exit before their exits are read. */
static bool exit_pending(const struct session *s)
{
	for (int i = 0; i < s->m.ntracks; i++) {
		const struct track *t = s->m.tracks[i];

		if (!t->is_thread && !t->exited && kill(t->pid, 0) && errno == ESRCH)
			return true;
	}
	return false;
}

/* The run is over: before it ends, samples follow while a process of the
 * tree is gone without its exit, for at most a second, so that no exit
 * that happened before the end is lost from the record and summary.  Each
 * waits for the event source (10 ms at most); a sample with no source
 * finds the process gone and tells its exit. */
static void settle_exits(struct session *s)
{
	vt_us deadline = schedule_now(&s->sched) + US_PER_S;
	struct pollfd pfd = { .fd = vmon_event_fd(&s->vmon), .events = POLLIN };

	while (!s->stopping && exit_pending(s) && schedule_now(&s->sched) < deadline) {
		if (pfd.fd >= 0 && poll(&pfd, 1, 10) > 0)
			(void)vmon_events_read(&s->vmon);
		take_sample(s, 0);
	}
}

int run_loop(struct session *s)
{
	schedule_begin(&s->sched);
	for (;;) {
		if (schedule_due(&s->sched))
			scheduled_sample(s);
		handle_signals(s);
		if (finished(s))
			break;
		wait_events(s);
		handle_signals(s);
		if (finished(s))
			break;
	}
	if (s->o->mode == MODE_RUN)
		settle_exits(s);
	return 0;
}
