/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_compare.c - every figure of the per-process stores compared with an
 * independent reader at the same moment, for live processes the test
 * starts: itself, a child spinning on the CPU (with a second thread) and a
 * sleeping child that exec'd /bin/sh with odd arguments.  PROC_STAT against
 * /proc/PID/stat read right after the sample (t_stat_field: static fields
 * exactly, CPU ticks within one tick), comm, cmdline/argc/argv, exe and
 * wchan against their files; PROC_VM against statm; PROC_IO against io;
 * pid, ppid, comm, nlwp and rss against `ps -o`.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmon/vmon.h"

#define PROC_WANTS (VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO)

enum who { SELF, BUSY, SLEEPER };

static const char *const who_name[] = { "self", "busy child", "sleeping child" };

/* ---- the processes ---- */

static volatile unsigned long spin;

static void *idle_thread(void *arg)
{
	t_sync_post(arg);
	for (;;)
		pause();
	return NULL;
}

/* Ready only once its memory is settled: the thread has started and the
 * spin counter's page was written (its copy-on-write fault taken), so its
 * minflt and rss no longer move while it spins. */
static bool busy_main(void *arg)
{
	struct t_sync started;
	pthread_t t;

	t_sync_init(&started);
	if (pthread_create(&t, NULL, idle_thread, &started))
		return false;
	t_sync_wait(&started);
	spin++;
	t_sync_post(arg);
	for (;;)
		spin++;
	return true;
}

struct exec_ctx {
	int stdin_fd;		/* a pipe nobody writes: `read` blocks on it */
};

static bool exec_sleeper(void *arg)
{
	struct exec_ctx *c = arg;

	if (dup2(c->stdin_fd, 0) < 0)
		return false;
	execl("/bin/sh", "/bin/sh", "-c", "read x", "vmon-sleeper", "a b", "", (char *)NULL);
	return false;
}

struct subjects {
	pid_t pid[3];
	struct t_sync busy_ready;
	int sleeper_stdin[2];
};

static void subjects_start(struct subjects *s)
{
	struct exec_ctx ec;
	int exec_pipe[2];
	char c;

	s->pid[SELF] = getpid();
	t_sync_init(&s->busy_ready);
	s->pid[BUSY] = t_fork(busy_main, &s->busy_ready);
	t_sync_wait(&s->busy_ready);

	/* the exec closes exec_pipe's write end (O_CLOEXEC): EOF means done */
	ASSERT(pipe2(s->sleeper_stdin, O_CLOEXEC) == 0);
	ASSERT(pipe2(exec_pipe, O_CLOEXEC) == 0);
	ec.stdin_fd = s->sleeper_stdin[0];
	s->pid[SLEEPER] = t_fork(exec_sleeper, &ec);
	close(exec_pipe[1]);
	ASSERT_EQ(read(exec_pipe[0], &c, 1), 0);
	close(exec_pipe[0]);
	t_wait_sleeping(s->pid[SLEEPER]);
}

/* Let the busy child run until it has some user time (so utime and stime
 * cannot be mistaken for each other); bounded, the kernel signals nothing. */
static void wait_busy_ticks(pid_t pid, unsigned long long ticks)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (t_stat_ull(pid, 0, 14) < ticks) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ASSERT_MSG(t.tv_sec - t0.tv_sec < 10, "busy child %d got no CPU in 10 s", pid);
		sched_yield();
	}
}

static void subjects_end(struct subjects *s)
{
	t_kill(s->pid[BUSY]);
	t_kill(s->pid[SLEEPER]);
	t_sync_close(&s->busy_ready);
	close(s->sleeper_stdin[0]);
	close(s->sleeper_stdin[1]);
}

/* ---- /proc/PID/stat, field by field through the reflection table ---- */

enum rule {
	EXACT,		/* equal */
	COUNTER,	/* library <= the later read */
	CPU_TICKS,	/* library <= the later read <= library + 1 */
	NEAR,		/* within a tolerance (our own memory moves as we read) */
	CPU_ID,		/* any valid CPU (a running process migrates) */
	FLAG,		/* 0 or 1 */
};

