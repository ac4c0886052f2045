/* SPDX-License-Identifier: MIT */
/*
 * follow.c - run a command (or watch a running process) and print every
 * process and thread of its tree as it is born and as it exits, as libvmon
 * sees them, then a one-line summary.
 *
 *   follow [-z HZ] -- COMMAND [ARG...]
 *   follow [-z HZ] -p PID
 *
 * The command is forked and waits on a pipe until the monitor holds it,
 * so it cannot run before it is followed.  The tree is sampled HZ times a
 * second (default 20): a process born and gone between two samples is not
 * seen.  Output lines:
 *
 *   + PID (COMM) ppid=PPID t=SECS ARGV...       a process appeared
 *   + TID T (COMM) tgid=PID t=SECS              a thread appeared
 *   = PID (COMM) t=SECS ARGV...                 its command changed (exec)
 *   - PID (COMM) utime=U stime=S t=SECS HOW     a process left the tree
 *   - TID T (COMM) utime=U stime=S t=SECS       a thread ended
 *   # follow: N processes, N threads, N ticks cpu ..., exit=N
 *
 * HOW is exit=N or signal=N for the command, "exited" for the others, or
 * "reparented" for a process that left the tree alive (its parent exited).
 * Threads are the tasks other than a process's main thread; utime and
 * stime are in ticks (sysconf(_SC_CLK_TCK) per second).  follow exits with
 * the command's status (128 + N for signal N).
 *
 * It uses libvmon's lifecycle: proc_ctor_cb / proc_dtor_cb give each node a
 * record (in its foo member), and after every vmon_sample() a walk of the
 * tree prints the nodes with is_new and is_stale set.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define FOLLOW_WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS | \
		      VMON_WANT_PROC_STAT)

/* what follow keeps per node, in its foo member */
struct record {
	unsigned born_printed:1;
	unsigned exit_printed:1;
};

static struct {
	struct timespec t0;
	pid_t command;		/* the forked command, or 0 with -p */
	int status;		/* its wait status, once reaped */
	int reaped;
	int processes, threads;
	unsigned long long ticks;	/* utime + stime of every process at exit */
	volatile sig_atomic_t stop;	/* -p: SIGINT or SIGTERM */
} g;

static void usage(void)
{
	fprintf(stderr, "usage: follow [-z HZ] -- COMMAND [ARG...]\n"
			"       follow [-z HZ] -p PID\n");
	exit(2);
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - g.t0.tv_sec) + (now.tv_nsec - g.t0.tv_nsec) / 1e9;
}

static const vmon_proc_stat_t *stat_of(const vmon_proc_t *proc)
{
	return proc->stores[VMON_STORE_PROC_STAT];
}

/* A thread node other than its process's main thread? */
static int is_extra_thread(const vmon_proc_t *proc)
{
	return proc->is_thread && !(proc->parent && proc->parent->pid == proc->pid);
}

/* Format field sym of the node's stat store ("?" when it has none). */
static const char *field(const vmon_proc_t *proc, int sym, char *buf, size_t size)
{
	const vmon_proc_stat_t *st = stat_of(proc);
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);

	if (!st || vmon_field_unavailable(info, st, sym) ||
	    vmon_field_format(info, st, sym, buf, size) < 0)
		snprintf(buf, size, "?");
	return buf;
}

static void record_ctor(vmon_t *vmon, vmon_proc_t *proc)
{
	(void)vmon;
	proc->foo = calloc(1, sizeof(struct record));
	if (is_extra_thread(proc))
		g.threads++;
	else if (!proc->is_thread)
		g.processes++;
}

static void print_birth(const vmon_proc_t *proc)
{
	const vmon_proc_stat_t *st = stat_of(proc);
	char comm[256], argv[4096];

	field(proc, VMON_PROC_STAT_COMM, comm, sizeof(comm));
	if (proc->is_thread) {
		printf("+ %d T (%s) tgid=%d t=%.3f\n", proc->pid, comm, proc->parent->pid, elapsed());
		return;
	}
	printf("+ %d (%s) ppid=%lld t=%.3f %s\n", proc->pid, comm, st ? st->ppid : 0LL,
	       elapsed(), field(proc, VMON_PROC_STAT_ARGV, argv, sizeof(argv)));
}

/* Is pid still running, as the process that started at start ticks after
 * boot?  Then it left the tree alive.  Read straight from /proc: libvmon no
 * longer follows it. */
static int still_running(int pid, unsigned long long start)
{
	char path[64], buf[1024], *p;
	unsigned long long s = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	/* field 3 (state) is at p + 2; field 22 (starttime) 19 fields later */
	for (i = 3, p += 2; i < 22 && p; i++)
		if ((p = strchr(p, ' ')))
			p++;
	if (p)
		s = strtoull(p, NULL, 10);
	return p && s == start;
}

