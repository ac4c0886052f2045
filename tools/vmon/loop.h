/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loop.h - the signals of the sampling loop.  vmon blocks the signals it
 * handles and lets them in only while it waits (ppoll), so a handler never
 * interrupts a sample; the command gets the original mask back.
 */
#ifndef VMON_TOOL_LOOP_H
#define VMON_TOOL_LOOP_H

/* Called first thing in main(): SIGUSR1 ("a chart now"), whose default
 * is to kill, is caught from then on, whatever the mode.  Sent before the
 * sampling loop runs, it is kept for the loop; in replay, which has no run
 * to chart, it does nothing.  (Before main() nothing of vmon's runs: a
 * signal sent while the program is still being loaded kills it, as it
 * would any program.) */
void loop_catch_early(void);
void loop_block_signals(void);
void loop_restore_signals(void);

#endif
