/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart.h - the PNG chart of a run (--png, the w key, SIGUSR1, replay).
 */
#ifndef VMON_TOOL_CHART_H
#define VMON_TOOL_CHART_H

#include <stdbool.h>

#include "model.h"

struct chart_opts {
	int width, height;	/* 0: automatic */
	bool threads;		/* rows for threads */
};

/* Draw the model and write it to path (see canvas.h, png_write()); false
 * with errno on failure. */
bool chart_write(const struct model *m, const char *path, const struct chart_opts *o);

#endif