static void print_exit(const vmon_proc_t *proc)
{
	const vmon_proc_stat_t *st = stat_of(proc);
	unsigned long long ut = st ? st->utime : 0, stt = st ? st->stime : 0;
	char comm[256], how[32];

	field(proc, VMON_PROC_STAT_COMM, comm, sizeof(comm));
	if (proc->is_thread) {
		printf("- %d T (%s) utime=%llu stime=%llu t=%.3f\n", proc->pid, comm, ut, stt,
		       elapsed());
		return;
	}
	if (proc->pid == g.command && g.reaped && WIFSIGNALED(g.status))
		snprintf(how, sizeof(how), "signal=%d", WTERMSIG(g.status));
	else if (proc->pid == g.command && g.reaped)
		snprintf(how, sizeof(how), "exit=%d", WEXITSTATUS(g.status));
	else if (st && still_running(proc->pid, st->start))
		snprintf(how, sizeof(how), "reparented");
	else
		snprintf(how, sizeof(how), "exited");
	printf("- %d (%s) utime=%llu stime=%llu t=%.3f %s\n", proc->pid, comm, ut, stt,
	       elapsed(), how);
}

/* Report what the last sample found at one node. */
static void report_node(vmon_proc_t *proc)
{
	struct record *r = proc->foo;
	const vmon_proc_stat_t *st = stat_of(proc);
	char comm[256], argv[4096];

	if (!r || (proc->is_thread && !is_extra_thread(proc)))
		return;
	if (!r->born_printed) {
		r->born_printed = 1;
		print_birth(proc);
	} else if (!proc->is_thread && !proc->is_stale && st && st->argc > 0 &&
		   (BITTEST(st->changed, VMON_PROC_STAT_CMDLINE) ||
		    BITTEST(st->changed, VMON_PROC_STAT_COMM))) {
		printf("= %d (%s) t=%.3f %s\n", proc->pid,
		       field(proc, VMON_PROC_STAT_COMM, comm, sizeof(comm)), elapsed(),
		       field(proc, VMON_PROC_STAT_ARGV, argv, sizeof(argv)));
	}
	if (proc->is_stale && !r->exit_printed) {
		r->exit_printed = 1;
		print_exit(proc);
	}
}

static void report_tree(list_head_t *siblings)
{
	vmon_proc_t *proc, *thread;

	list_for_each_entry(proc, siblings, siblings) {
		report_node(proc);
		list_for_each_entry(thread, &proc->threads, threads)
			report_node(thread);
		report_tree(&proc->children);
	}
}

/* The node is freed (at the latest by the last unmonitor): count its CPU
 * time, and print its exit if no report showed it stale. */
static void record_dtor(vmon_t *vmon, vmon_proc_t *proc)
{
	const vmon_proc_stat_t *st = stat_of(proc);
	struct record *r = proc->foo;

	(void)vmon;
	if (r && r->born_printed && !r->exit_printed && proc->is_stale &&
	    !(proc->is_thread && !is_extra_thread(proc)))
		print_exit(proc);
	if (st && !proc->is_thread)
		g.ticks += st->utime + st->stime;
	free(r);
	proc->foo = NULL;
}

static int sample(vmon_t *vmon)
{
	if (!vmon_sample(vmon)) {
		fprintf(stderr, "follow: vmon_sample: %s\n", strerror(errno));
		return 0;
	}
	report_tree(&vmon->processes);
	fflush(stdout);
	return 1;
}

static void tick(struct timespec *next, long period_ns)
{
	next->tv_nsec += period_ns;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR && !g.stop)
		;
}

/* Has the command exited?  Peek without reaping, so that a last sample
 * still finds it as a zombie with its final times. */
static int command_exited(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, g.command, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid;
}

