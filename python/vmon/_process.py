# SPDX-License-Identifier: LGPL-2.1-or-later
"""Process: one monitored process, in psutil's shape.

A Process reads its figures from the library's node as of the Monitor's
last sample(): they do not move between two samples, and reading one
costs no system call.  The first read of a store in a sample copies the
whole store out of the node in one C call (cached until the next sample).

Lifetime: the library frees a node at the sample after the one in which
its process went (docs/design/lifecycle.md), or when the Monitor closes.
The node tells the binding before it goes (proc_dtor_cb, _glue.c), and the
Process then copies out every store it may be asked for and forgets the
node: a Process of a process that exited keeps its last values, says it
is gone (is_running() False), and never reads freed memory.
"""
import collections
import contextlib
import os
import socket

from ._errors import AccessDenied, NoSuchProcess, NotWanted
from ._fields import BY_NAME
from ._vmon import ffi, lib

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGESIZE = os.sysconf("SC_PAGE_SIZE")

_STAT, _VM, _IO = BY_NAME["stat"], BY_NAME["vm"], BY_NAME["io"]
_STATUS = BY_NAME["status"]
_FILES = BY_NAME["files"]
_S = _STAT.index
_V = _VM.index
_I = _IO.index
_VM_RSS, _VM_SIZE, _VM_SHARED, _VM_TEXT, _VM_DATA = (
    _V[f] for f in ("resident_pages", "size_pages", "shared_pages", "text_pages",
                    "data_pages"))
_CPU_FIELDS = tuple(_S[f] for f in ("utime", "stime", "cutime", "cstime", "delay_blkio"))
_CPU_MASK = sum(1 << i for i in _CPU_FIELDS)
_IO_FIELDS = tuple(_I[f] for f in ("syscr", "syscw", "read_bytes", "write_bytes",
                                   "rchars", "wchars"))

# psutil's names for the kernel's state letters
STATUSES = {"R": "running", "S": "sleeping", "D": "disk-sleep", "T": "stopped",
            "t": "tracing-stop", "Z": "zombie", "X": "dead", "x": "dead",
            "K": "wake-kill", "W": "waking", "I": "idle", "P": "parked"}

pcputimes = collections.namedtuple(
    "pcputimes", "user system children_user children_system iowait")
pmem = collections.namedtuple("pmem", "rss vms shared text lib data dirty")
pfullmem = collections.namedtuple(
    "pfullmem", "rss vms shared text lib data dirty uss pss swap")
pio = collections.namedtuple(
    "pio", "read_count write_count read_bytes write_bytes read_chars write_chars")
puids = collections.namedtuple("puids", "real effective saved")
pgids = collections.namedtuple("pgids", "real effective saved")
pctxsw = collections.namedtuple("pctxsw", "voluntary involuntary")
prates = collections.namedtuple(
    "prates", "cpu_user cpu_system cpu_total cpu_children minflt majflt "
    "read_bytes write_bytes read_chars write_chars")
pfile = collections.namedtuple("pfile", "fd path kind flags position deleted inode")
psocket = collections.namedtuple(
    "psocket", "fd family type laddr raddr status inode peer_inode")
pexit = collections.namedtuple(
    "pexit", "status exitcode signal core_dumped cpu_time user_time system_time "
    "peak_rss read_chars write_chars read_bytes write_bytes minflt majflt "
    "start_ticks end_ns ppid source")
pexit.__doc__ = ("How a process ended and its final figures (None: the event "
                 "source did not say); times in seconds, peak_rss in bytes.")

_MISS = object()


def _read(addr, st, buf):
    """[numbers, changed bits, unavailable bits, {sym: bytes}] of store st
    of the node at addr, or None when the node has no such store."""
    n = lib.vmonpy_store_read(addr, st.id, buf)
    if n < 0:
        return None
    w = st.words
    raw = ffi.unpack(buf, n + 3 * w)
    nums = raw[:n]
    if w == 1:
        changed, unavail, neg = raw[n], raw[n + 1], raw[n + 2]
    else:
        changed = unavail = neg = 0
        for k in range(w):
            changed |= raw[n + k] << (64 * k)
            unavail |= raw[n + w + k] << (64 * k)
            neg |= raw[n + 2 * w + k] << (64 * k)
    while neg:  # the C side copied signed fields as 64-bit patterns
        low = neg & -neg
        nums[low.bit_length() - 1] -= 1 << 64
        neg ^= low
    return [nums, changed, unavail, {}]


