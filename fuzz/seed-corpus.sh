#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus.sh - (re)write the seed inputs of fuzz/corpus/<target>/
# from three sources: captures of this machine's /proc (capture-*), the
# fixture proc roots of the test suite (fixture-*), and hand-written cases
# of the hazards in reliability.md (case-*).  Crash inputs (crash-*) and
# what `make fuzz-merge` added are left alone.  Run it from the top of the
# tree as root (to read every process's fd links); commit the result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus
FIX=tests/fixtures/proc
for t in sys_stat sys_vm proc_stat proc_vm proc_io children cmdline fd_target; do
	mkdir -p "$C/$t"
	rm -f "$C/$t"/capture-* "$C/$t"/fixture-* "$C/$t"/case-*
done

# a file's bytes, if it can be read (processes come and go meanwhile)
grab() { cat "$1" > "$2" 2>/dev/null || rm -f "$2"; }

# ---- captures of this machine ----
grab /proc/stat "$C/sys_stat/capture-proc-stat"
grab /proc/meminfo "$C/sys_vm/capture-meminfo"
for pid in self 1 2; do
	grab /proc/$pid/stat "$C/proc_stat/capture-$pid-stat"
	grab /proc/$pid/statm "$C/proc_vm/capture-$pid-statm"
	grab /proc/$pid/io "$C/proc_io/capture-$pid-io"
	grab /proc/$pid/cmdline "$C/cmdline/capture-$pid-cmdline"
done
grab /proc/1/task/1/children "$C/children/capture-1-children"
grab /proc/2/task/2/children "$C/children/capture-2-children"
# a zombie: the child of a process that never waits
sh -c 'sleep 0 & exec sleep 1' &
zparent=$!
sleep 0.3
zombie=$(cat /proc/$zparent/task/$zparent/children 2>/dev/null || true)
if [ -n "$zombie" ]; then
	grab /proc/${zombie% }/stat "$C/proc_stat/capture-zombie-stat"
	grab /proc/${zombie% }/statm "$C/proc_vm/capture-zombie-statm"
	grab /proc/${zombie% }/cmdline "$C/cmdline/capture-zombie-cmdline"
fi
wait $zparent
# a thread's stat
for task in /proc/self/task/*; do
	grab "$task/stat" "$C/proc_stat/capture-task-stat"
	break
done
# every distinct descriptor link target of this machine
find /proc/[0-9]*/fd -maxdepth 1 -type l -exec readlink {} + 2>/dev/null | sort -u |
	head -n 200 > "$C/fd_target/capture-fd-links" || true

# ---- the fixture proc roots ----
for root in "$FIX"/*; do
	r=$(basename "$root")
	for f in stat meminfo; do
		[ -f "$root/$f" ] || continue
		t=sys_stat; [ $f = meminfo ] && t=sys_vm
		cp "$root/$f" "$C/$t/fixture-$r-$f"
	done
	for dir in "$root"/[0-9]*; do
		[ -d "$dir" ] || continue
		p=$(basename "$dir")
		[ -f "$dir/stat" ] && cp "$dir/stat" "$C/proc_stat/fixture-$r-$p-stat"
		[ -f "$dir/statm" ] && cp "$dir/statm" "$C/proc_vm/fixture-$r-$p-statm"
		[ -f "$dir/io" ] && cp "$dir/io" "$C/proc_io/fixture-$r-$p-io"
		[ -f "$dir/cmdline" ] && cp "$dir/cmdline" "$C/cmdline/fixture-$r-$p-cmdline"
		for ch in "$dir"/task/*/children; do
			[ -f "$ch" ] || continue
			tid=$(basename "$(dirname "$ch")")
			cp "$ch" "$C/children/fixture-$r-$p-$tid-children"
		done
		[ -L "$dir/exe" ] && readlink "$dir/exe" >> "$C/fd_target/fixture-links"
	done
done

# ---- hand-written cases (reliability.md section (c)) ----
line() { printf '%b' "$2" > "$1"; }
for t in sys_stat sys_vm proc_stat proc_vm proc_io children cmdline fd_target; do
	: > "$C/$t/case-empty"
