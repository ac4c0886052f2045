#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus-wants.sh - (re)write the seed inputs of the targets of
# the 0.2 wants (status, smaps_rollup, cgroup, ns, oom, sched, limits,
# loadavg, uptime, vmstat, pressure, diskstats, net/dev), as seed-corpus.sh does
# for the others: captures of this machine's /proc (capture-*), files of
# the fixture roots (fixture-*) and hand-written hazards (case-*).  Run it
# from the top of the tree as root; commit the result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus
FIX=tests/fixtures/proc/wants
TARGETS="proc_status proc_smaps_rollup proc_cgroup proc_ns proc_oom proc_sched
	proc_limits sys_loadavg sys_uptime sys_vmstat sys_pressure sys_diskstats sys_net_dev"
for t in $TARGETS; do
	mkdir -p "$C/$t"
	rm -f "$C/$t"/capture-* "$C/$t"/fixture-* "$C/$t"/case-*
done

grab() { cat "$1" > "$2" 2>/dev/null || rm -f "$2"; }
# a process's ns links as the sampler joins them: "NAME:[INODE]" per line,
# NAME the link's (pid_for_children's target says "pid:[INODE]")
ns_line() {
	local t
	t=$(readlink "$1" 2>/dev/null) && echo "$(basename "$1"):${t#*:}" || true
}
ns_links() {
	for n in cgroup ipc mnt net pid time user uts pid_for_children; do
		ns_line "/proc/$1/ns/$n"
	done > "$2"
}

# ---- captures of this machine ----
for pid in self 1 2; do
	grab /proc/$pid/status "$C/proc_status/capture-$pid-status"
	grab /proc/$pid/smaps_rollup "$C/proc_smaps_rollup/capture-$pid-smaps_rollup"
	grab /proc/$pid/cgroup "$C/proc_cgroup/capture-$pid-cgroup"
	ns_links $pid "$C/proc_ns/capture-$pid-ns"
	cat /proc/$pid/oom_score /proc/$pid/oom_score_adj > "$C/proc_oom/capture-$pid-oom"
	grab /proc/$pid/schedstat "$C/proc_sched/capture-$pid-schedstat"
	grab /proc/$pid/stat "$C/proc_sched/capture-$pid-stat"
	grab /proc/$pid/limits "$C/proc_limits/capture-$pid-limits"
done
grab /proc/loadavg "$C/sys_loadavg/capture-loadavg"
grab /proc/uptime "$C/sys_uptime/capture-uptime"
grab /proc/vmstat "$C/sys_vmstat/capture-vmstat"
for r in cpu memory io; do
	grab /proc/pressure/$r "$C/sys_pressure/capture-$r"
done
grab /proc/diskstats "$C/sys_diskstats/capture-diskstats"
grab /proc/net/dev "$C/sys_net_dev/capture-net-dev"

# ---- the fixture roots ----
for pid in 300 301; do
	for f in status smaps_rollup cgroup schedstat; do
		t=proc_$f; [ $f = schedstat ] && t=proc_sched
		[ -f $FIX/$pid/$f ] && cp $FIX/$pid/$f "$C/$t/fixture-wants-$pid-$f"
	done
	cat $FIX/$pid/oom_score $FIX/$pid/oom_score_adj > "$C/proc_oom/fixture-wants-$pid-oom"
done
ns_links_fixture() {
	for l in $FIX/300/ns/*; do ns_line "$l"; done
}
ns_links_fixture > "$C/proc_ns/fixture-wants-300-ns"
# the parity root: hostile NSpid, masks and limits
for pid in 400 401 402; do
	cp $FIX/../parity/$pid/status "$C/proc_status/fixture-parity-$pid-status"
	cp $FIX/../parity/$pid/limits "$C/proc_limits/fixture-parity-$pid-limits"
done
cp $FIX/loadavg "$C/sys_loadavg/fixture-wants-loadavg"
cp $FIX/uptime "$C/sys_uptime/fixture-wants-uptime"
cp $FIX/vmstat "$C/sys_vmstat/fixture-wants-vmstat"
cp $FIX/../wants_backwards/vmstat "$C/sys_vmstat/fixture-wants_backwards-vmstat"
cp $FIX/diskstats "$C/sys_diskstats/fixture-wants-diskstats"
cp $FIX/net/dev "$C/sys_net_dev/fixture-wants-net-dev"

# ---- hand-written hazards ----
printf 'Uid:\t1\t2\nUid:\t3\t3\t3\t3\nGroups:\t1 x\nSigQ:\t/\nSigPnd:\t1ffffffffffffffff\nCapEff:\tzz\nVmRSS:\t-1 kB\nName:\ta\\nUid: 0\n' \
	> "$C/proc_status/case-odd"
printf 'Groups:' > "$C/proc_status/case-groups-no-newline"
printf 'Private_Clean: 18446744073709551615 kB\nPrivate_Dirty: 1 kB\n' > "$C/proc_smaps_rollup/case-uss-overflow"
printf '0::/docker/\n0::/lxc.payload.\n1:name=systemd:/machine-.scope\n2::\n:::\n99999999999:x:/\n' \
	> "$C/proc_cgroup/case-odd"
printf '0::/a/docker-%s.scope/lxc/x/crio-conmon-1.scope/libpod-2.scope\n' "$(head -c 300 /dev/zero | tr '\0' f)" \
	> "$C/proc_cgroup/case-long-id"
printf 'net:[\nnet:[1]\npid:[18446744073709551616]\n:[1]\nuts:[1]]\n' > "$C/proc_ns/case-odd"
printf 'pid_for_children:[7]\npid_for_children:[8]\npid_for_children:\npid_for_childrenx:[9]\n' \
	> "$C/proc_ns/case-for-children"
printf 'NSpid:\t1\t0\nNSpid:\t5\nCpus_allowed:\tff,fffffff\nCpus_allowed:\t3\n' \
	> "$C/proc_status/case-lists-odd"
printf 'NSpid:\t%s\nCpus_allowed:\t%s\n' "$(seq -s ' ' 1 70)" \
	"$(printf 'f'; for i in $(seq 40); do printf ',80000001'; done)" > "$C/proc_status/case-lists-long"
printf '%s\n' -1 99999999999999999999 > "$C/proc_oom/case-odd"
printf 'Max cpu time unlimited\nMax cpu time\t1 2\nMax open files  99999999999999999999 unlimited\nMax nice priority -1 +1\nMax open filesx 1 2\n Max stack size 1 2\nMax file locks unlimited unlimited unlimited unlimited\nMax realtime timeout\n' \
	> "$C/proc_limits/case-odd"
printf '1 2\n) ) ) 1 2 3\n' > "$C/proc_sched/case-odd"
printf '0.1 1.234 99999999999999999.99 1/ /2 x\n' > "$C/sys_loadavg/case-odd"
printf '.5 5.\n' > "$C/sys_uptime/case-odd"
printf 'a 1\na 2\nb\n 3\nc x\n\n\n' > "$C/sys_vmstat/case-repeats"
printf 'some avg10=1 avg10=2 total= =5\nfull\nsome total=1\n' > "$C/sys_pressure/case-odd"
printf '1 2 sda\n1 2 sda 1\n8 0 sdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n' \
	> "$C/sys_diskstats/case-odd"
printf ': 1\n  :\nx:y: 1\nlo:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n' > "$C/sys_net_dev/case-odd"
for t in $TARGETS; do
	echo "$t: $(ls "$C/$t" | wc -l) seeds"
done
