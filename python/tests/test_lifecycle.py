# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Process over the samples: is_new, changed, is_stale, gone; what it
keeps once its node is freed; births and exits in events(); closing."""
import os
import time

import pytest

import vmon


def test_new_changed_stale_gone(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat", "vm", "io"), pids=[p.pid]) as mon:
        mon.sample()
        proc = mon.process(p.pid)
        # first sample: every field is "changed"
        assert "stat.utime" in proc.changed and "vm.resident_pages" in proc.changed
        assert "io.wchars" in proc.changed
        mon.sample()
        assert not proc.is_new
        assert "io.wchars" not in proc.changed  # asleep: nothing written
        wrote = proc.io_counters().write_chars
        p.send("write 4096")
        mon.sample()
        assert {"io.wchars", "io.syscw"} <= proc.changed
        assert "stat.comm" not in proc.changed
        assert proc.io_counters().write_chars >= wrote + 4096
        before = (proc.io_counters(), proc.memory_info(), proc.cmdline())
        assert p.exit(7) == 7
        mon.sample()
        assert proc.is_stale and proc.gone and not proc.is_running()
        assert p.pid not in mon.pids()
        assert [(e.kind, e.process) for e in mon.events()] == [("exit", proc)]
        mon.sample()  # its node is freed now: the Process keeps a copy
        assert proc.gone and not proc.is_stale and proc._addr is None
        assert (proc.io_counters(), proc.memory_info(), proc.cmdline()) == before
        assert proc.changed == frozenset()
        with pytest.raises(vmon.NoSuchProcess):
            proc.children()
        with pytest.raises(vmon.NoSuchProcess):
            mon.process(p.pid)


def test_births_of_followed_children(puppets):
    top = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[top.pid]) as mon:
        mon.sample()
        assert [e.process.pid for e in mon.events() if e.kind == "birth"] == [top.pid]
        kids = [int(x) for x in top.send("fork 4").split()]
        puppets.adopt(kids)
        mon.sample()
        born = [e.process for e in mon.events() if e.kind == "birth"]
        assert sorted(b.pid for b in born) == sorted(kids)
        assert all(b.is_new for b in born)
        mon.sample()
        assert mon.events() == []
        assert not any(b.is_new for b in born)


def test_all_lists_new_processes_once(puppets):
    with vmon.Monitor(wants=("stat",), all=True) as mon:
        mon.sample()
        assert os.getpid() in [e.process.pid for e in mon.events()]
        p = puppets.start()
        mon.sample()
        born = [e.process.pid for e in mon.events() if e.kind == "birth"]
        # other processes of the machine may be born too; we are not again
        assert p.pid in born and os.getpid() not in born
        assert mon.process(p.pid).is_new


def test_same_process_same_object(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat",), all=True) as mon:
        mon.sample()
        a = mon.process(p.pid)
        mon.sample()
        assert mon.process(p.pid) is a
        assert [q for q in mon if q.pid == p.pid] == [a]


def test_close_keeps_copies_and_refuses_more(puppets):
    p = puppets.start()
    fds = sorted(os.listdir("/proc/self/fd"))
    mon = vmon.Monitor(wants=("stat", "vm"), all=True)
    mon.sample()
    procs = list(mon)
    names = [q.name() for q in procs]
    mine = mon.process(p.pid)
    rss = mine.memory_info().rss
    mon.close()
    assert mon.closed
    assert sorted(os.listdir("/proc/self/fd")) == fds  # every descriptor closed
    assert [q.name() for q in procs] == names
    assert all(q.gone for q in procs)
    assert mine.memory_info().rss == rss
    with pytest.raises(ValueError):
        mon.sample()
    with pytest.raises(ValueError):
        list(mon)
    mon.close()  # twice is fine


def test_context_manager_closes_on_error():
    with pytest.raises(ZeroDivisionError):
        with vmon.Monitor(wants=("stat",), all=True) as mon:
            mon.sample()
            1 / 0
    assert mon.closed


def test_threads(puppets):
    p = puppets.start()
    p.send("threads 2")
    with vmon.Monitor(wants=("stat",), pids=[p.pid], threads=True) as mon:
        mon.sample()
        tids = sorted(t.pid for t in mon.process(p.pid).threads())
        assert tids == sorted(int(t) for t in os.listdir("/proc/%d/task" % p.pid))
        assert p.pid not in [q.pid for q in mon if q.pid != p.pid]


def test_unclosed_monitor_is_freed_by_the_collector(puppets):
    """A Monitor dropped without close(), in a reference cycle with its
    Process objects: the collector finalizes it without a crash, and its
    descriptors are closed."""
    import gc
    p = puppets.start()
    fds = len(os.listdir("/proc/self/fd"))
    mon = vmon.Monitor(wants=("stat", "vm", "io"), pids=[p.pid])
    mon.sample()
    list(mon)[0].name()
    assert len(os.listdir("/proc/self/fd")) > fds
    del mon
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) == fds


def test_watch_yields_the_events_of_each_sample(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[p.pid]) as mon:
        events = mon.watch(interval=0)
        first = next(events)
        assert (first.kind, first.process.pid) == ("birth", p.pid)
        p.exit(0)
        gone = next(e for e in events if e.kind != "birth")
        assert (gone.kind, gone.process.pid) == ("exit", p.pid)


def test_want_interval_and_sample_cost(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat", "status"), pids=[p.pid]) as mon:
        mon.set_want_interval("status", 3)
        mon.sample()
        proc = mon.process(p.pid)
        assert "status.vol_ctxt_switches" in proc.changed
        p.send("burn 0.05")
        mon.sample()  # status is not read in this sample: nothing changes
        assert not any(f.startswith("status.") for f in proc.changed)
        assert "stat.utime" in proc.changed or "stat.stime" in proc.changed
        cost = mon.sample_cost()
        assert cost.reads > 0 and cost.fds_held > 0
        with pytest.raises(ValueError):
            mon.set_want_interval("stat", 2)


def test_thread_nodes_that_end_keep_their_copies(puppets):
    p = puppets.start()
    p.send("threads 3")
    with vmon.Monitor(wants=("stat",), pids=[p.pid], threads=True) as mon:
        mon.sample()
        threads = [t for t in mon.process(p.pid).threads() if t.pid != p.pid]
        assert len(threads) == 3
        names = [t.name() for t in threads]
        p.send("join")
        # join() returns before the kernel has done with a thread
        deadline = time.monotonic() + 30
        while len(os.listdir("/proc/%d/task" % p.pid)) > 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        mon.sample()
        mon.sample()  # the thread nodes are freed: their Process objects copied out
        assert all(t.gone and t._addr is None for t in threads)
        assert [t.name() for t in threads] == names
        assert [t.pid for t in mon.process(p.pid).threads()] in ([], [p.pid])
