#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest provider's files call one way: zone_host_provider.h lists them
# lowest first, and each may use only the functions of files above it in
# that list (its "/* file.c */" sections). A call to a function of a file
# further down the list is a layering violation.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
dir=$root/mm-guest
hdr=$dir/zone_host_provider.h

# The order, from the comment at the top of the header.
mapfile -t order < <(sed -n 's/^ \*   \(zone_host_[a-z_]*\.c\) .*/\1/p' "$hdr")
# function -> file that defines it, from the header's sections.
declare -A owner
section=
while IFS= read -r line; do
	if [[ $line =~ ^/\*\ (zone_host_[a-z_]*\.c)\ \*/$ ]]; then
		section=${BASH_REMATCH[1]}
	elif [ -n "$section" ] && [[ $line =~ (zone_host_[a-z_0-9]+)\( ]]; then
		owner[${BASH_REMATCH[1]}]=$section
	fi
done <"$hdr"

tap_plan $((${#order[@]} + 4))
tap_check "the header lists ${#order[@]} files in order and ${#owner[@]} functions by file" \
	test "${#order[@]}" -ge 5 -a "${#owner[@]}" -ge 10
declare -A rank
for i in "${!order[@]}"; do rank[${order[$i]}]=$i; done
for f in "${order[@]}"; do
	bad=
	if [ ! -f "$dir/$f" ]; then
		bad="missing"
	else
		for fn in "${!owner[@]}"; do
			o=${owner[$fn]}
			[ "$o" = "$f" ] && continue
			# Code only: comments may name any function.
			if sed -e 's://.*$::' -e '/\/\*/,/\*\//d' "$dir/$f" |
				grep -qE "\\b$fn\\("; then
				[ "${rank[$o]}" -lt "${rank[$f]}" ] || bad+=" $fn ($o)"
			fi
		done
	fi
	[ -z "$bad" ] || tap_diag "$f uses what is below it:$bad"
	tap_check "$f uses only files above it" test -z "$bad"
done
# One global holds the provider: the pointer the online_page callback
# needs, which gets no argument. Everything else is handed the provider.
globals=$(cd "$dir" && grep -nE '^(static )?struct zone_host_provider [*]*[a-z_]+( =.*)?;' \
	zone_host_*.c)
[ "$(echo "$globals" | grep -c .)" -eq 1 ] || tap_diag "provider globals:" "$globals"
tap_check "one global holds the provider, the online callback's (${globals%%;*})" \
	test "$(echo "$globals" | grep -c .)" -eq 1
# And one the pin tracker, for the mlock hook, which gets only a folio.
pins=$(cd "$dir" && grep -nE '^(static )?struct zone_host_pin [*]*[a-z_]+( =.*)?;' \
	zone_host_*.c)
tap_check "one global holds the pin tracker, the mlock hook's (${pins%%;*})" \
	test "$(echo "$pins" | grep -c .)" -eq 1 -a "${pins%%:*}" = zone_host_pin.c
# And one the paging state, for the reclaim hook, which gets only a folio.
paging=$(cd "$dir" && grep -nE '^(static )?struct zone_host_paging [*]*[a-z_]+( =.*)?;' \
	zone_host_*.c)
tap_check "one global holds the paging state, the reclaim hook's (${paging%%;*})" \
	test "$(echo "$paging" | grep -c .)" -eq 1 -a "${paging%%:*}" = zone_host_paging.c
tap_done
