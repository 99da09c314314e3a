#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# hostfs under random operations: hostfs_fsx (reads, writes, truncates up
# and down, mmap reads and writes with msync, fsync, reopen, dropping the
# guest's caches) runs 20,000 operations on a file of the export zht,
# each checked against its model of the file, first alone, then while the
# host shrinks ZONE_HOST to 256 MiB and grows it back to 768 MiB, again
# and again (each resize waited for and checked with balloon-ctl check).
# After each run the host compares the file with the model the guest
# wrote beside it.
#
#   ZH_FSX_OPS (default 20000)  operations per run
#   ZH_FSX_SEED (default: random, printed)
# timeout: 3000
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/hostfs.sh"
vm_require_guest
hostfs_require

name=e2e-hostfs-fsx
ops=${ZH_FSX_OPS:-20000}
seed=${ZH_FSX_SEED:-$((RANDOM * 32768 + RANDOM + 1))}
exp=$VM_TMP/export
mkdir -p "$exp"

tap_plan 9
tap_diag "fsx: $ops operations a run, seed $seed (ZH_FSX_SEED=$seed replays it)"
vm_start "$name" hostfs_fsx_e2e -m 512M -H 768M -Z "--export=zht=$exp" \
	--append "quiet zonehost.fsx_seed=$seed zonehost.fsx_ops=$ops"
st=$?
tap_ok $st "zhost-run starts zhostd exporting zht, 768 MiB of ZONE_HOST"
# Nothing else can run: the plan is not met, the runner says so.
[ $st -eq 0 ] || exit 1

result() { hostfs_result "$name" hostfs-fsx "$1" 2400; }
same() {
	cmp "$exp/$1" "$exp/$1.expected" >"$VM_TMP/cmp.out" 2>&1
	local st=$?
	sed 's/^/#   /' "$VM_TMP/cmp.out"
	tap_diag "$1: $(stat -c %s "$exp/$1" 2>/dev/null) bytes on the host"
	return $st
}

result fsx-alone
tap_ok $? "hostfs_fsx: $ops operations, no mismatch"
same fsx-alone
tap_ok $? "the host's file is the guest's model of it"

# Resize in a loop while the second run lasts, each resize waited for.
vm_wait "$name" '^hostfs-fsx: waiting for resizing' 300
stop=$VM_TMP/stop-resizing
count=$VM_TMP/resizes
fails=$VM_TMP/resize-fails
echo 0 >"$count"
(
	n=0
	while [ ! -e "$stop" ]; do
		for size in 256M 768M; do
			[ ! -e "$stop" ] || break
			vm_resize_checked "$name" "$size" >>"$fails" || echo "set $size failed" >>"$fails"
			n=$((n + 1))
			echo "$n" >"$count"
		done
	done
) &
resizer=$!
vm_tell "$name" resizing
result fsx-resizing
st=$?
done_resizes=$(cat "$count")
: >"$stop"
wait "$resizer"
vm_tell "$name" stopped
tap_ok $st "hostfs_fsx again while the host resizes ZONE_HOST: no mismatch"
[ "$done_resizes" -ge 2 ]
tap_ok $? "the host resized ZONE_HOST $done_resizes times during the run"
[ ! -s "$fails" ]
tap_ok $? "every resize completed and balloon-ctl check agreed after it"
[ -s "$fails" ] && sed 's/^/#   /' "$fails" | head -n 40
same fsx-resizing
tap_ok $? "the host's file is the guest's model of it"

vm_wait "$name" '^zonehost-guest: exit ' 300
st=$(vm_guest_exit "$name" hostfs_fsx_e2e)
tap_check "hostfs_fsx_e2e exited 0 (status ${st:-none})" [ "${st:-1}" = 0 ]
tap_check "the guest powered off" vm_until 120 eval "[ ! -e '$ZHOST_RUNTIME_DIR/$name/qemu.pid' ]"
vm_stop "$name" --stop-timeout 30
tap_done
