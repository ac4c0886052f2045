/* SPDX-License-Identifier: MIT */
/*
 * exits.c - run a command and print every process of its tree that ends,
 * with how it ended and its final figures, as libvmon's event source tells
 * them: short-lived processes included, which sampling alone misses.
 *
 *   exits [-z HZ] [-t] -- COMMAND [ARG...]
 *
 *   -z HZ   samples a second (default 10); the events come in between
 *   -t      the ptrace source (needs no privilege; the command's tree cannot
 *           be debugged meanwhile); the default is the best available:
 *           the kernel's netlink events as root
 *
 * A line per process that ended, then a summary:
 *
 *   PID ppid=PPID (COMM) exit=N|signal=N cpu=SECS rss=KB read=B wrote=B ARGV...
 *   # exits: N processes, source SOURCE, cpu=SECS
 *
 * A figure the source did not know is "?".  It exits with the command's
 * status (128 + N for signal N).
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_STAT)

static int printed;
static double cpu_total;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_exit(const vmon_proc_t *p)
{
	const vmon_proc_stat_t *st = p->stores[VMON_STORE_PROC_STAT];
	const vmon_exit_t *x = p->exit;
	unsigned known = x ? x->known : 0;

	printf("%d ppid=%lld (%s)", p->pid, st ? st->ppid : 0LL,
	       st && st->comm.len ? st->comm.array : "?");
	if (!(known & VMON_EXIT_STATUS))
		printf(" exit=?");
	else if (WIFSIGNALED(x->status))
		printf(" signal=%d", WTERMSIG(x->status));
	else
		printf(" exit=%d", WEXITSTATUS(x->status));
	if (known & (VMON_EXIT_CPU | VMON_EXIT_CPU_SPLIT)) {
		double cpu = known & VMON_EXIT_CPU ? x->cpu_ns / 1e9 :
			     (x->utime_us + x->stime_us) / 1e6;

		printf(" cpu=%.6f", cpu);
		cpu_total += cpu;
	} else {
		printf(" cpu=?");
	}
	if (known & VMON_EXIT_PEAK_RSS)
		printf(" rss=%llu", x->peak_rss_kb);
	else
		printf(" rss=?");
	if (known & VMON_EXIT_IO)
		printf(" read=%llu wrote=%llu", x->rchar, x->wchar);
	else
		printf(" read=? wrote=?");
	for (int i = 0; st && st->argv && i < st->argc; i++)
		printf(" %s", st->argv[i]);
	putchar('\n');
	printed++;
}

/* the processes that ended in the last sample are its stale nodes */
static void print_exits(const list_head_t *siblings)
{
	const vmon_proc_t *p;

	list_for_each_entry(p, siblings, siblings) {
		if (p->is_stale)
			print_exit(p);
		print_exits(&p->children);
	}
}

/* a process of the tree gone from the system whose exit is not told
 * yet: the kernel sends its exit event only after waking its parent, so
 * the command can reap it and exit before the event is read */
static int exit_pending(const list_head_t *siblings)
{
	const vmon_proc_t *p;

	list_for_each_entry(p, siblings, siblings) {
		if (!p->is_stale && !p->is_thread && kill(p->pid, 0) && errno == ESRCH)
			return 1;
		if (exit_pending(&p->children))
			return 1;
	}
	return 0;
}

/* fork the command, held on a pipe until it is monitored */
static pid_t spawn_held(char **argv, int *go)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		if (read(fds[0], &c, 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[0]);
	*go = fds[1];
	return pid;
}

static int usage(void)
{
	fprintf(stderr, "usage: exits [-z HZ] [-t] -- COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	double hz = 10, next;
	int opt, trace = 0, go, status = 0, done = 0, settle = 0;
	vmon_proc_t *root;
	pid_t command;
	vmon_t vmon;

	while ((opt = getopt(argc, argv, "+z:t")) != -1) {
		if (opt == 'z' && (hz = atof(optarg)) > 0)
			continue;
		if (opt == 't') {
			trace = 1;
			continue;
		}
		return usage();
	}
	if (optind >= argc)
		return usage();
	/* the orphans of the tree come back to us: their exits too */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!vmon_init(&vmon, VMON_FLAG_EVENTS, VMON_WANT_SYS_NONE, WANTS) ||
	    (trace && !vmon_set_event_source(&vmon, VMON_EVENTS_PTRACE))) {
		fprintf(stderr, "exits: %s\n", strerror(errno));
		return 1;
	}
	command = spawn_held(argv + optind, &go);
	root = command > 0 ? vmon_proc_monitor(&vmon, command, 0, NULL, NULL) : NULL;
	if (!root) {
		fprintf(stderr, "exits: cannot monitor the command: %s\n", strerror(errno));
		return 1;
	}
	close(go);	/* it runs now */
	next = now();
	while (!done || !list_empty(&vmon.processes)) {
		struct pollfd pfd = { vmon_event_fd(&vmon), POLLIN, 0 };
		double wait = next - now();
		pid_t pid;

		/* between samples, read the events as they come, while the
		 * processes they tell of are still there to be read */
		if (wait > 0 && poll(&pfd, pfd.fd >= 0, (int)(wait * 1000) + 1) > 0) {
			vmon_events_read(&vmon);
			continue;
		}
		next += 1 / hz;
		while ((pid = vmon_reap(&vmon, -1, &opt, WNOHANG | __WALL)) > 0)
			if (pid == command) {
				status = opt;
				done = 1;
			}
		if (!vmon_sample(&vmon)) {
			fprintf(stderr, "exits: vmon_sample: %s\n", strerror(errno));
			break;
		}
		print_exits(&vmon.processes);
		/* let the command's node go, and its tree with it, once
		 * every exit in it is told (a second at most) */
		if (done && root && exit_pending(&root->children) && settle++ < hz)
			continue;
		if (done && root) {
			vmon_proc_unmonitor(&vmon, root, NULL, NULL);
			root = NULL;
		}
	}
	printf("# exits: %d processes, source %s, cpu=%.6f\n", printed,
	       vmon_event_source_name(vmon_event_source(&vmon)), cpu_total);
	vmon_destroy(&vmon);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
