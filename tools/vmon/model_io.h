/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model_io.h - the model's I/O accounting (model_io.c), called by model.c
 * as samples close and tracks end; what the rest of vmon calls is in
 * model.h (track_io(), model_reaped()).
 */
#ifndef VMON_TOOL_MODEL_IO_H
#define VMON_TOOL_MODEL_IO_H

#include "model.h"

/* t exited in the open sample: its exit's I/O is settled at the close */
void model_io_ended(struct model *m, struct track *t);
/* the open sample's exits and reaps, children before their parents */
void model_io_settle(struct model *m);
/* t's rates of its own I/O, after the settling */
void model_io_rates(struct model *m, struct track *t);

#endif
