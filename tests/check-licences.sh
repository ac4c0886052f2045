#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-licences.sh - every file of the tree says its licence in its first
# lines (an SPDX-License-Identifier): the library, its installed headers,
# the tool, the tests and the benchmarks LGPL-2.1-or-later, the examples
# MIT (their code is meant to be copied).  Data files (fixture proc roots,
# fuzz inputs, records, images) carry none.
set -euo pipefail

cd "$(dirname "$0")/.."
bad=0
while IFS= read -r -d '' f; do
	case $f in
	./tests/fixtures/* | ./fuzz/corpus/* | ./build/* | ./.git/* | ./LICENSE | ./LICENSES/* | \
	*.png | *.jsonl | *.summary | */__pycache__/*) continue ;;
	./examples/*) want=MIT ;;
	*) want=LGPL-2.1-or-later ;;
	esac
	if ! head -n 5 "$f" | grep -q "SPDX-License-Identifier: $want\( \|\$\)"; then
		echo "check-licences: $f does not say $want in its first lines" >&2
		bad=$((bad + 1))
	fi
done < <(find . -type f -print0)
[ "$bad" = 0 ] || exit 1
grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' LICENSE && grep -q 'Version 2.1' LICENSE ||
	{ echo "check-licences: LICENSE is not the LGPL 2.1" >&2; exit 1; }
grep -q '^MIT License' LICENSES/MIT.txt || { echo "check-licences: no LICENSES/MIT.txt" >&2; exit 1; }
echo "check-licences: every file says its licence (LGPL-2.1-or-later; examples MIT)"
