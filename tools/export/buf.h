/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * buf.h - a growable byte buffer for vmon-export: the metrics page is
 * rendered into one, and the configuration readers build strings in one.
 * An allocation failure is sticky (failed set, later appends ignored), so
 * a caller checks once at the end instead of after every append.
 */
#ifndef EXPORT_BUF_H
#define EXPORT_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated while len < cap */
	size_t len, cap;
	bool failed;	/* an allocation failed: the contents are incomplete */
};

void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a Prometheus label value: \ " and newline escaped. */
void buf_label_value(struct buf *b, const char *s);
/* Hand the contents over to the caller (NULL when failed); b is emptied. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
