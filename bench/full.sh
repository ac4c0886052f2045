#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/full.sh - every run behind the tables of bench/README.md, one after
# the other, each a bench/run.sh of its own (its ratios are taken within
# that run): all references and libvmon configurations at 1,000, 5,000 and
# 10,000 idle processes and at 1,000 processes x 4 threads; libvmon with a
# descriptor budget high enough for everything at the largest N the hard
# RLIMIT_NOFILE allows; the files want on 500 processes x 100 descriptors
# (and x 0, to take the difference per descriptor).  Every run has both
# floors and both libvmon modes (vmon-proc, the default, against
# floor-full; vmon-proc-cheap against floor).
#
#   bench/full.sh [ROUNDS]        (or make bench-full ROUNDS=5)
#
# It prints the machine, then each run's command and table, as markdown.
# The environment of run.sh (B, SAMPLES, WARMUP, STRACE...) passes through.
set -euo pipefail

ROUNDS=${1:-5}
cd "$(dirname "$0")/.."
B=${B:-build}
export B

run() {	# TITLE [VAR=value...] N: one run.sh, with its command and table
	local title=$1 n=${*: -1} cmd="" a
	shift
	for a in "${@:1:$#-1}"; do
		case $a in
		*" "*) cmd+="${a%%=*}=\"${a#*=}\" " ;;
		*) cmd+="$a " ;;
		esac
	done
	cmd+="bench/run.sh $n $ROUNDS"
	printf '\n### %s\n\n```\n%s\n```\n\n' "$title" "$cmd"
	env "${@:1:$#-1}" bench/run.sh "$n" "$ROUNDS"
}

echo "## Machine"
echo
echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) online"
echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "- kernel: $(uname -srm)"
echo "- RLIMIT_NOFILE: soft $(ulimit -Sn), hard $(ulimit -Hn)"
echo "- pid_max $(cat /proc/sys/kernel/pid_max); $(ls /proc | grep -c '^[0-9]') processes before the runs"
echo "- $(gcc --version | head -n 1); libproc2 $(dpkg-query -W -f='${Version}' libproc2-0 2>/dev/null || echo '?'); psutil $(/usr/bin/python3 -c 'import psutil; print(psutil.__version__)' 2>/dev/null || echo '?'); $(ps --version)"

make -s --no-print-directory bench-build

run "1,000 processes" 1000
run "5,000 processes" 5000
run "10,000 processes (and libvmon with the largest budget the hard limit allows)" \
	HARNESSES="floor floor-full naive libproc2 psutil ps top vmon-proc vmon-proc-cheap vmon-proc-max vmon-all vmon-tree vmon-sys" 10000
run "1,000 processes x 4 threads" THREADS=4 1000

# A budget high enough for everything: libvmon's descriptors per process
# (from a one-sample probe of the system as it is, in the default mode,
# which holds the most: cmdline and wchan too), and the largest N whose
# processes, with those already running and a margin, fit under the hard
# limit less the harness's reserve.
probe=$("$B/bench/vmon_bench" -m proc -b max -w 1 -s 1)
fds=$(sed -n 's/.* lib_fds_held=\([0-9]*\).*/\1/p' <<<"$probe")
procs=$(sed -n 's/.* procs=\([0-9]*\) .*/\1/p' <<<"$probe")
hard=$(ulimit -Hn)
per=$(( (fds + procs - 1) / procs ))
nfit=$(( (hard - 32 - 64) / per - procs - 100 ))
echo
echo "libvmon holds $per descriptors per process (probe: $fds for $procs processes);"
echo "hard limit $hard: at most $nfit spawned processes fit with everything held."
run "$nfit processes: everything held (budget high enough for everything)" \
	HARNESSES="floor floor-full naive vmon-proc vmon-proc-cheap vmon-proc-max" "$nfit"

run "500 processes x 100 descriptors (files want)" FDS=100 \
	HARNESSES="floor floor-full vmon-proc vmon-proc-cheap vmon-files vmon-all" 500
run "500 processes x 0 extra descriptors (files want, for the difference)" FDS=0 \
	HARNESSES="floor floor-full vmon-proc vmon-proc-cheap vmon-files vmon-all" 500
