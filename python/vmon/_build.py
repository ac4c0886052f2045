# SPDX-License-Identifier: LGPL-2.1-or-later
"""cffi build script of vmon._vmon, the extension under the vmon package.

API mode: the extension is C compiled against <vmon/vmon.h>, so every
struct layout and constant comes from the header; the cdef below declares
only what Python touches, and "...;" leaves the rest of a struct to the
compiler.  The C half of the binding is _glue.c (declared in _glue.h,
whose declarations are handed to cdef as they are).

Where the header and the library are found, in this order:
  VMON_INCLUDE_DIR / VMON_LIBRARY_DIR   set by `make python`, or by hand
  pkg-config libvmon                    an installed libvmon
  ../include and ../build               a source checkout after `make`
A library found outside the system's directories is linked with an rpath
to it, so the module loads it without LD_LIBRARY_PATH.
"""
import os
import shlex
import subprocess

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.dirname(os.path.dirname(HERE))

CDEF = r"""
typedef enum { VMON_EVENTS_NONE, VMON_EVENTS_AUTO, VMON_EVENTS_WAIT,
               VMON_EVENTS_NETLINK, VMON_EVENTS_PTRACE, ... } vmon_event_source_t;
typedef enum { VMON_SOCKET_UNKNOWN, VMON_SOCKET_LISTEN, ... } vmon_socket_state_t;
typedef struct { ...; } vmon_t;
typedef struct _vmon_proc_t vmon_proc_t;

typedef enum { VMON_RATE_NONE, VMON_RATE_OK, VMON_RATE_CLAMPED } vmon_rate_status_t;
typedef struct { double value; vmon_rate_status_t status; } vmon_rate_t;
typedef struct vmon_proc_rates { ...; } vmon_proc_rates_t;

typedef enum {
    VMON_FIELD_ULL, VMON_FIELD_LL, VMON_FIELD_INT, VMON_FIELD_CHAR,
    VMON_FIELD_STR, VMON_FIELD_ARGV, VMON_FIELD_ULONG, VMON_FIELD_STRZ, ...
} vmon_field_type_t;
typedef struct vmon_field {
    const char *name;
    const char *label;
    const char *desc;
    const char *source;
    vmon_field_type_t type;
    int sym;
    ...;
} vmon_field_t;
typedef struct vmon_store_info {
    const char *name;
    const char *source;
    int fields_nr;
    const vmon_field_t *fields;
    int bitmaps;
    ...;
} vmon_store_info_t;
const vmon_store_info_t *vmon_proc_store_info(int);

typedef struct vmon_exit {
    unsigned known;
    vmon_event_source_t source;
    int status;
    unsigned long long cpu_ns;
    unsigned long long utime_us, stime_us;
    unsigned long long peak_rss_kb;
    unsigned long long rchar, wchar, read_bytes, write_bytes;
    unsigned long long minflt, majflt;
    unsigned long long start;
    unsigned long long end_ns;
    int ppid;
    ...;
} vmon_exit_t;
#define VMON_EXIT_STATUS ...
#define VMON_EXIT_CPU ...
#define VMON_EXIT_CPU_SPLIT ...
#define VMON_EXIT_PEAK_RSS ...
#define VMON_EXIT_IO ...
#define VMON_EXIT_FAULTS ...
#define VMON_EXIT_START ...
#define VMON_EXIT_END ...
#define VMON_EXIT_PPID ...

typedef struct vmon_sample_cost {
    unsigned long long wall_ns;
    unsigned long long cpu_ns;
    unsigned long reads;
    unsigned long long bytes_read;
    unsigned long opens;
    int fds_held;
    int fd_budget;
    int fallback_files;
    int fallback_nodes;
    int event_source;
    unsigned long events;
    unsigned long events_lost;
    ...;
} vmon_sample_cost_t;
int vmon_sample_cost(const vmon_t *, vmon_sample_cost_t *);

typedef struct _vmon_socket_t {
    uint64_t inum;
    int family;
    int type;
    int protocol;
    vmon_socket_state_t state;
    unsigned char local_addr[16];
    unsigned char remote_addr[16];
    int local_port, remote_port;
    long long uid;
    const char *path;
    size_t path_len;
    uint64_t peer_inum;
    ...;
} vmon_socket_t;
const char *vmon_socket_state_name(int);
const char *vmon_fd_kind_name(int);

int vmon_set_event_source(vmon_t *, int);
int vmon_event_source(const vmon_t *);
int vmon_event_fd(const vmon_t *);
const char *vmon_event_source_name(int);
int vmon_set_want_interval(vmon_t *, unsigned long, unsigned);
int vmon_set_fd_budget(vmon_t *, int);
typedef enum { VMON_REFRESH_CMDLINE, VMON_REFRESH_WCHAN, ... } vmon_refresh_t;
int vmon_set_refresh(vmon_t *, vmon_refresh_t, unsigned);

typedef enum {
    VMON_FLAG_NONE, VMON_FLAG_PROC_ARRAY, VMON_FLAG_PROC_ALL, VMON_FLAG_2PASS,
    VMON_FLAG_EVENTS, ...
} vmon_flags_t;
typedef enum {
    VMON_STORE_PROC_FOLLOW_CHILDREN, VMON_STORE_PROC_FOLLOW_THREADS,
    VMON_STORE_PROC_FILES, VMON_STORE_PROC_STAT, VMON_STORE_PROC_VM,
    VMON_STORE_PROC_IO, VMON_STORE_PROC_STATUS, VMON_STORE_PROC_SMAPS_ROLLUP,
    VMON_STORE_PROC_CGROUP, VMON_STORE_PROC_NS, VMON_STORE_PROC_OOM,
    VMON_STORE_PROC_SCHED, VMON_STORE_PROC_LIMITS, VMON_STORE_PROC_IOPRIO,
    VMON_STORE_PROC_NR, ...
} vmon_proc_store_t;
typedef enum { VMON_STORE_SYS_SOCKETS, VMON_STORE_SYS_NR, ... } vmon_sys_store_t;

extern "Python" void vmonpy_freed(void *, uintptr_t);
"""


