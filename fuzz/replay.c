/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * replay.c - run a fuzz target over stored inputs without libFuzzer, in
 * the manner of SQLite's fuzzcheck and compiler-rt's
 * StandaloneFuzzTargetMain.c: linked with one fuzz/fuzz_<store>.c into
 * replay_<store>, it feeds LLVMFuzzerTestOneInput() every file named on
 * the command line and every file of every directory named (in name
 * order), each in a buffer of exactly its size so that an over-read is a
 * sanitizer error.  `make check` builds it with the ordinary compiler
 * under ASan+UBSan and replays every corpus and crash input: a crash, a
 * sanitizer report, a failed property, a leak (LeakSanitizer at exit) or an
 * input taking more than 10 s fails the check, and the input is named.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define INPUT_TIMEOUT_S 10

static char current[4096];	/* the input being run, for the crash report */

static void name_input(void)
{
	static const char what[] = "replay: while running ";

	if (!current[0])
		return;
	(void)!write(2, what, sizeof(what) - 1);
	(void)!write(2, current, strlen(current));
	(void)!write(2, "\n", 1);
}

static void on_fatal(int sig)
{
	name_input();
	signal(sig, SIG_DFL);
	raise(sig);
}

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define REPLAY_SANITIZER 1
#endif
#endif
#ifdef REPLAY_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

static int run_file(const char *path)
{
	struct stat sb;
	uint8_t *data;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f || fstat(fileno(f), &sb) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	/* exactly the input's size, so reading past it is caught */
	data = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	n = data ? fread(data, 1, sb.st_size, f) : 0;
	fclose(f);
	if (!data || n != (size_t)sb.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		return -1;
	}
	snprintf(current, sizeof(current), "%s", path);
	alarm(INPUT_TIMEOUT_S);
	LLVMFuzzerTestOneInput(data, n);
	alarm(0);
	current[0] = '\0';
	free(data);
	return 0;
}

static int skip_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every regular file of dir, in name order; the count, or -1. */
static int run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, skip_entry, alphasort), ran = 0, err = 0;

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!err && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			err = run_file(path);
			ran++;
		}
		free(names[i]);
	}
	free(names);
	return err ? -1 : ran;
}

int main(int argc, char **argv)
{
	int total = 0;

	signal(SIGSEGV, on_fatal);
	signal(SIGABRT, on_fatal);
	signal(SIGBUS, on_fatal);
	signal(SIGFPE, on_fatal);
	signal(SIGALRM, on_fatal);
#ifdef REPLAY_SANITIZER
	__sanitizer_set_death_callback(name_input);
#endif
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		int n;

		if (stat(argv[i], &sb) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : (run_file(argv[i]) ? -1 : 1);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%s: %d inputs replayed, no crash\n", argv[0], total);
	return 0;
}
