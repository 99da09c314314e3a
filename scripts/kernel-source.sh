#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepare build/linux-src: Debian's linux-source-6.12, the patches of
# patches/series applied in order, and the new kernel files that
# patches/files maps (mm-guest/, vmrpc/guest/, vmrpc/include/, Kconfig)
# synced in.
#
# Incremental by design: the tree is extracted once per Debian version;
# patches are tracked like quilt does (a copy of every applied patch), so
# only patches from the first changed one onwards are reverted and
# re-applied; new files are copied only when their content changed. Files
# nobody touched keep their mtime and kbuild does not rebuild them.
set -euo pipefail
ZH_PROG=kernel-source
. "$(dirname "$0")/lib.sh"

state=$ZH_SRC/.zonehost
applied=$state/applied

installed=$(zh_installed_kernel_version)
pinned=$(zh_pinned_kernel_version)
[ -n "$installed" ] || zh_die "$ZH_KPKG is not installed: run 'make deps'"
[ -r "$ZH_KTARBALL" ] || zh_die "$ZH_KTARBALL is missing: reinstall $ZH_KPKG"
case "$installed" in
6.12.*) ;;
*) zh_die "$ZH_KPKG $installed is not a 6.12.y release" ;;
esac
if [ "$installed" != "$pinned" ]; then
	zh_log "note: series made against $ZH_KPKG $pinned, building against installed $installed"
fi

# 1. Extract, once per installed version.
if [ "$(cat "$state/version" 2>/dev/null)" != "$installed" ]; then
	zh_log "extracting $ZH_KPKG $installed"
	rm -rf "$ZH_SRC" "$ZH_OBJ" "$ZH_BUILD/linux-config" "$ZH_BUILD/linux-extract"
	mkdir -p "$ZH_BUILD/linux-extract"
	tar -xf "$ZH_KTARBALL" -C "$ZH_BUILD/linux-extract"
	mv "$ZH_BUILD/linux-extract/$ZH_KPKG" "$ZH_SRC"
	rmdir "$ZH_BUILD/linux-extract"
	mkdir -p "$applied"
	: >"$state/series"
	sha256sum "$ZH_KTARBALL" | cut -d' ' -f1 >"$state/tarball.sha256"
	echo "$installed" >"$state/version"
fi
# The tarball the tree came from, for build/guest/versions (trees extracted
# before it was recorded get it once here).
[ -s "$state/tarball.sha256" ] || sha256sum "$ZH_KTARBALL" | cut -d' ' -f1 >"$state/tarball.sha256"

# 2. Bring the applied stack in line with patches/series.
"$ZH_ROOT/scripts/apply-series.sh" "$ZH_ROOT/patches" "$ZH_SRC" "$state" \
	"$ZH_KPKG $installed (series made against $pinned)"

# 3. Sync the new kernel files, as patches/files maps them: a line is
# "PATCH REPOSITORY-PATH KERNEL-PATH", a path ending in / a whole folder.
manifest_new=$state/synced.new
: >"$manifest_new"
changed=0
while read -r _step from to; do
	if [[ $from == */ ]]; then
		[ -d "$ZH_ROOT/$from" ] || zh_die "patches/files names $from, which is not a folder of the repository"
		while IFS= read -r -d '' f; do
			rel=${f#"$ZH_ROOT/$from"}
			echo "$to$rel" >>"$manifest_new"
			if zh_copy_if_changed "$f" "$ZH_SRC/$to$rel"; then
				changed=$((changed + 1))
			fi
		done < <(find "$ZH_ROOT/$from" -type f ! -name '*.md' ! -name '.*' -print0 | sort -z)
	else
		[ -f "$ZH_ROOT/$from" ] || zh_die "patches/files names $from, which is not a file of the repository"
		echo "$to" >>"$manifest_new"
		if zh_copy_if_changed "$ZH_ROOT/$from" "$ZH_SRC/$to"; then
			changed=$((changed + 1))
		fi
	fi
done < <(zh_series_files)
# Files synced before but gone from the repository go from the tree too.
if [ -f "$state/synced" ]; then
	sort "$state/synced" | comm -23 - <(sort "$manifest_new") |
		while IFS= read -r gone; do
			zh_log "removing $gone (no longer in the repository)"
			rm -f "${ZH_SRC:?}/$gone"
		done
fi
mv "$manifest_new" "$state/synced"
[ $changed -eq 0 ] || zh_log "synced $changed new kernel file(s)"
zh_log "source ready: $ZH_KPKG $installed, $(wc -l <"$state/series") patch(es)"
