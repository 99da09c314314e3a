#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Resize under load: the guest (512 MiB RAM, 256 MiB of host memory) runs
# stress-ng --vm 2 --vm-bytes 60% --verify while the host takes it through
# ZH_RESIZE_CYCLES (default 20) cycles of 256 MiB -> 768 MiB -> 256 MiB
# with balloon-ctl set --wait. After every step balloon-ctl check must say
# zhostd's map, the guest's map and the memfd agree, and the memfd's
# allocated bytes must be within 5% of the plugged size (the host never
# backs more than the guest has plugged). Then the host tells the guest it
# is done, and the guest reports no verification error and no OOM kill.
# timeout: 1500
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

cycles=${ZH_RESIZE_CYCLES:-20}
name=e2e-resize
tap_plan 8
vm_start "$name" zone_host_resize_load -m 512M -H 256M --append quiet
tap_ok $? "zhost-run -m 512M -H 256M starts the guest with its workload"
vm_wait "$name" '^resize-guest: workload running' 300
tap_ok $? "stress-ng --vm 2 --vm-bytes 60% --verify runs in the guest"

bctl() { vm_bctl "$name" "$@"; }
grown=0 shrunk=0 checked=0 within=0 worst=""
# step SIZE: resize, then check; counts what went right
step() {
	local t0 t1 c plugged backed
	t0=$(date +%s.%N)
	bctl set "$1" --wait --timeout 180 >"$VM_TMP/step" 2>&1
	local st=$?
	t1=$(date +%s.%N)
	bctl check --json >"$VM_TMP/check.json" 2>&1
	c=$?
	plugged=$(jq -r .plugged "$VM_TMP/check.json")
	backed=$(jq -r .backed "$VM_TMP/check.json")
	[ $c -eq 0 ] && checked=$((checked + 1))
	[ -n "$backed" ] && [ "$backed" -le $((plugged * 105 / 100)) ] && within=$((within + 1))
	printf '#   set %s: exit %d in %.1f s; check exit %d, plugged %d MiB, memfd %d MiB\n' \
		"$1" $st "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" $c $((plugged / mib)) $((backed / mib))
	[ $st -eq 0 ] || sed 's/^/#     /' "$VM_TMP/step"
	return $st
}
for ((i = 1; i <= cycles; i++)); do
	step 768M && grown=$((grown + 1))
	step 256M && shrunk=$((shrunk + 1))
done
tap_check "$grown of $cycles grows to 768 MiB reached the target" [ $grown -eq "$cycles" ]
tap_check "$shrunk of $cycles shrinks to 256 MiB reached the target" [ $shrunk -eq "$cycles" ]
tap_check "balloon-ctl check: consistent after $checked of $((2 * cycles)) steps" \
	[ $checked -eq $((2 * cycles)) ]
tap_check "memfd allocated within 5% of the plugged size after $within of $((2 * cycles)) steps" \
	[ $within -eq $((2 * cycles)) ]

vm_finish "$name"
vm_wait "$name" '^resize-guest: done' 1
tap_ok $? "the guest's workload finished once the host said it was done"
tap_check "guest: no verification error, no OOM kill" vm_guest_tap_ok "$name"
vm_stop "$name"
tap_done
