#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# valgrind-cycle.sh BUILD_DIR - run BUILD_DIR/helpers/valgrind_cycle under
# valgrind in each of its modes (a followed tree with every want, the same
# with the process array, and every process of the system) and fail if
# valgrind reports any error, any heap block left at exit (whatever its
# kind), or any descriptor open at exit beyond stdin, stdout and stderr.
set -euo pipefail

build=${1:-build}
helper=$build/helpers/valgrind_cycle

fail() {
	echo "valgrind-cycle: FAIL: $*" >&2
	exit 1
}

if ! command -v valgrind >/dev/null; then
	[ "${VMON_TEST_NO_SKIP:-}" = 1 ] && fail "valgrind is not installed"
	echo "valgrind-cycle: SKIP: valgrind is not installed"
	exit 0
fi
[ -x "$helper" ] || fail "$helper is not built"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

for mode in tree tree-array all; do
	status=0
	valgrind --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		--track-fds=yes --child-silent-after-fork=yes \
		--log-file="$log" "$helper" "$mode" || status=$?
	# "FILE DESCRIPTORS: N open (M std) at exit." (the std part is newer)
	open=$(sed -n 's/.*FILE DESCRIPTORS: \([0-9]*\) open.*/\1/p' "$log")
	summary=$(grep -c 'in use at exit: 0 bytes in 0 blocks' "$log" || true)
	if [ "$status" != 0 ] || [ -z "$open" ] || [ "$open" -gt 3 ] || [ "$summary" != 1 ]; then
		cat "$log" >&2
		[ "$status" = 99 ] && fail "$mode: valgrind found errors or leaks"
		[ "$status" != 0 ] && fail "$mode: the helper failed (exit $status)"
		[ -z "$open" ] && fail "$mode: no descriptor summary from valgrind"
		[ "$open" -gt 3 ] && fail "$mode: $open descriptors open at exit"
		fail "$mode: heap blocks in use at exit"
	fi
	echo "valgrind-cycle: $mode: no error, no leak, $open descriptors open at exit"
done
