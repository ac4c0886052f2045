# SPDX-License-Identifier: LGPL-2.1-or-later
"""Births and exits: a fork storm under the library's event source, and
callbacks that raise or misbehave."""
import select
import time

import pytest

import vmon
from conftest import need_root


def test_fork_storm_every_exit_with_its_status(puppets):
    """300 children born and gone between two samples: with the netlink
    source each is a birth and an exit, with its own exit status."""
    need_root()
    top = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[top.pid], events="netlink") as mon:
        assert mon.event_source() == "netlink"
        mon.sample()
        pids = [int(x) for x in top.send("storm 300").split()]
        births, exits = set(), {}

        def settled():
            return set(pids) <= set(exits) and all(
                exits[pid].exit() is not None for pid in pids)

        # an exit's record is sent after the parent is woken, so on a busy
        # machine it can come samples after the exit: wait for the source
        # between samples, as a caller does, and read each Process's exit
        # record once it has come (an ASan build under load saw one child's
        # exit without its record after three back-to-back samples)
        deadline = time.monotonic() + 30
        while not settled() and time.monotonic() < deadline:
            select.select([mon.event_fd()], [], [], 0.1)
            mon.sample()
            births |= {e.process.pid for e in mon.events() if e.kind == "birth"}
            exits.update((e.process.pid, e.process) for e in mon.events() if e.kind == "exit")
        assert set(pids) <= births
        assert set(pids) <= set(exits)
        for i, pid in enumerate(pids):
            assert exits[pid].exit() is not None, pid
            assert exits[pid].exit().exitcode == i % 256, pid
            assert exits[pid].exit().source == "netlink"
        assert mon.sample_cost().events_lost == 0
        assert top.exit(0) == 0
        mon.sample()
        gone = [e for e in mon.events() if e.kind == "exit" and e.process.pid == top.pid]
        assert len(gone) == 1
        # the kernel tells of an exit after it wakes the parent (this test,
        # which reaped it): the record may come samples after the one that
        # found the process gone; the Process still gets it
        deadline = time.monotonic() + 30
        while gone[0].process.exit() is None and time.monotonic() < deadline:
            select.select([mon.event_fd()], [], [], 0.1)
            mon.sample()
        assert gone[0].process.exit().exitcode == 0


def test_sampling_alone_sees_exits_without_records(puppets):
    top = puppets.start()
    kids = [int(x) for x in top.send("fork 2").split()]
    puppets.adopt(kids)
    with vmon.Monitor(wants=("stat",), pids=[top.pid]) as mon:
        mon.sample()
        assert top.exit(3) == 3
        mon.sample()
        exits = [e for e in mon.events() if e.kind == "exit"]
        assert [e.process.pid for e in exits] == [top.pid]
        assert exits[0].exit is None  # no event source: how it ended is unknown
        # its children live on, reparented out of the followed tree
        left = [e.process.pid for e in mon.events() if e.kind == "left"]
        assert sorted(left) == sorted(kids)


def test_raising_callbacks_all_run_and_the_first_error_is_raised(puppets):
    seen = []

    def on_birth(p):
        seen.append(p.pid)
        raise KeyError(p.pid)

    top = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[top.pid], on_birth=on_birth) as mon:
        with pytest.raises(KeyError):
            mon.sample()
        kids = [int(x) for x in top.send("fork 3").split()]
        puppets.adopt(kids)
        with pytest.raises(KeyError) as err:
            mon.sample()
        assert sorted(seen) == sorted([top.pid] + kids)  # every callback ran
        assert err.value.args[0] in kids
        mon.sample()  # nothing born: nothing raised, and the tree is whole
        assert sorted(c.pid for c in mon.process(top.pid).children()) == sorted(kids)


def test_callback_may_not_sample_again(puppets):
    top = puppets.start()
    mon = vmon.Monitor(wants=("stat",), pids=[top.pid], on_birth=lambda p: mon.sample())
    with mon:
        with pytest.raises(RuntimeError):
            mon.sample()
        mon.sample()
        assert [p.pid for p in mon] == [top.pid]


def test_callback_may_close(puppets):
    top = puppets.start()
    kids = [int(x) for x in top.send("fork 2").split()]
    puppets.adopt(kids)
    mon = vmon.Monitor(wants=("stat",), pids=[top.pid], on_birth=lambda p: mon.close())
    mon.sample()
    assert mon.closed


def test_error_in_the_free_hook_is_raised_after_the_sample(puppets, monkeypatch):
    """The binding's own hook runs inside vmon_sample(): what it raises is
    kept and raised once the library has returned."""
    top = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[top.pid]) as mon:
        mon.sample()
        proc = mon.process(top.pid)
        top.exit(0)
        mon.sample()
        assert proc.is_stale

        def broken(self):
            raise MemoryError("freeze failed")
        monkeypatch.setattr(vmon.Process, "_freeze", broken)
        with pytest.raises(MemoryError):
            mon.sample()
        monkeypatch.undo()
        mon.sample()
        assert list(mon) == []
