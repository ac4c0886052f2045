/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_replay_hostile.c - `vmon replay` of records no vmon wrote.  A
 * record is input from anyone, so each crafted one below is either refused
 * with one message naming its line and what is wrong (exit 1), or replayed
 * correctly; never a crash or undefined behaviour (the suite runs under
 * ASan and UBSan too, whose reports would break the one-line message).
 * And real records cut within their last line (a full disk, a copy cut
 * short) replay as they do without that line, with a warning.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "test.h"
#include "test_vmon_util.h"

#define HEADER(hz) \
	"{\"type\":\"header\",\"format\":\"vmon-record\",\"version\":2,\"mode\":\"run\"," \
	"\"command\":[\"x\"],\"events\":\"none\",\"pid\":10,\"monitor_pid\":9,\"hz\":" hz "," \
	"\"ticks_per_sec\":100,\"page_size\":4096,\"num_cpus\":2}\n"
#define BIRTH(id, pid, parent) \
	"{\"type\":\"birth\",\"seq\":0,\"t\":0.1,\"id\":" id ",\"pid\":" pid ",\"ppid\":9," \
	"\"parent\":" parent ",\"comm\":\"x\",\"argv\":[\"x\"],\"preexisting\":false}\n"
#define SAMPLE(seq, t, late, procs) \
	"{\"type\":\"sample\",\"seq\":" seq ",\"t\":" t ",\"late\":" late ",\"sys\":{}," \
	"\"procs\":[" procs "]}\n"
#define END(seq, t, extra) \
	"{\"type\":\"end\",\"seq\":" seq ",\"t\":" t ",\"samples\":1,\"missed\":0," \
	"\"exit_status\":{\"code\":0}" extra ",\"running\":[]}\n"

/* what vmon replay did: its wait status, standard output and error */
struct replayed {
	int status;
	char out[16384], err[4096];
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT(f);
	ASSERT_EQ(fputs(text, f) >= 0, 1);
	ASSERT_EQ(fclose(f), 0);
}

/* vmon replay path args... */
static void replay(struct vt_dir *d, const char *path, const char *args, struct replayed *r)
{
	char cmd[2048], errpath[256];
	size_t n;
	char *err;
	FILE *p;

	vt_file(d, "stderr", errpath, sizeof(errpath));
	snprintf(cmd, sizeof(cmd), "%s replay %s %s 2>%s", vt_vmon(), path, args, errpath);
	p = popen(cmd, "r");
	ASSERT(p);
	n = fread(r->out, 1, sizeof(r->out) - 1, p);
	r->out[n] = '\0';
	r->status = pclose(p);
	err = t_read_file(errpath, NULL);
	ASSERT(err);
	snprintf(r->err, sizeof(r->err), "%s", err);
	free(err);
}

/* refused: exit 1 and one line, "vmon: PATH:LINE: ...why..." */
static void refused(const struct replayed *r, const char *path, int line, const char *why)
{
	char where[300];
	size_t len = strlen(r->err);

	snprintf(where, sizeof(where), "vmon: %s:%d: ", path, line);
	ASSERT_MSG(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 1, "%s: status %#x: %s",
		   why, r->status, r->err);
	ASSERT_MSG(!strncmp(r->err, where, strlen(where)) && strstr(r->err, why) && len &&
		   strchr(r->err, '\n') == r->err + len - 1,
		   "expected one line \"%s...%s...\", got: %s", where, why, r->err);
}

/* replayed: exit 0, and what vmon said on stderr is only its warnings */
static void replayed_ok(const struct replayed *r)
{
	ASSERT_MSG(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0, "status %#x: %s",
		   r->status, r->err);
	ASSERT_MSG(!strstr(r->err, "Sanitizer") && !strstr(r->err, "runtime error"), "%s",
		   r->err);
}

struct hostile {
	const char *record;
	int line;		/* the line named, 0: it replays */
	const char *why;	/* in the message; or in the summary when it replays */
};

static void replay_each(const struct hostile *h, size_t n)
{
	struct vt_dir d;
	char path[256], png[256], json[256], args[600];
	static struct replayed r;

	vt_mkdir(&d);
	vt_file(&d, "hostile.jsonl", path, sizeof(path));
	vt_file(&d, "chart.png", png, sizeof(png));
	vt_file(&d, "summary.json", json, sizeof(json));
	snprintf(args, sizeof(args), "--summary --png %s --summary-json %s", png, json);
	for (size_t i = 0; i < n; i++) {
		write_text(path, h[i].record);
		replay(&d, path, args, &r);
		if (h[i].line) {
			refused(&r, path, h[i].line, h[i].why);
		} else {
			replayed_ok(&r);
			ASSERT_MSG(strstr(r.out, h[i].why), "case %zu: no \"%s\" in %s", i, h[i].why,
				   r.out);
		}
	}
	vt_cleanup(&d);
}

