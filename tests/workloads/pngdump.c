/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pngdump.c - read a PNG back with libpng for vmon's chart tests, which
 * must not trust vmon's own writer: it prints the size, the text chunks
 * and, for each rectangle asked, how many pixels of each colour it holds.
 *
 *   pngdump FILE [X Y W H]...
 *
 * Output: "size W H", then "text KEY" followed by the value's lines each
 * prefixed with "| ", then per rectangle "rect X Y W H" and lines
 * "RRGGBB COUNT", most frequent first.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct count {
	unsigned color;
	long n;
};

static int by_n(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

static void rect(png_bytep *rows, int w, int h, int x0, int y0, int rw, int rh)
{
	struct count *c = calloc((size_t)rw * rh + 1, sizeof(*c));
	int n = 0;

	printf("rect %d %d %d %d\n", x0, y0, rw, rh);
	for (int y = y0; y < y0 + rh && y < h; y++)
		for (int x = x0; x < x0 + rw && x < w; x++) {
			unsigned col = rows[y][x * 3] << 16 | rows[y][x * 3 + 1] << 8 | rows[y][x * 3 + 2];
			int i = 0;

			while (i < n && c[i].color != col)
				i++;
			if (i == n)
				c[n++].color = col;
			c[i].n++;
		}
	qsort(c, n, sizeof(*c), by_n);
	for (int i = 0; i < n; i++)
		printf("%06x %ld\n", c[i].color, c[i].n);
	free(c);
}

static void texts(png_structp png, png_infop info)
{
	png_textp text;
	int n = png_get_text(png, info, &text, NULL);

	for (int i = 0; i < n; i++) {
		char *v = text[i].text, *nl;

		printf("text %s\n", text[i].key);
		while (v && *v) {
			nl = strchr(v, '\n');
			printf("| %.*s\n", (int)(nl ? nl - v : (long)strlen(v)), v);
			v = nl ? nl + 1 : NULL;
		}
	}
}

int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	png_structp png;
	png_infop info;
	png_bytep *rows;
	int w, h;

	if (!f) {
		fprintf(stderr, "usage: pngdump FILE [X Y W H]...\n");
		return 2;
	}
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "pngdump: not a readable PNG\n");
		return 1;
	}
	png_init_io(png, f);
	png_read_png(png, info, PNG_TRANSFORM_STRIP_16 | PNG_TRANSFORM_STRIP_ALPHA |
		     PNG_TRANSFORM_PACKING | PNG_TRANSFORM_EXPAND, NULL);
	w = (int)png_get_image_width(png, info);
	h = (int)png_get_image_height(png, info);
	if (png_get_color_type(png, info) != PNG_COLOR_TYPE_RGB) {
		fprintf(stderr, "pngdump: not an RGB image\n");
		return 1;
	}
	printf("size %d %d\n", w, h);
	texts(png, info);
	rows = png_get_rows(png, info);
	for (int i = 2; i + 3 < argc; i += 4)
		rect(rows, w, h, atoi(argv[i]), atoi(argv[i + 1]), atoi(argv[i + 2]),
		     atoi(argv[i + 3]));
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	return 0;
}
