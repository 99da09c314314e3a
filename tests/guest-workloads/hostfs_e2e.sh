#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# hostfs_e2e: the guest side of tests/e2e/test-hostfs.sh. zhostd exports
# zht (writable), zht-ro (read-only) and zht-tiny (a 1 MiB tmpfs). Runs
# the hostfs kselftests, and between them stops where the host checks or
# changes something: it prints "hostfs-e2e: STEP ..." and waits until the
# host sends STEP on the host channel (tests/lib/vm.sh). Each program's
# output lies between "hostfs-e2e: begin NAME" and "hostfs-e2e: result
# NAME STATUS". It exits 1 if a program failed.
#
# Steps: guest-wrote (files the guest made, for the host to look at),
# escapes (the host counts zhostd's refusals), the steps of
# hostfs_mmap_test (its own "hostfs-mmap:" markers), grown (the host
# appended to grow.txt; a mount with attr_timeout=0 sees the new size
# without reopening), zc-ready and zc-done (the counters around one read
# of zc.bin, for the zero-copy check), kill-zhostd (then a read of
# eio.bin, open since before, must fail with EIO, bounded by timeout(1)).

. "$(dirname "$0")/zone_host_lib"
bin=$(dirname "$0")
say() { echo "hostfs-e2e: $*"; }
# step WORD TEXT...: tell the host, wait for its WORD back.
step() {
	say "$@"
	zh_host_wait "$1"
}
failed=0
run() {
	name=$1
	shift
	say "begin $name"
	"$bin/$name" "$@"
	st=$?
	say "result $name $st"
	[ $st -eq 0 ] || failed=1
}
counters() {
	for c in frames_read_bytes bounce_read_bytes bounce_zone_host_bytes; do
		printf '%s %s ' "$c" "$(cat /sys/kernel/hostfs/$c)"
	done
}

zh_host_open
if ! grep -q 'hostfs$' /proc/filesystems; then
	say "no hostfs in this kernel"
	exit 4
fi

run hostfs_ops_test zht zht-ro zht-tiny

m=/mnt/zht
mkdir -p $m /mnt/zht0
mount -t hostfs zht $m || say "mount zht failed"
echo "written by the guest" >$m/from-guest.txt
chmod 640 $m/from-guest.txt
mkdir -p $m/from-guest-dir
ln -s from-guest.txt $m/from-guest-link
mv $m/rename-me.txt $m/renamed.txt
rm -f $m/remove-me.txt
step guest-wrote

run hostfs_escape_test zht zonehost-hostfs-secret
step escapes

# The port opens once: the program gets ours.
export ZH_HOST_CHANNEL_FD=9
run hostfs_mmap_test zht
unset ZH_HOST_CHANNEL_FD

# attr_timeout=0: attributes are fetched again at every stat.
mount -t hostfs -o attr_timeout=0 zht /mnt/zht0 || say "mount attr_timeout=0 failed"
say "attr size-before $(stat -c %s /mnt/zht0/grow.txt)"
step grown
say "attr size-after $(stat -c %s /mnt/zht0/grow.txt)"

# One read of a file nothing cached: how its bytes came in.
sync
echo 3 >/proc/sys/vm/drop_caches
step zc-ready "$(counters)"
sum=$(md5sum $m/zc.bin | cut -d' ' -f1)
say "zc read $(stat -c %s $m/zc.bin) md5 $sum $(counters)"
step zc-done

# zhostd goes away: a read fails with EIO, bounded by the call timeout.
sync
echo 3 >/proc/sys/vm/drop_caches
exec 8<$m/eio.bin
step kill-zhostd
t0=$(cut -d. -f1 /proc/uptime)
timeout 300 dd bs=65536 of=/dev/null <&8 2>/tmp/eio.err
st=$?
t1=$(cut -d. -f1 /proc/uptime)
say "eio status $st seconds $((t1 - t0)) error $(grep -m 1 -i 'error' /tmp/eio.err)"
exec 8<&-
say "timeouts $(cat /sys/kernel/hostfs/timeouts) errors $(cat /sys/kernel/hostfs/errors)"
exit $failed
