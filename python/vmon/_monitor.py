# SPDX-License-Identifier: LGPL-2.1-or-later
"""Monitor: one libvmon instance (a vmon_t), its samples and its events.

Callbacks and errors: the only Python the library calls during
vmon_sample() is the binding's own hook for a node being freed
(vmonpy_freed(), below); whatever it raises is caught, kept, and raised
again by sample() after vmon_sample() has returned, so the library never
sees a Python exception.  The caller's on_birth and on_exit callbacks run
after vmon_sample() has returned, from Python: one that raises does not
stop the others, and sample() raises the first error once all have run.
"""
import collections
import errno as _errno
import os
import time
import weakref

from ._errors import NoSuchProcess, NotWanted
from ._fields import BY_NAME, STORES, want_bits
from ._process import Process
from ._vmon import ffi, lib

Event = collections.namedtuple("Event", "kind process exit")
Event.__doc__ = ("A birth (kind 'birth'); an exit (kind 'exit', with the "
                 "process's exit record when the library has one, else None); "
                 "or a followed child that left the tree alive (kind 'left': "
                 "the kernel reparented it when its parent exited).")
_STAT = BY_NAME["stat"]

SampleCost = collections.namedtuple(
    "SampleCost", "wall_ns cpu_ns reads bytes_read opens fds_held fd_budget "
    "events events_lost")

_SOURCES = {"auto": lib.VMON_EVENTS_AUTO, "wait": lib.VMON_EVENTS_WAIT,
            "netlink": lib.VMON_EVENTS_NETLINK, "ptrace": lib.VMON_EVENTS_PTRACE}
_BUF_WORDS = max(len(s.fields) + 3 * s.words for s in STORES) + 3


def _boot_time():
    with open("/proc/stat", "rb") as f:
        for line in f:
            if line.startswith(b"btime"):
                return float(line.split()[1])
    raise RuntimeError("no btime in /proc/stat")


