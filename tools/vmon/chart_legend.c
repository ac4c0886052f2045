/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_legend.c - the chart's legend (chart_legend.h).  The layout asks
 * how many lines it wraps to before anything is drawn, so measuring and
 * drawing walk the same items with the same widths.
 */
#include <stddef.h>

#include "chart_legend.h"
#include "chart_palette.h"

/* the legend, in order: a swatch and its text, or an exit mark (a bar) */
static const struct legend_item {
	rgb_t color;
	const char *text;
	bool mark;
} legend_items[] = {
	{ C_USER, "user CPU", false },
	{ C_SYS, "system CPU", false },
	{ C_IOWAIT, "iowait", false },
	{ C_IRQ, "irq", false },
	{ C_MEM, "memory used", false },
	{ C_RSS_FILL, "tree RSS", false },
	{ C_ALIVE, "alive", false },
	{ C_BRIEF, "shorter than a sample", false },
	{ C_EXIT_OK, "exit", true },
	{ C_EXIT_BAD, "failed or killed", true },
};

static int legend_item_width(const struct legend_item *it)
{
	return (it->mark ? 6 : 14) + text_width(it->text, 1) + (it->mark ? 10 : 16);
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
		if (it->mark) {
			cv_fill(c, x, y, 2, 9, it->color);
			cv_text(c, x + 6, y, it->text, C_DIM, 1, 0, false);
		} else {
			cv_fill(c, x, y + 1, 10, 8, it->color);
			cv_text(c, x + 14, y, it->text, C_DIM, 1, 0, false);
		}
		x += iw;
	}
}