/* the crafted records' base, as it replays */
TEST(vmon_replay_hostile_base_record_replays)
{
	static const struct hostile h[] = {
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":1,\"proc_stat\":{\"utime\":5,\"stime\":1}}")
		  END("0", "0.1", ""),
		  0, "CPU         0.05 s user + 0.01 s system" },
	};

	replay_each(h, sizeof(h) / sizeof(*h));
}

/* ids are looked up as the integers they are: 4294967297 is not track 1
 * (it was cast to int, and a sample's figures were written at
 * vals[4294967297]) */
TEST(vmon_replay_hostile_ids_past_2_to_the_32)
{
	static const struct hostile h[] = {
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":4294967297,\"proc_stat\":{\"utime\":5}}")
		  END("0", "0.1", ""),
		  3, "figures for an unknown track (id 4294967297)" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":-4294967295,\"proc_stat\":{\"utime\":5}}")
		  END("0", "0.1", ""),
		  3, "figures for an unknown track (id -4294967295)" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  "{\"type\":\"exit\",\"seq\":0,\"t\":0.1,\"id\":4294967297,\"pid\":10,"
		  "\"status\":{\"code\":0}}\n" END("0", "0.1", ""),
		  3, "the exit of an unknown track (id 4294967297)" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "4294967297")
		  END("0", "0.1", ""),
		  3, "a birth names an unknown parent (id 4294967297)" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  "{\"type\":\"birth\",\"seq\":0,\"t\":0.1,\"id\":2,\"tid\":11,\"pid\":10,"
		  "\"parent\":4294967297,\"comm\":\"x\",\"preexisting\":false}\n" END("0", "0.1", ""),
		  3, "a birth names an unknown parent (id 4294967297)" },
		{ HEADER("10") BIRTH("4294967297", "10", "null") END("0", "0.1", ""),
		  2, "track ids out of order" },
		{ HEADER("10") BIRTH("1", "4294967306", "null") END("0", "0.1", ""),
		  2, "\"pid\" 4294967306 is out of range" },
	};

	replay_each(h, sizeof(h) / sizeof(*h));
}

/* "hz" is read as a number only when it is one (null passed NULL to
 * strtod) */
TEST(vmon_replay_hostile_hz_not_a_number)
{
	static const struct hostile h[] = {
		{ HEADER("null") BIRTH("1", "10", "null") END("0", "0.1", ""),
		  1, "\"hz\" is not a number" },
		{ HEADER("\"10\"") BIRTH("1", "10", "null") END("0", "0.1", ""),
		  1, "\"hz\" is not a number" },
		{ HEADER("{}") BIRTH("1", "10", "null") END("0", "0.1", ""),
		  1, "\"hz\" is not a number" },
		{ HEADER("1e999") BIRTH("1", "10", "null") END("0", "0.1", ""),
		  1, "\"hz\" is not a number" },
		{ HEADER("-5") BIRTH("1", "10", "null") END("0", "0.1", ""),
		  1, "\"hz\" -5 is out of range" },
		{ HEADER("2.5") BIRTH("1", "10", "null") SAMPLE("0", "0.1", "0.0", "") END("0", "0.1", ""),
		  0, "1 samples at 2.5 Hz" },
	};

	replay_each(h, sizeof(h) / sizeof(*h));
}

/* processes 1..n, each the child of the one before (or, wide, of the
 * first), born in one sample */
static void write_tree(const char *path, int n, bool wide)
{
	FILE *f = fopen(path, "w");

	ASSERT(f);
	fputs(HEADER("10"), f);
	for (int id = 1; id <= n; id++) {
		char parent[16];

		snprintf(parent, sizeof(parent), id > 1 ? "%d" : "null", wide ? 1 : id - 1);
		fprintf(f, "{\"type\":\"birth\",\"seq\":0,\"t\":0.1,\"id\":%d,\"pid\":%d,\"ppid\":%d,"
			"\"parent\":%s,\"comm\":\"x\",\"argv\":[\"x\"],\"preexisting\":false}\n",
			id, 100 + id, 99 + id, parent);
	}
	fputs(SAMPLE("0", "0.1", "0.0", "{\"id\":1,\"proc_stat\":{\"utime\":5}}") END("0", "0.1", ""),
	      f);
	ASSERT_EQ(fclose(f), 0);
}