def _pkg_config():
    """(include dirs, library dirs) of an installed libvmon, or None."""
    try:
        out = subprocess.run(["pkg-config", "--cflags", "--libs", "libvmon"],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    args = shlex.split(out)
    return ([a[2:] for a in args if a.startswith("-I")],
            [a[2:] for a in args if a.startswith("-L")])


def _where():
    inc = os.environ.get("VMON_INCLUDE_DIR")
    lib = os.environ.get("VMON_LIBRARY_DIR")
    if inc and lib:
        return [inc], [lib]
    found = _pkg_config()
    if found:
        return found
    return [os.path.join(TREE, "include")], [os.path.join(TREE, "build")]


def _glue():
    with open(os.path.join(HERE, "_glue.h")) as f:
        decls = f.read()
    with open(os.path.join(HERE, "_glue.c")) as f:
        code = f.read()
    return decls, code


def make_builder():
    decls, code = _glue()
    incs, libs = _where()
    libs = [os.path.abspath(d) for d in libs]
    if not any(os.path.exists(os.path.join(d, "vmon", "vmon.h")) for d in incs):
        raise SystemExit("vmon: no <vmon/vmon.h> in %s: `make install` libvmon, "
                         "`make` in the checkout, or set VMON_INCLUDE_DIR and "
                         "VMON_LIBRARY_DIR" % ", ".join(incs))
    system = {"/usr/lib", "/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu"}
    rpath = [d for d in libs if d not in system]
    ffi = FFI()
    ffi.cdef(CDEF + decls)
    ffi.set_source(
        "vmon._vmon",
        "#include <errno.h>\n#include <stdlib.h>\n#include <vmon/vmon.h>\n"
        + decls + code,
        include_dirs=incs, library_dirs=libs, libraries=["vmon"],
        runtime_library_dirs=rpath,
        extra_compile_args=["-std=gnu11", "-Wall", "-Werror",
                            "-Wno-unused-function"])
    return ffi


ffibuilder = make_builder()

if __name__ == "__main__":
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    ffibuilder.compile(tmpdir=out, verbose=False)
