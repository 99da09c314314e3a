#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-reproducible.sh: build the guest twice from the same inputs and
# compare bzImage and initramfs byte for byte.
#
# One snapshot of the inputs is taken first: build/linux-src as `make
# guest-source` left it, and the repository without build/ and .git, so
# edits made while the check runs reach neither build. Each build is then
# the ordinary `make guest` of the snapshot, with its own object tree,
# guest programs and output at paths of different lengths under
# build/reproducible/, so a path that leaks into the result shows up as a
# difference. The kernel builds take build-kernel.sh's lock like any other.
# From scratch twice: about 25-30 minutes on 2 cores; not part of `make test`.
#
# Prints both sha256 sums of each file; on a mismatch, where they differ
# (the first differing bytes, the vmlinux sections and object files that
# differ, the archive members that differ). Exits 1 on a mismatch.
set -euo pipefail
ZH_PROG=check-reproducible
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

work=$ZH_BUILD/reproducible
snap_src=$work/linux-src
snap_tree=$work/tree
dirs=("$work/1" "$work/build-number-two")
[ -f "$ZH_SRC/.zonehost/version" ] || zh_die "no kernel source: run 'make guest-source' first"

rm -rf "$work"
mkdir -p "$work" "$snap_tree"
zh_log "snapshot of the inputs in ${work#"$ZH_ROOT/"}/"
cp -a "$ZH_SRC" "$snap_src"
tar -C "$ZH_ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$snap_tree" -xf -

# guest DIR: `make guest` of the snapshot into DIR. The snapshot's source is
# prepared already (-o guest-source); ZH_BUILD stays the real build/ so the
# kernel build lock is the one every build takes.
guest() {
	local dir=$1 start
	start=$(date +%s)
	mkdir -p "$dir"
	env ZH_BUILD="$ZH_BUILD" ZH_SRC="$snap_src" ZH_OBJ="$dir/obj" ZH_GUEST="$dir/guest" \
		ZH_GUEST_TESTS="$dir/guest-tests" \
		make -s -C "$snap_tree" -o guest-source BUILD="$dir" KSRC="$snap_src" guest
	zh_log "built ${dir#"$ZH_ROOT/"} in $(($(date +%s) - start)) s"
}
for d in "${dirs[@]}"; do
	guest "$d"
done

sha() { sha256sum "$1" | cut -d' ' -f1; }
a=${dirs[0]} b=${dirs[1]}

# Where two kernels differ: the first bytes, then the sections of vmlinux,
# then the object files behind them.
explain_kernel() {
	local sec n=0 o
	cmp -l "$a/guest/bzImage" "$b/guest/bzImage" | head -n 5 | sed 's/^/    bzImage byte (offset, octal a, b): /' || true
	for sec in $(readelf -SW "$a/obj/vmlinux" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p'); do
		[ "$sec" = NULL ] && continue
		objcopy -O binary -j "$sec" "$a/obj/vmlinux" "$work/section.a" 2>/dev/null || continue
		objcopy -O binary -j "$sec" "$b/obj/vmlinux" "$work/section.b" 2>/dev/null || continue
		cmp -s "$work/section.a" "$work/section.b" || echo "    vmlinux section $sec differs"
	done
	while IFS= read -r o; do
		if ! cmp -s "$a/obj/$o" "$b/obj/$o"; then
			echo "    object $o differs"
			n=$((n + 1))
			[ $n -lt 20 ] || break
		fi
	done < <(cd "$a/obj" && find . -name '*.o' ! -name '*.mod.o' | sort)
}

# Where two archives differ: the members whose listing or content differ.
explain_initramfs() {
	local d
	for d in "$a" "$b"; do
		rm -rf "$d/initramfs"
		mkdir -p "$d/initramfs"
		(cd "$d/initramfs" && zcat ../guest/initramfs.cpio.gz |
			cpio -id --quiet --no-absolute-filenames 2>/dev/null) || true
		zcat "$d/guest/initramfs.cpio.gz" | cpio -itv --quiet >"$d/initramfs.list" 2>/dev/null || true
	done
	diff "$a/initramfs.list" "$b/initramfs.list" | head -n 20 | sed 's/^/    listing: /' || true
	diff -rq "$a/initramfs" "$b/initramfs" | head -n 20 | sed 's/^/    /' || true
}

fail=0
for f in bzImage initramfs.cpio.gz; do
	sa=$(sha "$a/guest/$f")
	sb=$(sha "$b/guest/$f")
	if [ "$sa" = "$sb" ]; then
		zh_log "$f identical: sha256 $sa"
	else
		zh_log "$f DIFFERS: sha256 $sa (${a#"$ZH_ROOT/"}) and $sb (${b#"$ZH_ROOT/"})"
		fail=1
		case $f in
		bzImage) explain_kernel ;;
		*) explain_initramfs ;;
		esac
	fi
done
# The recorded inputs must agree too; a difference here names the cause.
diff "$a/guest/versions" "$b/guest/versions" | sed 's/^/    versions: /' || true
[ $fail -eq 0 ] || zh_die "the two builds differ (both trees kept in ${work#"$ZH_ROOT/"}/)"
zh_log "reproducible: two builds from the same inputs are byte-identical"