def _read_str(addr, st, sym, vals, strp):
    """String field sym, decoded as psutil decodes (the file system's
    encoding, undecodable bytes as surrogates), once per value."""
    s = vals[3].get(sym)
    if s is None:
        n = lib.vmonpy_store_str(addr, st.id, sym, strp)
        s = os.fsdecode(ffi.unpack(strp[0], n)) if n > 0 else ""
        vals[3][sym] = s
    return s


def _probe_denied(pid, name):
    """Whether /proc/PID/name is refused to this process right now: tells
    "not permitted" (psutil's AccessDenied) from "does not exist for this
    task" (a kernel thread's exe) when the library marked it unavailable."""
    path = "/proc/%d/%s" % (pid, name)
    try:
        if name == "exe" or name.startswith("ns/"):
            os.readlink(path)
        elif name == "fd":
            os.listdir(path)
        else:  # io checks its reader at read(), not at open()
            fd = os.open(path, os.O_RDONLY)
            try:
                os.read(fd, 1)
            finally:
                os.close(fd)
    except PermissionError:
        return True
    except OSError:
        return False
    return False


class Process:
    """A process of a Monitor, with psutil's accessors.

    Figures are as of the Monitor's last sample().  A field the library
    could not read (unavailable: another user's io, a kernel thread's exe)
    is None, or raises AccessDenied where psutil does and the kernel
    refused it.  A figure whose want the Monitor lacks raises NotWanted.
    """
    __slots__ = ("pid", "info", "_mon", "_addr", "_gen", "_cache", "_prev",
                 "_state", "_frozen", "__weakref__")

    def __init__(self, *a, **k):
        raise TypeError("Process objects come from a Monitor "
                        "(iteration, Monitor.process(pid))")

    @classmethod
    def _new(cls, mon, addr):
        if not lib.vmonpy_wrap(addr):
            raise MemoryError("vmon: no memory to follow a process")
        self = object.__new__(cls)
        self.pid = lib.vmonpy_node_pid(addr)
        self.info = None
        self._mon = mon
        self._addr = addr
        self._gen = -1
        self._cache = self._prev = None
        self._state = 0
        self._frozen = None
        return self

    # ---- the store values ----

    def _vals(self, st):
        fz = self._frozen
        if fz is not None:
            try:
                return fz["stores"][st.id]
            except KeyError:
                raise NotWanted("%s needs want %r" % (self, st.name)) from None
        mon = self._mon
        if not (mon._want_bits >> st.id) & 1:
            raise NotWanted("%s needs want %r" % (self, st.name))
        if self._gen != mon._gen:
            self._prev, self._cache = self._cache, {}
            self._gen = mon._gen
            self._state = lib.vmonpy_node_state(self._addr)
        v = self._cache.get(st.id, _MISS)
        if v is _MISS:
            v = self._cache[st.id] = self._reread(st)
        return v

    def _reread(self, st):
        """The store as of this sample.  The change bits say what moved:
        a store that did not change (not in the node's activity) and had
        and has every field available is the last sample's copy, and a
        string whose field did not change keeps its bytes."""
        prev = self._prev.get(st.id) if self._prev else None
        state = self._state
        if prev is not None and not prev[2] and \
                not (state >> st.id) & 1 and not (state >> (32 + st.id)) & 1:
            return [prev[0], 0, 0, prev[3]]
        v = _read(self._addr, st, self._mon._buf)
        if prev is not None and v is not None and prev[3]:
            moved = v[1] | v[2]
            for sym, b in prev[3].items():
                if not (moved >> sym) & 1:
                    v[3][sym] = b
        return v

    def _str(self, st, sym, vals):
        if self._frozen is not None:
            return vals[3].get(sym, "")
        return _read_str(self._addr, st, sym, vals, self._mon._strp)

    def _freeze(self):
        """Copy out everything, then forget the node (it is being freed)."""
        addr, mon = self._addr, self._mon
        stores = {}
        for st in mon._wanted_stores:
            v = _read(addr, st, mon._buf)
            if v is not None:
                for sym in st.strings:
                    _read_str(addr, st, sym, v, mon._strp)
            stores[st.id] = v
        self._frozen = {"stores": stores,
                        "flags": lib.vmonpy_node_flags(addr),
                        "exit": self._read_exit(),
                        "rates": self._read_rates()}
        self._addr = None
        self._cache = self._prev = None

    def _read_exit(self):
        if self._frozen is not None:
            return self._frozen["exit"]
        e = ffi.new("vmon_exit_t *")
        if not lib.vmonpy_node_exit(self._addr, e):
            return None
        return _exit_record(e)

    def _read_rates(self):
        if self._frozen is not None:
            return self._frozen["rates"]
        values = ffi.new("double[10]")
        statuses = ffi.new("int[10]")
        if not lib.vmonpy_node_rates(self._addr, values, statuses):
            return prates(*([None] * 10))
        return prates(*(values[i] if statuses[i] != lib.VMON_RATE_NONE else None
                        for i in range(10)))

    def _flags(self):
        if self._frozen is not None:
            return self._frozen["flags"]
        return lib.vmonpy_node_flags(self._addr)

    def _field(self, st, name):
        """One field's value, None when unavailable or not read yet."""
        v = self._vals(st)
        if v is None:
            return None
        i = st.index[name]
        if (v[2] >> i) & 1:
            return None
        if i in st.strings:
            return self._str(st, i, v)
        return v[0][i]

    def _store_tuple(self, st, deny=None):
        v = self._vals(st)
        if v is None:
            return None
        nums, unavail = v[0], v[2]
        if deny and unavail and self._frozen is None and \
                all((unavail >> i) & 1 for i in st.tuple_fields) and \
                _probe_denied(self.pid, deny):
            raise AccessDenied(self.pid, self._comm())
        out = []
        for i in st.tuple_fields:
            if (unavail >> i) & 1:
                out.append(None)
            elif i in st.strings:
                out.append(self._str(st, i, v))
            else:
                out.append(nums[i])
        return st.tuple_type(*out)

    def _comm(self):
        try:
            return self._field(_STAT, "comm")
        except NotWanted:
            return None

    # ---- identity and lifecycle (beyond psutil) ----

    def __repr__(self):
        state = "gone" if self._frozen is not None else \
            "stale" if self.is_stale else "running"
        return "vmon.Process(pid=%d, name=%r, %s)" % (self.pid, self._comm(), state)

    @property
    def is_new(self):
        """First seen in the last sample (the library's is_new)."""
        return bool(self._flags() & lib.VMONPY_NEW) and self._frozen is None

    @property
    def is_stale(self):
        """Found gone in the last sample (the library's is_stale); the
        values are its last, and it is not listed by the Monitor."""
        return bool(self._flags() & lib.VMONPY_STALE) and self._frozen is None

    @property
    def gone(self):
        """The process has exited (stale, or freed and kept as a copy)."""
        return self._frozen is not None or bool(self._flags() & lib.VMONPY_STALE)

    def is_running(self):
        """Running as of the last sample (psutil's is_running())."""
        return not self.gone

    @property
    def changed(self):
        """The fields whose value changed in the last sample, as a set of
        "store.field" names (every field on a process's first sample)."""
        if self._frozen is not None:
            return frozenset()
        mon = self._mon
        act = lib.vmonpy_node_activity(self._addr)
        out = set()
        for st in mon._wanted_stores:
            if not (act >> st.id) & 1 or not st.fields:
                continue
            v = self._vals(st)
            if v is None:
                continue
            bits = v[1]
            while bits:
                low = bits & -bits
                out.add(mon._qualified[st.id][low.bit_length() - 1])
                bits ^= low
        return frozenset(out)

    def exit(self):
        """How the process ended (a pexit), once the library knows: with
        Monitor(events=...) or a reaped child; None while it runs."""
        return self._read_exit()

    def rates(self):
        """Per-second figures between the last two samples, from the
        library's rate helper (CPU in percent of one CPU); each None until
        there are two samples of the process."""
        return self._read_rates()

    def store(self, name):
        """The whole store `name` (a vmon.stores() name) as a namedtuple of
        its fields (vmon.fields(name)), unavailable ones None; None when the
        store was not read (the process went before its first sample)."""
        st = BY_NAME.get(name)
        if st is None or not st.fields:
            raise ValueError("no store %r with fields (the files are files(), "
                             "the followed tree children() and threads())" % name)
        return self._store_tuple(st)

    # ---- psutil's accessors ----

    def as_dict(self, attrs=None, ad_value=None):
        """psutil's as_dict(): {name: accessor()} for the accessors named
        (all of AS_DICT_ATTRS by default); one that raises AccessDenied or
        NotWanted gives ad_value."""
        out = {}
        for name in AS_DICT_ATTRS if attrs is None else attrs:
            if name == "pid":
                out[name] = self.pid
                continue
            if name not in AS_DICT_ATTRS:
                raise ValueError("invalid attr name %r" % name)
            try:
                out[name] = getattr(self, name)()
            except (AccessDenied, NotWanted):
                out[name] = ad_value
        return out

    @contextlib.contextmanager
    def oneshot(self):
        """psutil's oneshot(): a no-op, every read here is already cached
        for the whole sample."""
        yield

    def ppid(self):
        """The parent's pid (stat field 4; 0 when the parent is outside
        the pid namespace)."""
        return self._field(_STAT, "ppid")

    def parent(self):
        """The parent's Process, or None when it is not monitored."""
        if self._frozen is None:
            paddr = lib.vmonpy_node_parent(self._addr)
            if paddr:
                return self._mon._wrapper(paddr)
        ppid = self.ppid()
        if ppid and self._mon is not None and not self._mon.closed:
            return self._mon._by_pid().get(ppid)
        return None

    def name(self):
        """comm, or the base name of argv[0] when comm is cut at 15 bytes
        (psutil's rule)."""
        name = self._field(_STAT, "comm")
        if name is not None and len(name) >= 15:
            cmd = self.cmdline()
            if cmd:
                ext = os.path.basename(cmd[0])
                if ext.startswith(name):
                    name = ext
        return name

    def cmdline(self):
        """The arguments, split as psutil splits /proc/PID/cmdline (NULs,
        or spaces for a process that rewrote its title with them)."""
        v = self._vals(_STAT)
        if v is None:
            return None
        i = _S["cmdline"]
        if (v[2] >> i) & 1:
            return None
        data = self._str(_STAT, i, v)
        if not data:
            return []
        sep = "\x00" if data.endswith("\x00") else " "
        if data.endswith(sep):
            data = data[:-1]
        cmd = data.split(sep)
        if sep == "\x00" and len(cmd) == 1 and " " in data:
            cmd = data.split(" ")
        return cmd

    def exe(self):
        """The executable's path; "" for a kernel thread (as psutil);
        AccessDenied when the kernel refuses to tell."""
        v = self._vals(_STAT)
        if v is None:
            return None
        i = _S["exe"]
        if (v[2] >> i) & 1:
            if self._frozen is None and _probe_denied(self.pid, "exe"):
                raise AccessDenied(self.pid, self._comm())
            return "" if self._frozen is None else None
        return self._str(_STAT, i, v)

    def status(self):
        """The state as psutil names it ("running", "sleeping", "zombie"...:
        vmon.STATUSES)."""
        c = self._field(_STAT, "state")
        return None if c is None else STATUSES.get(chr(c), "?")

    def num_threads(self):
        """Threads of the process (stat field 20)."""
        return self._field(_STAT, "num_threads")

    def nice(self):
        """The nice value, 19 (low) to -20 (high)."""
        return self._field(_STAT, "nice")

    def create_time(self):
        """Seconds since the epoch, as psutil computes it (boot time from
        /proc/stat plus the start in ticks)."""
        start = self._field(_STAT, "start")
        if start is None:
            return None
        return start / CLK_TCK + self._boot_time()

    def _boot_time(self):
        return self._mon._btime

    def cpu_times(self):
        """pcputimes in seconds, to a tick, as psutil."""
        v = self._vals(_STAT)
        if v is None:
            return None
        n, u = v[0], v[2]
        if not u & _CPU_MASK:
            return pcputimes(*(n[i] / CLK_TCK for i in _CPU_FIELDS))
        return pcputimes(*(None if (u >> i) & 1 else n[i] / CLK_TCK
                           for i in _CPU_FIELDS))

    def cpu_percent(self):
        """CPU in percent of one CPU between the last two samples (psutil's
        cpu_percent(interval=None)); None until there are two."""
        return self._read_rates().cpu_total

    def memory_info(self):
        """pmem in bytes from statm, as psutil; lib and dirty are None
        (the kernel prints 0 there since 2.6 and the library does not
        read them)."""
        v = self._vals(_VM)
        if v is None:
            return None
        n, u = v[0], v[2]
        if not u:
            return pmem(n[_VM_RSS] * PAGESIZE, n[_VM_SIZE] * PAGESIZE,
                        n[_VM_SHARED] * PAGESIZE, n[_VM_TEXT] * PAGESIZE, None,
                        n[_VM_DATA] * PAGESIZE, None)
        return pmem(*(None if i < 0 or (u >> i) & 1 else n[i] * PAGESIZE
                      for i in (_VM_RSS, _VM_SIZE, _VM_SHARED, _VM_TEXT, -1,
                                _VM_DATA, -1)))

    def memory_full_info(self):
        """memory_info() plus uss, pss and swap (bytes) from smaps_rollup
        (want "smaps_rollup")."""
        m = self.memory_info()
        r = self._store_tuple(BY_NAME["smaps_rollup"], deny="smaps_rollup")
        if m is None:
            return None
        kb = (lambda x: None if r is None or x is None else x * 1024)
        return pfullmem(*m, kb(r and r.uss_kb), kb(r and r.pss_kb),
                        kb(r and r.swap_kb))

    def io_counters(self):
        """pio from /proc/PID/io, as psutil; AccessDenied for another
        user's process when the kernel refuses it."""
        v = self._vals(_IO)
        if v is None:
            return None
        n, u = v[0], v[2]
        if not u:
            return pio(*(n[i] for i in _IO_FIELDS))
        if self._frozen is None and _probe_denied(self.pid, "io"):
            raise AccessDenied(self.pid, self._comm())
        return pio(*(None if (u >> i) & 1 else n[i] for i in _IO_FIELDS))

    def uids(self):
        """puids(real, effective, saved) (want "status")."""
        s = self._store_tuple(_STATUS)
        return None if s is None else puids(s.uid, s.euid, s.suid)

    def gids(self):
        """pgids(real, effective, saved) (want "status")."""
        s = self._store_tuple(_STATUS)
        return None if s is None else pgids(s.gid, s.egid, s.sgid)

    def num_ctx_switches(self):
        """pctxsw(voluntary, involuntary) of the main thread, as psutil
        (want "status")."""
        s = self._store_tuple(_STATUS)
        return None if s is None else pctxsw(s.vol_ctxt_switches, s.nonvol_ctxt_switches)

    def status_info(self):
        """The status want (/proc/PID/status) as a namedtuple."""
        return self._store_tuple(_STATUS)

    def smaps_rollup(self):
        """The smaps_rollup want (kB), AccessDenied when refused."""
        return self._store_tuple(BY_NAME["smaps_rollup"], deny="smaps_rollup")

    def cgroup(self):
        """The cgroup want: the v2 path, container and unit."""
        return self._store_tuple(BY_NAME["cgroup"])

    def ns(self):
        """The ns want: the inode of each namespace, AccessDenied when
        refused."""
        return self._store_tuple(BY_NAME["ns"], deny="ns/net")

    def oom(self):
        """The oom want: oom_score and oom_score_adj."""
        return self._store_tuple(BY_NAME["oom"])

    def sched(self):
        """The sched want: schedstat and the scheduling fields of stat."""
        return self._store_tuple(BY_NAME["sched"])

    # ---- the tree ----

    def children(self, recursive=False):
        """The children as of the last sample: the followed tree under
        Monitor(pids=..., follow_children=True), else by ppid among every
        monitored process.  NoSuchProcess for a process that is gone."""
        if self.gone:
            raise NoSuchProcess(self.pid, self._comm())
        mon = self._mon
        if mon._tree:
            out, todo = [], [self]
            while todo:
                kids = [mon._wrapper(a) for a in mon._node_list(todo.pop()._addr, 0)]
                out.extend(kids)
                if recursive:
                    todo.extend(kids)
            return out
        index = mon._by_ppid()
        out, todo = [], [self.pid]
        while todo:
            kids = index.get(todo.pop(), ())
            out.extend(kids)
            if recursive:
                todo.extend(k.pid for k in kids)
        return out

    def threads(self):
        """The thread nodes (Monitor(threads=True)) as Process objects; the
        main thread is one of them once a process has two threads."""
        if self._frozen is not None:
            return []
        mon = self._mon
        return [mon._wrapper(a) for a in mon._node_list(self._addr, 1)]

    # ---- files and sockets ----

    def files(self):
        """Every open descriptor (want "files") as pfile rows; None when
        the descriptors are not readable (AccessDenied when refused)."""
        if self._frozen is not None:
            return self._frozen.get("files")
        mon = self._mon
        if not (mon._want_bits >> _FILES.id) & 1:
            raise NotWanted("%s needs want 'files'" % self)
        rows = mon._fds(self._addr)
        if rows is None or (lib.vmonpy_node_unavailable(self._addr) >> _FILES.id) & 1:
            if _probe_denied(self.pid, "fd"):
                raise AccessDenied(self.pid, self._comm())
            return None
        return [pfile(r.fd, os.fsdecode(ffi.unpack(r.path, r.path_len)),
                      ffi.string(lib.vmon_fd_kind_name(r.kind)).decode(),
                      r.flags, r.pos, bool(r.deleted), r.ino) for r in rows]

    def open_files(self):
        """psutil's open_files(): the regular files among files()."""
        return [f for f in self.files() or () if f.kind == "file"]

    def sockets(self):
        """The process's sockets with their table rows (wants "files" and,
        on the Monitor, sys_wants=("sockets",)), as psocket rows."""
        if self._frozen is not None:
            return []
        mon = self._mon
        if not mon._sockets:
            raise NotWanted("sockets need Monitor(sys_wants=('sockets',))")
        rows = mon._fds(self._addr) if (mon._want_bits >> BY_NAME["files"].id) & 1 else None
        out = []
        for r in rows or ():
            s = r.socket
            if s == ffi.NULL:
                continue
            out.append(psocket(r.fd, s.family, s.type, _addr(s, True), _addr(s, False),
                               ffi.string(lib.vmon_socket_state_name(s.state)).decode(),
                               s.inum, s.peer_inum))
        return out


