#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# hostfs_fsx_e2e: the guest side of tests/e2e/test-hostfs-fsx.sh. Mounts
# the export zht and runs hostfs_fsx twice on a file in it: first alone,
# then while the host resizes ZONE_HOST (it starts when the host sends
# "resizing"; when the host has seen the result it stops and sends
# "stopped"). Seed and count
# come from the kernel command line: zonehost.fsx_seed=N (the second run
# uses N + 1) and zonehost.fsx_ops=N (default 20000). Each run leaves its
# model of the file in FILE.expected for the host to compare with FILE.
# Markers: "hostfs-fsx: begin RUN", "hostfs-fsx: result RUN STATUS".

. "$(dirname "$0")/zone_host_lib"
bin=$(dirname "$0")
say() { echo "hostfs-fsx: $*"; }
arg() { sed -n "s/.*zonehost\\.$1=\\([0-9]*\\).*/\\1/p" /proc/cmdline; }

zh_host_open
seed=$(arg fsx_seed)
ops=$(arg fsx_ops)
seed=${seed:-1}
ops=${ops:-20000}
m=/mnt/zht
mkdir -p $m
if ! mount -t hostfs zht $m; then
	say "mount zht failed"
	exit 4
fi
failed=0
fsx() { # fsx RUN SEED
	say "begin $1"
	"$bin/hostfs_fsx" -s "$2" -n "$ops" -D -e "$m/$1.expected" "$m/$1"
	st=$?
	say "result $1 $st"
	[ $st -eq 0 ] || failed=1
}

fsx fsx-alone "$seed"
say "waiting for resizing"
zh_host_wait resizing
fsx fsx-resizing $((seed + 1))
# The host's last resize ends before the guest does.
say "waiting for stopped"
zh_host_wait stopped
umount $m
exit $failed
