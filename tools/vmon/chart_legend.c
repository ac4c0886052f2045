/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_legend.c - the chart's legend (chart_legend.h).  The layout asks
 * how many lines it wraps to before anything is drawn, so measuring and
 * drawing walk the same items with the same widths.
 */
#include <stddef.h>

#include "chart_legend.h"
#include "chart_palette.h"
#include "chart_rows.h"

/* how an item is shown: a swatch, an exit mark (a bar), the kill mark, or
 * a line */
enum legend_kind { SWATCH, MARK, KILL, LINE };

/* the legend, in order: its mark and its text */
static const struct legend_item {
	rgb_t color;
	const char *text;
	enum legend_kind kind;
} legend_items[] = {
	{ C_USER, "user CPU", SWATCH },
	{ C_SYS, "system CPU", SWATCH },
	{ C_IOWAIT, "iowait", SWATCH },
	{ C_IRQ, "irq", SWATCH },
	{ C_SYS_LINE, "whole system, in the tree's cores", LINE },
	{ C_MEM, "memory used", SWATCH },
	{ C_RSS_FILL, "tree RSS", SWATCH },
	{ C_ALIVE, "alive", SWATCH },
	{ C_BRIEF, "shorter than a sample", SWATCH },
	{ C_EXIT_OK, "exit", MARK },
	{ C_EXIT_BAD, "exit code not 0", MARK },
	{ C_KILL, "killed by a signal", KILL },
};

/* the mark's width before the text */
static int mark_width(const struct legend_item *it)
{
	return it->kind == MARK ? 6 : 14;
}

static int legend_item_width(const struct legend_item *it)
{
	return mark_width(it) + text_width(it->text, 1) + (it->kind == SWATCH ? 16 : 10);
}

int chart_legend_lines(int w)
{
	int lines = 1, x = 0;

	for (size_t i = 0; i < sizeof(legend_items) / sizeof(legend_items[0]); i++) {
		int iw = legend_item_width(&legend_items[i]);

		if (x && x + iw > w) {
			lines++;
			x = 0;
		}
		x += iw;
	}
	return lines;
}

void chart_legend(struct canvas *c, int x0, int y, int w)
{
	int x = x0;

	for (size_t i = 0; i < sizeof(legend_items) / sizeof(legend_items[0]); i++) {
		const struct legend_item *it = &legend_items[i];
		int iw = legend_item_width(it);

		if (x > x0 && x + iw > x0 + w) {
			x = x0;
			y += LEGEND_LINE_H;
		}
		if (it->kind == MARK)
			cv_fill(c, x, y, 2, 9, it->color);
		else if (it->kind == KILL)
			chart_kill_mark(c, x + 4, y, 9);
		else if (it->kind == LINE)
			cv_fill(c, x, y + 4, 10, 1, it->color);
		else
			cv_fill(c, x, y + 1, 10, 8, it->color);
		cv_text(c, x + mark_width(it), y, it->text, C_DIM, 1, 0, false);
		x += iw;
	}
}
