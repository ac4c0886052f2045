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
 * Keys (the list, with what each does, is help() in live_draw.c and the
 * LIVE VIEW section of vmon(1)): q quit, p pause, f flat or tree, s sort,
 * e ended, / filter, k signal, n nice, c fold, t threads, + and - the
 * rate, w a chart now, ? the keys, arrows and page keys select.  The
 * prompts (/, k, n) take the keys typed until Enter or Esc.
 */
#include <curses.h>
#include <errno.h>
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
	init_pair(6, COLOR_BLACK, COLOR_CYAN);	/* title bar, keys */
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
	set_escdelay(25);	/* Esc leaves a prompt at once, not after 1 s */
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
	free(l->folded);
	endwin();
	delscreen(l->screen);
	if (l->in != stdin)
		fclose(l->in);
	free(l);
}

void live_message(struct live *l, const char *msg)
{
	snprintf(l->msg, sizeof(l->msg), "%s", msg);
	l->drawn = 0;
}

void live_notice(struct live *l, const char *msg)
{
	snprintf(l->notice, sizeof(l->notice), "%s", msg);
	l->notice_until = mono_us() + 5 * US_PER_S;
	l->drawn = 0;
}

void live_draw(struct live *l)
{
	vt_us now = mono_us();

	/* at most 25 frames a second, whatever the sampling rate; paused,
	 * only when something asked for it (a key, a message) */
	if (l->drawn && (l->paused || now - l->drawn < US_PER_S / 25))
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

static void select_key(struct live *l, int key)
{
	switch (key) {
	case KEY_UP: l->cursor--; break;
	case KEY_DOWN: l->cursor++; break;
	case KEY_PPAGE: l->cursor -= l->page; break;
	case KEY_NPAGE: l->cursor += l->page; break;
	case KEY_HOME: l->cursor = 0; break;
	case KEY_END: l->cursor = l->nrows - 1; break;
	default: return;
	}
	if (l->cursor < 0)
		l->cursor = 0;
	/* the process now at the cursor, for a key that follows at once
	 * (Down Down c): the list is only known by drawing it */
	l->sel_id = 0;
	live_paint(l);
}

/* the selected process, alive: its pid and a name for the prompt */
static bool target(struct live *l)
{
	const struct track *t = model_track(l->m, l->sel_id);
	char args[256];

	if (!t || t->exited) {
		live_message(l, "no running process is selected (arrows select one)");
		return false;
	}
	/* a thread's row: its process (a signal goes to the process anyway) */
	if (t->is_thread && t->parent)
		t = t->parent;
	l->target_pid = t->pid;
	join_args(t->argv, t->argc, args, sizeof(args));
	snprintf(l->target_name, sizeof(l->target_name), "(%.60s)", args[0] ? args : t->comm);
	l->input[0] = '\0';
	return true;
}

/* a whole integer in [lo, hi] */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* Enter on a prompt */
static struct live_action answer(struct live *l)
{
	struct live_action a = { LIVE_NONE, 0, 0, 0, 0 };
	enum live_prompt p = l->prompt;
	char msg[128];
	int v;

	l->prompt = PROMPT_NONE;
	switch (p) {
	case PROMPT_FILTER:
		snprintf(l->filter, sizeof(l->filter), "%s", l->input);
		break;
	case PROMPT_SIGNAL:
		if (!l->input[0])
			snprintf(l->input, sizeof(l->input), "15");
		if (!parse_int(l->input, 1, 64, &l->target_sig)) {
			snprintf(msg, sizeof(msg), "\"%s\" is not a signal number (1 to 64)", l->input);
			live_message(l, msg);
			break;
		}
		l->prompt = PROMPT_CONFIRM;
		break;
	case PROMPT_NICE:
		if (!parse_int(l->input, -20, 19, &v)) {
			snprintf(msg, sizeof(msg), "\"%s\" is not a nice value (-20 to 19)", l->input);
			live_message(l, msg);
			break;
		}
		a = (struct live_action){ LIVE_RENICE, 0, l->target_pid, 0, v };
		break;
	default:
		break;
	}
	return a;
}

/* a key while a prompt is up */
static struct live_action prompt_key(struct live *l, int k)
{
	struct live_action a = { LIVE_NONE, 0, 0, 0, 0 };
	size_t n = strlen(l->input);

	if (l->prompt == PROMPT_CONFIRM) {
		l->prompt = PROMPT_NONE;
		if (k == 'y' || k == 'Y')
			a = (struct live_action){ LIVE_SIGNAL, 0, l->target_pid, l->target_sig, 0 };
		else
			live_message(l, "no signal sent");
		return a;
	}
	if (k == 27) {		/* Esc */
		if (l->prompt == PROMPT_FILTER)
			l->filter[0] = '\0';
		l->prompt = PROMPT_NONE;
	} else if (k == '\n' || k == '\r' || k == KEY_ENTER) {
		a = answer(l);
	} else if (k == KEY_BACKSPACE || k == 127 || k == 8) {
		if (n)
			l->input[n - 1] = '\0';
	} else if (k >= 32 && k < 127 && n + 1 < sizeof(l->input)) {
		l->input[n] = (char)k;
		l->input[n + 1] = '\0';
	}
	return a;
}

static void fold_key(struct live *l)
{
	const struct track *t = model_track(l->m, l->sel_id);

	if (!t)
		return;
	if (!t->children && !live_folded(l, t->id) && (!l->threads || !t->threads)) {
		live_message(l, "nothing under the selected process to fold");
		return;
	}
	live_fold(l, t->id, !live_folded(l, t->id));
	if (l->flat)
		live_message(l, "folded: shown in the tree (f)");
}

/* key k: the action it asks of the loop, or LIVE_NONE once the view
 * has done what it asks */
static struct live_action key(struct live *l, int k)
{
	static const char *sorts[] = { "birth order", "CPU", "RSS", "I/O" };
	struct live_action a = { LIVE_NONE, 0, 0, 0, 0 };
	char msg[64];

	l->drawn = 0;
	if (l->prompt != PROMPT_NONE)
		return prompt_key(l, k);
	if (l->help && k != KEY_RESIZE) {
		l->help = false;
		return a;
	}
	switch (k) {
	case 'q': case 'Q': a.act = LIVE_QUIT; break;
	case 'p': case ' ': l->paused = !l->paused; break;
	case 't': l->threads = !l->threads; break;
	case 'f': case KEY_F(5):
		l->flat = !l->flat;
		/* a flat list in birth order says little: busiest first */
		if (l->flat && l->sort == SORT_TREE)
			l->sort = SORT_CPU;
		break;
	case 's':
		l->sort = (l->sort + 1) % SORT_NR;
		snprintf(msg, sizeof(msg), "sorted by %s%s", sorts[l->sort],
			 l->flat ? "" : " (among siblings; f: a flat list)");
		live_message(l, msg);
		break;
	case 'e': l->show_ended = !l->show_ended; break;
	case '?': case 'h': l->help = true; break;
	case '/':
		l->prompt = PROMPT_FILTER;
		snprintf(l->input, sizeof(l->input), "%s", l->filter);
		break;
	case 'k':
		if (target(l))
			l->prompt = PROMPT_SIGNAL;
		break;
	case 'n':
		if (target(l))
			l->prompt = PROMPT_NICE;
		break;
	case 'c': case '\n': case '\r': case KEY_ENTER: fold_key(l); break;
	case 27:
		l->filter[0] = '\0';
		break;
	case '+': case '=': a = (struct live_action){ LIVE_SET_RATE, rate_step(l, 1), 0, 0, 0 }; break;
	case '-': a = (struct live_action){ LIVE_SET_RATE, rate_step(l, -1), 0, 0, 0 }; break;
	case 'w': a.act = LIVE_SNAPSHOT; break;
	case KEY_RESIZE: clear(); break;
	default: select_key(l, k); break;
	}
	return a;
}

struct live_action live_key(struct live *l)
{
	struct live_action a = { LIVE_NONE, 0, 0, 0, 0 };
	int k;

	while (a.act == LIVE_NONE && (k = wgetch(l->win)) != ERR) {
		/* the last key's answer stays until another key: one shown
		 * for a few seconds only could go unseen on a busy machine */
		if (k != KEY_RESIZE)
			l->msg[0] = '\0';
		a = key(l, k);
		l->keyed = true;
	}
	if (a.act == LIVE_NONE && l->keyed) {
		l->keyed = false;
		l->drawn = 0;
		live_paint(l);
		l->drawn = mono_us();
	}
	return a;
}
