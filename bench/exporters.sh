#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/exporters.sh - what a scrape costs the exporter: vmon-export
# against process-exporter (Debian's prometheus-process-exporter, with its
# defaults and lean) and node_exporter's processes collector
# (prometheus-node-exporter, that collector alone), all running at once
# over the same N idle processes (bench/spawn), each scraped once a second
# for SCRAPES seconds after 3 warm-up scrapes.  The exporter's CPU (user +
# system of all its threads, from /proc/PID/stat) over the measured
# seconds, divided by the scrapes, is its CPU per scrape; the table gives
# each as a ratio to vmon-export's from the same run.
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
# Environment: B=build, SCRAPES=30.  It runs as root (vmon-export's event
# source; the others read every process's files).  Needs
# prometheus-process-exporter and prometheus-node-exporter.
set -euo pipefail

cd "$(dirname "$0")/.."
B=${B:-build}
SCRAPES=${SCRAPES:-30}
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

run_one() {
	local n=$1
	local names=(vmon-export process-exporter process-exporter-lean node_exporter)
	local ports=(19256 19257 19258 19100)
	local epids=() t0=() t1=() wall=() bytes=()

	coproc SPAWN { exec "$B/bench/spawn" -n "$n"; }
	pids+=("$SPAWN_PID")
	read -r ready <&"${SPAWN[0]}"
	case $ready in ready*) ;; *) echo "exporters.sh: spawn said: $ready" >&2; exit 1 ;; esac

	"$B/vmon-export" --listen 127.0.0.1:${ports[0]} --interval 1 2>"$OUT/vmon-export.log" &
	epids+=($!)
	$PE -web.listen-address 127.0.0.1:${ports[1]} -config.path "$OUT/procnames.yml" \
		>"$OUT/pe.log" 2>&1 &
	epids+=($!)
	$PE -web.listen-address 127.0.0.1:${ports[2]} -config.path "$OUT/procnames.yml" \
		-threads=false -gather-smaps=false >"$OUT/pe-lean.log" 2>&1 &
	epids+=($!)
	$NE --web.listen-address=127.0.0.1:${ports[3]} --collector.disable-defaults \
		--collector.processes >"$OUT/ne.log" 2>&1 &
	epids+=($!)
	pids+=("${epids[@]}")
	for p in "${ports[@]}"; do wait_port "$p"; done

	for w in 1 2 3; do
		for p in "${ports[@]}"; do scrape "$p" >/dev/null; done
		sleep 1
	done
	for i in "${!epids[@]}"; do t0[$i]=$(cpu_ticks "${epids[$i]}"); wall[$i]=0; done
	local start next
	start=$(date +%s.%N)
	for s in $(seq "$SCRAPES"); do
		for i in "${!ports[@]}"; do
			local a b
			a=$(date +%s%N)
			bytes[$i]=$(scrape "${ports[$i]}")
			b=$(date +%s%N)
			wall[$i]=$((wall[$i] + (b - a) / 1000))
		done
		next=$(echo "$start + $s" | bc)
		sleep "$(echo "x = $next - $(date +%s.%N); if (x < 0) 0 else x" | bc)"
	done
	for i in "${!epids[@]}"; do t1[$i]=$(cpu_ticks "${epids[$i]}"); done

	local hz base
	hz=$(getconf CLK_TCK)
	base=$(echo "(${t1[0]} - ${t0[0]}) * 1000 / $hz / $SCRAPES" | bc -l)
	echo
	echo "### $n idle processes"
	echo
	echo "$SCRAPES scrapes a second apart, each exporter running through all of them; load average $(cut -d' ' -f1 /proc/loadavg) at the end."
	echo
	echo "| exporter | CPU per scrape | ratio to vmon-export | wall per scrape | page |"
	echo "|---|---|---|---|---|"
	for i in "${!names[@]}"; do
		local ms
		ms=$(echo "(${t1[$i]} - ${t0[$i]}) * 1000 / $hz / $SCRAPES" | bc -l)
		printf '| %s | %.2f ms | %s | %.2f ms | %d kB |\n' "${names[$i]}" "$ms" \
			"$(echo "$base" | awk -v m="$ms" '{ if ($1 > 0) printf "%.2fx", m / $1; else print "-" }')" \
			"$(echo "${wall[$i]} / 1000 / $SCRAPES" | bc -l)" "$((bytes[$i] / 1024))"
	done
	cleanup
}

echo "exporters.sh: raw logs in $OUT" >&2
for n in "${NS[@]}"; do run_one "$n"; done