static enum rule stat_rule(int n, enum who who)
{
	switch (n) {
	case 14: case 15:
		return CPU_TICKS;
	case 10: case 11: case 12: case 13: case 16: case 17: case 42: case 43: case 44:
		return who == SELF ? COUNTER : EXACT;
	case 23: case 24:
		return who == SELF ? NEAR : EXACT;
	case 39:
		return who == SLEEPER ? EXACT : CPU_ID;
	case 35:
		return who == SLEEPER ? EXACT : FLAG;
	default:
		return EXACT;
	}
}

/* The fields of /proc/PID/stat, by proc(5) number, written down here from
 * docs/design/fields.md rather than taken from the library's own tables,
 * so a wrong row there (a field read from the wrong column) shows. */
#define SF(m, type, n) { #m, offsetof(vmon_proc_stat_t, m), type, n }
static const struct stat_field {
	const char *name;
	size_t offset;
	char type;	/* i int, c char, l long long, u unsigned long long */
	int n;
} stat_fields[] = {
	SF(pid, 'i', 1), SF(state, 'c', 3), SF(ppid, 'l', 4), SF(pgrp, 'l', 5),
	SF(sid, 'l', 6), SF(tty_nr, 'l', 7), SF(tpgid, 'l', 8), SF(flags, 'u', 9),
	SF(minflt, 'u', 10), SF(cminflt, 'u', 11), SF(majflt, 'u', 12),
	SF(cmajflt, 'u', 13), SF(utime, 'u', 14), SF(stime, 'u', 15),
	SF(cutime, 'l', 16), SF(cstime, 'l', 17), SF(priority, 'l', 18),
	SF(nice, 'l', 19), SF(num_threads, 'l', 20), SF(start, 'u', 22),
	SF(vsize, 'u', 23), SF(rss, 'u', 24), SF(rsslim, 'u', 25),
	SF(wchan_addr, 'u', 35), SF(processor, 'l', 39), SF(delay_blkio, 'u', 42),
	SF(guest_time, 'u', 43), SF(cguest_time, 'l', 44), SF(startcode, 'u', 26),
	SF(endcode, 'u', 27), SF(startstack, 'u', 28),
};
#define STAT_FIELDS (int)(sizeof(stat_fields) / sizeof(stat_fields[0]))

static void stat_value(const vmon_proc_stat_t *st, const struct stat_field *sf,
		       char *out, size_t size)
{
	const char *m = (const char *)st + sf->offset;

	switch (sf->type) {
	case 'i': snprintf(out, size, "%d", *(const int *)m); break;
	case 'c': snprintf(out, size, "%c", *m); break;
	case 'l': snprintf(out, size, "%lld", *(const long long *)m); break;
	default: snprintf(out, size, "%llu", *(const unsigned long long *)m); break;
	}
}

/* the reflection row of a member, by name */
static const vmon_field_t *field_named(const vmon_store_info_t *info, const char *name)
{
	for (int i = 0; i < info->fields_nr; i++)
		if (!strcmp(info->fields[i].name, name))
			return &info->fields[i];
	ASSERT_MSG(0, "no field %s in %s", name, info->name);
	return NULL;
}

/* every numeric stat field the library has is one of ours, same number */
TEST(compare_stat_table_covers_library)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	int covered = 0;

	ASSERT(info);
	for (int i = 0; i < info->fields_nr; i++) {
		const vmon_field_t *f = &info->fields[i];
		int n = atoi(f->source), j;

		if (n < 3 && f->sym != VMON_PROC_STAT_PID)
			continue;	/* comm and the companion files */
		for (j = 0; j < STAT_FIELDS && strcmp(stat_fields[j].name, f->name); j++)
			;
		ASSERT_MSG(j < STAT_FIELDS, "stat field %s (%d) not compared by this test",
			   f->name, n);
		ASSERT_MSG(stat_fields[j].n == n, "%s: library reads field %d, proc(5) says %d",
			   f->name, n, stat_fields[j].n);
		covered++;
	}
	ASSERT_EQ(covered, STAT_FIELDS);
}

/* Compare every stat-file field of st with the file read now; returns
 * false (with a message in why) only when CPU ticks are more than one tick
 * apart, the one figure that a slow moment of the test can move. */
