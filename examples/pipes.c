/* SPDX-License-Identifier: MIT */
/*
 * pipes.c - run a command (or watch a running process) and print the
 * graph of pipes and sockets its process tree holds, as libvmon sees it:
 * which process writes into which pipe and who reads it, and each socket
 * with its addresses, state and holders.
 *
 *   pipes [-z HZ] -- COMMAND [ARG...]
 *   pipes [-z HZ] -p PID
 *
 * The command is forked and waits on a pipe until the monitor holds it.
 * The tree is sampled HZ times a second (default 20) with
 * VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FILES and the system
 * want VMON_WANT_SYS_SOCKETS; after the first sample, and after every
 * sample that changed it, the graph is printed:
 *
 *   # pipes: t=SECS processes=N pipes=N sockets=N
 *   pipe:[INODE] WRITERS -> READERS
 *   socket:[INODE] DESCRIPTION: HOLDERS
 *   # pipes: exit=N
 *
 * A holder is "PID (COMM) FD" with the descriptor's mode (r, w, rw; ? when
 * unknown); a pipe's writers are the holders of its write end, its
 * readers those of its read end; the far end of a pipe or socket held
 * outside the tree is not shown.  DESCRIPTION is vmon_socket_format()'s
 * ("tcp 127.0.0.1:80 -> 0.0.0.0:* LISTEN", "unix stream * ESTAB
 * peer=1234"), and for a UNIX socket whose peer is in the tree, "<->" and
 * the peer's holders follow.  pipes exits with the command's status (128 +
 * N for signal N); with -p, when the process is gone.
 */
#define _GNU_SOURCE	/* pipe2(), open_memstream() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vmon/vmon.h>

#define PIPES_WANTS (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FILES | \
		     VMON_WANT_PROC_STAT)

static struct timespec t0;

static void usage(void)
{
	fprintf(stderr, "usage: pipes [-z HZ] -- COMMAND [ARG...]\n"
			"       pipes [-z HZ] -p PID\n");
	exit(2);
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
}

static const char *mode_of(int flags)
{
	if (flags < 0)
		return "?";
	return (flags & O_ACCMODE) == O_RDONLY ? "r" : (flags & O_ACCMODE) == O_WRONLY ? "w" : "rw";
}

/* " PID (COMM) FDMODE" for each holder whose mode matches want (-1: all) */
static void holders(FILE *out, const vmon_fobject_t *obj, int want)
{
	const vmon_proc_fd_t *fd;

	list_for_each_entry(fd, &obj->ref_fds, ref_fds) {
		const vmon_proc_stat_t *st = fd->process->stores[VMON_STORE_PROC_STAT];

		if (want >= 0 && (fd->flags < 0 ? O_RDWR : fd->flags & O_ACCMODE) != want)
			continue;
		fprintf(out, " %d (%s) %d%s", fd->process->pid, st && st->comm.array ?
			st->comm.array : "?", fd->fdnum, mode_of(fd->flags));
	}
}

static void print_pipe(FILE *out, const vmon_fobject_t *obj)
{
	fprintf(out, "%s", obj->name.array);
	holders(out, obj, O_WRONLY);
	holders(out, obj, O_RDWR);
	fputs(" ->", out);
	holders(out, obj, O_RDONLY);
	fputc('\n', out);
}

static void print_socket(FILE *out, vmon_t *vmon, const vmon_fobject_t *obj)
{
	const vmon_fobject_t *peer = NULL;
	char desc[512] = "?";

	if (obj->socket) {
		vmon_socket_format(obj->socket, desc, sizeof(desc));
		if (obj->socket->peer_inum)
			peer = vmon_fobject_find(vmon, VMON_FOBJECT_TYPE_SOCKET,
						 obj->socket->peer_inum);
	}
	fprintf(out, "%s %s:", obj->name.array, desc);
	holders(out, obj, -1);
	if (peer) {
		fprintf(out, " <-> %s", peer->name.array);
		holders(out, peer, -1);
	}
	fputc('\n', out);
}

