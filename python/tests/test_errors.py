# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors as psutil users expect them: NoSuchProcess for a process that is
not there, AccessDenied where the kernel refuses (as nobody, next to
psutil in the same process), None for what the library could not read."""
import json
import os
import subprocess
import sys

import pytest

import vmon
from conftest import need_root


def test_no_such_process(puppets):
    p = puppets.start()
    pid = p.pid
    assert p.exit(0) == 0  # reaped: nothing has this pid now (until reused)
    with pytest.raises(vmon.NoSuchProcess) as err:
        vmon.Monitor(wants=("stat",), pids=[pid])
    assert err.value.pid == pid
    with vmon.Monitor(wants=("stat",), all=True) as mon:
        mon.sample()
        with pytest.raises(vmon.NoSuchProcess):
            mon.process(pid)


# Run as nobody: reads a root process (the test) with vmon and psutil.
NOBODY = r"""
import json, sys
import psutil, vmon
pid = int(sys.argv[1])
out = {}
with vmon.Monitor(wants=("stat", "vm", "io", "files", "ns"), pids=[pid]) as mon:
    mon.sample()
    p, ps = mon.process(pid), psutil.Process(pid)
    for name in ("io_counters", "exe", "files", "ns"):
        try:
            getattr(p, name)()
            out[name] = "value"
        except vmon.AccessDenied:
            out[name] = "AccessDenied"
    for name in ("io_counters", "open_files"):
        try:
            getattr(ps, name)()
            out["psutil." + name] = "value"
        except psutil.AccessDenied:
            out["psutil." + name] = "AccessDenied"
    out["name"] = [p.name(), ps.name()]
    out["rss"] = [p.memory_info().rss, ps.memory_info().rss]
    out["store_exe"] = p.store("stat").exe
print(json.dumps(out))
"""


def _as_nobody():
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def test_access_denied_as_nobody(puppets):
    need_root()
    p = puppets.start()  # root's, asleep
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=os.path.dirname(os.path.dirname(vmon.__file__)))
    run = subprocess.run([sys.executable, "-c", NOBODY, str(p.pid)], env=env,
                         preexec_fn=_as_nobody, capture_output=True, text=True,
                         timeout=60, cwd="/")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["io_counters"] == out["psutil.io_counters"] == "AccessDenied"
    # psutil guesses a refused exe from argv[0]; vmon does not guess
    assert out["exe"] == "AccessDenied"
    assert out["files"] == out["psutil.open_files"] == "AccessDenied"
    assert out["ns"] == "AccessDenied"
    assert out["name"][0] == out["name"][1]
    assert out["rss"][0] == out["rss"][1]  # statm is readable
    assert out["store_exe"] is None  # unavailable: None, never a made-up value


def test_refused_io_like_psutil():
    """Whatever this machine lets us read of pid 1's io (a container may
    refuse even root: the kernel checks at read(), not at open()), vmon
    says the same as psutil: figures, or AccessDenied, never Nones."""
    import psutil
    try:
        want = tuple(psutil.Process(1).io_counters())
    except psutil.AccessDenied:
        want = "AccessDenied"
    with vmon.Monitor(wants=("stat", "io"), pids=[1], follow_children=False) as mon:
        mon.sample()
        try:
            got = mon.process(1).io_counters()
        except vmon.AccessDenied:
            got = "AccessDenied"
    if want == "AccessDenied":
        assert got == want
    else:  # pid 1 runs: its counters may move between the two reads
        assert got is not None and None not in got