static bool compare_stat(const vmon_proc_stat_t *st, pid_t pid, enum who who,
			 char *why, size_t why_size)
{
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_STAT);
	bool ok = true;

	ASSERT(info && st);
	for (int i = 0; i < STAT_FIELDS; i++) {
		const struct stat_field *sf = &stat_fields[i];
		const vmon_field_t *f = field_named(info, sf->name);
		int n = sf->n;
		char lib[64], ours[64];
		long long l, o;

		ASSERT_MSG(!vmon_field_unavailable(info, st, f->sym), "%s: %s unavailable",
			   who_name[who], sf->name);
		stat_value(st, sf, lib, sizeof(lib));
		ASSERT(t_stat_field(pid, 0, n, ours, sizeof(ours)));
		l = strtoll(lib, NULL, 10);
		o = strtoll(ours, NULL, 10);
		switch (stat_rule(n, who)) {
		case EXACT:
			ASSERT_MSG(!strcmp(lib, ours), "%s: %s (field %d): library %s, /proc %s",
				   who_name[who], sf->name, n, lib, ours);
			break;
		case COUNTER:
			ASSERT_MSG(l <= o, "%s: %s: library %lld > later /proc %lld",
				   who_name[who], sf->name, l, o);
			break;
		case CPU_TICKS:
			ASSERT_MSG(l <= o, "%s: %s: library %lld > later /proc %lld",
				   who_name[who], sf->name, l, o);
			if (o - l > 1) {
				snprintf(why, why_size, "%s: %s: library %lld, /proc %lld",
					 who_name[who], sf->name, l, o);
				ok = false;
			}
			break;
		case NEAR:
			ASSERT_MSG(llabs(l - o) <= (n == 23 ? 64LL << 20 : 4096), "%s: %s: %lld vs %lld",
				   who_name[who], sf->name, l, o);
			break;
		case CPU_ID:
			ASSERT_MSG(l >= 0 && l < sysconf(_SC_NPROCESSORS_CONF), "%s: cpu %lld",
				   who_name[who], l);
			break;
		case FLAG:
			ASSERT_MSG(l == 0 || l == 1, "%s: %s = %lld", who_name[who], sf->name, l);
			break;
		}
	}
	return ok;
}

static char *read_proc(pid_t pid, const char *name, size_t *len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	return t_read_file(path, len);
}

/* comm, cmdline, argc, argv, exe, wchan */
static void compare_companions(const vmon_proc_stat_t *st, pid_t pid, enum who who)
{
	char *comm, *cmdline, *wchan, exe[4096], field[64];
	size_t len, clen;
	ssize_t n;
	int argc = 0;

	comm = read_proc(pid, "comm", &len);
	ASSERT(comm && len > 0 && comm[len - 1] == '\n');
	/* as the original: len is comm's length with its newline, which the
	 * store holds as a NUL */
	ASSERT_EQ(st->comm.len, len);
	ASSERT(!memcmp(st->comm.array, comm, len - 1));
	ASSERT_EQ(st->comm.array[len - 1], '\0');
	ASSERT(t_stat_field(pid, 0, 2, field, sizeof(field)));
	ASSERT_STREQ(st->comm.array, field);
	free(comm);

	cmdline = read_proc(pid, "cmdline", &clen);
	ASSERT(cmdline && clen > 0);
	ASSERT_MSG(st->cmdline.len == clen && !memcmp(st->cmdline.array, cmdline, clen),
		   "%s: cmdline differs (%zu vs %zu bytes)", who_name[who], st->cmdline.len, clen);
	for (size_t off = 0; off < clen; off += strlen(cmdline + off) + 1, argc++)
		ASSERT_STREQ(st->argv[argc], cmdline + off);
	ASSERT_EQ(st->argc, argc);
	ASSERT(st->argv[argc] == NULL);
	free(cmdline);

	snprintf(field, sizeof(field), "/proc/%d/exe", pid);
	n = readlink(field, exe, sizeof(exe) - 1);
	ASSERT(n > 0);
	exe[n] = '\0';
	ASSERT_EQ(st->exe.len, n);
	ASSERT_STREQ(st->exe.array, exe);

	if (who == SLEEPER) {	/* still asleep in the same place */
		wchan = read_proc(pid, "wchan", &len);
		ASSERT(wchan);
		ASSERT_EQ(st->wchan.len, len);
		ASSERT_STREQ(st->wchan.array, wchan);
		free(wchan);
	}
}

