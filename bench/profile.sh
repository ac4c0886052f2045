#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/profile.sh - where libvmon's time goes, next to the floor's, on N
# idle processes (default 1000): each of libvmon's two modes next to the
# floor that reads the same files, as in run.sh (vmon-proc-cheap, the
# target configuration, and floor; vmon-proc, the library's default, and
# floor-full), each profiled
#
#  - with `perf record -e cpu-clock -g` (a software clock: it works where
#    hardware counters do not, as in most VMs; `perf stat -e instructions
#    true` tells), reported as the kernel/user split and the hottest
#    symbols of each side;
#  - with `valgrind --tool=callgrind`, collecting only inside vmon_sample()
#    (or the floor's proc_scan()), reported as user-space instructions per
#    process per sample and the top functions.  Instruction counts repeat
#    whatever else the machine is doing; they do not see the kernel.
#
#   bench/profile.sh [N] [SAMPLES]     (apt-get install linux-perf valgrind)
#
# PROFILED="floor vmon-proc-cheap" (say) profiles fewer of the four.
#
# The raw profiles stay in OUT (default: a new directory in /tmp).  The
# reports are cut with sed, not head: under pipefail, head closing its pipe
# early would kill perf report with SIGPIPE and the script with it.
set -euo pipefail

N=${1:-1000}
SAMPLES=${2:-200}
cd "$(dirname "$0")/.."
B=${B:-build}
BD=$B/bench
OUT=${OUT:-$(mktemp -d)}
PROFILED=${PROFILED:-floor vmon-proc-cheap floor-full vmon-proc}
mkdir -p "$OUT"
make -s --no-print-directory B="$B" bench-build

# profile_cmd NAME WARMUP SAMPLES: the command line, in cmd, and the
# function callgrind collects in, in fn (run.sh has the same harnesses)
profile_cmd() {
	case $1 in
	floor) cmd=("$BD/floor" -w "$2" -s "$3"); fn=proc_scan ;;
	floor-full) cmd=("$BD/floor" -f -w "$2" -s "$3"); fn=proc_scan ;;
	vmon-proc) cmd=("$BD/vmon_bench" -m proc -w "$2" -s "$3"); fn=vmon_sample ;;
	vmon-proc-cheap)
		cmd=("$BD/vmon_bench" -m proc -c 32 -W 32 -w "$2" -s "$3"); fn=vmon_sample ;;
	*) echo "profile.sh: unknown harness $1" >&2; exit 2 ;;
	esac
}

SPAWN_PID=
cleanup() {
	[ -n "$SPAWN_PID" ] || return 0
	exec {SP_IN}>&- 2>/dev/null || true
	wait "$SPAWN_PID" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
coproc SP { exec "$BD/spawn" -n "$N"; }
SPAWN_PID=$SP_PID
SP_IN=${SP[1]}
read -r -u "${SP[0]}" ready || { echo "profile.sh: the spawner failed" >&2; exit 1; }

echo "## Profiles at $N idle processes ($(ls /proc | grep -c '^[0-9]') in all)"
if command -v perf >/dev/null && perf record -e cpu-clock -o "$OUT/probe.data" true >/dev/null 2>&1; then
	for h in $PROFILED; do
		profile_cmd "$h" 3 "$SAMPLES"
		perf record -q -e cpu-clock -F 4000 -g -o "$OUT/$h.perf" "${cmd[@]}" > "$OUT/$h.perf.out" 2>/dev/null
		echo
		echo "### perf, $h: $(sed -n 's/.*\(cpu_us_per_proc=[0-9.]*\).*/\1/p' "$OUT/$h.perf.out")"
		echo
		echo '```'
		perf report -i "$OUT/$h.perf" --no-children --sort dso --stdio -g none 2>/dev/null |
			grep '%' | sed -n '1,6p'
		echo "-- kernel symbols"
		perf report -i "$OUT/$h.perf" --no-children --sort sym --stdio -g none \
			--dsos '[kernel.kallsyms]' 2>/dev/null | grep '%' | sed -n '1,15p'
		echo "-- user symbols"
		perf report -i "$OUT/$h.perf" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
			grep '%' | grep -v kernel.kallsyms | sed -n '1,15p'
		echo '```'
	done
else
	echo
	echo "(perf record -e cpu-clock does not work here: no perf profile)"
fi

if command -v valgrind >/dev/null; then
	# two runs, 1 + 8 and 1 + 40 samples: the difference over 32 samples
	# leaves the first sample (every open) out of the figure per sample
	for h in $PROFILED; do
		for s in 8 40; do
			profile_cmd "$h" 1 "$s"
			valgrind --tool=callgrind --toggle-collect="$fn" \
				--callgrind-out-file="$OUT/$h.callgrind.$s" "${cmd[@]}" \
				> "$OUT/$h.cg.$s.out" 2> "$OUT/$h.cg.$s.err"
		done
		procs=$(sed -n 's/.* procs=\([0-9]*\) .*/\1/p' "$OUT/$h.cg.40.out")
		ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
		i8=$(ir "$OUT/$h.callgrind.8")
		i40=$(ir "$OUT/$h.callgrind.40")
		echo
		echo "### callgrind, $h: $(( (i40 - i8) / (procs * 32) )) user-space instructions per process per sample ($procs processes, in $fn())"
		echo
		echo '```'
		callgrind_annotate "$OUT/$h.callgrind.40" 2>/dev/null |
			awk '/PROGRAM TOTALS/ { next } /%\)/ && n < 15 { print; n++ }'
		echo '```'
	done
fi
