/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * png.c - write a canvas as a PNG with libpng (canvas.h).  The file is
 * written whole under PATH.tmp.PID and renamed to PATH, so a viewer that
 * reloads the chart while --snapshot-every rewrites it never reads half a
 * file.  libpng reports errors by longjmp(); everything it may skip over
 * is released after the jump.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canvas.h"
#include "util.h"

static bool write_rows(FILE *f, const struct canvas *c, const char *const *keys,
		       const char *const *values, int ntext)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_text *text = xcalloc(ntext + 1, sizeof(*text));
	png_bytep *rows = xmalloc(c->h * sizeof(*rows));
	volatile bool ok = false;

	if (!info || setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
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
	char *tmp = xmalloc(strlen(path) + 32);
	FILE *f;
	bool ok;

	sprintf(tmp, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "wbe");
	if (!f) {
		free(tmp);
		return false;
	}
	ok = write_rows(f, c, keys, values, ntext);
	ok &= fflush(f) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path)) {
		int err = errno;

		unlink(tmp);
		free(tmp);
		errno = err ? err : EIO;
		return false;
	}
	free(tmp);
	return true;
}
