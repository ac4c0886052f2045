# SPDX-License-Identifier: LGPL-2.1-or-later
"""The churn test's program (test_churn.py runs it with the test build of
libvmon, whose invariant checker aborts the process on a violation).

It steers a puppet through rounds of fork storms and forked children
killed while two Monitors watch (every process, for the first third of
the rounds, and the puppet's tree),
reads every accessor of every process each round, keeps Process objects
of gone processes and reads them again later, then closes.  It prints, as
JSON: the samples taken, the checker's passes, the library's heap before,
during and after, and the Python heap (tracemalloc) of the tree Monitor's
loop after a warm-up and at the end."""
import ctypes
import gc
import json
import os
import signal
import sys
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import Puppets  # noqa: E402

import vmon  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 45
WANTS = ("stat", "vm", "io", "status", "files")


def touch(p):
    """Every accessor, as a caller would, errors included."""
    for name in ("name", "cmdline", "exe", "cpu_times", "memory_info",
                 "io_counters", "num_threads", "status", "create_time",
                 "cpu_percent", "rates", "uids", "exit", "files", "ppid"):
        try:
            getattr(p, name)()
        except (vmon.AccessDenied, vmon.NoSuchProcess):
            pass
    p.changed
    p.is_new
    try:
        p.children()
    except vmon.NoSuchProcess:
        pass


def main():
    lib = ctypes.CDLL("libvmon.so.0")
    lib.vmon_test_heap_bytes.restype = ctypes.c_size_t
    lib.vmon_test_checks_passed.restype = ctypes.c_ulong
    out = {"heap_before": lib.vmon_test_heap_bytes(),
           "checks_before": lib.vmon_test_checks_passed()}
    puppets = Puppets()
    samples = 0
    kept = []
    try:
        top = puppets.start()
        events = "netlink" if os.geteuid() == 0 else False
        with vmon.Monitor(wants=WANTS, all=True) as every, \
                vmon.Monitor(wants=WANTS, pids=[top.pid], events=events) as tree:
            for r in range(ROUNDS):
                # the Monitor of every process holds what the rest of the
                # machine does: it churns with the other for a third of the
                # rounds, the Python heap is measured over the tree's alone
                if r == ROUNDS // 3:
                    every.close()
                    tracemalloc.start(8)
                if r == ROUNDS // 3 + 5:  # what a round holds is in now
                    gc.collect()
                    out["py_warm"] = tracemalloc.get_traced_memory()[0]
                    warm = tracemalloc.take_snapshot()
                top.send("storm 40")
                kids = [int(x) for x in top.send("fork 5").split()]
                for m in (every, tree) if not every.closed else (tree,):
                    m.sample()
                    samples += 1
                    # every process of the tree, at most 300 of the machine's
                    # (its count is not ours: a bound keeps the run's time)
                    for i, p in enumerate(m):
                        if m is tree or i < 300:
                            touch(p)
                    for e in m.events():
                        touch(e.process)
                for pid in kids:
                    os.kill(pid, signal.SIGKILL)
                top.send("reap %d" % len(kids))
                tree.sample()
                samples += 1
                for e in tree.events():
                    touch(e.process)
                if r < 5:
                    kept.extend(e.process for e in tree.events() if e.kind != "birth")
                for p in kept:
                    touch(p)
            gc.collect()
            out["py_end"] = tracemalloc.get_traced_memory()[0]
            top = tracemalloc.take_snapshot().compare_to(warm, "traceback")[:3]
            out["py_growth"] = [str(d) for d in top] + \
                ["\n".join(d.traceback.format()) for d in top[:1]]
            out["heap_during"] = lib.vmon_test_heap_bytes()
        out["kept_gone"] = all(p.gone for p in kept) and len(kept) > 0
        out["heap_after"] = lib.vmon_test_heap_bytes()
        out["samples"] = samples
        out["checks"] = lib.vmon_test_checks_passed() - out["checks_before"]
    finally:
        puppets.end_all()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