/* statm: size resident shared text lib data dt */
static void compare_vm(const vmon_proc_vm_t *vm, pid_t pid, enum who who)
{
	unsigned long long col[7], lib[5] = {
		vm->size_pages, vm->resident_pages, vm->shared_pages,
		vm->text_pages, vm->data_pages,
	};
	char *statm = read_proc(pid, "statm", NULL), *p;
	static const int which[5] = { 0, 1, 2, 3, 5 };

	ASSERT(statm);
	p = statm;
	for (int i = 0; i < 7; i++)
		col[i] = strtoull(p, &p, 10);
	free(statm);
	for (int i = 0; i < 5; i++) {
		unsigned long long o = col[which[i]];

		if (who == SELF && i != 3)
			ASSERT_MSG(llabs((long long)(lib[i] - o)) <= 16384,
				   "self statm column %d: %llu vs %llu", which[i] + 1, lib[i], o);
		else
			ASSERT_MSG(lib[i] == o, "%s: statm column %d: library %llu, /proc %llu",
				   who_name[who], which[i] + 1, lib[i], o);
	}
	ASSERT(!vmon_field_unavailable(vmon_proc_store_info(VMON_STORE_PROC_VM), vm,
				       VMON_PROC_VM_SIZE_PAGES));
}

static void compare_io(const vmon_proc_io_t *io, pid_t pid, enum who who)
{
	/* the keys of proc_pid_io(5), written down here, not taken from the
	 * library's table */
	const struct { const char *key, *member; unsigned long long lib; } keys[] = {
		{ "rchar", "rchars", io->rchars }, { "wchar", "wchars", io->wchars },
		{ "syscr", "syscr", io->syscr }, { "syscw", "syscw", io->syscw },
		{ "read_bytes", "read_bytes", io->read_bytes },
		{ "write_bytes", "write_bytes", io->write_bytes },
		{ "cancelled_write_bytes", "cancelled_write_bytes", io->cancelled_write_bytes },
	};
	const vmon_store_info_t *info = vmon_proc_store_info(VMON_STORE_PROC_IO);
	char path[64];

	ASSERT_EQ(info->fields_nr, (int)(sizeof(keys) / sizeof(keys[0])));
	snprintf(path, sizeof(path), "/proc/%d/io", pid);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		unsigned long long l = keys[i].lib, o;

		ASSERT_MSG(t_keyed_value(path, keys[i].key, &o), "no %s in %s", keys[i].key, path);
		ASSERT(!vmon_field_unavailable(info, io, field_named(info, keys[i].member)->sym));
		if (who == SELF)	/* reading io is itself I/O */
			ASSERT_MSG(l <= o, "self io %s: library %llu > later %llu", keys[i].key, l, o);
		else
			ASSERT_MSG(l == o, "%s: io %s: library %llu, /proc %llu",
				   who_name[who], keys[i].key, l, o);
	}
}

static void monitor_all(vmon_t *v, struct subjects *s, vmon_proc_t *nodes[3])
{
	ASSERT(vmon_init(v, VMON_FLAG_NONE, VMON_WANT_SYS_NONE, PROC_WANTS));
	for (int w = 0; w < 3; w++) {
		nodes[w] = vmon_proc_monitor(v, s->pid[w], 0, NULL, NULL);
		ASSERT(nodes[w]);
	}
}

