#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/run.sh - the benchmark of docs/design/performance.md: N idle
# processes, every harness run interleaved (A B C, then B C A, ...) for ROUNDS
# rounds, the median per harness, and one markdown table with each harness's
# CPU time per process per sample as a ratio to the floor's from the same
# run.  Ratios taken in one run hold across machines and runs; absolute
# figures do not.
#
# libvmon has two modes for PROC_STAT's companions, and each has a floor
# that reads the same files: the default (vmon-proc: cmdline, argv, exe and
# wchan read at every sample) against floor-full (floor -f), the cheap
# refresh (vmon-proc-cheap: every 32 samples) against floor-cheap (floor
# -r 32: stat, statm and io every sample, cmdline and wchan every 32).
# The table's "ratio to its floor" column gives each of them against its
# own floor, named in the cell, next to the ratio to floor (stat, statm
# and io alone).
#
#   bench/run.sh N [ROUNDS]           (ROUNDS defaults to 5)
#   make bench N=1000 ROUNDS=5        the same, after building
#
# It installs nothing.  It needs the programs of mk/bench.mk (it runs
# `make bench-build`), libproc2-dev and python3-psutil, and strace for the
# syscall column (left out when strace is missing):
#
#   apt-get install libproc2-dev python3-psutil strace
#
# Environment:
#   B=build          build directory (the programs are in $B/bench)
#   SAMPLES=32       measured samples per harness per round (the default
#                    is vmon-proc-cheap's refresh interval, so each of its
#                    processes has cmdline and wchan read once per round)
#   WARMUP=3         samples before the measurement
#   THREADS=1        threads per spawned process (the main one included)
#   FDS=0            extra descriptors per spawned process
#   HARNESSES="..."  which harnesses, in this order, from: floor
#                    floor-full floor-cheap naive libproc2 psutil ps top
#                    vmon-proc
#                    vmon-proc-cheap vmon-files vmon-all vmon-tree
#                    vmon-tree-threads vmon-sys vmon-proc-max
#                    vmon-proc-array vmon-bpf vmon-bpf-norefresh (see
#                    harness_cmd below)
#   STRACE=auto      1: count syscalls (strace -f), 0: do not, auto: if
#                    strace is installed
#   STRACE_SAMPLES=4 samples of the strace run (see below)
#   OUT=DIR          where raw outputs go (default: a new directory in /tmp)
#   PYTHON           an interpreter that imports psutil (default: the first
#                    of /usr/bin/python3, python3 that does)
#
# Syscalls per process per sample come from one more run of each harness
# under `strace -f` (one warm-up, STRACE_SAMPLES measured samples): only
# the calls between the marks the harness writes around its measured
# samples (bench.h) count, divided by the processes and STRACE_SAMPLES, so
# start-up, the first opens and the processes other programs start and end
# meanwhile are left out.
#
# The spawner's processes are killed and reaped however the run ends (the
# spawner sees EOF on its standard input, or dies and takes them with it);
# at the end the script checks, pid by pid, that none is left, and exits
# non-zero if one is, or if any harness failed to run.
set -euo pipefail

usage() {
	echo "usage: bench/run.sh N [ROUNDS]" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
N=$1
ROUNDS=${2:-5}
[[ $N =~ ^[0-9]+$ ]] && [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || usage

cd "$(dirname "$0")/.."
B=${B:-build}
BD=$B/bench
SAMPLES=${SAMPLES:-32}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-1}
FDS=${FDS:-0}
STRACE=${STRACE:-auto}
STRACE_SAMPLES=${STRACE_SAMPLES:-4}
DEFAULT_HARNESSES="floor floor-full floor-cheap naive libproc2 psutil ps top vmon-proc vmon-proc-cheap vmon-all vmon-tree vmon-sys"
[ "$THREADS" -gt 1 ] && DEFAULT_HARNESSES="$DEFAULT_HARNESSES vmon-tree-threads"
HARNESSES=${HARNESSES:-$DEFAULT_HARNESSES}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

if [ "$STRACE" = auto ]; then
	if command -v strace >/dev/null; then STRACE=1; else STRACE=0; fi
fi
if [ -z "${PYTHON:-}" ]; then
	for py in /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null && "$py" -c 'import psutil' 2>/dev/null; then
			PYTHON=$py
			break
		fi
	done
fi
case " $HARNESSES " in
*" psutil "*)
	[ -n "${PYTHON:-}" ] || { echo "run.sh: no python3 with psutil (apt-get install python3-psutil)" >&2; exit 1; } ;;
