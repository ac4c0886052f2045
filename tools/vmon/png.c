/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * png.c - write a canvas as a PNG with libpng (canvas.h).  The image is
 * encoded in memory and handed to out_write_whole() (outfile.c), which
 * replaces a regular file whole, never half written, and writes into
 * anything else (a FIFO, a device) without replacing it.  libpng reports
 * errors by longjmp(); everything it may skip over is released after the
 * jump.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>

#include "canvas.h"
#include "outfile.h"
#include "util.h"

static void to_memory(png_structp png, png_bytep data, size_t len)
{
	sb_put(png_get_io_ptr(png), (const char *)data, len);
}

static void no_flush(png_structp png)
{
	(void)png;
}

static bool encode(struct sbuf *out, const struct canvas *c, const char *const *keys,
		   const char *const *values, int ntext)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_text *text = xcalloc(ntext + 1, sizeof(*text));
	png_bytep *rows = xmalloc(c->h * sizeof(*rows));
	volatile bool ok = false;

	if (!info || setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, out, to_memory, no_flush);
	png_set_IHDR(png, info, c->w, c->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	for (int i = 0; i < ntext; i++) {
		text[i].compression = PNG_TEXT_COMPRESSION_NONE;
		text[i].key = (char *)keys[i];
		text[i].text = (char *)values[i];
	}
	png_set_text(png, info, text, ntext);
	for (int y = 0; y < c->h; y++)
		rows[y] = c->px + (size_t)y * c->w * 3;
	png_set_rows(png, info, rows);
	png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
	ok = true;
out:
	png_destroy_write_struct(&png, &info);
	free(text);
	free(rows);
	return ok;
}

bool png_write(const struct canvas *c, const char *path, const char *const *keys,
	       const char *const *values, int ntext)
{
	struct sbuf b = { 0 };
	int err = encode(&b, c, keys, values, ntext) ? out_write_whole(path, b.s, b.len) : -ENOMEM;

	sb_free(&b);
	errno = -err;
	return !err;
}
