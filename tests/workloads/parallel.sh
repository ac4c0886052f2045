#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# parallel.sh - vmon's test workload: a shell script that starts three CPU
# burners of known length in parallel and waits for them.  $BURN is the
# burn program, $REPORT the file each burner (and this script) reports to.
echo "pid=$$ ppid=$PPID comm=sh" >> "$REPORT"
"$BURN" -m 600 -i 300 -r "$REPORT" &
"$BURN" -m 700 -i 300 -r "$REPORT" &
"$BURN" -m 800 -i 300 -r "$REPORT" &
wait
