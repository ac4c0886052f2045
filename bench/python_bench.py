#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# python_bench.py - the Python package vmon against psutil, for the same
# fields, in one run: at each N of the list (1,000 and 5,000 by default)
# the spawner (bench/spawn.c) starts N idle processes, then rounds
# alternate psutil.process_iter(attrs=[pid, name, cpu_times, memory_info,
# io_counters]) and vmon.Monitor(all=True) samples read through the same
# accessors (with refresh=32, which reads what psutil reads here: stat,
# statm and io; and at the default refresh, which also reads cmdline, exe
# and wchan at every sample), in this one interpreter.  CPU time (user + system of the
# process, getrusage) per process per sample, the median of the rounds,
# and the ratio psutil / vmon.  vmon's figure is split in two: the
# library's own (vmon_sample_cost()'s CPU time of the call) and the
# binding's (everything else: listing the nodes, the Process objects, the
# accessors and their tuples).
#
# usage: python_bench.py [-n 1000,5000] [-r ROUNDS] [-s SAMPLES] [-b BUILD]
#   (make bench-python: after `make python bench-build`)

import argparse
import os
import resource
import statistics
import subprocess
import sys

import psutil

ATTRS = ["pid", "name", "cpu_times", "memory_info", "io_counters"]


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def psutil_sample():
    n = sink = 0
    for p in psutil.process_iter(attrs=ATTRS):
        info = p.info
        ct, mi, io = info["cpu_times"], info["memory_info"], info["io_counters"]
        sink += len(info["name"] or "")
        if ct is not None:
            sink += ct.user + ct.system
        if mi is not None:
            sink += mi.rss + mi.vms
        if io is not None:
            sink += io.read_bytes + io.write_bytes
        n += 1
    return n


def vmon_sample(vmon, mon):
    mon.sample()
    lib_ns = mon.sample_cost().cpu_ns
    n = sink = 0
    for p in mon:
        sink += len(p.name() or "")
        ct, mi = p.cpu_times(), p.memory_info()
        try:
            io = p.io_counters()
        except vmon.AccessDenied:
            io = None
        sink += ct.user + ct.system + mi.rss + mi.vms
        if io is not None:
            sink += io.read_bytes + io.write_bytes
        n += 1
    return n, lib_ns


def measure(vmon, rounds, samples):
    """Rounds of psutil, vmon at the default refresh (cmdline, exe and
    wchan at every sample) and vmon with refresh=32 (stat, statm and io,
    what psutil reads here), interleaved."""
    ps, counts = [], []
    runs = {"default": ([], []), "cheap": ([], [])}
    # two instances in one process: each gets half the descriptors (each
    # alone would take the whole RLIMIT_NOFILE, and the other's files
    # would be unavailable)
    budget = (resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 256) // 2
    with vmon.Monitor(wants=("stat", "vm", "io"), all=True, fd_budget=budget) as default, \
            vmon.Monitor(wants=("stat", "vm", "io"), all=True, refresh=32,
                         fd_budget=budget) as cheap:
        mons = {"default": default, "cheap": cheap}
        psutil_sample()  # warm-up: each keeps per-process objects
        for mon in mons.values():
            vmon_sample(vmon, mon)
        for _ in range(rounds):
            c0 = cpu()
            for _ in range(samples):
                n = psutil_sample()
            ps.append((cpu() - c0) / samples / n)
            counts.append(n)
            for name, mon in mons.items():
                c0, lib = cpu(), 0
                for _ in range(samples):
                    n, ns = vmon_sample(vmon, mon)
                    lib += ns
                runs[name][0].append((cpu() - c0) / samples / n)
                runs[name][1].append(lib / 1e9 / samples / n)
    med = (lambda x: statistics.median(x) * 1e6)
    out = {"procs": max(counts), "psutil": med(ps)}
    for name, (total, lib) in runs.items():
        out[name] = (med(total), med(lib))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", default="1000,5000")
    ap.add_argument("-r", type=int, default=5, dest="rounds")
    ap.add_argument("-s", type=int, default=5, dest="samples")
    ap.add_argument("-b", default="build", dest="build")
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(a.build, "python"))
    import vmon
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print("# CPU per process per sample (us), median of %d rounds of %d samples; "
          "psutil %s, python %s" % (a.rounds, a.samples, psutil.__version__,
                                   sys.version.split()[0]))
    print("| N | processes | psutil | vmon mode | vmon (Python) | of which libvmon "
          "| of which the binding | psutil / vmon |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(x) for x in a.n.split(",")):
        spawner = subprocess.Popen([os.path.join(a.build, "bench", "spawn"), "-n", str(n)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            ready = spawner.stdout.readline()
            if not ready.startswith("ready"):
                raise SystemExit("python_bench.py: the spawner said %r" % ready)
            r = measure(vmon, a.rounds, a.samples)
        finally:
            spawner.stdin.close()  # it kills and reaps its children by pid
            spawner.wait()
        for mode, label in (("cheap", "refresh=32"), ("default", "default")):
            total, lib = r[mode]
            print("| %d | %d | %.1f | %s | %.2f | %.2f | %.2f | %.1fx |" % (
                n, r["procs"], r["psutil"], label, total, lib, total - lib,
                r["psutil"] / total), flush=True)


if __name__ == "__main__":
    main()
