#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# psutil_bench.py - the psutil reference of docs/design/performance.md
# (Debian python3-psutil): every sample, psutil.process_iter(attrs=[pid,
# cpu_times, memory_info, io_counters]) over every process, which is how
# most Python monitors and exporters read the same figures (stat, statm and
# io).  It measures the interpreter's CPU time (getrusage, user + system)
# and wall time over the measured samples and prints the same BENCH line as
# the C harnesses (bench.h).  Heap per process is the growth of the
# process's resident set (VmRSS) from before the first sample to after the
# last: the CPython allocator takes memory from its own arenas, which
# mallinfo2() does not see.  psutil holds no descriptor between samples.
#
# usage: psutil_bench.py [-w WARMUP] [-s SAMPLES]

import argparse
import os
import resource
import sys
import time

import psutil

ATTRS = ["pid", "cpu_times", "memory_info", "io_counters"]


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def count_fds():
    return len(os.listdir("/proc/self/fd")) - 1


def slab():
    """bench.c's figure: active_objs x objsize over slabinfo, else meminfo"""
    try:
        total = 0
        with open("/proc/slabinfo") as f:
            for line in f:
                if line.startswith("#") or line.startswith("slabinfo"):
                    continue
                w = line.split()
                total += int(w[1]) * int(w[3])
        return total, "slabinfo"
    except OSError:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("Slab:"):
                    return int(line.split()[1]) * 1024, "meminfo"
    return -1, "-"


def mark(length):
    """bench.h's bench_mark(): write(-1, ..., 4242 begin / 4243 end) fails
    at once with EBADF and shows in an strace of the run"""
    try:
        os.write(-1, b"x" * length)
    except OSError:
        pass


def sample():
    n = 0
    sink = 0
    for p in psutil.process_iter(attrs=ATTRS):
        info = p.info
        ct, mi, io = info["cpu_times"], info["memory_info"], info["io_counters"]
        if ct is not None:
            sink += ct.user + ct.system
        if mi is not None:
            sink += mi.rss + mi.vms
        if io is not None:
            sink += io.read_bytes + io.write_bytes
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-w", type=int, default=3, dest="warmup")
    ap.add_argument("-s", type=int, default=32, dest="samples")
    a = ap.parse_args()
    if a.warmup < 0 or a.samples < 1:
        ap.error("bad -w or -s")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    heap0, fds0 = rss_bytes(), count_fds()
    slab0, src = slab()
    for _ in range(a.warmup):
        sample()
    wall0, cpu0 = time.monotonic(), cpu()
    mark(4242)
    procs = 0
    for _ in range(a.samples):
        procs = sample()
    mark(4243)
    cpu_s, wall_s = cpu() - cpu0, time.monotonic() - wall0
    heap1, fds1 = rss_bytes(), count_fds()
    slab1, src = slab()
    slab2, src = slab()  # nothing to release: psutil holds no descriptor

    per = procs * a.samples
    heap = heap1 - heap0
    kmem = ("kmem_growth_b=%d kmem_held_b=%d" % (slab1 - slab0, slab1 - slab2)
            if slab0 >= 0 else "kmem_growth_b=- kmem_held_b=-")
    print("BENCH name=psutil procs=%d samples=%d cpu_us_per_proc=%.3f "
          "cpu_us_per_sample=%.1f wall_ms=%.3f heap_b=%d heap_b_per_proc=%.0f "
          "fds_held=%d %s kmem_src=%s heap_src=rss psutil=%s python=%s"
          % (procs, a.samples, cpu_s * 1e6 / per if per else 0,
             cpu_s * 1e6 / a.samples, wall_s * 1e3 / a.samples, heap,
             heap / procs if procs else 0, fds1 - fds0, kmem, src,
             psutil.__version__, sys.version.split()[0]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
