/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * canvas.h - an RGB raster to draw charts on: filled rectangles, lines,
 * text in vmon's own bitmap font (font.c), and writing it out as a PNG
 * (png.c) whole, under a temporary name renamed into place.
 */
#ifndef VMON_TOOL_CANVAS_H
#define VMON_TOOL_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

/* a glyph: FONT_W columns, FONT_ASC rows above the baseline, FONT_H in all */
#define FONT_W 5
#define FONT_H 9
#define FONT_ASC 7
#define FONT_ADV 6	/* advance per character at scale 1 */

typedef uint32_t rgb_t;	/* 0xRRGGBB */

struct canvas {
	int w, h;
	unsigned char *px;	/* w * h * 3 bytes, rows top down */
};

void cv_init(struct canvas *c, int w, int h, rgb_t bg);
void cv_free(struct canvas *c);
/* rectangles and lines are clipped to the canvas */
void cv_fill(struct canvas *c, int x, int y, int w, int h, rgb_t color);
void cv_hline(struct canvas *c, int x, int y, int w, rgb_t color);
void cv_vline(struct canvas *c, int x, int y, int h, rgb_t color);

/* The 9-row bitmap of character ch. */
const unsigned char *font_glyph(unsigned char ch);
/* Pixels a string takes at scale. */
int text_width(const char *s, int scale);
/* Draw s with its top at y (the baseline at y + FONT_ASC * scale), cut to
 * max_w pixels with ".." (max_w <= 0: no limit); bold doubles each stroke.
 * Returns the width drawn. */
int cv_text(struct canvas *c, int x, int y, const char *s, rgb_t color, int scale, int max_w,
	    bool bold);

/* As cv_text(), but a string too long loses its middle ("a..z"): the end
 * of a command line (the file a compiler compiles) says much. */
int cv_text_mid(struct canvas *c, int x, int y, const char *s, rgb_t color, int max_w);

/* Write the canvas to path as an 8-bit RGB PNG with tEXt chunks (keys[i],
 * values[i]), by out_write_whole() (outfile.h): a regular file is replaced
 * whole, so a reader never sees half a chart, and nothing else is ever
 * replaced.  false (errno) on failure. */
bool png_write(const struct canvas *c, const char *path, const char *const *keys,
	       const char *const *values, int ntext);

#endif
