#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Write build/guest/versions: every input of the guest build and the
# sha256 of what it produced, one "name value" line each, so a test log or
# a bug report can say exactly which guest ran, and two builds can be
# compared input by input (scripts/check-reproducible.sh).
#
# Run by `make guest` after the kernel and the initramfs. The file is
# rewritten only when a line changed, so its mtime says when the guest did.
set -euo pipefail
ZH_PROG=guest-versions
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

state=$ZH_SRC/.zonehost
for f in "$state/version" "$state/series" "$ZH_OBJ/.config" "$ZH_GUEST/bzImage" \
	"$ZH_GUEST/initramfs.cpio.gz"; do
	[ -f "$f" ] || zh_die "$f missing: run 'make guest'"
done
sha() { sha256sum "$1" | cut -d' ' -f1; }
pkg() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }

out=$ZH_GUEST/versions
# Nothing rebuilt since the last run: nothing to hash.
if [ -f "$out" ] && [ -z "$(find "$state/version" "$state/series" "$state/synced" \
	"$ZH_OBJ/.config" "$ZH_GUEST" "$ZH_ROOT/patches/files" "$ZH_ROOT/configs" \
	-type f -newer "$out" ! -name versions -print -quit)" ]; then
	exit 0
fi
tmp=$out.new
trap 'rm -f "$tmp"' EXIT
{
	echo "# Inputs and outputs of this guest build (scripts/guest-versions.sh)."
	echo "source-package $ZH_KPKG $(cat "$state/version")"
	echo "source-pinned $(zh_pinned_kernel_version)"
	echo "source-tarball-sha256 $(cat "$state/tarball.sha256" 2>/dev/null || echo unknown)"
	echo "source-date-epoch $(zh_source_date_epoch)"
	# The series as applied: the copies kernel-source.sh keeps of what went in.
	while IFS= read -r p; do
		echo "patch $p $(sha "$state/applied/$p")"
	done <"$state/series"
	echo "patches-files-sha256 $(sha "$ZH_ROOT/patches/files")"
	# The new kernel files as synced into the tree (mm-guest/, vmrpc/guest/,
	# vmrpc/include/, Kconfig, as patches/files maps them): one hash over
	# "sha256  path" of each, in path order.
	echo "kernel-files-sha256 $(sort "$state/synced" | (cd "$ZH_SRC" && xargs -r sha256sum --) | sha256sum | cut -d' ' -f1) $(wc -l <"$state/synced") files"
	echo "configs-sha256 $(cd "$ZH_ROOT" && find configs -type f | sort | xargs -r sha256sum -- | sha256sum | cut -d' ' -f1)"
	echo "config-sha256 $(sha "$ZH_OBJ/.config")"
	echo "gcc $(pkg gcc-12) $(cc -dumpfullversion)"
	echo "binutils $(pkg binutils)"
	echo "make $(pkg make)"
	echo "busybox-static $(pkg busybox-static)"
	echo "stress-ng $(pkg stress-ng)"
	echo "qemu-guest-agent $(pkg qemu-guest-agent)"
	echo "libc6 $(pkg libc6)"
	echo "gzip $(pkg gzip)"
	echo "kernel-release $(cat "$ZH_GUEST/kernel.release")"
	echo "bzImage-sha256 $(sha "$ZH_GUEST/bzImage")"
	echo "initramfs-sha256 $(sha "$ZH_GUEST/initramfs.cpio.gz")"
} >"$tmp"
if zh_copy_if_changed "$tmp" "$out"; then
	zh_log "wrote $(basename "$out"): bzImage $(sha "$ZH_GUEST/bzImage" | cut -c1-16), initramfs $(sha "$ZH_GUEST/initramfs.cpio.gz" | cut -c1-16)"
else
	touch "$out"
fi
