#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shrinking migrates: the guest (384 MiB RAM, 512 MiB of host memory)
# writes a 300 MiB pattern, most of it in ZONE_HOST, and keeps checking it.
# The host shrinks ZONE_HOST to 128 MiB, below what is free there, so pages
# must be migrated; then asks for 0, which the guest cannot reach without
# going below its floor, and must end with a partial result and the
# reason, not hang; then grows it back, and tells the guest it is done.
# The pattern must survive it all.
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-pattern
tap_plan 9
vm_start "$name" zone_host_pattern -m 384M -H 512M --append "quiet zonehost.pattern=300"
tap_ok $? "zhost-run -m 384M -H 512M starts the guest"
vm_wait "$name" '^pattern-guest: written' 300
tap_ok $? "guest wrote its 300 MiB pattern"
bctl() { vm_bctl "$name" "$@"; }

bctl set 128M --wait --timeout 180 >"$VM_TMP/out" 2>&1
st=$?
sed 's/^/#   /' "$VM_TMP/out"
tap_ok $st "shrink to 128 MiB (below what was free in ZONE_HOST) reached"
bctl check >"$VM_TMP/out" 2>&1
tap_ok $? "check: $(cat "$VM_TMP/out")"

start=$(date +%s)
bctl set 0 --wait --timeout 180 >"$VM_TMP/out" 2>"$VM_TMP/err"
st=$?
sed 's/^/#   /' "$VM_TMP/out" "$VM_TMP/err"
[ $st -eq 5 ] && grep -q 'stopped at .* of 0 B: floor' "$VM_TMP/err"
tap_ok $? "shrink to 0 stops at the floor with a partial result (exit $st) in $(($(date +%s) - start)) s"
reason=$(bctl status --json | jq -r '.memory.guest.reason + " " + .memory.last_resize.reason')
tap_check "status says why: $reason" [ "$reason" = "floor floor" ]
bctl check >"$VM_TMP/out" 2>&1
tap_ok $? "check: $(cat "$VM_TMP/out")"

bctl set 512M --wait --timeout 180 >"$VM_TMP/out" 2>&1
tap_ok $? "grow back to 512 MiB reached"

vm_finish "$name"
tap_check "guest: the pattern survived, pages were migrated, no OOM kill" vm_guest_tap_ok "$name"
vm_stop "$name"
tap_done