def _start_ticks(pid):
    """Field 22 of /proc/PID/stat, or None when there is no such process."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read()
        return int(data[data.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _exit_event(p):
    """An exit, or a "left": a followed child the library let go of because
    the kernel reparented it out of the tree (it still runs: same pid, same
    start time)."""
    record = p.exit()
    if record is None:
        try:
            start = p._field(_STAT, "start")
        except NotWanted:
            start = None
        if start is not None and _start_ticks(p.pid) == start:
            return Event("left", p, None)
    return Event("exit", p, record)


class _Box:
    """What the C side holds a handle to: a weak reference, so that the
    handle does not keep the Monitor alive."""
    __slots__ = ("ref",)

    def __init__(self, mon):
        self.ref = weakref.ref(mon)


@ffi.def_extern()
def vmonpy_freed(handle, addr):
    """proc_dtor_cb of a node a Process refers to: the Process copies its
    values out.  Runs inside vmon_sample() (or close()): never raises."""
    mon = None
    try:
        mon = ffi.from_handle(handle).ref()
        if mon is None:
            return
        p = mon._procs.pop(addr, None)
        if p is not None:
            p._freeze()
    except BaseException as e:  # kept for sample() to raise
        if mon is not None and mon._pending is None:
            mon._pending = e


class Monitor:
    """A libvmon instance: the processes it monitors, sampled on demand.

    Monitor(wants=("stat", "vm", "io"), all=True) watches every process;
    Monitor(pids=[...], follow_children=True) watches those processes and
    (by default) every descendant they start.  wants are store names of
    vmon.stores(): "stat" (name, cmdline, exe, state, CPU), "vm" (memory),
    "io", "status", "smaps_rollup", "cgroup", "ns", "oom", "sched",
    "limits", "ioprio", "files".  threads=True also follows each process's
    threads.  events=True (or a source name: "netlink", "ptrace", "wait")
    turns on the library's event source, so processes born and gone
    between two samples are seen and exits get a record.  sys_wants
    ("sockets",) reads the socket tables for Process.sockets().

    Costs (libvmon(3)): refresh=N reads cmdline, exe and wchan on an exec
    and every N samples instead of at every sample (vmon_set_refresh():
    with 32, a sample costs about what reading stat, statm and io costs);
    fd_budget caps the descriptors held between samples
    (vmon_set_fd_budget(); by default derived from RLIMIT_NOFILE).

    Nothing is read until sample().  Use it as a context manager, or call
    close(): both free every node and descriptor at once.  As a vmon_t, a
    Monitor is used by one thread at a time.
    """

    # seconds a root found gone is held for its exit record (events on)
    ROOT_RECORD_WAIT = 2.0

    def __init__(self, wants=("stat", "vm", "io"), all=None, pids=None,
                 follow_children=True, threads=False, events=False,
                 sys_wants=(), on_birth=None, on_exit=None, refresh=None,
                 fd_budget=None):
        if all and pids is not None:
            raise ValueError("all=True and pids= exclude each other")
        if pids is None and all is None:
            all = True
        self._tree = not all and follow_children
        self._closed = True
        self._pending = None
        self._procs = {}
        self._roots = {}
        self._root_due = {}
        self._events_on = bool(events)
        self._gen = 0
        self._in_sample = False
        self._events = []
        self._live_gen = -1
        self._live_list = []
        self._pid_gen = self._ppid_gen = -1
        self._on_birth, self._on_exit = on_birth, on_exit
        bits = want_bits(wants)
        if threads:
            bits |= 1 << lib.VMON_STORE_PROC_FOLLOW_THREADS
        if self._tree:
            bits |= 1 << lib.VMON_STORE_PROC_FOLLOW_CHILDREN
        self._want_bits = bits
        self._wanted_stores = tuple(s for s in STORES if (bits >> s.id) & 1 and s.fields)
        self._qualified = {s.id: tuple("%s.%s" % (s.name, f.name) for f in s.fields)
                           for s in STORES}
        sys_bits = 0
        self._sockets = "sockets" in tuple(sys_wants)
        if self._sockets:
            sys_bits |= 1 << lib.VMON_STORE_SYS_SOCKETS
        elif tuple(sys_wants):
            raise ValueError("sys_wants: only 'sockets' is supported")
        flags = lib.VMON_FLAG_PROC_ALL if all else 0
        if events:
            flags |= lib.VMON_FLAG_EVENTS
        self._btime = _boot_time()
        self._buf = ffi.new("unsigned long long[]", _BUF_WORDS)
        self._strp = ffi.new("const char **")
        self._fdbuf = ffi.new("struct vmonpy_fd[]", 64)
        self._listbuf = ffi.new("uintptr_t[]", 64)
        self._box = _Box(self)
        self._handle = ffi.new_handle(self._box)
        self._c = ffi.new("struct vmonpy *")
        self._c.handle = self._handle
        if not lib.vmonpy_init(self._c, flags, sys_bits, bits):
            err = ffi.errno
            raise OSError(err, "vmon_init: " + os.strerror(err))
        self._closed = False
        try:
            if events and events is not True:
                if events not in _SOURCES:
                    raise ValueError("events: True or one of %s" % ", ".join(_SOURCES))
                if not lib.vmon_set_event_source(ffi.addressof(self._c.vmon),
                                                 _SOURCES[events]):
                    err = ffi.errno
                    raise OSError(err, "event source %r: %s" % (events, os.strerror(err)))
            v = ffi.addressof(self._c.vmon)
            if refresh is not None and not (
                    lib.vmon_set_refresh(v, lib.VMON_REFRESH_CMDLINE, refresh) and
                    lib.vmon_set_refresh(v, lib.VMON_REFRESH_WCHAN, refresh)):
                raise ValueError("refresh=%r" % (refresh,))
            if fd_budget is not None and not lib.vmon_set_fd_budget(v, fd_budget):
                raise ValueError("fd_budget=%r" % (fd_budget,))
            for pid in pids or ():
                self._monitor(pid)
        except BaseException:
            self.close()
            raise

    def _monitor(self, pid):
        addr = lib.vmonpy_monitor(self._c, int(pid), 0)
        if not addr:
            err = ffi.errno
            if err == _errno.ESRCH:
                raise NoSuchProcess(int(pid))
            raise OSError(err, "vmon_proc_monitor(%d): %s" % (pid, os.strerror(err)))
        self._roots[addr] = int(pid)

    # ---- context manager and closing ----

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def closed(self):
        """close() was called (or the with block left)."""
        return self._closed

    def close(self):
        """Free every node and descriptor.  Process objects keep their last
        values (they copy them out as their nodes are freed)."""
        if self._closed:
            return
        self._closed = True
        lib.vmonpy_destroy(self._c)
        self._procs.clear()
        self._roots.clear()
        self._root_due.clear()
        self._live_list = []
        self._events = []
        self._pid_index = self._ppid_index = None
        self._pid_gen = self._ppid_gen = -1
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending

    def _check(self):
        if self._closed:
            raise ValueError("the Monitor is closed")

    # ---- sampling ----

    def sample(self):
        """Take one sample of every monitored process; then report births
        and exits (events(), on_birth, on_exit).  Raises what a callback
        raised, after every callback has run; OSError when the library
        could not sample (ENOMEM, or /proc lost)."""
        self._check()
        if self._in_sample:
            raise RuntimeError("Monitor.sample() called from one of its callbacks")
        self._in_sample = True
        try:
            ok = lib.vmonpy_sample(self._c)
            err = ffi.errno
            self._gen += 1
            self._drop_roots()
            c = self._c
            births = [self._wrapper(a) for a in ffi.unpack(c.births, c.births_nr)]
            exits = [self._wrapper(a) for a in ffi.unpack(c.exits, c.exits_nr)]
            self._events = [Event("birth", p, None) for p in births] + \
                [_exit_event(p) for p in exits]
            pending, self._pending = self._pending, None
            if pending is not None:
                raise pending
            if not ok:
                raise OSError(err, "vmon_sample: " + os.strerror(err))
            if c.error:
                c.error = 0
                raise MemoryError("vmon: a node's state could not be allocated")
        finally:
            self._in_sample = False
        self._dispatch(self._events)

    def _dispatch(self, events):
        first = None
        self._in_sample = True
        try:
            for ev in events:
                cb = self._on_birth if ev.kind == "birth" else \
                    self._on_exit if ev.kind == "exit" else None
                if cb is None:
                    continue
                if self._closed:
                    break
                try:
                    if ev.kind == "exit":
                        cb(ev.process, ev.exit)
                    else:
                        cb(ev.process)
                except Exception as e:
                    if first is None:
                        first = e
        finally:
            self._in_sample = False
        if first is not None:
            raise first

    def _drop_roots(self):
        """Let go of the caller's roots (pids=) found gone.  The library
        frees its own stale nodes at the next sample; these are held until
        their exit record has come (the kernel tells of an exit after it
        wakes the parent, so a record may come samples after the process
        was found gone), for at most ROOT_RECORD_WAIT seconds, or for one
        sample without an event source: never in the sample that found
        them gone, so that they are stale for one sample as the library's
        own nodes are."""
        now = time.monotonic()
        for addr in list(self._roots):
            flags = lib.vmonpy_node_flags(addr)
            if not flags & lib.VMONPY_STALE:
                continue
            found, due = self._root_due.setdefault(
                addr, (self._gen, now + self.ROOT_RECORD_WAIT))
            if self._gen > found and (not self._events_on or now >= due or
                                      flags & lib.VMONPY_HAS_EXIT):
                del self._roots[addr], self._root_due[addr]
                lib.vmonpy_unmonitor(self._c, addr)

    def events(self):
        """The births and exits of the last sample, as Event tuples.  The
        first sample reports every process it finds as born."""
        return list(self._events)

    def watch(self, interval=1.0):
        """Sample every interval seconds, forever, yielding each Event."""
        while True:
            self.sample()
            yield from self._events
            time.sleep(interval)

    # ---- the processes ----

    def _wrapper(self, addr):
        p = self._procs.get(addr)
        if p is None:
            p = self._procs[addr] = Process._new(self, addr)
        return p

    def _live(self):
        self._check()
        if self._live_gen != self._gen:
            c, procs = self._c, self._procs
            get = procs.get
            out = []
            for a in ffi.unpack(c.live, c.live_nr):
                p = get(a)
                if p is None:
                    p = procs[a] = Process._new(self, a)
                out.append(p)
            self._live_list = out
            self._live_gen = self._gen
        return self._live_list

    def __iter__(self):
        """The processes alive at the last sample (threads are not listed:
        Process.threads())."""
        return iter(self._live())

    def process_iter(self, attrs=None, ad_value=None):
        """psutil's process_iter(attrs): the processes alive at the last
        sample, each with info = as_dict(attrs, ad_value) when attrs is
        given (the figures are already read: no sample is taken here)."""
        for p in self._live():
            if attrs is not None:
                p.info = p.as_dict(attrs, ad_value)
            yield p

    def __len__(self):
        return len(self._live())

    def pids(self):
        """The pids of the processes alive at the last sample."""
        return [p.pid for p in self._live()]

    def _by_pid(self):
        if self._pid_gen != self._gen:
            self._pid_index = {p.pid: p for p in self._live()}
            self._pid_gen = self._gen
        return self._pid_index

    def _by_ppid(self):
        if self._ppid_gen != self._gen:
            index = {}
            for p in self._live():
                index.setdefault(p.ppid(), []).append(p)
            self._ppid_index = index
            self._ppid_gen = self._gen
        return self._ppid_index

    def process(self, pid):
        """The Process of pid as of the last sample; NoSuchProcess when it
        is not among the processes alive then."""
        p = self._by_pid().get(pid)
        if p is None:
            raise NoSuchProcess(pid)
        return p

    def _node_list(self, addr, which):
        n = lib.vmonpy_node_list(addr, which, self._listbuf, len(self._listbuf))
        if n > len(self._listbuf):
            self._listbuf = ffi.new("uintptr_t[]", n)
            n = lib.vmonpy_node_list(addr, which, self._listbuf, n)
        return ffi.unpack(self._listbuf, n)

    def _fds(self, addr):
        n = lib.vmonpy_node_fds(addr, self._fdbuf, len(self._fdbuf))
        if n < 0:
            return None
        if n > len(self._fdbuf):
            self._fdbuf = ffi.new("struct vmonpy_fd[]", n)
            n = lib.vmonpy_node_fds(addr, self._fdbuf, n)
        return [self._fdbuf[i] for i in range(n)]

    # ---- the instance ----

    @property
    def generation(self):
        """Samples taken."""
        return self._gen

    def event_fd(self):
        """A descriptor that becomes readable when events wait, for
        select() or poll() (vmon_event_fd()); -1 without one."""
        self._check()
        return lib.vmon_event_fd(ffi.addressof(self._c.vmon))

    def event_source(self):
        """"none", "wait", "netlink" or "ptrace": the source in use."""
        self._check()
        return ffi.string(lib.vmon_event_source_name(
            lib.vmon_event_source(ffi.addressof(self._c.vmon)))).decode()

    def sample_cost(self):
        """What the last sample cost the library (a SampleCost)."""
        self._check()
        c = ffi.new("vmon_sample_cost_t *")
        lib.vmon_sample_cost(ffi.addressof(self._c.vmon), c)
        return SampleCost(c.wall_ns, c.cpu_ns, c.reads, c.bytes_read, c.opens,
                          c.fds_held, c.fd_budget, c.events, c.events_lost)

    def set_want_interval(self, wants, every):
        """Read the stores of wants only every `every` samples
        (vmon_set_want_interval(); meant for "smaps_rollup")."""
        self._check()
        if not lib.vmon_set_want_interval(ffi.addressof(self._c.vmon),
                                          want_bits(wants), every):
            raise ValueError("vmon_set_want_interval: %s" % os.strerror(ffi.errno))
