/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loop.h - the signals of the sampling loop.  vmon blocks the signals it
 * handles and lets them in only while it waits (ppoll), so a handler never
 * interrupts a sample; the command gets the original mask back.
 */
#ifndef VMON_TOOL_LOOP_H
#define VMON_TOOL_LOOP_H

void loop_block_signals(void);
void loop_restore_signals(void);

#endif
