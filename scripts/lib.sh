# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the zonehost build scripts. Source it; do not run it.
#
# Every path the scripts use is derived here from the repository root, so a
# newcomer finds the build layout in one place:
#
#   build/linux-src/     Debian's linux-source-6.12, patched, new files synced in
#   build/linux-obj/     kbuild output (O=), incremental
#   build/guest/         bzImage, initramfs.cpio.gz, kernel.release, versions
#   build/guest-tests/   kselftest-style programs that run inside the guest
#   build/bin/           host programs (zhost-run, later zhostd and balloon-ctl)
#   build/reproducible/  scripts/check-reproducible.sh: two guest builds side by side
#
# scripts/check-reproducible.sh points ZH_SRC, ZH_OBJ, ZH_GUEST and
# ZH_GUEST_TESTS elsewhere to build a second guest; nothing else should.

ZH_ROOT=${ZH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ZH_BUILD=${ZH_BUILD:-$ZH_ROOT/build}
ZH_SRC=${ZH_SRC:-$ZH_BUILD/linux-src}
ZH_OBJ=${ZH_OBJ:-$ZH_BUILD/linux-obj}
ZH_GUEST=${ZH_GUEST:-$ZH_BUILD/guest}
ZH_GUEST_TESTS=${ZH_GUEST_TESTS:-$ZH_BUILD/guest-tests}

# The Debian package the guest kernel comes from, and its tarball.
ZH_KPKG=linux-source-6.12
ZH_KTARBALL=${ZH_KTARBALL:-/usr/src/$ZH_KPKG.tar.xz}

zh_log() { printf '%s: %s\n' "${ZH_PROG:-zonehost}" "$*"; }
zh_die() { printf '%s: error: %s\n' "${ZH_PROG:-zonehost}" "$*" >&2; exit 1; }

# Installed Debian version of the kernel source package, or empty.
zh_installed_kernel_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$ZH_KPKG" 2>/dev/null |
		awk '$3 == "installed" { print $4 }'
}

# The Debian version the patch series was last made and tested against.
zh_pinned_kernel_version() {
	sed -n 's/^[[:space:]]*\([^#[:space:]][^[:space:]]*\).*/\1/p' \
		"$ZH_ROOT/configs/linux-source.version" | head -n 1
}

# The one time every guest build records, in seconds since the epoch: the
# date of the installed kernel source's Debian changelog entry. It is fixed
# for a given source, so the same inputs give the same kernel banner and
# archive mtimes, and it changes nothing kbuild tracks between two builds of
# the same source (a changing time would relink the kernel every build).
zh_source_date_epoch() {
	local changelog=/usr/share/doc/$ZH_KPKG/changelog.Debian.gz date
	date=$(zcat "$changelog" 2>/dev/null | sed -n 's/^ -- .*>  //p' | head -n 1)
	if [ -n "$date" ]; then
		date -d "$date" +%s
	else
		# No changelog (docs excluded by dpkg): the tarball's mtime, which
		# Debian's packaging clamps to the same date.
		stat -c %Y "$ZH_KTARBALL"
	fi
}

# copy_if_changed SRC DST: copy only when the content differs, so kbuild
# and make see an unchanged mtime for unchanged files.
zh_copy_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
		return 0
	fi
	return 1
}

# The lines of patches/files without comments: "PATCH FROM TO", where PATCH
# is the number of the patch of the series that adds the file.
zh_series_files() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ZH_ROOT/patches/files"
}
