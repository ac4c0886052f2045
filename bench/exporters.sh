#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/exporters.sh - what a scrape costs the exporter: vmon-export
# against process-exporter (Debian's prometheus-process-exporter, with its
# defaults and lean: -threads=false -gather-smaps=false) and
# node_exporter's processes collector (prometheus-node-exporter, that
# collector alone), one after the other over the same N idle processes
# (bench/spawn), each alone, scraped once a second (back to back if a
# scrape takes longer) SCRAPES times after 2 warm-up scrapes.  The
# exporter's CPU (user + system of all its threads, from /proc/PID/stat)
# over the measured scrapes, divided by them, is its CPU per scrape; the
# table gives each as a ratio to vmon-export's from the same run.
#
# vmon-export samples on its own thread, once a second here
# (--interval 1): its figure is its whole cost, sampling and rendering,
# per scrape at a scrape a second.  process-exporter reads every process
# at each scrape; node_exporter's collector counts processes and threads
# by state.  Both group everything by comm, as vmon-export does by default.
#
#   bench/exporters.sh [N...]       (default: 1000 10000)
#   make bench-exporters            the same, after building
#
# Environment: B=build, SCRAPES=20.  It runs as root (vmon-export's event
# source; the others read every process's files).  Needs
# prometheus-process-exporter and prometheus-node-exporter.
set -euo pipefail

cd "$(dirname "$0")/.."
B=${B:-build}
SCRAPES=${SCRAPES:-20}
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(1000 10000)
PE=/usr/bin/prometheus-process-exporter
NE=/usr/bin/prometheus-node-exporter
for p in "$B/bench/spawn" "$B/vmon-export" $PE $NE; do
	[ -x "$p" ] || { echo "exporters.sh: no $p (make bench-build $B/vmon-export; apt-get install prometheus-process-exporter prometheus-node-exporter)" >&2; exit 1; }
done
OUT=$(mktemp -d /tmp/vmon-bench-exporters.XXXXXX)
cat > "$OUT/procnames.yml" <<'YML'
process_names:
  - name: "{{.Comm}}"
    cmdline: ['.+']
YML

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	pids=()
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# one scrape over HTTP/1.0 (the server closes): the page's bytes
scrape() {
	local port=$1 n
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	n=$(wc -c <&3)
	exec 3<&-
	echo "$n"
}

wait_port() {
	local port=$1 i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "exporters.sh: nothing listens on $port" >&2
	exit 1
}

# start exporter i of the table on its port; its pid in $epid
start_exporter() {
	local i=$1 port=$2
	case $i in
	0) "$B/vmon-export" --listen "127.0.0.1:$port" --interval 1 2>"$OUT/vmon-export.log" & ;;
	1) $PE -web.listen-address "127.0.0.1:$port" -config.path "$OUT/procnames.yml" \
		>"$OUT/pe.log" 2>&1 & ;;
	2) $PE -web.listen-address "127.0.0.1:$port" -config.path "$OUT/procnames.yml" \
		-threads=false -gather-smaps=false >"$OUT/pe-lean.log" 2>&1 & ;;
	3) $NE --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.processes >"$OUT/ne.log" 2>&1 & ;;
	esac
	epid=$!
	pids+=("$epid")
	wait_port "$port"
}

# One exporter alone: 2 warm-up scrapes, then SCRAPES scrapes one a
# second (back to back when a scrape takes longer).  Sets res to
# "CPU_TICKS WALL_US BYTES RSS_KB" (not a subshell: its exporter's pid
# stays in pids for the trap).
measure() {
	local i=$1 port=$((19300 + $1)) t0 t1 wall=0 bytes=0 start next a b rss
	start_exporter "$i" "$port"
	scrape "$port" >/dev/null
	sleep 1
	scrape "$port" >/dev/null
	t0=$(cpu_ticks "$epid")
	start=$(date +%s.%N)
	for s in $(seq "$SCRAPES"); do
		next=$(echo "$start + $s - 1" | bc)
		sleep "$(echo "x = $next - $(date +%s.%N); if (x < 0) 0 else x" | bc)"
		a=$(date +%s%N)
		bytes=$(scrape "$port")
		b=$(date +%s%N)
		wall=$((wall + (b - a) / 1000))
	done
	t1=$(cpu_ticks "$epid")
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$epid/status")
	kill "$epid"
	wait "$epid" 2>/dev/null || true
	res="$((t1 - t0)) $wall $bytes $rss"
}

run_one() {
	local n=$1 hz base
	local names=(vmon-export process-exporter "process-exporter (lean)" node_exporter)
	local cpu=() wall=() bytes=() rss=()

	coproc SPAWN { exec "$B/bench/spawn" -n "$n"; }
	pids+=("$SPAWN_PID")
	read -r ready <&"${SPAWN[0]}"
	case $ready in ready*) ;; *) echo "exporters.sh: spawn said: $ready" >&2; exit 1 ;; esac
	for i in "${!names[@]}"; do
		measure "$i"
		read -r "cpu[$i]" "wall[$i]" "bytes[$i]" "rss[$i]" <<< "$res"
	done
	hz=$(getconf CLK_TCK)
	base=$(echo "${cpu[0]} * 1000 / $hz / $SCRAPES" | bc -l)
	echo
	echo "### $n idle processes"
	echo
	echo "Each exporter alone, $SCRAPES scrapes a second apart after 2 warm-up scrapes; load average $(cut -d' ' -f1 /proc/loadavg) at the end."
	echo
	echo "| exporter | CPU per scrape | ratio to vmon-export | wall per scrape | page | RSS |"
	echo "|---|---|---|---|---|---|"
	for i in "${!names[@]}"; do
		local ms
		ms=$(echo "${cpu[$i]} * 1000 / $hz / $SCRAPES" | bc -l)
		printf '| %s | %.1f ms | %s | %.1f ms | %d kB | %d MiB |\n' "${names[$i]}" "$ms" \
			"$(awk -v m="$ms" -v b="$base" 'BEGIN { if (b > 0) printf "%.2fx", m / b; else print "-" }')" \
			"$(echo "${wall[$i]} / 1000 / $SCRAPES" | bc -l)" "$((bytes[$i] / 1024))" \
			"$((rss[$i] / 1024))"
	done
	cleanup
}

echo "exporters.sh: raw logs in $OUT" >&2
for n in "${NS[@]}"; do run_one "$n"; done
