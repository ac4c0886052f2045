# SPDX-License-Identifier: LGPL-2.1-or-later
"""Field reflection: the library's own tables (vmon_proc_store_info()),
read once at import.  Every per-process store ("want") has a name
("stat", "vm", "io", "status", ...: the library's name without "proc_"),
an id, and fields with a name, a label, a description and the /proc
source they come from.  The binding's namedtuples and change sets are
built from these tables, so a field added to the library shows up here
without code."""
import collections

from ._vmon import ffi, lib

Field = collections.namedtuple("Field", "store name label description source type")
Field.__doc__ = "One field of a store, as the library describes it."

_TYPES = {lib.VMON_FIELD_ULL: "ull", lib.VMON_FIELD_LL: "ll",
          lib.VMON_FIELD_INT: "int", lib.VMON_FIELD_CHAR: "char",
          lib.VMON_FIELD_STR: "str", lib.VMON_FIELD_STRZ: "str",
          lib.VMON_FIELD_ARGV: "argv", lib.VMON_FIELD_ULONG: "ulong"}


def _s(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


class Store:
    """A per-process store: its id, name and fields (by symbol)."""
    __slots__ = ("id", "name", "source", "fields", "index", "signed",
                 "strings", "words", "tuple_type", "tuple_fields")

    def __init__(self, sid):
        info = lib.vmon_proc_store_info(sid)
        self.id = sid
        self.name = _s(info.name)
        if self.name.startswith("proc_"):
            self.name = self.name[5:]
        self.source = _s(info.source)
        self.fields = tuple(
            Field(self.name, _s(f.name), _s(f.label), _s(f.desc), _s(f.source),
                  _TYPES.get(f.type, "?"))
            for f in (info.fields[i] for i in range(info.fields_nr))) \
            if info.bitmaps else ()
        self.index = {f.name: i for i, f in enumerate(self.fields)}
        self.signed = tuple(i for i, f in enumerate(self.fields)
                            if f.type in ("ll", "int"))
        self.strings = tuple(i for i, f in enumerate(self.fields)
                             if f.type == "str")
        self.words = (len(self.fields) + 63) // 64
        self.tuple_fields = tuple(i for i, f in enumerate(self.fields)
                                  if f.type != "argv")
        names = [self.fields[i].name for i in self.tuple_fields]
        self.tuple_type = collections.namedtuple(
            "p" + self.name.replace("_", ""), names) if names else None


STORES = tuple(Store(i) for i in range(lib.VMON_STORE_PROC_NR))
BY_NAME = {s.name: s for s in STORES}


def stores():
    """The names of the per-process stores, in want order."""
    return [s.name for s in STORES]


def fields(store):
    """The fields of a store (a name of stores()), as Field tuples."""
    try:
        return list(BY_NAME[store].fields)
    except KeyError:
        raise ValueError("no store %r (one of %s)" % (store, ", ".join(BY_NAME))) from None


def field(qualified):
    """The Field of "store.name", e.g. field("stat.utime")."""
    store, _, name = qualified.partition(".")
    try:
        s = BY_NAME[store]
        return s.fields[s.index[name]]
    except KeyError:
        raise ValueError("no field %r" % qualified) from None


def want_bits(wants):
    """The want mask of an iterable of store names (or an int mask)."""
    if isinstance(wants, int):
        return wants
    if isinstance(wants, str):
        wants = (wants,)
    bits = 0
    for w in wants:
        if w not in BY_NAME:
            raise ValueError("no want %r (one of %s)" % (w, ", ".join(BY_NAME)))
        bits |= 1 << BY_NAME[w].id
    return bits
