/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runner.c - runs every registered test in its own forked process group
 * with a timeout, and prints one line per test and a closing
 * "N passed, N failed, N skipped" line.  Arguments are substrings: only
 * tests whose name contains one of them run.
 *
 * The test process is a child subreaper: whatever it started (and their
 * descendants) is killed and reaped by pid when it ends, and on a timeout
 * the runner kills the test's process group.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define VMON_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMON_TEST_LSAN 1
#endif
#endif
#ifdef VMON_TEST_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define MAX_TESTS 1024
#define EXIT_SKIP 77

struct test {
	const char *name;
	vmon_test_fn fn;
	const char *file;
};

static struct test tests[MAX_TESTS];
static int tests_nr;
/* invariant checks passed in the test processes (shared with them) */
static unsigned long *checks_total;

void vmon_test_register(const char *name, vmon_test_fn fn, const char *file)
{
	if (tests_nr == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		abort();
	}
	tests[tests_nr++] = (struct test){ name, fn, file };
}

/* Kill (by pid) and reap every descendant of this test process: with the
 * subreaper bit set, orphaned grandchildren become our children too. */
static void reap_descendants(void)
{
	for (int round = 0; round < 100; round++) {
		char path[64], *buf;
		size_t len;
		int any = 0;

		snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
		buf = t_read_file(path, &len);
		for (char *p = buf; p && *p;) {
			long pid = strtol(p, &p, 10);

			if (pid > 0) {
				kill((pid_t)pid, SIGKILL);
				any = 1;
			}
			while (*p == ' ')
				p++;
		}
		free(buf);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			any = 1;
		if (!any)
			return;
		usleep(1000);
	}
}

void vmon_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "    FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	reap_descendants();
	_exit(1);
}

void vmon_test_skip(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "    SKIP: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	reap_descendants();
	_exit(EXIT_SKIP);
}

static int timeout_secs(void)
{
	const char *t = getenv("VMON_TEST_TIMEOUT");

	return t ? atoi(t) : 120;
}

/* Run one test in a child; 0 pass, 1 fail, 2 skip. */
static int run(const struct test *t)
{
	struct timespec t0, t1;
	int status, secs = timeout_secs();
	pid_t pid;

	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		t->fn();
		reap_descendants();
		__atomic_fetch_add(checks_total, vmon_test_checks_passed(), __ATOMIC_RELAXED);
		fflush(NULL);
#ifdef VMON_TEST_LSAN
		/* _exit() skips LeakSanitizer's exit check: run it here */
		if (__lsan_do_recoverable_leak_check()) {
			printf("    FAIL: LeakSanitizer found leaks\n");
			fflush(NULL);
			_exit(1);
		}
#endif
		_exit(0);
	}
	setpgid(pid, pid);
	for (int waited = 0;; waited++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (waited >= secs * 100) {
			fprintf(stdout, "    FAIL: timed out after %d s\n", secs);
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = -1;
			break;
		}
		usleep(10000);
	}
	/* whatever of the group outlived the test process */
	kill(-pid, SIGKILL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (status != -1 && WIFSIGNALED(status))
		fprintf(stdout, "    FAIL: killed by signal %d\n", WTERMSIG(status));
	printf("%s %s (%s, %.2f s)\n",
	       status == 0 ? "ok  " :
	       (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP) ? "SKIP" : "FAIL",
	       t->name, t->file,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (status == 0)
		return 0;
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP)
		return 2;
	return 1;
}

static int selected(const struct test *t, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(t->name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;
	const char *no_skip = getenv("VMON_TEST_NO_SKIP");

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the suite where BPF cannot load (make check-bpf-suite): every
	 * instance must fall back to /proc */
	if (getenv("VMON_TEST_NO_BPF") && t_deny_bpf() < 0) {
		perror("VMON_TEST_NO_BPF: seccomp");
		return 1;
	}
	checks_total = mmap(NULL, sizeof(*checks_total), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (checks_total == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (int i = 0; i < tests_nr; i++) {
		if (!selected(&tests[i], argc, argv))
			continue;
		switch (run(&tests[i])) {
		case 0: passed++; break;
		case 2: skipped++; break;
		default: failed++; break;
		}
	}
	if (no_skip && *no_skip == '1' && skipped) {
		printf("%d skipped with VMON_TEST_NO_SKIP=1: counted as failed\n", skipped);
		failed += skipped;
		skipped = 0;
	}
	printf("%lu invariant checks (vmon__check() after every sample) passed\n",
	       *checks_total);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed || !passed ? 1 : 0;
}
