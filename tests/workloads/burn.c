/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * burn.c - a workload of known resource use for vmon's tests: it burns a
 * given amount of CPU (measured by its own CPU clock, so the amount holds
 * on a loaded machine), in threads if asked, writes or reads bytes, can
 * turn itself into a daemon (double fork), and reports what it did, as it
 * measured it, in one line appended to a file: an independent account to
 * check vmon's record against.
 *
 *   burn [-m MS] [-t THREADS] [-i MS] [-w BYTES] [-R] [-d] [-k FD] [-W] [-x CODE]
 *        [-r FILE]
 *
 * It writes (-w) and reads (-R) first, then burns (-m), idles (-i), waits (-W):
 * a monitor sampling it sees its I/O before it ends.
 *
 *   -m MS       burn MS milliseconds of CPU (in each thread with -t)
 *   -t N        burn in N threads (named burn-1 ... burn-N), then join them
 *   -i MS       then idle MS milliseconds: a monitor's last sample of it
 *               then holds all the CPU it used (a sampler cannot see what
 *               a process used between its last sample and its exit)
 *   -w BYTES    write BYTES zero bytes to standard output
 *   -R          read standard input to its end
 *   -d          become a daemon first: fork, setsid, fork; the first
 *               process waits for the middle one and exits 0 at once
 *   -k FD       once running, write its pid and a newline to descriptor FD
 *   -W          before exiting, wait until standard input is closed (with
 *               -t, the threads wait too)
 *   -x CODE     exit with CODE
 *   -r FILE     append "pid=P ppid=P comm=burn cpu_us=N read=N wrote=N exit=CODE"
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long cpu_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static volatile unsigned long sink;	/* work the compiler may not drop */

/* spin until this thread has used ms of CPU */
static void spin(long ms)
{
	long long end = cpu_us(CLOCK_THREAD_CPUTIME_ID) + ms * 1000LL;

	while (cpu_us(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			sink += i;
}

static long burn_ms;
static int do_wait;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int input_closed;

static void *thread_main(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "burn-%d", (int)(long)arg);
	prctl(PR_SET_NAME, name);
	spin(burn_ms);
	/* with -W the threads live until standard input is closed */
	pthread_mutex_lock(&lock);
	while (do_wait && !input_closed)
		pthread_cond_wait(&done_cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static unsigned long long read_all(void);

static void burn_threads(int n)
{
	pthread_t th[64];

	n = n > 64 ? 64 : n;
	for (long i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, thread_main, (void *)(i + 1)))
			exit(1);
	if (do_wait) {
		read_all();
		pthread_mutex_lock(&lock);
		input_closed = 1;
		pthread_cond_broadcast(&done_cond);
		pthread_mutex_unlock(&lock);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static void daemonize(void)
{
	pid_t mid = fork(), pid;
	int status;

	if (mid < 0)
		exit(1);
	if (mid > 0) {	/* the caller's process: gone as soon as the middle one is */
		waitpid(mid, &status, 0);
		exit(0);
	}
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);	/* the middle process: the daemon is an orphan now */
}

static unsigned long long write_bytes(unsigned long long n)
{
	static char zeros[65536];
	unsigned long long done = 0;

	while (done < n) {
		size_t chunk = n - done < sizeof(zeros) ? n - done : sizeof(zeros);
		ssize_t w = write(1, zeros, chunk);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += w;
	}
	return done;
}

static unsigned long long read_all(void)
{
	char buf[65536];
	unsigned long long done = 0;
	ssize_t r;

	while ((r = read(0, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		done += r;
	}
	return done;
}

static void report(const char *path, unsigned long long rd, unsigned long long wr, int code)
{
	char line[256];
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "pid=%d ppid=%d comm=burn cpu_us=%lld read=%llu "
		     "wrote=%llu exit=%d\n", (int)getpid(), (int)getppid(),
		     cpu_us(CLOCK_PROCESS_CPUTIME_ID), rd, wr, code);
	if (write(fd, line, n) != n)
		exit(1);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long long to_write = 0, rd = 0, wr = 0;
	int c, threads = 0, code = 0, ready = -1, do_read = 0, do_daemon = 0;
	long idle_ms = 0;
	const char *path = NULL;

	while ((c = getopt(argc, argv, "m:t:i:w:Rdk:Wx:r:")) != -1) {
		switch (c) {
		case 'm': burn_ms = atol(optarg); break;
		case 'i': idle_ms = atol(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'w': to_write = strtoull(optarg, NULL, 10); break;
		case 'R': do_read = 1; break;
		case 'd': do_daemon = 1; break;
		case 'k': ready = atoi(optarg); break;
		case 'W': do_wait = 1; break;
		case 'x': code = atoi(optarg); break;
		case 'r': path = optarg; break;
		default: return 2;
		}
	}
	if (do_daemon)
		daemonize();
	if (ready >= 0) {
		char line[32];
		int n = snprintf(line, sizeof(line), "%d\n", (int)getpid());

		if (write(ready, line, n) != n)
			return 1;
		close(ready);
	}
	if (to_write)
		wr = write_bytes(to_write);
	if (do_read)
		rd = read_all();
	if (threads)
		burn_threads(threads);
	else
		spin(burn_ms);
	if (idle_ms) {
		struct timespec ts = { idle_ms / 1000, idle_ms % 1000 * 1000000L };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	if (do_wait)
		read_all();
	if (path)
		report(path, rd, wr, code);
	return code;
}
