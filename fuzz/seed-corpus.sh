#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus.sh - (re)write the seed inputs of fuzz/corpus/<target>/
# from three sources: captures of this machine's /proc (capture-*), the
# fixture proc roots of the test suite (fixture-*), and hand-written cases
# of the hazards in docs/design/kernel.md (case-*).  Crash inputs (crash-*)
# and what `make fuzz-merge` added are left alone.  Run it from the top of
# the tree as root (to read every process's fd links); commit the result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus
FIX=tests/fixtures/proc
for t in sys_stat sys_vm proc_stat proc_vm proc_io children cmdline fd_target fdinfo; do
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
# the fdinfo of one descriptor of each kind this machine's processes hold
# (the kind: "path", or the link target without its digits)...
declare -A kinds
for f in /proc/[0-9]*/fd/*; do
	t=$(readlink "$f" 2>/dev/null) || continue
	[ "${t:0:1}" = / ] && t=path
	k=$(printf '%s' "${t//[0-9]/}" | tr -c 'A-Za-z_-' _)
	[ -z "${kinds[$k]:-}" ] || continue
	kinds[$k]=1
	grab "${f%/fd/*}/fdinfo/${f##*/}" "$C/fdinfo/capture-machine-${k:0:40}"
done
# ...and of the anon inodes a process of this script makes, whether the
# machine's hold them or not (python3 from Debian: os, select, ctypes)
/usr/bin/python3 - "$C/fdinfo" <<'PY'
import ctypes, os, select, signal, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
out = sys.argv[1]
def grab(name, fd):
    with open('/proc/self/fdinfo/%d' % fd, 'rb') as f, open('%s/capture-%s' % (out, name), 'wb') as o:
        o.write(f.read())
r = os.open('/etc/passwd', os.O_RDONLY); os.lseek(r, 17, 0); grab('file-at-17', r)
a = os.open(out + '/../.fdinfo-scratch', os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
os.write(a, b'x' * 100); grab('file-append', a); os.unlink(out + '/../.fdinfo-scratch')
e1 = os.eventfd(0); e2 = os.eventfd(5, os.EFD_SEMAPHORE)
grab('eventfd', e1); grab('eventfd-semaphore', e2)
ep = select.epoll(); ep.register(e1, select.EPOLLIN); ep.register(e2, select.EPOLLOUT)
ep0 = select.epoll()
grab('epoll-two-targets', ep.fileno()); grab('epoll-empty', ep0.fileno())
grab('pidfd', os.pidfd_open(os.getpid()))
grab('memfd', os.memfd_create('x'))
p = os.pipe(); grab('pipe-write', p[1])
tfd = libc.timerfd_create(1, 0)
libc.timerfd_settime(tfd, 0, struct.pack('llll', 1, 0, 100, 0), None); grab('timerfd', tfd)
mask = ctypes.create_string_buffer(struct.pack('Q', 1 << (signal.SIGUSR1 - 1)), 128)
grab('signalfd', libc.signalfd(-1, mask, 0))
ino = libc.inotify_init1(0); libc.inotify_add_watch(ino, b'/tmp', 0x100); grab('inotify', ino)
PY

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

# ---- hand-written cases (the A hazards of docs/design/kernel.md) ----
line() { printf '%b' "$2" > "$1"; }
for t in sys_stat sys_vm proc_stat proc_vm proc_io children cmdline fd_target fdinfo; do
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
line "$C/fdinfo/case-cut" "pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t26\neventfd-count: 0\neventfd-id: 12"
line "$C/fdinfo/case-odd" "pos:\t-1\npos:\t5\nflags:\t0178\nmnt_id:\t2147483648\n pos:\t3\neventfd-id:\n\neventfd-id: 4\ntfd: 3 pos:7 ino:1a\n"
echo "seed corpus: $(find $C -type f | wc -l) files in $(ls $C | wc -l) targets"
