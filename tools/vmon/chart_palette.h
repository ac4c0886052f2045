/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chart_palette.h - the chart's colours (0xRRGGBB), one name for each
 * thing drawn, shared by the frame, the rows and the legend so that a
 * colour means the same everywhere (vmon(1) documents them).
 */
#ifndef VMON_TOOL_CHART_PALETTE_H
#define VMON_TOOL_CHART_PALETTE_H

#define C_BG 0xffffff
#define C_ZEBRA 0xf4f6f9
#define C_PANEL 0xf7f9fc
#define C_GRID 0xe2e6eb
#define C_FRAME 0xc9cfd6
#define C_TEXT 0x1d1f23
#define C_DIM 0x6b7079
#define C_FAINT 0x9aa0a8
#define C_TREE 0xc3c8cf
#define C_USER 0x2f6fb3
#define C_SYS 0xe8743b
#define C_IOWAIT 0x8e6bbf
#define C_IRQ 0xd1495b
#define C_MEM 0xa8d5b5
#define C_MEM_LINE 0x3f9e6a
#define C_RSS 0x2e7d4f
#define C_RSS_FILL 0x7fbf95
#define C_ALIVE 0xdce6f1
#define C_OVER 0x163a5f
#define C_EXIT_OK 0x4b4f56
#define C_EXIT_BAD 0xc0392b
#define C_BRIEF 0x17a398
#define C_KILL 0xa0169c		/* a process ended by a signal */
#define C_SYS_LINE 0x3a3f47	/* the whole system's busy cores, over the tree's */

#endif
