/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c - vmon, "strace for resource use": the CPU, memory, I/O and
 * lifetime of every process and thread of a command's tree (or of a
 * running tree, or of the whole system), live on the terminal, as a PNG
 * chart, as a JSON Lines record and as a summary.  This file reads the
 * options and hands over to session.c (a live run) or replay.c.
 *
 *   vmon [OPTIONS] [--] COMMAND [ARG...]
 *   vmon [OPTIONS] -p PID
 *   vmon [OPTIONS] -a
 *   vmon replay FILE [--png OUT] [--summary] [--summary-json OUT]
 *   vmon export [ARGS...]     runs vmon-export (the Prometheus exporter)
 *
 * Bad options exit 2, as most tools do; an output file that cannot be
 * written exits 1 before anything runs.  The manual is vmon(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "loop.h"
#include "outfile.h"
#include "tool.h"

enum {
	OPT_LIVE = 256, OPT_NO_LIVE, OPT_PNG, OPT_SNAPSHOT, OPT_SIZE, OPT_NO_THREADS,
	OPT_RECORD, OPT_SUMMARY_JSON, OPT_SUMMARY, OPT_EVENTS, OPT_TRACE
};

static const struct option long_opts[] = {
	{ "rate", required_argument, NULL, 'z' },
	{ "pid", required_argument, NULL, 'p' },
	{ "all", no_argument, NULL, 'a' },
	{ "wait-all", no_argument, NULL, 'w' },
	{ "duration", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "no-live", no_argument, NULL, OPT_NO_LIVE },
	{ "png", required_argument, NULL, OPT_PNG },
	{ "snapshot-every", required_argument, NULL, OPT_SNAPSHOT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "no-threads", no_argument, NULL, OPT_NO_THREADS },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "summary-json", required_argument, NULL, OPT_SUMMARY_JSON },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void usage(FILE *f)
{
	fputs("usage: vmon [OPTIONS] [--] COMMAND [ARG...]   run COMMAND and monitor its tree\n"
	      "       vmon [OPTIONS] -p PID                  monitor a running process's tree\n"
	      "       vmon [OPTIONS] -a                      monitor every process\n"
	      "       vmon replay FILE [--png OUT] [--summary] [--summary-json OUT]\n"
	      "       vmon export [ARGS...]                 serve /metrics for Prometheus\n"
	      "                                             (vmon-export(1))\n"
	      "\n"
	      "  -z, --rate HZ            samples per second, 1 to 1000 (default 10)\n"
	      "  -w, --wait-all           after COMMAND exits, go on until every process\n"
	      "                           it left behind has exited too\n"
	      "  -d, --duration SECONDS   with -p or -a: stop after that long\n"
	      "      --live, --no-live    the live view on or off (default: on when the\n"
	      "                           output is a terminal)\n"
	      "  -o, --output FILE        under the live view, COMMAND's output goes to FILE\n"
	      "                           (default: shown under the tree, printed at the end)\n"
	      "      --png FILE           write a chart of the run to FILE at the end\n"
	      "      --snapshot-every S   rewrite the chart every S seconds (SIGUSR1: now)\n"
	      "      --size WxH           chart size in pixels (default 1200 wide, as tall\n"
	      "                           as the rows need; H 0 means that too)\n"
	      "      --no-threads         no chart rows for threads\n"
	      "      --events SOURCE      how vmon learns of every fork, exec and exit,\n"
	      "                           processes shorter than a sample included: auto\n"
	      "                           (default: netlink when root, else wait), netlink,\n"
	      "                           ptrace, wait (the statuses vmon reaps) or none\n"
	      "      --trace              --events ptrace: every birth and exit of COMMAND's\n"
	      "                           tree without privileges (the tree cannot then be\n"
	      "                           debugged: no gdb, no LeakSanitizer in it)\n"
	      "      --record FILE        record every sample as JSON Lines\n"
	      "      --summary-json FILE  write the summary as JSON\n"
	      "  -q, --quiet              no summary on standard error\n"
	      "  -h, --help               this help\n"
	      "  -V, --version            the version\n"
	      "\n"
	      "Live view keys: q quit, p pause, f flat/tree, s sort, e ended, / filter,\n"
	      "k signal, n nice, c fold, t threads, + - rate, w chart now, ? all keys.\n"
	      "vmon exits with COMMAND's status (128+N if killed by signal N), 127 if it\n"
	      "cannot be found, 126 if it cannot be executed, 2 for bad options.\n"
	      "See vmon(1).\n", f);
}

static void bad(const char *fmt, const char *arg)
{
	fputs("vmon: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vmon --help'.\n", stderr);
	exit(2);
}

static double number(const char *s, double lo, double hi, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= lo && v <= hi))
		bad(what, s);
	return v;
}

