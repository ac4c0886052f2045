# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmon: libvmon from Python, in psutil's shape.

    import vmon
    with vmon.Monitor(wants=("stat", "vm", "io"), all=True) as mon:
        mon.sample()
        for p in mon:
            print(p.pid, p.name(), p.cpu_times().user, p.memory_info().rss)

A Monitor is one libvmon instance: it keeps each /proc file it reads open
and re-reads it with one pread() per sample, keeps a live tree of the
processes it follows, and knows which fields changed (Process.changed),
which processes are new or gone (is_new, is_stale, events()), and, with
events=True, how each one ended (Process.exit()).  Figures are as of the
last Monitor.sample(); docs/python.md has a table from psutil's calls to
these.
"""
from ._errors import AccessDenied, Error, NoSuchProcess, NotWanted
from ._fields import Field, field, fields, stores
from ._monitor import Event, Monitor, SampleCost
from ._process import AS_DICT_ATTRS, Process, STATUSES

__all__ = ["AS_DICT_ATTRS", "AccessDenied", "Error", "Event", "Field", "Monitor", "NoSuchProcess",
           "NotWanted", "Process", "SampleCost", "STATUSES", "field", "fields",
           "stores"]
