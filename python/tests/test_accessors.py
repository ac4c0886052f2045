# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every accessor of vmon.Process against psutil, on puppets the test
starts and leaves asleep (so their figures hold still between the two
readers): CPU within one tick, memory and I/O exact, the rest equal."""
import os

import psutil
import pytest

import vmon

TICK = 1.0 / os.sysconf("SC_CLK_TCK")
WANTS = ("stat", "vm", "io", "status")


@pytest.fixture
def busy(puppets):
    """A puppet that used CPU, memory, I/O and threads, then went still."""
    p = puppets.start()
    p.send("burn 0.3")
    p.send("alloc 20")
    p.send("write 65536")
    p.send("threads 3")
    return p


def check_like_psutil(proc, ps):
    assert proc.pid == ps.pid
    assert proc.ppid() == ps.ppid()
    assert proc.name() == ps.name()
    assert proc.cmdline() == ps.cmdline()
    assert proc.exe() == ps.exe()
    assert proc.status() == ps.status()
    assert proc.num_threads() == ps.num_threads()
    assert proc.nice() == ps.nice()
    assert proc.create_time() == pytest.approx(ps.create_time(), abs=1e-6)
    ours, theirs = proc.cpu_times(), ps.cpu_times()
    for f in ("user", "system", "children_user", "children_system", "iowait"):
        assert abs(getattr(ours, f) - getattr(theirs, f)) <= TICK + 1e-9, f
    m, pm = proc.memory_info(), ps.memory_info()
    assert (m.rss, m.vms, m.shared, m.text, m.data) == \
        (pm.rss, pm.vms, pm.shared, pm.text, pm.data)
    assert proc.io_counters() == tuple(ps.io_counters())
    assert proc.uids() == tuple(ps.uids())
    assert proc.gids() == tuple(ps.gids())
    assert proc.num_ctx_switches() == tuple(ps.num_ctx_switches())


def test_accessors_match_psutil_all(busy):
    ps = psutil.Process(busy.pid)
    with vmon.Monitor(wants=WANTS, all=True) as mon:
        mon.sample()
        proc = mon.process(busy.pid)
        check_like_psutil(proc, ps)
        assert sum(proc.cpu_times()[:2]) >= 0.25
        assert proc.memory_info().rss >= 20 << 20
        assert proc.io_counters().write_chars >= 65536
        assert proc.num_threads() == 4


def test_accessors_match_psutil_pids(busy):
    ps = psutil.Process(busy.pid)
    with vmon.Monitor(wants=WANTS, pids=[busy.pid]) as mon:
        mon.sample()
        assert [p.pid for p in mon] == [busy.pid]
        check_like_psutil(mon.process(busy.pid), ps)


def test_self_and_init_match_psutil():
    """Processes the test did not start: itself (running, so only what
    does not move) and pid 1 (another program, asleep)."""
    with vmon.Monitor(wants=WANTS, all=True) as mon:
        mon.sample()
        me, ps = mon.process(os.getpid()), psutil.Process()
        assert (me.name(), me.cmdline(), me.exe(), me.ppid()) == \
            (ps.name(), ps.cmdline(), ps.exe(), ps.ppid())
        one = mon.process(1)
        ps1 = psutil.Process(1)
        assert (one.name(), one.create_time()) == (ps1.name(), pytest.approx(ps1.create_time()))


def test_kernel_thread_exe_is_empty_like_psutil():
    with vmon.Monitor(wants=("stat",), all=True) as mon:
        mon.sample()
        kthreadd = mon.process(2)
        assert kthreadd.exe() == psutil.Process(2).exe() == ""
        assert kthreadd.cmdline() == psutil.Process(2).cmdline() == []


def test_children_match_psutil(puppets):
    top = puppets.start()
    kids = [int(x) for x in top.send("fork 3").split()]
    puppets.adopt(kids)
    ps = psutil.Process(top.pid)
    want = sorted(c.pid for c in ps.children(recursive=True))
    assert want == sorted(kids)
    for mon_args in ({"all": True}, {"pids": [top.pid]}):
        with vmon.Monitor(wants=("stat",), **mon_args) as mon:
            mon.sample()
            proc = mon.process(top.pid)
            assert sorted(c.pid for c in proc.children()) == want
            assert sorted(c.pid for c in proc.children(recursive=True)) == want
            assert mon.process(kids[0]).parent() is proc


def test_cpu_percent_from_rates(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat", "io"), pids=[p.pid]) as mon:
        mon.sample()
        proc = mon.process(p.pid)
        assert proc.cpu_percent() is None  # no value yet, not 0
        p.send("burn 0.2")
        mon.sample()
        assert proc.cpu_percent() > 0
        r = proc.rates()
        assert r.cpu_total == pytest.approx(r.cpu_user + r.cpu_system)
        assert r.read_chars is not None


def test_extra_wants_as_named_tuples(puppets):
    p = puppets.start()
    # a negative figure to read (with CAP_SYS_RESOURCE; else it may only rise)
    try:
        with open("/proc/%d/oom_score_adj" % p.pid, "w") as f:
            f.write("-123")
    except PermissionError:
        with open("/proc/%d/oom_score_adj" % p.pid, "w") as f:
            f.write("123")
    wants = ("stat", "vm", "status", "smaps_rollup", "cgroup", "ns", "oom", "sched",
             "files", "limits", "ioprio")
    with vmon.Monitor(wants=wants, pids=[p.pid]) as mon:
        mon.sample()
        proc = mon.process(p.pid)
        ps = psutil.Process(p.pid)
        st = proc.status_info()
        assert st.threads == ps.num_threads()
        assert st.vm_rss_kb * 1024 == ps.memory_info().rss
        full, pfull = proc.memory_full_info(), ps.memory_full_info()
        assert (full.uss, full.swap) == (pfull.uss, pfull.swap)
        # pss divides shared pages among their users, who come and go with
        # the rest of the machine (another puppet, a compiler): not still
        assert full.pss == pytest.approx(pfull.pss, rel=0.2)
        with open("/proc/%d/oom_score_adj" % p.pid) as f:
            assert proc.oom().adj == int(f.read())
        with open("/proc/%d/stat" % p.pid, "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
        assert proc.store("stat").tpgid == int(fields[5])  # -1 without a terminal
        assert proc.ns().net == os.stat("/proc/%d/ns/net" % p.pid).st_ino
        with open("/proc/%d/cgroup" % p.pid) as f:
            v2 = [ln for ln in f.read().splitlines() if ln.startswith("0::")]
        if v2:
            assert proc.cgroup().path == v2[0][3:]
        with open("/proc/%d/schedstat" % p.pid) as f:
            assert proc.sched().timeslices == int(f.read().split()[2])
        fds = {f.fd for f in proc.files()}
        assert fds == {int(x) for x in os.listdir("/proc/%d/fd" % p.pid)}
        assert proc.store("limits") is not None
        assert isinstance(proc.store("ioprio"), tuple)


def test_sockets(puppets):
    import socket
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    try:
        with vmon.Monitor(wants=("stat", "files"), pids=[os.getpid()],
                          follow_children=False, sys_wants=("sockets",)) as mon:
            mon.sample()
            me = mon.process(os.getpid())
            rows = [s for s in me.sockets() if s.fd == srv.fileno()]
            assert len(rows) == 1
            assert rows[0].laddr == srv.getsockname()
            assert rows[0].status == "LISTEN"
    finally:
        srv.close()


def test_not_wanted_is_an_error_not_a_value(puppets):
    p = puppets.start()
    with vmon.Monitor(wants=("stat",), pids=[p.pid]) as mon:
        mon.sample()
        proc = mon.process(p.pid)
        with pytest.raises(vmon.NotWanted):
            proc.io_counters()
        with pytest.raises(vmon.NotWanted):
            proc.memory_info()
        with pytest.raises(ValueError):
            proc.store("files")  # a list, not fields: files()


def test_reflection():
    assert "stat" in vmon.stores()
    names = [f.name for f in vmon.fields("stat")]
    assert "utime" in names and "comm" in names
    f = vmon.field("stat.utime")
    assert f.label == "UTime" and f.source == "14" and f.description
    with pytest.raises(ValueError):
        vmon.fields("nosuch")


def test_as_dict_and_process_iter_like_psutil(busy):
    attrs = ["pid", "name", "cmdline", "memory_info", "io_counters", "num_threads"]
    ps = [p for p in psutil.process_iter(attrs) if p.pid == busy.pid][0]
    with vmon.Monitor(wants=("stat", "vm"), all=True) as mon:
        mon.sample()
        mine = [p for p in mon.process_iter(attrs, ad_value="n/a") if p.pid == busy.pid][0]
        assert mine.info["io_counters"] == "n/a"  # io not wanted: no value
        assert sorted(mine.info) == sorted(ps.info) == sorted(attrs)
        for k in ("pid", "name", "cmdline", "num_threads"):
            assert mine.info[k] == ps.info[k], k
        assert mine.info["memory_info"].rss == ps.info["memory_info"].rss
        assert mine.as_dict(["pid", "ppid"]) == {"pid": busy.pid, "ppid": os.getpid()}
        with pytest.raises(ValueError):
            mine.as_dict(["nosuch"])


def test_unavailable_fields_are_none(puppets):
    """What the library marks unavailable is None in every accessor's
    tuple (the churn test met a born-gone process's partly read memory):
    forced here on the copy a closed Monitor leaves."""
    p = puppets.start()
    with vmon.Monitor(wants=("stat", "vm", "io"), pids=[p.pid]) as mon:
        mon.sample()
        proc = mon.process(p.pid)
    stores = proc._frozen["stores"]
    for store, field in (("vm", "shared_pages"), ("stat", "stime"), ("io", "wchars")):
        st = vmon._fields.BY_NAME[store]
        stores[st.id][2] |= 1 << st.index[field]
    m, c, io = proc.memory_info(), proc.cpu_times(), proc.io_counters()
    assert m.shared is None and m.rss is not None and m.lib is None
    assert c.system is None and c.user is not None
    assert io.write_chars is None and io.read_chars is not None
