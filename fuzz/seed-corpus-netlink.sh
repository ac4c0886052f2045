#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus-netlink.sh - (re)write the seed inputs of fuzz_netlink
# (fuzz/corpus/netlink/): captures of what this machine's kernel sends the
# NETLINK source (capture-*) and hazards made from them (case-*), by
# fuzz/seed-corpus-netlink.c.  Crash inputs (crash-*) and what `make
# fuzz-merge` added are left alone.  Run it from the top of the tree as
# root (the proc connector and taskstats need CAP_NET_ADMIN); commit the
# result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus/netlink
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -pthread \
	-o "$tmp/seed" fuzz/seed-corpus-netlink.c
mkdir -p "$C"
rm -f "$C"/capture-* "$C"/case-*
"$tmp/seed" "$C"
echo "seed corpus: $(ls $C | wc -l) files in $C"