done
tail52=" S 1 100 100 34816 100 4194560 120 0 1 0 7 3 0 0 20 0 1 0 5000 10485760 250 18446744073709551615 1 1 0 0 0 0 0 0 0 1 0 0 17 1 0 0 4 0 0 0 0 0 0 0 0 0 0\n"
line "$C/proc_stat/case-paren-spoof" "100 (x) R 1 2 3)$tail52"
line "$C/proc_stat/case-newline-spoof" "100 (a) Z 1 1 1\n)$tail52"
line "$C/proc_stat/case-all-parens" "100 (((( ))))$tail52"
line "$C/proc_stat/case-empty-comm" "100 ()$tail52"
line "$C/proc_stat/case-control-bytes" "100 (\x1b[2J\x01\xff)$tail52"
line "$C/proc_stat/case-truncated" "100 (sh) S 1 100"
line "$C/proc_stat/case-numeric-edges" "-1 (n) S -1 18446744073709551616 -0 +1 99999999999999999999 \n"
line "$C/proc_stat/case-extra-fields" "100 (x)$tail52 1 2 3 4 5 6 7 8 9 junk\n"
line "$C/proc_stat/case-no-paren" "100 x S 1\n"
line "$C/cmdline/case-spaces" "a b c "
line "$C/cmdline/case-padded" "title\0\0\0\0"
line "$C/cmdline/case-no-terminator" "a\0b\0tail"
line "$C/cmdline/case-only-nuls" "\0\0\0"
line "$C/proc_vm/case-short" "1 2 3\n"
line "$C/proc_vm/case-junk" "1 2 x 4 -5 6 7 8\n"
line "$C/proc_io/case-odd" "rchar:1\nwchar: 18446744073709551616\nsyscr: -1\nread_bytes: 7 kB\nrchar: 2\n"
line "$C/sys_vm/case-odd" "MemTotal: 0 kB\nMemAvailable: 99 kB\nMemFree:\t5\nActive(anon): 3 kB\nMemTotal: 7 kB\nHugePages_Total: 8\nNoColon 1\n"
line "$C/sys_vm/case-unknown-keys" "Zswap: 1 kB\nFutureKey: 18446744073709551615\nHuge: 18446744073709551616 kB\n: 5 kB\n :6\nDirectMap1G:\t7 kB junk\nZswap: 2 kB\nx\x01y: 3\nNeg: -1 kB\nHex: 0x10\nPercpu:  \n"
line "$C/sys_stat/case-columns" "cpu  1 2 3 4\ncpu0 1 2 3 4 5 6 7\ncpu1 1 2 3 4 5 6 7 8 9 10 11\nintr 5 1 2\nctxt 9\nbtime 1\nprocesses 2\nprocs_running 1\nprocs_blocked 0\nsoftirq 9 1 1 1 1 1 1 1 1 1 1\n"
line "$C/sys_stat/case-duplicates" "\ncpu  9 9 9 9\ncpu  0 0 0 0\n\ncpu0 1 1 1 1\n   \ncpu0 2 2 2 2\ncpux 1\ncpu99999999 1\nctxt 5\nctxt 6\n"
line "$C/sys_stat/case-hotplug" "cpu  1 1 1 1\ncpu0 1 1 1 1\ncpu2 1 1 1 1\ncpu7 1 1 1 1\n"
line "$C/children/case-mixed" "1 2 3 \n007 0 2147483647 2147483648 99999999999999999999 x12y 5\n"
line "$C/fd_target/case-kinds" "pipe:[1]\npipe:[0]\nsocket:[18446744073709551615]\nsocket:[18446744073709551616]\npipe:[]\npipe:[12]x\nanon_inode:[eventfd]\nanon_inode:\n/dev/null (deleted)\npipe:[1]\nsocket:[1]\n"
echo "seed corpus: $(find $C -type f | wc -l) files in $(ls $C | wc -l) targets"
