#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/events.sh - what the event sources cost (docs/events.md), vmon
# -- CMD with each source against CMD alone, every variant run in turn
# (A B C ... A B C ...) for ROUNDS rounds, the medians printed as two
# markdown tables:
#
#  1. per event: CMD is a shell running /bin/true RUNS times in a row
#     (a fork, an exec and an exit each, reaped by the shell), under vmon
#     (which also models and records every process) and under
#     examples/exits, the library alone with each source (it prints a
#     line per exit).  The CPU of
#     the whole run (vmon, its threads and tracer task, the shell and its
#     children: bash's `time`, which counts every reaped descendant) less
#     the same run without vmon, per program run and per event (three
#     per run), split into the monitor's own (the whole less what the
#     shell's `times` says it and its children used) and what the
#     monitored programs used more than alone (the kernel's work for the
#     source in their exits and execs).  What the monitor costs to start and
#     stop is taken out: the same measures of a shell that runs /bin/true
#     once.
#  2. a build: CMD is `make -j2` of a clean copy of this project's library
#     and examples (as in the README), wall time and CPU, against the
#     build alone.
#
# Sources: wait (vmon reaps its own children only: no events of the
# tree), netlink (root only: left out otherwise), ptrace (--trace).  vmon
# samples at its default 10 Hz with --no-live -q --record (the record
# holds every birth and exit the source told).
#
#   make bench-events [ROUNDS=5] [RUNS=2000]
#   B=build bench/events.sh [ROUNDS [RUNS [BUILD]]]   BUILD=0: no table 2
set -euo pipefail

B=${B:-build}
rounds=${1:-5}
runs=${2:-2000}
build=${3:-1}
vmon="$B/vmon"

[ -x "$vmon" ] || { echo "events.sh: $vmon missing: make $vmon" >&2; exit 1; }
exits="$B/examples/exits"
[ -x "$exits" ] || { echo "events.sh: $exits missing: make examples" >&2; exit 1; }
sources="alone wait"
[ "$(id -u)" = 0 ] && sources="$sources netlink"
sources="$sources ptrace"
# the library alone: examples/exits takes the best source (netlink as
# root) or, with -t, ptrace
libs="lib-ptrace"
[ "$(id -u)" = 0 ] && libs="lib-netlink $libs"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CPU and wall seconds of "$@" with every descendant reaped: "REAL CPU"
measure() {
	local TIMEFORMAT='%R %U %S' out
	out=$( { time "$@" >/dev/null 2>"$tmp/err"; } 2>&1 ) ||
		{ echo "events.sh: $* failed:" >&2; cat "$tmp/err" >&2; exit 1; }
	awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$out"
}

# the command of a variant: CMD alone, or under vmon with a source
variant() {
	local src=$1; shift
	case $src in
	alone)   "$@" ;;
	lib-netlink) "$exits" -- "$@" ;;
	lib-ptrace)  "$exits" -t -- "$@" ;;
	ptrace)  "$vmon" --no-live -q --record "$tmp/rec" --trace -- "$@" ;;
	*)       "$vmon" --no-live -q --record "$tmp/rec" --events "$src" -- "$@" ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "machine: $(nproc) CPUs, Linux $(uname -r), $(ls /proc | grep -c '^[0-9]') processes"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

loop="i=0; while [ \$i -lt $runs ]; do /bin/true; i=\$((i + 1)); done; times >$tmp/times"
for r in $(seq "$rounds"); do
	for s in $sources $libs; do
		measure variant "$s" sh -c "$loop" >>"$tmp/loop.$s"
		# the shell's and its children's user and system time, "XmY.Zs"
		tr ' ' '\n' <"$tmp/times" | awk -F'[ms]' '{ t += $1 * 60 + $2 } END { print t }' \
			>>"$tmp/tree.$s"
		if [ "$s" != alone ] && [ "${s#lib-}" = "$s" ]; then
			# every program run's exit is in the record (wait: none)
			grep -c '"type":"exit"' "$tmp/rec" >>"$tmp/exits.$s" || true
		fi
		measure variant "$s" sh -c /bin/true >>"$tmp/once.$s"
	done
done

echo
echo "### Per event: /bin/true run $runs times in a row, median of $rounds"
echo
echo "| source | wall s | CPU s | monitor's own CPU per program run | the programs' extra CPU per run | all per event | exits recorded |"
echo "|---|---|---|---|---|---|---|"
base_cpu=$(cut -d' ' -f2 "$tmp/loop.alone" | median)
base_once=$(cut -d' ' -f2 "$tmp/once.alone" | median)
base_tree=$(median <"$tmp/tree.alone")
for s in $sources $libs; do
	wall=$(cut -d' ' -f1 "$tmp/loop.$s" | median)
	cpu=$(cut -d' ' -f2 "$tmp/loop.$s" | median)
	once=$(cut -d' ' -f2 "$tmp/once.$s" | median)
	tree=$(median <"$tmp/tree.$s")
	exits=-
	[ -f "$tmp/exits.$s" ] && exits=$(median <"$tmp/exits.$s")
	if [ "$s" = alone ]; then
		echo "| CMD alone | $wall | $cpu | - | - | - | - |"
		continue
	fi
	case $s in
	lib-*) name="examples/exits, ${s#lib-}" ;;
	*) name="vmon --events $s" ;;
	esac
	awk -v s="$name" -v w="$wall" -v c="$cpu" -v b="$base_cpu" -v o="$once" -v bo="$base_once" \
		-v t="$tree" -v bt="$base_tree" -v n="$runs" -v e="$exits" \
		'BEGIN { own = ((c - t) - (o - bo)) * 1e6 / (n - 1); more = (t - bt) * 1e6 / n;
			 printf "| %s | %s | %s | %.1f us | %.1f us | %.1f us | %s |\n", s, w, c,
				own, more, (own + more) / 3, e }'
done

[ "$build" = 1 ] || exit 0
src=$(git rev-parse --show-toplevel)
git -C "$src" archive --format=tar HEAD | (mkdir -p "$tmp/src" && tar -x -C "$tmp/src")
for r in $(seq "$rounds"); do
	for s in $sources; do
		rm -rf "$tmp/src/b"
		measure variant "$s" make -C "$tmp/src" -j2 B=b all >>"$tmp/make.$s"
	done
done

echo
echo "### A build: make -j2 of this project's library and examples, median of $rounds"
echo
echo "| source | wall s | CPU s | wall vs alone | CPU vs alone |"
echo "|---|---|---|---|---|"
base_wall=$(cut -d' ' -f1 "$tmp/make.alone" | median)
base_cpu=$(cut -d' ' -f2 "$tmp/make.alone" | median)
for s in $sources; do
	wall=$(cut -d' ' -f1 "$tmp/make.$s" | median)
	cpu=$(cut -d' ' -f2 "$tmp/make.$s" | median)
	name=$s
	[ "$s" = alone ] && name="make alone"
	awk -v s="$name" -v w="$wall" -v c="$cpu" -v bw="$base_wall" -v bc="$base_cpu" \
		'BEGIN { printf "| %s | %s | %s | %+.1f%% | %+.1f%% |\n", s, w, c,
			 (w - bw) * 100 / bw, (c - bc) * 100 / bc }'
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
