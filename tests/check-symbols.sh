#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-symbols.sh LIBVMON_SO - the shared library's interface:
#  - its SONAME is libvmon.so.0;
#  - the symbols it exports are exactly the functions include/vmon/vmon.h
#    declares (all vmon_*, none of the vmon__ internals), in version
#    LIBVMON_0;
#  - every global symbol of the static library beside it starts with
#    vmon_, so linking libvmon.a cannot clash with a program's names.
set -euo pipefail

so=${1:?usage: check-symbols.sh path/to/libvmon.so}
root=$(cd "$(dirname "$0")/.." && pwd)
header=$root/include/vmon/vmon.h
archive=$(dirname "$so")/libvmon.a
status=0

fail() {
	echo "check-symbols: FAIL: $*" >&2
	status=1
}

soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvmon.so.0 ] || fail "SONAME is '$soname', not libvmon.so.0"

# exported: "ADDR T name@@LIBVMON_0"; the version node itself is "A LIBVMON_0"
exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort)
for sym in $exported; do
	case $sym in
	vmon__*) fail "internal symbol exported: $sym" ;;
	vmon_*@@LIBVMON_0) ;;
	*) fail "unexpected export: $sym" ;;
	esac
done

# the functions the public header declares (declarations start a line)
declared=$(sed -n 's/^[a-z][a-z_ ]*[ *]\(vmon_[a-z_]*\)(.*/\1/p' "$header" | sort)
[ -n "$declared" ] || fail "no function declarations found in $header"
names=$(printf '%s\n' "$exported" | sed 's/@.*//' | sort)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$names"))
extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$names"))
[ -z "$missing" ] || fail "declared but not exported: ${missing//$'\n'/ }"
[ -z "$extra" ] || fail "exported but not declared in vmon.h: ${extra//$'\n'/ }"

if [ -f "$archive" ]; then
	foreign=$(nm -g --defined-only "$archive" | awk 'NF == 3 && $3 !~ /^vmon_/ { print $3 }')
	[ -z "$foreign" ] || fail "libvmon.a defines globals outside vmon_: ${foreign//$'\n'/ }"
else
	fail "$archive not found"
fi

[ $status = 0 ] && echo "check-symbols: $(printf '%s\n' "$names" | wc -l) symbols," \
	"all declared in vmon.h, SONAME $soname"
exit $status
