#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every repository path that README.md and Documentation/ name exists, so
# that the documents follow the files when they move. A path is a word
# that starts with a folder of the repository (or one it had: host-common/)
# and a slash; wildcards must match something, and a name without suffix
# may be a program built from NAME.c or run as NAME.sh; an .rst file's
# include:: names a path relative to its folder. build/ is
# generated and not checked.
# timeout: 30
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1

# The folders a path may start with: those there are, and those there were.
tops=$( { find . -mindepth 1 -maxdepth 1 -type d ! -name build ! -name '.*' -printf '%f\n'
	  printf '%s\n' host-common scripts configs patches mm-host mm-guest vmrpc \
		 balloon-ctl tests Documentation; } | sort -u | paste -sd'|')

# The path exists, as a file, a folder, a wildcard's match or a program's
# source.
path_exists() {
	local p=$1 m
	if [[ $p == *[*?]* ]]; then
		for m in $p; do
			[ -e "$m" ] && return 0
		done
		return 1
	fi
	[ -e "$p" ] || [ -e "$p.c" ] || [ -e "$p.sh" ]
}

# The paths a document names, one a line. Man pages write a dash as \-.
# Documentation/index.rst names the documents relative to its folder.
doc_paths() {
	local words=$tops

	[ "$1" = Documentation/index.rst ] && words="admin-guide|design|reference"
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' "$1" |
		grep -oE "(^|[^A-Za-z0-9_./-])($words)/[A-Za-z0-9_.*?/+-]*" |
		sed -E -e 's/^[^A-Za-z0-9_.]//' -e 's/[.,:;]+$//' | sort -u |
		if [ "$1" = Documentation/index.rst ]; then sed 's|^|Documentation/|'; else cat; fi
	# Files an .rst document includes, relative to its folder.
	sed -nE 's/^[[:space:]]*\.\. (literal)?include:: +([^[:space:]]+).*/\2/p' "$1" |
		while IFS= read -r inc; do
			realpath -m --relative-to=. "$(dirname "$1")/$inc"
		done
}

docs=$( { echo README.md; find Documentation -type f; } | sort)
tap_plan "$(echo "$docs" | wc -l)"
for doc in $docs; do
	missing=""
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		path_exists "$p" || missing="$missing $p"
	done < <(doc_paths "$doc")
	tap_ok "$([ -z "$missing" ]; echo $?)" "every path $doc names exists${missing:+ (missing:$missing)}"
done
tap_done
