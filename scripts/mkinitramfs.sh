#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build build/guest/initramfs.cpio.gz: busybox, stress-ng and qemu-ga with
# the shared libraries they need, scripts/initramfs/init, and in
# /usr/lib/zonehost/bin/ the guest test programs of build/guest-tests/,
# scripts/initramfs/bin/ and tests/bench/guest/.
#
# The archive is written with the kernel's own usr/gen_init_cpio from a
# file list, so device nodes and owners need no root, and it is rebuilt
# only when one of its inputs is newer than the last archive.
#
# Reproducible: the same inputs give the same archive. The list is in a
# fixed order (C collation), every entry is owned by root with the mtime of
# the kernel source (lib.sh: zh_source_date_epoch), inode numbers are
# gen_init_cpio's counter, and gzip stores no name or time.
set -euo pipefail
ZH_PROG=mkinitramfs
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

out=$ZH_GUEST/initramfs.cpio.gz
busybox=/bin/busybox
stressng=/usr/bin/stress-ng
qga=/usr/sbin/qemu-ga
gen=$ZH_BUILD/tools/gen_init_cpio

[ -x "$busybox" ] || zh_die "$busybox missing: run 'make deps' (busybox-static)"
[ -x "$stressng" ] || zh_die "$stressng missing: run 'make deps'"
[ -x "$qga" ] || zh_die "$qga missing: run 'make deps' (qemu-guest-agent)"
[ -f "$ZH_SRC/usr/gen_init_cpio.c" ] || zh_die "no kernel source: run 'make guest'"
mkdir -p "$ZH_GUEST" "$(dirname "$gen")"

if [ ! -x "$gen" ] || [ "$ZH_SRC/usr/gen_init_cpio.c" -nt "$gen" ]; then
	cc -O2 -o "$gen" "$ZH_SRC/usr/gen_init_cpio.c"
fi

inputs=("$ZH_ROOT/scripts/initramfs" "$ZH_ROOT/scripts/mkinitramfs.sh"
	"$ZH_ROOT/tests/bench/guest" "$busybox" "$stressng" "$qga")
[ -d "$ZH_GUEST_TESTS" ] && inputs+=("$ZH_GUEST_TESTS")
if [ -f "$out" ] && [ -z "$(find "${inputs[@]}" -newer "$out" -print -quit)" ]; then
	zh_log "initramfs up to date"
	exit 0
fi

list=$(mktemp)
trap 'rm -f "$list" "$out.tmp"' EXIT
declare -A dirs=()
adddir() {
	local d=$1
	[ "$d" = / ] && return
	[ -n "${dirs[$d]:-}" ] && return
	adddir "$(dirname "$d")"
	dirs[$d]=1
	echo "dir $d 0755 0 0" >>"$list"
}
addfile() { # addfile GUESTPATH HOSTPATH MODE
	adddir "$(dirname "$1")"
	echo "file $1 $(readlink -f "$2") $3 0 0" >>"$list"
}

for d in /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /root /etc /mnt; do
	adddir "$d"
done
echo "nod /dev/console 0600 0 0 c 5 1" >>"$list"
echo "nod /dev/null 0666 0 0 c 1 3" >>"$list"
addfile /init "$ZH_ROOT/scripts/initramfs/init" 0755
addfile /bin/busybox "$busybox" 0755
echo "slink /bin/sh busybox 0777 0 0" >>"$list"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ZH_BUILD/tools/passwd"
printf 'root:x:0:\n' >"$ZH_BUILD/tools/group"
addfile /etc/passwd "$ZH_BUILD/tools/passwd" 0644
addfile /etc/group "$ZH_BUILD/tools/group" 0644

# A dynamically linked program and every shared library it loads, at the
# paths ldd reports.
addbinary() { # addbinary GUESTPATH HOSTPATH
	local lib
	addfile "$1" "$2" 0755
	while read -r lib; do
		[ -n "${libs[$lib]:-}" ] && continue
		libs[$lib]=1
		addfile "$lib" "$lib" 0755
	done < <(ldd "$2" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u)
}
declare -A libs=()
addbinary /usr/bin/stress-ng "$stressng"
# qemu-guest-agent, the baseline the VMRPC benchmarks compare with.
addbinary /usr/sbin/qemu-ga "$qga"

# Programs zonehost.run= can name: the built test programs, the guest side
# of the demo and of the benchmarks.
nprogs=0
for d in "$ZH_GUEST_TESTS" "$ZH_ROOT/scripts/initramfs/bin" "$ZH_ROOT/tests/bench/guest"; do
	[ -d "$d" ] || continue
	while IFS= read -r -d '' t; do
		addfile "/usr/lib/zonehost/bin/$(basename "$t")" "$t" 0755
		nprogs=$((nprogs + 1))
	done < <(find "$d" -maxdepth 1 -type f -perm -u+x -print0 | sort -z)
done

"$gen" -t "$(zh_source_date_epoch)" "$list" | gzip -n -6 >"$out.tmp"
mv -f "$out.tmp" "$out"
zh_log "built $(basename "$out"): busybox, stress-ng, $nprogs guest program(s), $(du -h "$out" | cut -f1)"
