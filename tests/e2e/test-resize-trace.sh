#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The provider's tracepoints fire and agree with what it did. The guest
# (zone_host_trace) turns on events/zone_host in tracefs; the host shrinks
# it by 256 MiB and grows it back with balloon-ctl set --wait; the guest
# then checks its trace (every resize started ended, the runs isolated,
# unplugged and plugged add up to the sizes, every call was answered, one
# watermark recompute per resize) and reports in TAP. The guest also sends
# each resize's stages (ABI 1.7), which balloon-ctl set --stages shows.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

tap_plan 6
name=e2e-resize-trace
log=$(vm_console "$name")
vm_start "$name" zone_host_trace -m 512M -H 768M --append quiet
tap_ok $? "zhost-run -m 512M -H 768M starts the guest"
vm_wait "$name" '^zone-host-trace: ready' 300
tap_ok $? "the guest traces events/zone_host"
bctl() { vm_bctl "$name" "$@"; }
vm_tell "$name" "shrink 256"
# step SIZE WHAT: one resize with its stages, its output kept
staged=0
step() {
	bctl set "$1" --wait --timeout 300 --stages >"$VM_TMP/step" 2>&1
	local st=$?
	tap_ok $st "$2"
	[ $st -eq 0 ] || sed 's/^/#   /' "$VM_TMP/step"
	grep -q '^where the time went: [0-9.]* ms in the guest' "$VM_TMP/step" &&
		staged=$((staged + 1))
	grep -A12 '^where the time went' "$VM_TMP/step" | sed 's/^/#   /'
}
step 512M "the host shrinks it to 512 MiB"
step 768M "and grows it back to 768 MiB"
tap_check "the guest sent both resizes' stages, balloon-ctl --stages shows them ($staged)" \
	[ $staged -eq 2 ]
vm_finish "$name" 180
tap_check "the guest's trace agrees with the resizes (zone_host_trace TAP)" \
	vm_guest_tap_ok "$name"
grep -m1 '^# plugged' <(tr -d '\r' <"$log") | sed 's/^/#   guest: /'
vm_stop "$name"
tap_done