# what as_dict() and Monitor.process_iter() may name (pid besides)
AS_DICT_ATTRS = ("ppid", "name", "cmdline", "exe", "status", "num_threads", "nice",
                 "create_time", "cpu_times", "cpu_percent", "memory_info",
                 "memory_full_info", "io_counters", "uids", "gids",
                 "num_ctx_switches", "open_files")


def _addr(s, local):
    """A socket row's local or remote address, as psutil gives it."""
    if s.family == socket.AF_UNIX:
        if not local:
            return ""
        return os.fsdecode(ffi.unpack(s.path, s.path_len)) if s.path != ffi.NULL else ""
    raw = bytes(s.local_addr if local else s.remote_addr)
    port = s.local_port if local else s.remote_port
    if s.family == socket.AF_INET:
        return (socket.inet_ntop(socket.AF_INET, raw[:4]), port)
    return (socket.inet_ntop(socket.AF_INET6, raw), port)


def _exit_record(e):
    k = e.known
    has = (lambda bit: bool(k & bit))
    st = e.status if has(lib.VMON_EXIT_STATUS) else None
    code = os.WEXITSTATUS(st) if st is not None and os.WIFEXITED(st) else None
    sig = os.WTERMSIG(st) if st is not None and os.WIFSIGNALED(st) else None
    core = os.WCOREDUMP(st) if st is not None and os.WIFSIGNALED(st) else None
    io = has(lib.VMON_EXIT_IO)
    flt = has(lib.VMON_EXIT_FAULTS)
    return pexit(
        st, code, sig, core,
        e.cpu_ns / 1e9 if has(lib.VMON_EXIT_CPU) else None,
        e.utime_us / 1e6 if has(lib.VMON_EXIT_CPU_SPLIT) else None,
        e.stime_us / 1e6 if has(lib.VMON_EXIT_CPU_SPLIT) else None,
        e.peak_rss_kb * 1024 if has(lib.VMON_EXIT_PEAK_RSS) else None,
        e.rchar if io else None, e.wchar if io else None,
        e.read_bytes if io else None, e.write_bytes if io else None,
        e.minflt if flt else None, e.majflt if flt else None,
        e.start if has(lib.VMON_EXIT_START) else None,
        e.end_ns if has(lib.VMON_EXIT_END) else None,
        e.ppid if has(lib.VMON_EXIT_PPID) else None,
        ffi.string(lib.vmon_event_source_name(e.source)).decode())
