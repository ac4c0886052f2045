#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus-vmon.sh - (re)write the seed inputs of fuzz_vmon_record
# (fuzz/corpus/vmon_record/): real records (record-*), the committed
# version 1 record and ones build/vmon --record writes of small runs here,
# each also with its header's field descriptions left out ("-small": the
# reader skips them, and a fuzzer goes faster without 14 kB it need not
# mutate); and hand-written cases of the hostile records of
# tests/integration/test_vmon_replay_hostile.c (case-*).  Crash inputs
# (crash-*) and what `make fuzz-merge` added are left alone.  Run it from
# the top of the tree after `make check-build`, as root for the netlink
# record; commit the result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus/vmon_record
VMON=${VMON:-build/vmon}
BURN=${BURN:-build/workloads/burn}
mkdir -p "$C"
rm -f "$C"/record-* "$C"/case-*
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- real records ----
record() {	# NAME VMON-ARGS...
	local name=$1
	shift
	"$VMON" --no-live -q -z 50 --record "$C/record-$name" "$@" > /dev/null 2>&1 ||
		[ -s "$C/record-$name" ] || { rm -f "$C/record-$name"; return 0; }
}
cp tests/workloads/record-v1.jsonl "$C/record-v1"
record true -- true
record burners -- /bin/sh -c "$BURN -m 60 & $BURN -t 2 -m 60 -i 40; wait"
record statuses --events wait -- /bin/sh -c '/bin/sh -c "exit 3"; /bin/sh -c "kill -9 \$\$"; exit 5'
[ "$(id -u)" = 0 ] && record netlink --events netlink -- /bin/sh -c 'for i in 1 2 3; do /bin/true; done'
sleep 2 &
record attached -p $! -d 0.2
kill $! 2>/dev/null || true
wait || true
for f in "$C"/record-*; do
	sed '1s/,"fields":{.*}}$/}/' "$f" > "$f-small"
done

# ---- hand-written cases ----
H='{"type":"header","format":"vmon-record","version":2,"mode":"run","command":["x"],"events":"none","pid":10,"monitor_pid":9,"hz":10,"ticks_per_sec":100,"page_size":4096,"num_cpus":2}'
b() { printf '{"type":"birth","seq":0,"t":0.1,"id":%s,"pid":%s,"ppid":9,"parent":%s,"comm":"x","argv":["x"],"preexisting":false}\n' "$@"; }
s() { printf '{"type":"sample","seq":%s,"t":%s,"late":%s,"sys":{"sys_stat":{"user":5,"idle":9},"sys_vm":{"total_kb":100,"available_kb":50}},"procs":[%s]}\n' "$@"; }
e() { printf '{"type":"end","seq":%s,"t":%s,"samples":1,"missed":0,"exit_status":{"code":0}%s,"running":[]}\n' "$@"; }
x() { printf '{"type":"exit","seq":0,"t":0.1,"id":%s,"pid":10,"status":{"code":0}%s}\n' "$@"; }
M=9223372036853.999999
P='{"id":1,"proc_stat":{"utime":5,"stime":1,"rss":100,"state":"R","num_threads":1},"proc_io":{"rchars":10,"wchars":5,"read_bytes":0,"write_bytes":0}}'
case_() { local name=$1; shift; { printf '%s\n' "$H"; "$@"; } > "$C/case-$name"; }
ok() { b 1 10 null; s 0 0.1 0.0 "$P"; x 1 ',"final":{"user_us":60000,"system_us":10000,"peak_rss_kb":400,"rchar":10,"wchar":5,"read_bytes":0,"write_bytes":0,"born":0.05,"ended":0.1}'; e 0 0.1 ',"reaped_cpu":{"user":0.06,"system":0.01}'; }
case_ base ok
case_ id-2p32 eval 'b 1 10 null; s 0 0.1 0.0 "{\"id\":4294967297,\"proc_stat\":{\"utime\":5}}"; e 0 0.1 ""'
case_ exit-id-2p32 eval 'b 1 10 null; x 4294967297 ""; e 0 0.1 ""'
case_ parent-2p32 eval 'b 1 10 null; b 2 11 4294967297; e 0 0.1 ""'
case_ pid-2p32 eval 'b 1 4294967306 null; e 0 0.1 ""'
{ printf '%s\n' "${H/\"hz\":10/\"hz\":null}"; b 1 10 null; e 0 0.1 ""; } > "$C/case-hz-null"
{ printf '%s\n' "${H/\"hz\":10/\"hz\":1e999}"; b 1 10 null; e 0 0.1 ""; } > "$C/case-hz-inf"
case_ deep-chain eval 'b 1 100 null; for i in $(seq 2 300); do b $i $((100 + i)) $((i - 1)); done; s 0 0.1 0.0 "$P"; e 0 0.1 ""'
case_ wide-tree eval 'b 1 100 null; for i in $(seq 2 300); do b $i $((100 + i)) 1; done; s 0 0.1 0.0 "$P"; e 0 0.1 ""'
case_ t-huge eval 'b 1 10 null; s 0 0.1 0.0 ""; s 1 99999999999999999999.0 0.0 ""; e 1 0.1 ""'
case_ t-back eval 'b 1 10 null; s 0 0.1 0.0 ""; s 1 0.05 0.0 ""; e 1 0.1 ""'
case_ t-max eval 'b 1 10 null; s 0 $M $M "{\"id\":1,\"proc_stat\":{\"utime\":8796093022208,\"stime\":8796093022208}}"; e 0 $M ",\"reaped_cpu\":{\"user\":$M,\"system\":0}"'
case_ late-sum eval 'b 1 10 null; s 0 0.1 $M ""; s 1 0.2 $M ""; e 1 0.2 ""'
case_ reaped-sum eval 'b 1 10 null; e 0 0.1 ",\"reaped_cpu\":{\"user\":$M,\"system\":$M}"'
case_ cpu-sum eval 'b 1 10 null; b 2 11 1; x 1 ",\"final\":{\"user_us\":9223372036854775807,\"system_us\":0}"; x 2 ",\"final\":{\"user_us\":9223372036854775807,\"system_us\":0}"; e 0 0.1 ""'
case_ own-parent eval 'b 1 10 null; b 2 11 2; e 0 0.1 ""'
case_ parent-loop eval 'b 1 10 null; b 2 11 4; b 3 12 2; b 4 13 3; b 5 14 3; e 0 0.1 ""'
case_ parent-later eval 'b 1 10 3; b 2 11 1; b 3 12 null; s 0 0.1 0.0 ""; e 0 0.1 ""'
case_ thread eval 'b 1 10 null; printf "%s\n" "{\"type\":\"birth\",\"seq\":0,\"t\":0.1,\"id\":2,\"tid\":11,\"pid\":10,\"parent\":1,\"comm\":\"x\",\"preexisting\":false}"; s 0 0.1 0.0 "{\"id\":2,\"proc_stat\":{\"utime\":3}}"; e 0 0.1 ""'
ok > "$tmp/ok"
{ printf '%s\n' "$H"; head -c -20 "$tmp/ok"; } > "$C/case-cut-last-line"
printf '%s' "${H:0:60}" > "$C/case-cut-first-line"
: > "$C/case-empty"
echo "seed corpus: $(ls $C | wc -l) files in $C"