/* The tree is walked without recursion: a parent chain 100,000 deep
 * overflowed the stack.  It replays, and a shorter one is drawn in tree
 * order, each row under the one before. */
TEST(vmon_replay_hostile_parent_chain_100000_deep)
{
	struct vt_dir d;
	char path[256], png[256], json[256], args[600];
	static struct replayed r;
	static struct vt_png p;
	char *text;

	vt_mkdir(&d);
	vt_file(&d, "deep.jsonl", path, sizeof(path));
	vt_file(&d, "chart.png", png, sizeof(png));
	vt_file(&d, "summary.json", json, sizeof(json));
	snprintf(args, sizeof(args), "--summary --png %s --summary-json %s", png, json);
	write_tree(path, 100000, false);
	replay(&d, path, args, &r);
	replayed_ok(&r);
	ASSERT_MSG(strstr(r.out, "processes   100000 (100000 still running"), "%s", r.out);
	text = t_read_file(json, NULL);
	ASSERT(text && strstr(text, "\"processes\":{\"seen\":100000,"));
	free(text);
	write_tree(path, 200, false);
	replay(&d, path, args, &r);
	replayed_ok(&r);
	vt_png_load(png, &p);
	ASSERT_EQ(p.nrows, 200);
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(p.rows[i].id, i + 1);
	vt_cleanup(&d);
}

#define MAX_S "9223372036853.999999"	/* the largest time a vt_us holds, in seconds */
#define EXIT_FINAL(id, final) \
	"{\"type\":\"exit\",\"seq\":0,\"t\":0.1,\"id\":" id ",\"pid\":10,\"status\":{\"code\":0}," \
	"\"final\":" final "}\n"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A process's children are appended at the end of their list in one
 * step: 100,000 children of one process walked the list for each (93 s
 * here; well within 30 s now, even under the sanitizers) */
TEST(vmon_replay_hostile_100000_children_of_one_process)
{
	struct vt_dir d;
	char path[256], png[256], args[600];
	static struct replayed r;
	double t0;

	vt_mkdir(&d);
	vt_file(&d, "wide.jsonl", path, sizeof(path));
	vt_file(&d, "chart.png", png, sizeof(png));
	snprintf(args, sizeof(args), "--summary --png %s", png);
	write_tree(path, 100000, true);
	t0 = now_s();
	replay(&d, path, args, &r);
	ASSERT_MSG(now_s() - t0 < 30, "%.1f s", now_s() - t0);
	replayed_ok(&r);
	ASSERT_MSG(strstr(r.out, "processes   100000 (100000 still running"), "%s", r.out);
	vt_cleanup(&d);
}

/* Times are parsed without overflow and checked (not before the start,
 * not going back), sums the summary makes of them are checked to fit,
 * and the CPU figures are bounded where they are converted: each was
 * signed overflow (util.c's parse_us(), the summary's sums). */
