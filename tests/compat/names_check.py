#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""names_check.py NAMES.tsv > names_check.c

Write a C program that uses every name of the original libvmon's headers
listed in NAMES.tsv (tests/compat/original-names.tsv), as a program written
for the original would: it compiles only if each name exists with the
original's spelling and, where the list gives one, the original's type.
check-compat.sh compiles it with -Wall -Wextra -Werror against the
installed headers, which it includes by the original's path,
"libvmon/vmon.h".
"""
import sys

DEF_MODES = {
    # mode: a block of code that includes a table in that mode and checks
    # that it made one entry per field of the store (the original's
    # _end.def left the INITIALIZE modes defined: undone here by hand, as
    # its programs had to)
    "VMON_DECLARE_MEMBERS": """
struct chk_members {
#define VMON_DECLARE_MEMBERS
#include "libvmon/defs/proc_vm.def"
};
_Static_assert(sizeof(struct chk_members) == VMON_PROC_VM_NR * sizeof(unsigned long long),
	       "VMON_DECLARE_MEMBERS: proc_vm.def's members");
""",
    # (vmon.h declared the symbols already: here they list as values)
    "VMON_ENUM_SYMBOLS": """
const int chk_symbols[] = {
#define VMON_ENUM_SYMBOLS
#include "libvmon/defs/proc_io.def"
};
_Static_assert(sizeof(chk_symbols) / sizeof(*chk_symbols) == VMON_PROC_IO_NR,
	       "VMON_ENUM_SYMBOLS");
""",
    "VMON_INITIALIZE_NAME_TABLE": """
const char *const chk_names[] = {
#define VMON_INITIALIZE_NAME_TABLE
#include "libvmon/defs/proc_stat.def"
};
#undef VMON_INITIALIZE_NAME_TABLE
_Static_assert(sizeof(chk_names) / sizeof(*chk_names) == VMON_PROC_STAT_NR,
	       "VMON_INITIALIZE_NAME_TABLE");
""",
    "VMON_INITIALIZE_DESC_TABLE": """
const char *const chk_descs[] = {
#define VMON_INITIALIZE_DESC_TABLE
#include "libvmon/defs/sys_vm.def"
};
#undef VMON_INITIALIZE_DESC_TABLE
_Static_assert(sizeof(chk_descs) / sizeof(*chk_descs) == VMON_SYS_VM_NR,
	       "VMON_INITIALIZE_DESC_TABLE");
""",
    "VMON_INITIALIZE_OFFSET_TABLE": """
const size_t chk_offsets[] = {
#define VMON_OFFSET_TABLE_STRUCT vmon_sys_stat_t
#define VMON_INITIALIZE_OFFSET_TABLE
#include "libvmon/defs/sys_stat.def"
};
#undef VMON_INITIALIZE_OFFSET_TABLE
_Static_assert(sizeof(chk_offsets) / sizeof(*chk_offsets) == VMON_SYS_STAT_NR,
	       "VMON_INITIALIZE_OFFSET_TABLE");
""",
    # with VMON_SUPPRESS_UNDEFS a table leaves every datum macro of its
    # mode defined: the datum rows below are checked against that
    "VMON_SUPPRESS_UNDEFS": """
struct chk_suppressed {
#define VMON_DECLARE_MEMBERS
#define VMON_SUPPRESS_UNDEFS
#include "libvmon/defs/proc_vm.def"
	int end;
};
""",
}
DEF_MODES["VMON_OFFSET_TABLE_STRUCT"] = ""	# in VMON_INITIALIZE_OFFSET_TABLE's


def main(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            rows.append((cols + [""])[:4])
    top, body, tail = [], [], []
    for n, (origin, kind, name, ctype) in enumerate(rows):
        what = '"%s %s (%s)"' % (kind, name, origin)
        if kind in ("guard", "macro"):
            top.append("#ifndef %s\n#error %s\n#endif" % (name, what))
        elif kind == "type":
            top.append("_Static_assert(sizeof(%s) > 0, %s);" % (name, what))
        elif kind == "enum":
            top.append("enum { chk_enum_%d = (int)%s };" % (n, name))
        elif kind == "member":
            struct, member = name.split(".")
            if ctype == "bitfield":
                body.append("\tp%d->%s = 1;" % (n, member))
                body.insert(0, "\t%s *p%d = v;" % (struct, n))
            else:
                top.append("_Static_assert(__builtin_types_compatible_p("
                           "__typeof__(((%s *)0)->%s), %s), %s);"
                           % (struct, member, ctype, what))
        elif kind == "function":
            top.append("_Static_assert(__builtin_types_compatible_p(__typeof__(%s), %s), %s);"
                       % (name, ctype, what))
        elif kind == "callable":
            # a function-like macro, or else a function of that name
            body.append("#ifndef %s\n\t(void)%s;\n#endif" % (name, name))
        elif kind == "defmode" and name == "VMON_SUPPRESS_UNDEFS":
            tail.insert(0, DEF_MODES[name])
        elif kind == "defmode":
            top.append(DEF_MODES[name])
        elif kind == "datum" and name == "vmon_want":
            top.append("enum { chk_wants = 0\n#define vmon_want(_sym, _name, _func) + 1\n"
                       '#include "libvmon/defs/proc_wants.def"\n};\n'
                       "_Static_assert((int)chk_wants == (int)VMON_STORE_PROC_NR, %s);" % what)
        elif kind == "datum":
            tail.append("#ifndef %s\n#error %s\n#endif" % (name, what))
        else:
            sys.exit("names_check.py: %s: unknown kind %s" % (name, kind))
    print("/* made by tests/compat/names_check.py from %s: do not edit */" % path)
    print('#include <stddef.h>\n#include "libvmon/vmon.h"\n')
    print("\n".join(top))
    # the datum macros are those the last table, included with
    # VMON_SUPPRESS_UNDEFS, left defined; then clean up after it
    print("\n".join(tail))
    print('#include "libvmon/defs/_end.def"\n')
    print("void vmon_compat_names_check(void *v);\n")
    print("void vmon_compat_names_check(void *v)\n{")
    print("\n".join(body))
    print("}\n\nint main(void)\n{\n\treturn 0;\n}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: names_check.py NAMES.tsv > names_check.c")
    main(sys.argv[1])