/* Fork the command, stopped on a pipe until released; -1 on failure. */
static pid_t spawn(char **argv, int *go, int *execerr)
{
	int gop[2], errp[2];
	pid_t pid;
	char c;

	if (pipe2(gop, O_CLOEXEC))
		return -1;
	if (pipe2(errp, O_CLOEXEC)) {
		close(gop[0]);
		close(gop[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int err;

		close(gop[1]);
		close(errp[0]);
		if (read(gop[0], &c, 1) != 1)
			_exit(127);	/* the monitor gave up */
		execvp(argv[0], argv);
		err = errno;
		if (write(errp[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(gop[0]);
	close(errp[1]);
	*go = gop[1];
	*execerr = errp[0];
	return pid;
}

/* Release the command and wait for its exec: 0, or the exec's errno. */
static int release(int go, int execerr)
{
	ssize_t n = 0;
	int err = 0;

	if (write(go, "x", 1) != 1)
		err = errno;
	close(go);
	while (!err && (n = read(execerr, &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(execerr);
	if (n < 0)
		err = errno;
	return err;
}

static void reap(struct rusage *ru)
{
	while (wait4(g.command, &g.status, 0, ru) < 0 && errno == EINTR)
		;
	g.reaped = 1;
}

static int exit_code(void)
{
	if (!g.command || !g.reaped)
		return 0;
	return WIFSIGNALED(g.status) ? 128 + WTERMSIG(g.status) : WEXITSTATUS(g.status);
}

static void on_signal(int sig)
{
	(void)sig;
	g.stop = 1;
}

static void summary(const struct rusage *ru)
{
	char how[32] = "";

	if (g.command && WIFSIGNALED(g.status))
		snprintf(how, sizeof(how), ", signal=%d", WTERMSIG(g.status));
	else if (g.command)
		snprintf(how, sizeof(how), ", exit=%d", WEXITSTATUS(g.status));
	printf("# follow: %d processes, %d threads, %llu ticks cpu", g.processes, g.threads,
	       g.ticks);
	if (ru)
		printf(" (wait4: %.2f s)", ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
		       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6);
	printf(", %.3f s%s\n", elapsed(), how);
}

/* Sample until the command exits (or, with -p, the process goes). */
static void follow_loop(vmon_t *vmon, vmon_proc_t *root, long period_ns)
{
	struct timespec next;
	int last = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!last) {
		last = g.command ? command_exited() : g.stop;
		if (!sample(vmon))
			break;
		if (!g.command && root->is_stale)
			break;
		if (!last)
			tick(&next, period_ns);
	}
}

static int parse_args(int argc, char **argv, double *hz, pid_t *pid)
{
	int opt;
	char *end;

	while ((opt = getopt(argc, argv, "+z:p:h")) != -1) {
		switch (opt) {
		case 'z':
			*hz = strtod(optarg, &end);
			if (*end || !(*hz > 0 && *hz <= 1000))
				usage();
			break;
		case 'p':
			*pid = (pid_t)strtol(optarg, &end, 10);
			if (*end || *pid <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if ((*pid && optind < argc) || (!*pid && optind == argc))
		usage();
	return optind;
}

/* Fork the command, monitor it, let it exec.  The root node, or NULL
 * (after a message) with *code set to follow's exit code. */
static vmon_proc_t *start_command(vmon_t *vmon, char **argv, int *code)
{
	int go, execerr, err;
	vmon_proc_t *root;

	g.command = spawn(argv, &go, &execerr);
	if (g.command < 0) {
		fprintf(stderr, "follow: fork: %s\n", strerror(errno));
		g.command = 0;
		*code = 1;
		return NULL;
	}
	/* like time(1): the terminal's ^C is for the command */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	root = vmon_proc_monitor(vmon, g.command, 0, NULL, NULL);
	if (!root) {
		fprintf(stderr, "follow: cannot monitor %d: %s\n", g.command, strerror(errno));
		close(go);	/* the child exits 127 without running anything */
		close(execerr);
	} else if ((err = release(go, execerr)) != 0) {
		fprintf(stderr, "follow: %s: %s\n", argv[0], strerror(err));
		vmon_proc_unmonitor(vmon, root, NULL, NULL);
		root = NULL;
	}
	if (!root) {
		reap(NULL);
		*code = 127;
	}
	return root;
}

/* Monitor a running process; NULL (after a message) if it cannot be. */
static vmon_proc_t *start_pid(vmon_t *vmon, pid_t pid)
{
	vmon_proc_t *root;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	root = vmon_proc_monitor(vmon, pid, 0, NULL, NULL);
	if (!root)
		fprintf(stderr, "follow: cannot monitor %d: %s\n", pid, strerror(errno));
	return root;
}

int main(int argc, char **argv)
{
	double hz = 20;
	pid_t pid = 0;
	struct rusage ru;
	vmon_proc_t *root;
	vmon_t vmon;
	int first = parse_args(argc, argv, &hz, &pid), code = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!vmon_init(&vmon, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, FOLLOW_WANTS)) {
		fprintf(stderr, "follow: vmon_init: %s\n", strerror(errno));
		return 1;
	}
	vmon.proc_ctor_cb = record_ctor;
	vmon.proc_dtor_cb = record_dtor;
	root = pid ? start_pid(&vmon, pid) : start_command(&vmon, argv + first, &code);
	if (!root) {
		vmon_destroy(&vmon);
		return code;
	}
	follow_loop(&vmon, root, (long)(1e9 / hz));
	if (g.command) {
		reap(&ru);
		sample(&vmon);	/* the command is gone: its node and what is left go stale */
	}
	vmon_proc_unmonitor(&vmon, root, NULL, NULL);
	summary(g.command ? &ru : NULL);
	vmon_destroy(&vmon);
	return exit_code();
}