TEST(compare_proc_stores_with_proc)
{
	vmon_proc_t *nodes[3];
	struct subjects s;
	char why[256] = "";
	bool cpu_ok = false;
	vmon_t v;

	subjects_start(&s);
	wait_busy_ticks(s.pid[BUSY], 3);
	monitor_all(&v, &s, nodes);
	/* CPU ticks of a spinning child move while we read: a slow moment
	 * (another test, a sanitizer) may take more than a tick, so that one
	 * bound gets a few tries; everything else must hold every time */
	for (int attempt = 0; attempt < 5 && !cpu_ok; attempt++) {
		ASSERT(vmon_sample(&v));
		cpu_ok = true;
		for (int w = BUSY; w >= SELF; w--) {	/* the fastest-moving first */
			const vmon_proc_stat_t *st = nodes[w]->stores[VMON_STORE_PROC_STAT];

			cpu_ok &= compare_stat(st, s.pid[w], w, why, sizeof(why));
			compare_companions(st, s.pid[w], w);
			compare_io(nodes[w]->stores[VMON_STORE_PROC_IO], s.pid[w], w);
			ASSERT(!(nodes[w]->unavailable & PROC_WANTS));
		}
	}
	ASSERT_MSG(cpu_ok, "CPU ticks more than one tick apart in 5 tries: %s", why);

	/* what the subjects are known to be */
	{
		const vmon_proc_stat_t *sl = nodes[SLEEPER]->stores[VMON_STORE_PROC_STAT];
		const vmon_proc_stat_t *bz = nodes[BUSY]->stores[VMON_STORE_PROC_STAT];

		ASSERT_EQ(sl->state, 'S');
		ASSERT_EQ(sl->argc, 6);
		ASSERT_STREQ(sl->argv[3], "vmon-sleeper");
		ASSERT_STREQ(sl->argv[4], "a b");
		ASSERT_STREQ(sl->argv[5], "");
		ASSERT_EQ(bz->state, 'R');
		ASSERT_EQ(bz->num_threads, 2);
		ASSERT(bz->utime >= 3);
	}
	vmon_destroy(&v);
	subjects_end(&s);
}

/* statm apart, so that a wrong column does not hide the other stores */
TEST(compare_proc_vm_with_statm)
{
	vmon_proc_t *nodes[3];
	struct subjects s;
	vmon_t v;

	subjects_start(&s);
	monitor_all(&v, &s, nodes);
	ASSERT(vmon_sample(&v));
	for (int w = BUSY; w >= SELF; w--)
		compare_vm(nodes[w]->stores[VMON_STORE_PROC_VM], s.pid[w], w);
	vmon_destroy(&v);
	subjects_end(&s);
}

TEST(compare_with_ps)
{
	vmon_proc_t *nodes[3];
	struct subjects s;
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	vmon_t v;

	subjects_start(&s);
	monitor_all(&v, &s, nodes);
	ASSERT(vmon_sample(&v));
	for (int w = SELF; w <= SLEEPER; w++) {
		const vmon_proc_stat_t *st = nodes[w]->stores[VMON_STORE_PROC_STAT];
		const vmon_proc_vm_t *vm = nodes[w]->stores[VMON_STORE_PROC_VM];
		char ps[256];

		ASSERT(t_ps(s.pid[w], "pid", ps, sizeof(ps)));
		ASSERT_EQ(atoll(ps), st->pid);
		ASSERT(t_ps(s.pid[w], "ppid", ps, sizeof(ps)));
		ASSERT_EQ(atoll(ps), st->ppid);
		ASSERT(t_ps(s.pid[w], "comm", ps, sizeof(ps)));
		ASSERT_STREQ(ps, st->comm.array);
		ASSERT(t_ps(s.pid[w], "nlwp", ps, sizeof(ps)));
		ASSERT_EQ(atoll(ps), st->num_threads);
		ASSERT(t_ps(s.pid[w], "thcount", ps, sizeof(ps)));
		ASSERT_EQ(atoll(ps), st->num_threads);
		/* ps's rss is status VmRSS, the exact sum that statm's resident
		 * column shows too; stat's rss (field 24) is the kernel's cheap
		 * per-CPU estimate, tens of pages off here (compared with stat
		 * itself in compare_proc_stores_with_proc) */
		ASSERT(t_ps(s.pid[w], "rss", ps, sizeof(ps)));
		if (w == SELF)	/* popen() itself moves our memory a little */
			ASSERT_NEAR(atoll(ps), vm->resident_pages * page_kb, 16384);
		else
			ASSERT_MSG(atoll(ps) == (long long)(vm->resident_pages * page_kb),
				   "%s: ps rss %s kB, statm resident %llu pages",
				   who_name[w], ps, vm->resident_pages);
	}
	vmon_destroy(&v);
	subjects_end(&s);
}
