#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# apply-series.sh PATCHDIR TREE STATEDIR DESCRIPTION
#
# Make the patches applied to TREE equal PATCHDIR/series, in order.
# STATEDIR/series lists what is applied now and STATEDIR/applied/ holds a
# copy of each applied patch, so a patch that changed in the repository can
# still be reverted exactly as it went in. Only the patches from the first
# difference onwards are reverted and re-applied. Every patch is dry-run
# first, so a patch that does not apply leaves the tree as it was.
set -euo pipefail
ZH_PROG=apply-series
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || zh_die "usage: apply-series.sh PATCHDIR TREE STATEDIR DESCRIPTION"
pdir=$1
tree=$2
state=$3
what=$4
mkdir -p "$state/applied"
[ -f "$state/series" ] || : >"$state/series"

want=()
if [ -f "$pdir/series" ]; then
	while IFS= read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | xargs)
		[ -n "$line" ] || continue
		[ -f "$pdir/$line" ] || zh_die "series names $line, which is not in $pdir"
		want+=("$line")
	done <"$pdir/series"
fi
have=()
while IFS= read -r line; do
	[ -n "$line" ] && have+=("$line")
done <"$state/series"

# First index where the applied stack and the wanted series differ.
keep=0
while [ $keep -lt ${#have[@]} ] && [ $keep -lt ${#want[@]} ] &&
	[ "${have[$keep]}" = "${want[$keep]}" ] &&
	cmp -s "$state/applied/${have[$keep]}" "$pdir/${want[$keep]}"; do
	keep=$((keep + 1))
done

# Revert the rest of the applied stack, last first.
i=$((${#have[@]} - 1))
while [ $i -ge $keep ]; do
	p=${have[$i]}
	zh_log "reverting $p"
	if ! patch -d "$tree" -p1 -R -s -f --dry-run <"$state/applied/$p" >/dev/null; then
		zh_die "cannot revert $p: the tree was changed by hand; remove it ('make guest-clean') and build again"
	fi
	patch -d "$tree" -p1 -R -s -f <"$state/applied/$p" >/dev/null
	rm -f "$state/applied/$p"
	sed -i '$d' "$state/series"
	i=$((i - 1))
done

# Apply the wanted patches from there on.
i=$keep
while [ $i -lt ${#want[@]} ]; do
	p=${want[$i]}
	if ! out=$(patch -d "$tree" -p1 -s -f -N -F0 --dry-run <"$pdir/$p" 2>&1); then
		printf '%s\n' "$out" >&2
		zh_die "patch $p does not apply to $what"
	fi
	zh_log "applying $p"
	patch -d "$tree" -p1 -s -f -N -F0 <"$pdir/$p" >/dev/null
	cp "$pdir/$p" "$state/applied/$p"
	echo "$p" >>"$state/series"
	i=$((i + 1))
done
