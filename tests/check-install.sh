#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-install.sh [BUILD_DIR] - install into a scratch DESTDIR with
# PREFIX=/usr and use the result as a user would:
#  - every public header, every .def table, both libraries (with the
#    SONAME links), libvmon.pc and the man page are installed, identical
#    to the sources, and nothing else is;
#  - the man page renders without groff warnings;
#  - tests/seed_prog.c, written only against the original seed header,
#    builds with `cc prog.c $(pkg-config --cflags --libs libvmon)` and
#    runs, linked dynamically (LD_LIBRARY_PATH) and statically;
#  - seed_prog.c also compiles against the seed header itself, so it
#    proves that the seed's names are enough.  The seed is the original
#    libvmon's vmon.h (GPL-2.0-only, so not kept here): VMON_SEED_HEADER,
#    by default where the project's workspace keeps it, beside this
#    checkout.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
seed=${VMON_SEED_HEADER:-$root/../shared/seeds/vmon.h}
version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
CC=${CC:-cc}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
usr=$dest/usr

fail() {
	echo "check-install: FAIL: $*" >&2
	exit 1
}

make -C "$root" --no-print-directory B="$build" PREFIX=/usr DESTDIR="$dest" install >/dev/null

# ---- what was installed ----
expected=(include/vmon/vmon.h include/vmon/stores.h include/vmon/list.h include/vmon/bitmap.h include/libvmon
	lib/libvmon.a "lib/libvmon.so.$version" lib/libvmon.so.0 lib/libvmon.so
	lib/pkgconfig/libvmon.pc share/man/man3/libvmon.3)
for def in "$root"/include/vmon/defs/*.def; do
	expected+=("include/vmon/defs/${def##*/}")
done
for f in "${expected[@]}"; do
	[ -e "$usr/$f" ] || fail "/usr/$f was not installed"
	case $f in
	include/libvmon) ;;	# a link, checked below
	include/*) cmp -s "$root/$f" "$usr/$f" || fail "/usr/$f differs from $f" ;;
	share/man/*) cmp -s "$root/docs/libvmon.3" "$usr/$f" || fail "/usr/$f differs" ;;
	esac
done
[ "$(readlink "$usr/include/libvmon")" = vmon ] || fail "include/libvmon -> vmon (the original's path)"
[ "$(readlink "$usr/lib/libvmon.so")" = libvmon.so.0 ] || fail "libvmon.so -> libvmon.so.0"
[ "$(readlink "$usr/lib/libvmon.so.0")" = "libvmon.so.$version" ] ||
	fail "libvmon.so.0 -> libvmon.so.$version"
installed=$(cd "$dest" && find . ! -type d | sed 's|^\./usr/||' | sort)
unexpected=$(comm -13 <(printf '%s\n' "${expected[@]}" | sort) <(printf '%s\n' "$installed"))
[ -z "$unexpected" ] || fail "installed but not public: ${unexpected//$'\n'/ }"

# ---- the man page ----
if command -v groff >/dev/null; then
	warnings=$(groff -man -Tutf8 -ww -z "$usr/share/man/man3/libvmon.3" 2>&1)
	[ -z "$warnings" ] || fail "groff warnings on libvmon.3: $warnings"
elif [ "${VMON_TEST_NO_SKIP:-}" = 1 ]; then
	fail "groff is not installed: cannot check the man page"
else
	echo "check-install: SKIP: groff is not installed: man page not rendered"
fi

# ---- pkg-config, seen from the scratch root ----
export PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH=$usr/lib/pkgconfig PKG_CONFIG_LIBDIR=$usr/lib/pkgconfig
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
[ "$(pkg-config --modversion libvmon)" = "$version" ] || fail "pkg-config --modversion libvmon"
read -ra cflags_libs <<<"$(pkg-config --cflags --libs libvmon)"
read -ra cflags <<<"$(pkg-config --cflags libvmon)"
read -ra libs <<<"$(pkg-config --libs libvmon)"
read -ra libs_L <<<"$(pkg-config --libs-only-L libvmon)"
read -ra libs_l <<<"$(pkg-config --libs-only-l libvmon)"
case "${cflags[*]} ${libs[*]}" in
*"$usr/include"*"$usr/lib"*) ;;
*) fail "pkg-config does not point into the install: ${cflags[*]} ${libs[*]}" ;;
esac

# ---- a seed-only program, dynamic and static ----
prog=$root/tests/seed_prog.c
# what a user types: cc prog.c $(pkg-config --cflags --libs libvmon)
$CC "$prog" "${cflags_libs[@]}" -o "$tmp/seed_dynamic" ||
	fail "cc seed_prog.c \$(pkg-config --cflags --libs libvmon)"
$CC "$prog" "${cflags[@]}" "${libs_L[@]}" -Wl,-Bstatic "${libs_l[@]}" -Wl,-Bdynamic \
	-o "$tmp/seed_static" || fail "static link of seed_prog.c"
readelf -d "$tmp/seed_dynamic" | grep -q 'NEEDED.*\[libvmon\.so\.0\]' ||
	fail "the dynamic build does not need libvmon.so.0"
if readelf -d "$tmp/seed_static" | grep -q 'NEEDED.*libvmon'; then
	fail "the static build needs libvmon.so"
fi
LD_LIBRARY_PATH=$usr/lib "$tmp/seed_dynamic" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out" >&2; fail "seed_prog (dynamic) failed"; }
"$tmp/seed_static" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "seed_prog (static) failed"; }
tail -n 1 "$tmp/out" | grep -qx 'seed_prog: ok' || fail "seed_prog did not finish"

# ---- the seed's names suffice ----
if [ -f "$seed" ]; then
	mkdir -p "$tmp/seed/vmon"
	cp "$seed" "$tmp/seed/vmon/vmon.h"
	cp -r "$usr/include/vmon/list.h" "$usr/include/vmon/bitmap.h" "$usr/include/vmon/defs" \
		"$tmp/seed/vmon/"
	$CC -Wall -Wextra -Werror -fsyntax-only -I"$tmp/seed" "$prog" ||
		fail "seed_prog.c uses names the seed header does not declare"
elif [ "${VMON_TEST_NO_SKIP:-}" = 1 ]; then
	fail "no seed header at $seed"
else
	echo "check-install: SKIP: no seed header at $seed"
fi

echo "check-install: ${#expected[@]} files installed;" \
	"seed_prog built with pkg-config and ran, dynamic and static"