esac

make -s --no-print-directory B="$B" bench-build

# ---- the spawner: started once, stopped by closing its standard input ----

SPAWN_PID=
PIDFILE=$OUT/spawned.pids
failures=0

stop_spawner() {
	local left=0 pid comm
	[ -n "$SPAWN_PID" ] || return 0
	# EOF on its stdin: it kills and reaps every child by pid, then exits
	exec {SP_IN}>&- 2>/dev/null || true
	wait "$SPAWN_PID" 2>/dev/null || true
	SPAWN_PID=
	# none of its processes may be left; a pid reused since is told
	# apart by the name every spawned process has
	if [ -f "$PIDFILE" ]; then
		while read -r pid; do
			if [ -e "/proc/$pid" ] && comm=$(cat "/proc/$pid/comm" 2>/dev/null) &&
			   [ "$comm" = bench-idle ]; then
				left=$((left + 1))
			fi
		done < "$PIDFILE"
		if [ "$left" -gt 0 ]; then
			echo "run.sh: $left spawned processes are still alive" >&2
			failures=$((failures + 1))
		fi
	fi
}

on_exit() {
	local rc=$?
	stop_spawner
	[ "$rc" -ne 0 ] || [ "$failures" -eq 0 ] || rc=1
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

coproc SP { exec "$BD/spawn" -n "$N" -t "$THREADS" -f "$FDS" -p "$PIDFILE"; }
SPAWN_PID=$SP_PID
SP_IN=${SP[1]}
if ! read -r -u "${SP[0]}" ready; then
	echo "run.sh: the spawner failed" >&2
	exit 1
fi
case $ready in ready\ *) ;; *) echo "run.sh: spawner said: $ready" >&2; exit 1 ;; esac
TOTAL=$(ls /proc | grep -c '^[0-9]')
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
echo "# $N idle processes (x $THREADS threads, $FDS extra fds) ready; $TOTAL processes in all; rounds $ROUNDS, samples $SAMPLES, warm-up $WARMUP; raw output in $OUT" >&2

# ---- the harnesses ----

# harness_cmd NAME WARMUP SAMPLES: the command line, in CMD
harness_cmd() {
	local w="-w $2" s="-s $3"
	case $1 in
	floor)     CMD=("$BD/floor" $w $s) ;;
	# the files of libvmon's default mode: cmdline, wchan and exe too
	floor-full) CMD=("$BD/floor" -f $w $s) ;;
	# the files of its cheap refresh: cmdline and wchan every 32 samples
	floor-cheap) CMD=("$BD/floor" -r 32 $w $s) ;;
	naive)     CMD=("$BD/naive" $w $s) ;;
	libproc2)  CMD=("$BD/libproc2" $w $s) ;;
	psutil)    CMD=("$PYTHON" bench/psutil_bench.py $w $s) ;;
	ps)        CMD=("$BD/cmdbench" -n ps $w $s -- ps -eo pid,utime,stime,rss,vsz,comm) ;;
	top)       CMD=("$BD/cmdbench" -n top $w $s -- top -b -n 1) ;;
	# the library's default: cmdline, argv, exe and wchan every sample
	vmon-proc) CMD=("$BD/vmon_bench" -m proc $w $s) ;;
	# the cheap refresh (the default before): every 32 samples, and
	# cmdline and exe again on an exec
	vmon-proc-cheap)
		CMD=("$BD/vmon_bench" -m proc -c 32 -W 32 -n vmon-proc-cheap $w $s) ;;
	vmon-files) CMD=("$BD/vmon_bench" -m files $w $s) ;;
	vmon-all)  CMD=("$BD/vmon_bench" -m all $w $s) ;;
	vmon-tree) CMD=("$BD/vmon_bench" -m tree -p "$SPAWN_PID" $w $s) ;;
	vmon-tree-threads)
		CMD=("$BD/vmon_bench" -m tree -T -p "$SPAWN_PID" -n vmon-tree-threads $w $s) ;;
	vmon-sys)  CMD=("$BD/vmon_bench" -m sys $w $s) ;;
	# a budget high enough for everything, as far as the hard limit goes
	vmon-proc-max)
		CMD=("$BD/vmon_bench" -m proc -b max -n vmon-proc-max $w $s) ;;
	vmon-proc-array)
		CMD=("$BD/vmon_bench" -m proc -a -n vmon-proc-array $w $s) ;;
	# the BPF backend (docs/design/backend.md): stat, statm and io from
	# one walk of the task iterator, with the cheap refresh of the
	# companions (against floor-cheap), and without refreshing them at all
	# (cmdline and exe on an exec only, wchan once: the iterator alone)
	vmon-bpf)
		CMD=("$BD/vmon_bench" -m proc -B bpf -c 32 -W 32 -n vmon-bpf $w $s) ;;
	vmon-bpf-norefresh)
		CMD=("$BD/vmon_bench" -m proc -B bpf -c 0 -W 0 -n vmon-bpf-norefresh $w $s) ;;
	*) echo "run.sh: unknown harness $1" >&2; exit 2 ;;
	esac
}

