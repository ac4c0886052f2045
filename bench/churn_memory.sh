#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# churn_memory.sh - the memory curve of bench/README.md ("Memory under
# churn"): bench/churn_memory.c for SECONDS (default 600) under 1,000
# forks a second, with a peak of PEAK idle processes (default 2000; 0:
# none) every 150 s, a row every 10 s; the machine, the commit and the load
# average before and after are printed around the table.
#
#   make bench-memory [DURATION=600] [PEAK=2000]
#   B=build bench/churn_memory.sh [SECONDS [PEAK]]
#
# Extra options for churn_memory go in $CHURN_MEMORY_OPTS (-a, -z 50...).
set -eu

B=${B:-build}
seconds=${1:-600}
peak=${2:-2000}

for p in "$B/bench/churn_memory" "$B/bench/spawn" "$B/helpers/churn"; do
	[ -x "$p" ] || { echo "churn_memory.sh: $p missing: make bench-build $B/helpers/churn" >&2; exit 1; }
done
set -- -d "$seconds"
[ "$peak" -gt 0 ] && set -- "$@" -p "$peak" -s "$B/bench/spawn"

echo "machine: $(nproc) CPUs, Linux $(uname -r), pid_max $(cat /proc/sys/kernel/pid_max)," \
     "RLIMIT_NOFILE $(ulimit -Sn)/$(ulimit -Hn), $(ls /proc | grep -c '^[0-9]') processes"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086 # the extra options are split on purpose
"$B/bench/churn_memory" "$@" ${CHURN_MEMORY_OPTS:-} "$B/helpers/churn"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
