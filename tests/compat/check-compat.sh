#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-compat.sh [BUILD_DIR] - the original libvmon's names and the ways
# its programs use them, against the library as installed:
#  - installs into a scratch root (PREFIX=/usr), so that programs find the
#    headers where a user's would, by the original's path "libvmon/vmon.h";
#  - makes tests/compat/names_check.py's program from original-names.tsv
#    (every name of the original's headers and .def tables) and compiles
#    it with -Wall -Wextra -Werror under gcc and clang;
#  - builds each program of tests/compat/progs/ the same way, linked with
#    the installed libvmon.a, runs it on the real processes it starts, and
#    wants its last line to be "NAME: ok".
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
compilers=("${CC:-cc}")
if [ -n "${CLANG:-}" ]; then
	compilers+=("$CLANG")
elif [ "${VMON_TEST_NO_SKIP:-}" = 1 ]; then
	echo "check-compat: FAIL: no clang to build with" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "check-compat: FAIL: $*" >&2
	exit 1
}

make -C "$root" --no-print-directory B="$build" PREFIX=/usr DESTDIR="$tmp/dest" install >/dev/null
inc=$tmp/dest/usr/include
lib=$tmp/dest/usr/lib/libvmon.a
[ -e "$inc/libvmon/vmon.h" ] || fail "<libvmon/vmon.h> is not installed"
flags=(-std=gnu11 -Wall -Wextra -Werror -pthread -I"$inc")

names=$(grep -vc '^#' "$root/tests/compat/original-names.tsv")
python3 "$root/tests/compat/names_check.py" "$root/tests/compat/original-names.tsv" \
	>"$tmp/names_check.c"
for cc in "${compilers[@]}"; do
	"$cc" "${flags[@]}" -o "$tmp/names_check" "$tmp/names_check.c" "$lib" ||
		fail "$cc: a name of the original is missing or of another type (above)"
	"$tmp/names_check" || fail "names_check did not run"
done

progs=0
for src in "$root"/tests/compat/progs/*.c; do
	name=$(basename "$src" .c)
	for cc in "${compilers[@]}"; do
		"$cc" "${flags[@]}" -o "$tmp/$name" "$src" "$lib" || fail "$cc $name.c"
	done
	out=$("$tmp/$name" 2>&1) || { printf '%s\n' "$out" >&2; fail "$name failed"; }
	printf '%s\n' "$out"
	[ "$(printf '%s\n' "$out" | tail -n 1)" = "$name: ok" ] || fail "$name did not finish"
	progs=$((progs + 1))
done
echo "check-compat: $names names of the original compile against <libvmon/vmon.h>" \
	"(${compilers[*]}); $progs programs written in its programs' style built and ran"