/* The graph as text (caller frees), with its counts in its first line. */
static char *graph(vmon_t *vmon)
{
	int procs = 0, pipes = 0, sockets = 0;
	const vmon_fobject_t *obj;
	char *text = NULL, *body = NULL;
	size_t len = 0, blen = 0;
	FILE *out = open_memstream(&body, &blen);

	if (!out)
		return NULL;
	list_for_each_entry(obj, &vmon->fobjects, bucket) {
		if (obj->type == VMON_FOBJECT_TYPE_PIPE) {
			print_pipe(out, obj);
			pipes++;
		} else if (obj->type == VMON_FOBJECT_TYPE_SOCKET) {
			print_socket(out, vmon, obj);
			sockets++;
		}
	}
	fclose(out);
	for (int i = 0; i < vmon->array_allocated_nr; i++)
		procs += vmon->array[i] && !vmon->array[i]->is_stale;
	out = open_memstream(&text, &len);
	if (out) {
		fprintf(out, "processes=%d pipes=%d sockets=%d\n%s", procs, pipes, sockets,
			body ? body : "");
		fclose(out);
	}
	free(body);
	return text;
}

/* Print the graph if it differs from the last one printed. */
static void report(vmon_t *vmon, char **last)
{
	char *now = graph(vmon);

	if (!now || (*last && !strcmp(now, *last))) {
		free(now);
		return;
	}
	printf("# pipes: t=%.3f %s", elapsed(), now);
	fflush(stdout);
	free(*last);
	*last = now;
}

/* Fork the command, held on a pipe until released (the write end in *go). */
static pid_t spawn(char **argv, int *go)
{
	int gop[2];
	pid_t pid;
	char c;

	if (pipe2(gop, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(gop[1]);
		if (read(gop[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "pipes: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(gop[0]);
	*go = gop[1];
	return pid;
}

static int exit_code(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Sample every period until the command is reaped (or pid is gone). */
static int watch(vmon_t *vmon, vmon_proc_t *root, pid_t command, long period_ns)
{
	struct timespec next;
	char *last = NULL;
	int status = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		if (!vmon_sample(vmon) && errno == ENOMEM)
			fprintf(stderr, "pipes: vmon_sample: %s\n", strerror(errno));
		report(vmon, &last);
		if (command > 0 ? waitpid(command, &status, WNOHANG) == command : root->is_stale)
			break;
		next.tv_nsec += period_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	free(last);
	printf("# pipes: %s=%d\n", command > 0 ? "exit" : "gone", exit_code(status));
	return exit_code(status);
}

int main(int argc, char **argv)
{
	pid_t pid = 0, command = 0;
	vmon_proc_t *root;
	int opt, hz = 20, go = -1, code;
	vmon_t vmon;

	while ((opt = getopt(argc, argv, "z:p:")) != -1) {
		if (opt == 'z' && (hz = atoi(optarg)) > 0 && hz <= 1000)
			continue;
		if (opt == 'p' && (pid = atoi(optarg)) > 0)
			continue;
		usage();
	}
	if (!pid == (optind >= argc))
		usage();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!pid && (pid = command = spawn(argv + optind, &go)) < 0) {
		perror("pipes: fork");
		return 1;
	}
	if (!vmon_init(&vmon, VMON_FLAG_PROC_ARRAY, VMON_WANT_SYS_SOCKETS, PIPES_WANTS) ||
	    !(root = vmon_proc_monitor(&vmon, pid, 0, NULL, NULL))) {
		fprintf(stderr, "pipes: monitor %d: %s\n", pid, strerror(errno));
		return 1;
	}
	if (command && (write(go, "x", 1) != 1 || close(go)))
		perror("pipes: release");
	code = watch(&vmon, root, command, 1000000000L / hz);
	vmon_destroy(&vmon);
	return code;
}
