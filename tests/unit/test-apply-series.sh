#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/apply-series.sh on a toy tree: applies in order, is a no-op when
# nothing changed, re-applies only from a changed patch onwards (leaving the
# files of earlier patches untouched), reverts dropped patches, and refuses
# a patch that does not apply without touching the tree.
# timeout: 60
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
apply=$(cd "$(dirname "$0")/../.." && pwd)/scripts/apply-series.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
state=$tmp/state
pd=$tmp/patches
mkdir -p "$tree" "$pd" "$state"
printf 'one\ntwo\nthree\n' >"$tree/a.txt"
printf 'alpha\nbeta\ngamma\n' >"$tree/b.txt"
cp -r "$tree" "$tmp/pristine"

# mkpatch NAME FILE NEWCONTENT: a -p1 patch turning pristine FILE into NEW.
mkpatch() {
	mkdir -p "$tmp/x/a" "$tmp/x/b"
	cp "$tmp/pristine/$2" "$tmp/x/a/$2"
	printf '%b' "$3" >"$tmp/x/b/$2"
	(cd "$tmp/x" && diff -u "a/$2" "b/$2") >"$pd/$1"
	rm -rf "$tmp/x"
}
run() { "$apply" "$pd" "$tree" "$state" "toy tree" >"$tmp/out" 2>&1; }

tap_plan 8
mkpatch 0001-a.patch a.txt 'one\nTWO\nthree\n'
mkpatch 0002-b.patch b.txt 'alpha\nBETA\ngamma\n'
printf '0001-a.patch\n# a comment\n0002-b.patch\n' >"$pd/series"
run
tap_ok $? "applies the series"
grep -qx TWO "$tree/a.txt" && grep -qx BETA "$tree/b.txt"
tap_ok $? "both patches are in the tree"

touch -d '2000-01-01' "$tree/a.txt" "$tree/b.txt"
run && ! grep -q applying "$tmp/out" &&
	[ "$(stat -c %Y "$tree/a.txt")" = "$(stat -c %Y "$tree/b.txt")" ] &&
	[ "$(stat -c %Y "$tree/a.txt")" = "$(date -d 2000-01-01 +%s)" ]
tap_ok $? "second run changes nothing (mtimes kept)"

mkpatch 0002-b.patch b.txt 'alpha\nBETA2\ngamma\n'
run && grep -qx BETA2 "$tree/b.txt" && ! grep -q 'reverting 0001' "$tmp/out" &&
	[ "$(stat -c %Y "$tree/a.txt")" = "$(date -d 2000-01-01 +%s)" ]
tap_ok $? "a changed patch is re-applied alone; earlier files untouched"

printf '0001-a.patch\n' >"$pd/series"
run && grep -qx beta "$tree/b.txt" && [ "$(wc -l <"$state/series")" -eq 1 ]
tap_ok $? "a patch dropped from the series is reverted"

printf 'broken\n' >"$tmp/pristine/b.txt"
mkpatch 0003-bad.patch b.txt 'broken\nmore\n'
printf '0001-a.patch\n0003-bad.patch\n' >"$pd/series"
cp "$tree/b.txt" "$tmp/b.before"
run
st=$?
[ $st -ne 0 ] && grep -q 'patch 0003-bad.patch does not apply to toy tree' "$tmp/out"
tap_ok $? "a patch that does not apply fails with its name"
cmp -s "$tree/b.txt" "$tmp/b.before" && [ "$(wc -l <"$state/series")" -eq 1 ]
tap_ok $? "the failed patch left the tree and the state as they were"

printf '0001-a.patch\n0009-missing.patch\n' >"$pd/series"
run
[ $? -ne 0 ] && grep -q 'series names 0009-missing.patch' "$tmp/out"
tap_ok $? "a series naming a missing file fails clearly"
tap_done
