#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# export-patches.sh: write the complete series, as linux-mm would receive
# it, to build/patches/ (git format-patch output, with the cover letter of
# patches/0000-cover-letter.patch). Also leaves the git tree it was made
# in, build/series/linux (branch "series", one commit per patch on top of
# the pristine source tagged "base"), for scripts/check-series.sh.
#
# Each patch of patches/series changes existing kernel files only; the new
# files it introduces are the repository's own files that patches/files
# assigns to it. So commit N is: patch N applied, then those files copied
# in, with patch N's author, date and changelog.
set -euo pipefail
ZH_PROG=export-patches
. "$(dirname "$0")/lib.sh"

series_dir=$ZH_BUILD/series
tree=$series_dir/linux
out=$ZH_BUILD/patches
installed=$(zh_installed_kernel_version)
[ -n "$installed" ] || zh_die "$ZH_KPKG is not installed: run 'make deps'"
[ -r "$ZH_KTARBALL" ] || zh_die "$ZH_KTARBALL is missing: reinstall $ZH_KPKG"
command -v git >/dev/null || zh_die "git is needed: run 'make deps'"

g() { git -C "$tree" -c user.name="zonehost export" -c user.email="export@lists.invalid" "$@"; }

# 1. A git tree of the pristine source, once per installed version.
if [ "$(cat "$series_dir/version" 2>/dev/null)" != "$installed" ]; then
	zh_log "extracting $ZH_KPKG $installed into a git tree"
	rm -rf "$series_dir"
	mkdir -p "$series_dir/extract"
	tar -xf "$ZH_KTARBALL" -C "$series_dir/extract"
	mv "$series_dir/extract/$ZH_KPKG" "$tree"
	rmdir "$series_dir/extract"
	g init -q
	# Debian's .gitignore ignores the whole top level: add by force.
	g add -A -f . >/dev/null
	g commit -q -m "Linux $installed (Debian $ZH_KPKG)"
	g tag base
	echo "$installed" >"$series_dir/version"
fi

# 2. One commit per patch, from base.
g checkout -q -f -B series base
g clean -q -f -d -x
while IFS= read -r p; do
	num=${p%%-*}
	[ -f "$ZH_ROOT/patches/$p" ] || zh_die "patches/series names $p, which is not in patches/"
	g apply --index "$ZH_ROOT/patches/$p" ||
		zh_die "$p does not apply to $ZH_KPKG $installed"
	while read -r step from to; do
		[ "$step" = "$num" ] || continue
		if [[ $from == */ ]]; then
			mkdir -p "$tree/$to"
			(cd "$ZH_ROOT/$from" && find . -type f ! -name '*.md' ! -name '.*' -print0) |
				while IFS= read -r -d '' f; do
					mkdir -p "$(dirname "$tree/$to/$f")"
					cp "$ZH_ROOT/$from/$f" "$tree/$to/$f"
				done
		else
			mkdir -p "$(dirname "$tree/$to")"
			cp "$ZH_ROOT/$from" "$tree/$to"
		fi
		g add -f "$to"
	done < <(zh_series_files)
	# The patch's own author, date and changelog.
	info=$(git mailinfo "$series_dir/msg" "$series_dir/diff" <"$ZH_ROOT/patches/$p")
	author="$(sed -n 's/^Author: //p' <<<"$info") <$(sed -n 's/^Email: //p' <<<"$info")>"
	date=$(sed -n 's/^Date: //p' <<<"$info")
	{
		sed -n 's/^Subject: //p' <<<"$info"
		echo
		cat "$series_dir/msg"
	} >"$series_dir/log"
	GIT_COMMITTER_DATE=$date g commit -q --allow-empty --author="$author" \
		--date="$date" -F "$series_dir/log"
	g tag -f "step-$num" >/dev/null
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ZH_ROOT/patches/series")

# 3. format-patch, with our cover letter in place of git's template.
rm -rf "$out"
g format-patch -q --zero-commit --no-signature --numbered -o "$out" base..series
count=$(find "$out" -name '[0-9]*.patch' | wc -l)
sed "s/@N@/$count/" "$ZH_ROOT/patches/0000-cover-letter.patch" \
	>"$out/0000-cover-letter.patch"
zh_log "$count patches and a cover letter in ${out#"$ZH_ROOT/"}/ (against $ZH_KPKG $installed)"
