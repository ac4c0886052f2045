/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * canvas.c - drawing on an RGB raster (canvas.h): clipped rectangles and
 * lines, and text in the bitmap font, scaled by whole pixels.
 */
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "util.h"

void cv_init(struct canvas *c, int w, int h, rgb_t bg)
{
	c->w = w;
	c->h = h;
	c->px = xmalloc((size_t)w * h * 3);
	cv_fill(c, 0, 0, w, h, bg);
}

void cv_free(struct canvas *c)
{
	free(c->px);
	c->px = NULL;
}

void cv_fill(struct canvas *c, int x, int y, int w, int h, rgb_t color)
{
	unsigned char r = color >> 16, g = color >> 8, b = color;

	if (x < 0) {
		w += x;
		x = 0;
	}
	if (y < 0) {
		h += y;
		y = 0;
	}
	if (x + w > c->w)
		w = c->w - x;
	if (y + h > c->h)
		h = c->h - y;
	for (int j = 0; j < h; j++) {
		unsigned char *p = c->px + ((size_t)(y + j) * c->w + x) * 3;

		for (int i = 0; i < w; i++, p += 3) {
			p[0] = r;
			p[1] = g;
			p[2] = b;
		}
	}
}

void cv_hline(struct canvas *c, int x, int y, int w, rgb_t color)
{
	cv_fill(c, x, y, w, 1, color);
}

void cv_vline(struct canvas *c, int x, int y, int h, rgb_t color)
{
	cv_fill(c, x, y, 1, h, color);
}

int text_width(const char *s, int scale)
{
	return (int)strlen(s) * FONT_ADV * scale;
}

static void glyph(struct canvas *c, int x, int y, unsigned char ch, rgb_t color, int scale,
		  bool bold)
{
	const unsigned char *g = font_glyph(ch);

	for (int row = 0; row < FONT_H; row++)
		for (int col = 0; col < FONT_W; col++)
			if (g[row] & (1 << (FONT_W - 1 - col)))
				cv_fill(c, x + col * scale, y + row * scale, scale + bold, scale,
					color);
}

int cv_text(struct canvas *c, int x, int y, const char *s, rgb_t color, int scale, int max_w,
	    bool bold)
{
	int adv = FONT_ADV * scale, n = (int)strlen(s), fit = n;

	if (max_w > 0 && n * adv > max_w) {
		fit = max_w / adv - 2;	/* room for ".." */
		if (fit < 0)
			fit = 0;
	}
	for (int i = 0; i < fit; i++)
		glyph(c, x + i * adv, y, s[i], color, scale, bold);
	if (fit == n)
		return n * adv;
	for (int i = 0; i < 2 && (fit + i + 1) * adv <= max_w; i++)
		glyph(c, x + (fit + i) * adv, y, '.', color, scale, false);
	return (fit + 2) * adv;
}

int cv_text_mid(struct canvas *c, int x, int y, const char *s, rgb_t color, int max_w)
{
	int n = (int)strlen(s), fit = max_w / FONT_ADV, head, tail, w;
	char *cut;

	if (n <= fit || fit < 8)
		return cv_text(c, x, y, s, color, 1, max_w, false);
	head = (fit - 2) / 2;
	tail = fit - 2 - head;
	cut = xmalloc(fit + 1);
	memcpy(cut, s, head);
	memcpy(cut + head, "..", 2);
	memcpy(cut + head + 2, s + n - tail, tail);
	cut[fit] = '\0';
	w = cv_text(c, x, y, cut, color, 1, 0, false);
	free(cut);
	return w;
}