static void parse_size(const char *s, struct opts *o)
{
	char *end;
	long w = strtol(s, &end, 10), h = 0;

	if (*end == 'x')
		h = strtol(end + 1, &end, 10);
	if (*end || w < 320 || w > 16384 || (h && (h < 120 || h > 16384)) || h < 0)
		bad("bad --size '%s': WIDTHxHEIGHT, 320 to 16384 wide, 120 to 16384 high or 0",
		    s);
	o->width = (int)w;
	o->height = (int)h;
}

static vmon_event_source_t event_source(const char *s)
{
	for (int i = 0; i < VMON_EVENTS_SOURCE_NR; i++)
		if (!strcmp(s, vmon_event_source_name(i)))
			return i;
	bad("bad --events '%s': auto, netlink, ptrace, wait or none", s);
	return VMON_EVENTS_NONE;
}

static void one_opt(int c, struct opts *o)
{
	switch (c) {
	case 'z': o->hz = number(optarg, 1, 1000, "bad rate '%s': 1 to 1000 samples per second"); break;
	case 'p': o->pid = (int)number(optarg, 1, 1 << 30, "bad pid '%s'"); o->mode = MODE_PID; break;
	case 'a': o->mode = MODE_ALL; break;
	case 'w': o->wait_all = true; break;
	case 'd': o->duration = number(optarg, 0.001, 1e9, "bad duration '%s'"); break;
	case 'o': o->output = optarg; break;
	case 'q': o->quiet = true; break;
	case OPT_LIVE: o->live = 1; break;
	case OPT_NO_LIVE: o->live = 0; break;
	case OPT_PNG: o->png = optarg; break;
	case OPT_SNAPSHOT: o->snapshot_every = number(optarg, 0.01, 1e9, "bad --snapshot-every '%s'"); break;
	case OPT_SIZE: parse_size(optarg, o); break;
	case OPT_NO_THREADS: o->threads = false; break;
	case OPT_RECORD: o->record = optarg; break;
	case OPT_SUMMARY_JSON: o->summary_json = optarg; break;
	case OPT_SUMMARY: o->summary = true; break;
	case OPT_EVENTS: o->events = event_source(optarg); break;
	case OPT_TRACE: o->events = VMON_EVENTS_PTRACE; break;
	case 'h': usage(stdout); exit(0);
	case 'V': printf("vmon %s (libvmon %d.%d.%d)\n", VMON_TOOL_VERSION, VMON_VERSION_MAJOR,
			 VMON_VERSION_MINOR, VMON_VERSION_PATCH); exit(0);
	default: exit(2);	/* parse_opts() reported it */
	}
}