TEST(vmon_replay_hostile_huge_numbers)
{
	static const struct hostile h[] = {
		/* times past what a vt_us holds, or before the start */
		{ HEADER("10") "{\"type\":\"birth\",\"seq\":0,\"t\":99999999999999999999.0,\"id\":1,"
		  "\"pid\":10,\"ppid\":9,\"parent\":null}\n" END("0", "0.1", ""),
		  2, "\"t\" is not a time in seconds from 0 to 9223372036853" },
		{ HEADER("10") BIRTH("1", "10", "null") SAMPLE("0", "0.1", "0.0", "")
		  SAMPLE("1", "9223372036854.0", "0.0", "") END("1", "0.1", ""),
		  4, "\"t\" is not a time in seconds from 0 to 9223372036853" },
		{ HEADER("10") "{\"type\":\"sample\",\"seq\":0,\"t\":-0.5,\"late\":0}\n"
		  END("0", "0.1", ""),
		  2, "\"t\" is not a time in seconds from 0" },
		{ HEADER("10") BIRTH("1", "10", "null") SAMPLE("0", "0.1", "0.0", "")
		  SAMPLE("1", "0.05", "0.0", "") END("1", "0.1", ""),
		  4, "\"t\" 0.050000 is before the sample before it" },
		{ HEADER("10") BIRTH("1", "10", "null") SAMPLE("0", "0.1", "0.0", "") END("0", "0.05", ""),
		  4, "\"t\" 0.050000 is before the last sample" },
		{ HEADER("10") BIRTH("1", "10", "null") SAMPLE("0", "0.1", "1e400", "")
		  END("0", "0.1", ""),
		  3, "\"late\" is not a time in seconds from 0 to 9223372036853" },
		/* lateness, and the reaped CPU, that add up past it */
		{ HEADER("10") BIRTH("1", "10", "null") SAMPLE("0", "0.1", MAX_S, "")
		  SAMPLE("1", "0.2", MAX_S, "") END("1", "0.2", ""),
		  4, "\"late\": the samples' lateness adds up to more than vmon can count" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  END("0", "0.1", ",\"reaped_cpu\":{\"user\":" MAX_S ",\"system\":" MAX_S "}"),
		  3, "\"reaped_cpu\": user and system add up to more than vmon can count" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  END("0", "0.1", ",\"reaped_cpu\":{\"user\":99999999999999999999,\"system\":0}"),
		  3, "\"user\" is not a time in seconds from 0 to 9223372036853" },
		/* CPU figures */
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":1,\"proc_stat\":{\"utime\":8796093022209}}")
		  END("0", "0.1", ""),
		  3, "\"utime\" is not an integer from 0 to 8796093022208" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":1,\"proc_stat\":{\"stime\":-1}}") END("0", "0.1", ""),
		  3, "\"stime\" is not an integer from 0 to 8796093022208" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "1")
		  EXIT_FINAL("1", "{\"user_us\":9223372036854775807,\"system_us\":0}")
		  EXIT_FINAL("2", "{\"user_us\":9223372036854775807,\"system_us\":0}") END("0", "0.1", ""),
		  5, "the processes' CPU adds up to more than vmon can count" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  EXIT_FINAL("1", "{\"user_us\":-1,\"system_us\":0}") END("0", "0.1", ""),
		  3, "\"user_us\" -1 is out of range" },
		/* the header's units */
		{ "{\"type\":\"header\",\"format\":\"vmon-record\",\"version\":2,\"monitor_pid\":9,"
		  "\"ticks_per_sec\":0,\"page_size\":4096,\"num_cpus\":2}\n" END("-1", "0", ""),
		  1, "\"ticks_per_sec\" 0 is out of range (1 to 1000000)" },
		{ "{\"type\":\"header\",\"format\":\"vmon-record\",\"version\":2,\"monitor_pid\":9,"
		  "\"ticks_per_sec\":100,\"page_size\":-4096,\"num_cpus\":2}\n" END("-1", "0", ""),
		  1, "\"page_size\" -4096 is out of range" },
		/* and at the largest of each, it replays */
		{ HEADER("10") BIRTH("1", "10", "null")
		  SAMPLE("0", MAX_S, MAX_S, "{\"id\":1,\"proc_stat\":{\"utime\":8796093022208,"
					   "\"stime\":8796093022208}}")
		  END("0", MAX_S, ",\"reaped_cpu\":{\"user\":" MAX_S ",\"system\":0}"),
		  0, "wall time   2562047788h00m" },
		{ HEADER("10") BIRTH("1", "10", "null")
		  EXIT_FINAL("1", "{\"user_us\":9223372036854775807,\"system_us\":0}") END("0", "0.1", ""),
		  0, "CPU         9223372036854.78 s user + 0.00 s system" },
	};

	replay_each(h, sizeof(h) / sizeof(*h));
}

#define BIRTH_THREAD(id, tid, parent) \
	"{\"type\":\"birth\",\"seq\":0,\"t\":0.1,\"id\":" id ",\"tid\":" tid ",\"pid\":10," \
	"\"parent\":" parent ",\"comm\":\"x\",\"preexisting\":false}\n"

/* A track under no root was left out of the chart and counted in the
 * summary: a process that is its own parent, or one of a loop of parents
 * (a process's parent may be born after it in the same sample, so loops
 * are looked for once every birth is in), or under one.  Each is refused
 * naming the birth that closes the loop, or names its own id. */
