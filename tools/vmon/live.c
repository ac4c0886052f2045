/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * live.c - the live view's life and keys (live.h): taking over the
 * terminal with ncurses (newterm, so keys may come from /dev/tty when
 * standard input is not a terminal), reading keys without blocking the
 * sampler, following resizes, and giving the terminal back.  Drawing is
 * live_draw.c.  Keys that ask something of the sampling loop (quit, rate,
 * chart) are handed to it as actions (live.h), so that the view depends on
 * the loop's data, never on the loop.
 *
 * Keys: q quit (run mode: SIGTERM to every process of the run, SIGKILL on a
 * second q),
 * p pause the display, t threads, s sort (tree, CPU, RSS, I/O; siblings
 * stay under their parent), + and - the sampling rate, w a chart now,
 * arrows and page keys scroll.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>

#include "live.h"

#if defined(__SANITIZE_ADDRESS__)
#define VMON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMON_ASAN 1
#endif
#endif

#ifdef VMON_ASAN
/* ncurses keeps its terminal descriptions for the life of the process */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libncurses\nleak:libtinfo\nleak:libncursesw\n";
}
#endif

static void colors(struct live *l)
{
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_CYAN, -1);	/* headings */
	init_pair(2, COLOR_GREEN, -1);	/* new rows */
	init_pair(3, COLOR_BLUE, -1);	/* user CPU */
	init_pair(4, COLOR_RED, -1);	/* system CPU, failures */
	init_pair(5, COLOR_YELLOW, -1);	/* messages */
	init_pair(6, COLOR_BLACK, COLOR_CYAN);	/* title bar */
	l->colors = true;
}

bool live_usable(char *why, size_t size)
{
	const char *term = getenv("TERM"), *cup;
	int err;

	if (!term || !*term) {
		snprintf(why, size, "TERM is not set");
		return false;
	}
	/* setupterm() with err set reports instead of exiting, as newterm()
	 * may (ncurses prints "Error opening terminal" and exits) */
	if (setupterm(NULL, 1, &err) != OK) {
		snprintf(why, size, "TERM=%s is a terminal this system does not know", term);
		return false;
	}
	/* a view drawn without cursor addressing (dumb, an editor's shell
	 * buffer) is a screenful of blanks */
	cup = tigetstr("cup");
	del_curterm(cur_term);
	if (!cup || cup == (const char *)-1) {
		snprintf(why, size, "TERM=%s cannot move the cursor", term);
		return false;
	}
	return true;
}

struct live *live_start(struct model *m, const struct schedule *sc)
{
	struct live *l = xcalloc(1, sizeof(*l));
	FILE *in = stdin;
	SCREEN *scr;

	setlocale(LC_ALL, "");
	l->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!isatty(0) && !(in = fopen("/dev/tty", "re")))
		in = stdin;
	scr = newterm(NULL, stdout, in);
	if (!scr) {
		warnx_("cannot start the live view on this terminal (TERM=%s): try --no-live",
		       getenv("TERM") ? getenv("TERM") : "");
		if (in != stdin)
			fclose(in);
		free(l);
		return NULL;
	}
	l->screen = scr;
	l->in = in;
	l->win = stdscr;
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	colors(l);
	l->m = m;
	l->sched = sc;
	return l;
}

void live_show_output(struct live *l, struct capture *cap)
{
	l->cap = cap;
}

void live_stop(struct live *l)
{
	endwin();
	delscreen(l->screen);
	if (l->in != stdin)
		fclose(l->in);
	free(l);
}

void live_message(struct live *l, const char *msg)
{
	snprintf(l->msg, sizeof(l->msg), "%s", msg);
	l->msg_until = mono_us() + 5 * US_PER_S;
	l->drawn = 0;
}

void live_draw(struct live *l)
{
	vt_us now = mono_us();

	/* at most 25 frames a second, whatever the sampling rate */
	if (l->drawn && now - l->drawn < US_PER_S / 25)
		return;
	l->drawn = now;
	live_paint(l);
}

void live_draw_output(struct live *l)
{
	l->drawn = 0;
	live_draw(l);
}

void live_resize(struct live *l)
{
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
	l->drawn = 0;
	live_draw(l);
}

/* the rate a step up or down the ladder from the current one */
static double rate_step(const struct live *l, int dir)
{
	static const double rates[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
	int n = sizeof(rates) / sizeof(*rates), i = 0;

	while (i < n - 1 && rates[i] < l->sched->hz)
		i++;
	if (dir > 0 && rates[i] <= l->sched->hz && i < n - 1)
		i++;
	else if (dir < 0 && i > 0)
		i--;
	return rates[i];
}

static void scroll_key(struct live *l, int key)
{
	int page = LINES / 2 > 1 ? LINES / 2 : 1;

	switch (key) {
	case KEY_UP: l->scroll--; break;
	case KEY_DOWN: l->scroll++; break;
	case KEY_PPAGE: l->scroll -= page; break;
	case KEY_NPAGE: l->scroll += page; break;
	case KEY_HOME: l->scroll = 0; break;
	default: break;
	}
	if (l->scroll < 0)
		l->scroll = 0;
}

/* key k: the action it asks of the loop, or LIVE_NONE once the view
 * has done what it asks */
static struct live_action key(struct live *l, int k)
{
	static const char *sorts[] = { "tree order", "CPU", "RSS", "I/O" };
	struct live_action a = { LIVE_NONE, 0 };
	char msg[64];

	switch (k) {
	case 'q': case 'Q': a.act = LIVE_QUIT; break;
	case 'p': case ' ': l->paused = !l->paused; break;
	case 't': l->threads = !l->threads; break;
	case 's':
		l->sort = (l->sort + 1) % SORT_NR;
		snprintf(msg, sizeof(msg), "sorted by %s", sorts[l->sort]);
		live_message(l, msg);
		break;
	case '+': case '=': a = (struct live_action){ LIVE_SET_RATE, rate_step(l, 1) }; break;
	case '-': a = (struct live_action){ LIVE_SET_RATE, rate_step(l, -1) }; break;
	case 'w': a.act = LIVE_SNAPSHOT; break;
	case KEY_RESIZE: clear(); break;
	default: scroll_key(l, k); break;
	}
	l->drawn = 0;
	return a;
}

struct live_action live_key(struct live *l)
{
	struct live_action a = { LIVE_NONE, 0 };
	int k;

	while (a.act == LIVE_NONE && (k = wgetch(l->win)) != ERR) {
		a = key(l, k);
		l->keyed = true;
	}
	if (a.act == LIVE_NONE && l->keyed) {
		l->keyed = false;
		l->drawn = 0;
		live_paint(l);
	}
	return a;
}