static void check(struct opts *o, int pids, int alls)
{
	if (o->mode == MODE_REPLAY) {
		if (o->argc != 1)
			bad("%s", "replay takes one FILE");
		if (!o->png && !o->summary_json)
			o->summary = true;
		return;
	}
	if (pids + alls + (o->argc > 0) != 1)
		bad("%s", o->argc || pids + alls ? "give one of COMMAND, -p PID or -a"
						 : "nothing to monitor: give COMMAND, -p PID or -a");
	if (o->summary)
		bad("%s", "--summary is for replay (the summary is printed anyway)");
	if (o->snapshot_every > 0 && !o->png)
		bad("%s", "--snapshot-every needs --png FILE");
	if (o->mode == MODE_RUN && o->duration > 0)
		bad("%s", "-d is for -p and -a (a command runs until it exits)");
	if (o->mode != MODE_RUN && o->wait_all)
		bad("%s", "-w is for a command run under vmon");
	if (o->mode != MODE_RUN && o->events == VMON_EVENTS_PTRACE)
		bad("%s", "--trace (--events ptrace) follows a command vmon starts: give COMMAND");
	if (o->live < 0)
		o->live = isatty(1);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, pids = 0, alls = 0;

	memset(o, 0, sizeof(*o));
	o->hz = 10;
	o->live = -1;
	o->threads = true;
	o->events = VMON_EVENTS_AUTO;
	if (argc > 1 && !strcmp(argv[1], "replay")) {
		o->mode = MODE_REPLAY;
		argv++;
		argc--;
	}
	opterr = 0;	/* reported below, with the word at fault */
	/* a command's own options stop vmon's; replay's may follow its FILE */
	while ((c = getopt_long(argc, argv, o->mode == MODE_REPLAY ? "hV" : "+z:p:awd:o:qhV",
				long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			bad("unknown option or missing value: '%s'", argv[optind - 1]);
		pids += c == 'p';
		alls += c == 'a';
		if (o->mode == MODE_REPLAY && c != OPT_PNG && c != OPT_SIZE && c != OPT_SUMMARY &&
		    c != OPT_SUMMARY_JSON && c != OPT_NO_THREADS && c != 'h' && c != 'V')
			bad("%s", "replay takes only --png, --size, --no-threads, --summary and "
				  "--summary-json");
		one_opt(c, o);
	}
	o->argv = argv + optind;
	o->argc = argc - optind;
	check(o, pids, alls);
	return 0;
}

/* A terminal the view cannot use (TERM unset, unknown, dumb) is no
 * reason not to run the command: it runs as with --no-live, after a note.
 * Decided before the outputs are checked, as -o depends on it. */
static void no_view_without_terminal(struct opts *o)
{
	char why[160];

	if (o->mode == MODE_REPLAY || !o->live || live_usable(why, sizeof(why)))
		return;
	warnx_("%s: running without the live view (as --no-live)", why);
	o->live = 0;
}

/* Whether every file the run will write can be written, checked before
 * anything starts (the command, an attach, a replay), so that a typo in a
 * path does not cost a whole run: each one that cannot is reported with
 * the reason.  Nothing is truncated here, and nothing left created: a
 * folder is tried with a temporary file, removed at once. */
static bool outputs_writable(const struct opts *o)
{
	const struct {
		const char *what, *path;
		bool whole;	/* replaced whole, else a stream */
	} out[] = {
		{ "the record", o->record, false },
		{ "the chart", o->png, true },
		{ "the summary", o->summary_json, true },
		/* -o is the live view's: otherwise the output is inherited */
		{ "the command's output", o->live && o->mode == MODE_RUN ? o->output : NULL, false },
	};
	bool ok = true;

	for (size_t i = 0; i < sizeof(out) / sizeof(*out); i++) {
		int err = out[i].path ? out_check(out[i].path, out[i].whole) : 0;

		if (err) {
			out_error(out[i].what, out[i].path, err);
			ok = false;
		}
	}
	return ok;
}

/* `vmon export ARGS`: the exporter is a program of its own (it serves
 * for weeks, with libraries the tool does not need); run the one
 * installed beside this vmon, else the one on PATH. */
static void exec_export(char **argv)
{
	char self[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	argv[1] = "vmon-export";
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/vmon-export", self);
			execv(path, argv + 1);
		}
	}
	execvp("vmon-export", argv + 1);
	perror("vmon: vmon-export");
	exit(127);
}

int main(int argc, char **argv)
{
	struct opts o;

	if (argc > 1 && !strcmp(argv[1], "export"))
		exec_export(argv);
	loop_catch_early();
	parse_opts(argc, argv, &o);
	setvbuf(stderr, NULL, _IOLBF, 0);
	no_view_without_terminal(&o);
	if (!outputs_writable(&o))
		return 1;
	if (o.mode == MODE_REPLAY)
		return replay_main(&o);
	return session_main(&o);
}