TEST(vmon_replay_hostile_own_parent_and_parent_loops)
{
	static const struct hostile h[] = {
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "2")
		  SAMPLE("0", "0.1", "0.0", "{\"id\":2,\"proc_stat\":{\"utime\":50}}") END("0", "0.1", ""),
		  3, "a process cannot be its own parent (id 2)" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH_THREAD("2", "11", "2") END("0", "0.1", ""),
		  3, "a birth names an unknown parent (id 2)" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "3") BIRTH("3", "12", "2")
		  END("0", "0.1", ""),
		  3, "a loop of parents: process 2 is its own ancestor" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "4") BIRTH("3", "12", "2")
		  BIRTH("4", "13", "3") BIRTH("5", "14", "3") END("0", "0.1", ""),
		  3, "a loop of parents: process 2 is its own ancestor" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH("2", "11", "5") BIRTH("3", "12", "4")
		  BIRTH("4", "13", "3") BIRTH("5", "14", "4") END("0", "0.1", ""),
		  4, "a loop of parents: process 3 is its own ancestor" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH_THREAD("2", "11", "1")
		  BIRTH_THREAD("3", "12", "2") END("0", "0.1", ""),
		  4, "a birth's parent is a thread (id 2)" },
		{ HEADER("10") BIRTH("1", "10", "null") BIRTH_THREAD("2", "11", "1") BIRTH("3", "12", "2")
		  END("0", "0.1", ""),
		  4, "a birth's parent is a thread (id 2)" },
		/* a parent born after its child in the same sample is no loop */
		{ HEADER("10") BIRTH("1", "10", "3") BIRTH("2", "11", "1") BIRTH("3", "12", "null")
		  SAMPLE("0", "0.1", "0.0", "") END("0", "0.1", ""),
		  0, "processes   3 (3 still running" },
	};

	replay_each(h, sizeof(h) / sizeof(*h));
}

static void write_bytes(const char *path, const char *a, size_t na, const char *b, size_t nb)
{
	FILE *f = fopen(path, "w");

	ASSERT(f);
	ASSERT_EQ(fwrite(a, 1, na, f), na);
	ASSERT_EQ(fwrite(b, 1, nb, f), nb);
	ASSERT_EQ(fclose(f), 0);
}

/* record cut at every byte of its last line (a full disk, a copy cut
 * short): each replays, with a warning naming the line, exactly as the
 * record without that line does (summary, its JSON and the chart) */
static void cut_at_every_byte(struct vt_dir *d, const char *record)
{
	char base[256], cut[256], args[800], want[128];
	char json0[256], png0[256], json[256], png[256];
	static struct replayed r0, r;
	size_t len, at;
	char *text = t_read_file(record, &len);
	int lines = 0;

	ASSERT(text && len > 2 && text[len - 1] == '\n');
	for (at = len - 1; at > 0 && text[at - 1] != '\n'; at--)
		;
	for (size_t i = 0; i < at; i++)
		lines += text[i] == '\n';
	vt_file(d, "base.jsonl", base, sizeof(base));
	vt_file(d, "cut.jsonl", cut, sizeof(cut));
	vt_file(d, "base.json", json0, sizeof(json0));
	vt_file(d, "base.png", png0, sizeof(png0));
	vt_file(d, "cut.json", json, sizeof(json));
	vt_file(d, "cut.png", png, sizeof(png));
	write_bytes(base, text, at, "", 0);
	snprintf(args, sizeof(args), "--summary --summary-json %s --png %s", json0, png0);
	replay(d, base, args, &r0);
	replayed_ok(&r0);
	snprintf(args, sizeof(args), "--summary --summary-json %s --png %s", json, png);
	snprintf(want, sizeof(want), ":%d: the last line is cut short", lines + 1);
	for (size_t k = 1; k < len - at; k++) {
		write_bytes(cut, text, at, text + at, k);
		replay(d, cut, args, &r);
		replayed_ok(&r);
		ASSERT_MSG(strstr(r.err, want) && strstr(r.err, cut), "cut at %zu: %s", k, r.err);
		ASSERT_MSG(!strcmp(r.out, r0.out), "cut at %zu:\n%s\nnot as without the line:\n%s",
			   k, r.out, r0.out);
		vt_same_files(json0, json);
		vt_same_files(png0, png);
	}
	/* with no whole line, there is no record */
	write_bytes(cut, text, 40, "", 0);
	replay(d, cut, "--summary", &r);
	refused(&r, cut, 1, "the record is cut short within its first line");
	free(text);
}

/* A record cut within its last line was refused whole, although vmon(1)
 * says it replays up to its last sample. */
TEST(vmon_replay_of_a_record_cut_at_every_byte_of_its_last_line)
{
	struct vt_dir d;
	char rec[256], script[512];
	static char err[16384];
	char *argv[] = { (char *)vt_vmon(), "--no-live", "-q", "-z", "50", "--record", rec, "--",
			 "/bin/sh", "-c", script, NULL };
	int status;

	vt_mkdir(&d);
	cut_at_every_byte(&d, "tests/workloads/record-v1.jsonl");
	vt_file(&d, "record.jsonl", rec, sizeof(rec));
	snprintf(script, sizeof(script), "%s -m 150 & %s -t 2 -m 150; wait", vt_burn(), vt_burn());
	status = vt_run(argv, NULL, err, sizeof(err));
	ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x: %s", status, err);
	cut_at_every_byte(&d, rec);
	vt_cleanup(&d);
}