RESULTS=$OUT/results.txt
: > "$RESULTS"
# Each round starts one harness further along the list: a harness that
# ends holding thousands of descriptors leaves the kernel freeing them
# (RCU callbacks, slab) while the next one runs, so a fixed order would
# always charge that to the same neighbour.
read -r -a ORDER <<< "$HARNESSES"
for round in $(seq 1 "$ROUNDS"); do
	for i in "${!ORDER[@]}"; do
		h=${ORDER[$(( (i + round - 1) % ${#ORDER[@]} ))]}
		harness_cmd "$h" "$WARMUP" "$SAMPLES"
		log=$OUT/$h.$round
		if "${CMD[@]}" > "$log.out" 2> "$log.err" && grep -q '^BENCH ' "$log.out"; then
			echo "round=$round harness=$h $(grep '^BENCH ' "$log.out" | head -n 1)" >> "$RESULTS"
		else
			echo "run.sh: $h failed in round $round: ${CMD[*]}" >&2
			sed 's/^/  /' "$log.err" >&2
			failures=$((failures + 1))
		fi
	done
	echo "# round $round done" >&2
done

# ---- syscalls per process per sample ----

SYSCALLS=$OUT/syscalls.txt
: > "$SYSCALLS"
if [ "$STRACE" = 1 ]; then
	for h in $HARNESSES; do
		harness_cmd "$h" 1 "$STRACE_SAMPLES"
		trace=$OUT/$h.strace
		if ! strace -f -qq -s 0 -o "$trace" "${CMD[@]}" > "$trace.out" 2>&1 ||
		   ! grep -q '^BENCH ' "$trace.out"; then
			echo "run.sh: $h failed under strace" >&2
			sed 's/^/  /' "$trace.out" >&2
			failures=$((failures + 1))
			continue
		fi
		procs=$(sed -n 's/^BENCH .* procs=\([0-9]*\) .*/\1/p' "$trace.out")
		# count the calls between the harness's marks (bench.h): lines
		# "PID name(args) = result", of the harness and its children
		awk -v h="$h" -v procs="$procs" -v k="$STRACE_SAMPLES" '
			/^[0-9]+ +write\(-1, .*, 4242\)/ { on = 1; next }
			/^[0-9]+ +write\(-1, .*, 4243\)/ { on = 0; next }
			on {
				sub(/^[0-9]+ +/, "")
				if (match($0, /^[a-z_0-9]+\(/)) {
					n = substr($0, 1, RLENGTH - 1)
					c[n]++; names[n] = 1
				}
			}
			END {
				div = (procs > 0 ? procs : 1) * k
				line = ""; total = 0
				for (n in names) {
					d = c[n] / div
					total += d
					if (d >= 0.005)
						line = line sprintf(" %s=%.2f", n, d)
				}
				printf "%s %.2f%s\n", h, total, line
			}' "$trace" >> "$SYSCALLS"
		rm -f "$trace"
	done
fi

LOAD1=$(cut -d' ' -f1 /proc/loadavg)
stop_spawner

# ---- the table ----

awk -v order="$HARNESSES" -v syscalls="$SYSCALLS" '
function median(key, h,    n, i, j, t, v) {
	n = 0
	for (i = 1; i <= rounds[h]; i++)
		if ((h, i, key) in val && val[h, i, key] != "-")
			v[++n] = val[h, i, key] + 0
	if (n == 0)
		return "-"
	for (i = 2; i <= n; i++)	# insertion sort
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function kib(b) {
	if (b == "-") return "-"
	if (b < 0) b = 0
	if (b >= 1048576) return sprintf("%.1f MiB", b / 1048576)
	return sprintf("%.0f KiB", b / 1024)
}
function thousands(x,    s, out) {
	if (x == "-") return x
	s = sprintf("%d", x); out = ""
	while (length(s) > 3) {
		out = "," substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return s out
}
BEGIN {
	while ((getline line < syscalls) > 0) {
		split(line, w, " ")
		sc[w[1]] = w[2]; nsc++
		sub(/^[^ ]+ [^ ]+ ?/, "", line)
		scdetail[w[1]] = line
	}
}
{
	h = ""
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (!eq) continue
		k = substr($i, 1, eq - 1); v = substr($i, eq + 1)
		if (k == "harness") { h = v; r = ++rounds[h]; continue }
		if (h != "") val[h, r, k] = v
	}
}
END {
	floor = median("cpu_us_per_proc", "floor")
	# the floor that reads the same files as each libvmon mode: the
	# default refresh (cmdline, exe and wchan every sample) or the cheap one
	own["vmon-proc"] = own["vmon-proc-max"] = own["vmon-proc-array"] = "floor-full"
	own["vmon-proc-cheap"] = own["vmon-bpf"] = "floor-cheap"
	own["vmon-bpf-norefresh"] = "floor"
	print "| harness | processes seen | CPU us/proc/sample | ratio to floor | ratio to its floor | wall ms/sample | syscalls/proc/sample | heap B/proc | fds held | kernel mem held | notes |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	n = split(order, hs, " ")
	for (i = 1; i <= n; i++) {
		h = hs[i]
		if (!(h in rounds)) { printf "| %s | failed | | | | | | | | | |\n", h; continue }
		procs = median("procs", h)
		cpu = median("cpu_us_per_proc", h)
		notes = ""
		if (cpu == "-") {
			cpus = sprintf("(%.1f us/sample)", median("cpu_us_per_sample", h))
			ratio = "-"
		} else {
			cpus = sprintf("%.2f", cpu)
			ratio = (floor != "-" && floor > 0) ? sprintf("%.2fx", cpu / floor) : "-"
		}
		ownratio = "-"
		if (cpu != "-" && (h in own) && (own[h] in rounds)) {
			of = median("cpu_us_per_proc", own[h])
			if (of != "-" && of > 0)
				ownratio = sprintf("%.2fx (%s)", cpu / of, own[h])
		}
		heap = median("heap_b_per_proc", h)
		heap = heap == "-" ? "-" : sprintf("%.0f", heap)
		if (h == "psutil") heap = heap " (RSS)"
		if (h ~ /^vmon-/ && h != "vmon-sys")
			heap = heap sprintf(" (strings %.0f)", median("strings_b_per_proc", h))
		if (h == "ps" || h == "top") heap = "-"
		kh = median("kmem_held_b", h)
		kmem = kib(kh)
		if (kh != "-" && procs > 0 && kh > 0)
			kmem = kmem sprintf(" (%.1f KiB/proc)", kh / procs / 1024)
		fds = median("fds_held", h)
		if (h == "ps" || h == "top") { fds = "-"; kmem = "-" }
		if (h ~ /^floor/)
			notes = sprintf("held %s of %s processes", thousands(median("held_procs", h)), thousands(procs))
		if (h ~ /^vmon-/ && h != "vmon-sys") {
			notes = sprintf("budget %s; %.2f reads + %.2f opens/proc (self-report)",
				thousands(median("fd_budget", h)), median("reads_per_proc", h),
				median("opens_per_proc", h))
			ff = median("fallback_files", h); fn = median("fallback_nodes", h)
			if (ff > 0 || fn > 0)
				notes = notes sprintf("; open-per-sample: %s files, %s nodes", thousands(ff), thousands(fn))
			t = median("tasks", h)
			if (t > 0) notes = notes sprintf("; %s threads", thousands(t))
		}
		if (h == "vmon-sys") notes = "system stores only: CPU per sample"
		printf "| %s | %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |\n", h,
			procs == "-" ? "-" : thousands(procs), cpus, ratio, ownratio, median("wall_ms", h),
			(h in sc) ? sc[h] : "-", heap, fds, kmem, notes
	}
	if (nsc > 0) {
		print ""
		print "Syscalls per process per sample, by call (strace -f, between the marks):"
		print ""
		for (i = 1; i <= n; i++)
			if (hs[i] in sc)
				printf "- %s: %s\n", hs[i], scdetail[hs[i]]
	}
}' "$RESULTS"
echo
echo "$N idle processes x $THREADS threads, $FDS extra fds; medians of $ROUNDS rounds of $SAMPLES samples after $WARMUP warm-up; load average $LOAD0 at the start, $LOAD1 at the end."

echo "# raw output: $OUT" >&2
if [ "$failures" -gt 0 ]; then
	echo "run.sh: $failures failure(s)" >&2
	exit 1
fi
