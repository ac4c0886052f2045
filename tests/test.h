/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test.h - the suite's tiny framework.
 *
 * A test is   TEST(name) { ... }   in any tests/ file: it registers itself
 * (a constructor), so adding a test edits no list.  The runner (runner.c)
 * forks every test into its own process group with a timeout; a failed
 * ASSERT ends that process only.  Every process a test starts is its
 * descendant (the test process is a child subreaper) and is killed, by
 * pid, and reaped when the test ends, however it ends.
 *
 * SKIP() is for a case that cannot run here; it is counted and printed,
 * and VMON_TEST_NO_SKIP=1 turns skips into failures.
 */
#ifndef VMON_TEST_H
#define VMON_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef void (*vmon_test_fn)(void);

void vmon_test_register(const char *name, vmon_test_fn fn, const char *file);
void vmon_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void vmon_test_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define TEST(name) \
	static void test_ ## name(void); \
	__attribute__((constructor)) static void register_ ## name(void) \
	{ vmon_test_register(#name, test_ ## name, __FILE__); } \
	static void test_ ## name(void)

#define ASSERT(cond) do { \
	if (!(cond)) \
		vmon_test_fail(__FILE__, __LINE__, "ASSERT(%s)", #cond); \
} while (0)

#define ASSERT_MSG(cond, ...) do { \
	if (!(cond)) \
		vmon_test_fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define ASSERT_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) \
		vmon_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, _a, _b); \
} while (0)

#define ASSERT_NE(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a == _b) \
		vmon_test_fail(__FILE__, __LINE__, "%s != %s: both %lld", #a, #b, _a); \
} while (0)

#define ASSERT_ULL_EQ(a, b) do { \
	unsigned long long _a = (a), _b = (b); \
	if (_a != _b) \
		vmon_test_fail(__FILE__, __LINE__, "%s == %s: %llu != %llu", #a, #b, _a, _b); \
} while (0)

#define ASSERT_STREQ(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) \
		vmon_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
			       _a ? _a : "(null)", _b ? _b : "(null)"); \
} while (0)

/* |a - b| <= tol */
#define ASSERT_NEAR(a, b, tol) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a - _b > (long long)(tol) || _b - _a > (long long)(tol)) \
		vmon_test_fail(__FILE__, __LINE__, "%s ~ %s (within %lld): %lld vs %lld", \
			       #a, #b, (long long)(tol), _a, _b); \
} while (0)

#define SKIP(...) vmon_test_skip(__VA_ARGS__)

/* ---- wants: masks built from the want counts, so a want added to
 * proc_wants.def or sys_wants.def is in every sweep without an edit ---- */

#define T_WANTS_ALL_SYS ((vmon_sys_wants_t)((1u << VMON_STORE_SYS_NR) - 1))
#define T_WANTS_ALL_PROC ((vmon_proc_wants_t)((1u << VMON_STORE_PROC_NR) - 1))
/* The puppet cycle's (fault_cycle.c): the original's wants, the files and
 * the sockets.  Every other want is swept apart on a smaller tree
 * (test_fault_wants.c), or the puppet's sweeps would outgrow the runner's
 * time. */
#define T_WANTS_PUPPET_SYS (VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM | VMON_WANT_SYS_SOCKETS)
#define T_WANTS_PUPPET_PROC (VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS | \
			     VMON_WANT_PROC_FILES | VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | \
			     VMON_WANT_PROC_IO)
#define T_WANTS_APART_SYS (T_WANTS_ALL_SYS & ~T_WANTS_PUPPET_SYS)
#define T_WANTS_APART_PROC (T_WANTS_ALL_PROC & ~T_WANTS_PUPPET_PROC)

/* ---- processes (util.c) ---- */

/* Fork a child that runs fn(arg) and exits 0 (or exits 1 if fn returns
 * false).  The child dies with the test. */
pid_t t_fork(bool (*fn)(void *arg), void *arg);
/* A process (or thread) body that posts the struct t_sync *arg, if not
 * NULL, then sleeps until killed. */
bool t_sleeper(void *arg);
void *t_sleeper_thread(void *arg);
/* Make bpf(2) fail with EPERM in this process and every process it
 * starts from now on (a seccomp filter): 0, or -1 with errno. */
int t_deny_bpf(void);
/* A child (clone3 with set_tid, as root) with pid `want`, or -1 with errno (EEXIST: the pid is taken).
 * The child only pauses: it runs on a copy of this process without any
 * library call that could depend on the copied thread's identity. */
pid_t t_clone3_with_pid(pid_t want);
/* SIGKILL pid and reap it (if it is our child). */
void t_kill(pid_t pid);
/* Reap a child that exits by itself; its exit status. */
int t_wait(pid_t pid);

/* A pipe used as a one-shot "ready" signal between processes. */
struct t_sync {
	int fd[2];
};
void t_sync_init(struct t_sync *s);
void t_sync_post(struct t_sync *s);			/* write one byte */
void t_sync_wait(struct t_sync *s);			/* read one byte (fails after 10 s) */
void t_sync_close(struct t_sync *s);

/* ---- independent readers (util.c): deliberately simple and separate
 * from the library's parsers ---- */

/* Read a whole file (NUL-terminated); NULL if it cannot be read. */
char *t_read_file(const char *path, size_t *len);
/* Field n (1-based, proc(5) numbering) of /proc/PID/stat or
 * /proc/PID/task/TID/stat (tid 0: the process), as a string copied into
 * buf; comm (2) without its parentheses.  false if unreadable. */
bool t_stat_field(pid_t pid, pid_t tid, int n, char *buf, size_t size);
unsigned long long t_stat_ull(pid_t pid, pid_t tid, int n);
/* The value of key in a "Key: value" file such as meminfo or io. */
bool t_keyed_value(const char *path, const char *key, unsigned long long *out);
/* `ps -o FIELD= -p PID` with surrounding blanks trimmed into buf. */
bool t_ps(pid_t pid, const char *field, char *buf, size_t size);
/* The numeric entries of a directory, sorted; returns the count. */
int t_list_ids(const char *dir, int *ids, int max);
/* Count the descriptors open in this process. */
int t_count_fds(void);

/* ---- invariants (invariants.c) ---- */
struct _vmon_t;
/* Walk the whole instance and fail the test on any broken invariant. */
void t_check_tree(struct _vmon_t *vmon);

/* ---- tree lookups (tree_util.c) ---- */
struct _vmon_proc_t;
struct _vmon_proc_t *t_child_node(struct _vmon_proc_t *parent, int pid);
struct _vmon_proc_t *t_thread_node(struct _vmon_proc_t *proc, int tid);
struct _vmon_proc_t *t_top_node(struct _vmon_t *vmon, int pid);
int t_children_nr(struct _vmon_proc_t *parent);
int t_top_nr(struct _vmon_t *vmon);
/* Wait (bounded, 10 s) for pid to be asleep: the kernel signals no such
 * thing, so this polls its state. */
void t_wait_sleeping(pid_t pid);

/* Path of a built program (examples, helpers) under the build directory. */
const char *t_build_path(const char *rel, char *buf, size_t size);
/* The fixture proc root tests/fixtures/proc/NAME. */
const char *t_fixture(const char *name, char *buf, size_t size);

#endif
