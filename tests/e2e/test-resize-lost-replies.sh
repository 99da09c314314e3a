#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Replies lost on the way back must not wedge resizing. The guest kernel's
# test-only fault injection (vmrpc.fault_lose_reply=MODULE:PROC:COUNT)
# lets the host do what a call asks and then tells the guest the call
# timed out.
#
# 1. The first two plug replies are lost: zhostd granted those subblocks,
#    the guest does not know. The guest must give them back (or keep them
#    pending until the host confirms), reach the size requested at boot,
#    grow and shrink afterwards, and zhostd, the guest and the memfd must
#    agree throughout.
# 2. The first ask for more memory is granted but its reply is lost: the
#    guest must learn the size the host now requests and plug it, and its
#    growing workload (zone_host_grow_load) must get all its memory with no
#    OOM kill.
# The host tells the first guest when it is done (tests/lib/vm.sh).
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

tap_plan 9
name=e2e-lost-plug
log=$(vm_console "$name")
vm_start "$name" zone_host_until -m 512M -H 256M --host-max 512M \
	--append "vmrpc.fault_lose_reply=2:1:2"
tap_ok $? "zhost-run starts a guest whose first two plug replies get lost"
bctl() { vm_bctl "$name" "$@"; }
vm_wait "$name" '^zone-host-until: ready' 300
grep -c 'fault injection: reporting the reply' "$log" | sed 's/^/#   replies lost: /'
plugged=$(sed -n 's/^zone-host-until: ready, \([0-9]*\) bytes plugged.*/\1/p' "$log")
tap_check "the guest reaches the 256 MiB requested at boot anyway (${plugged:-?} bytes)" \
	[ "${plugged:-0}" -eq $((256 * mib)) ]
bctl check >"$VM_TMP/check" 2>&1
st=$?
tap_ok $st "balloon-ctl check: zhostd, the guest and the memfd agree"
[ $st -eq 0 ] || sed 's/^/#   /' "$VM_TMP/check"
vm_resize_checked "$name" 512M
tap_ok $? "it grows to 512 MiB, check agrees"
vm_resize_checked "$name" 128M
tap_ok $? "it shrinks to 128 MiB, check agrees"
vm_finish "$name" 180
tap_check "the guest's provider is idle with what the host requested (zone_host_until TAP)" \
	vm_guest_tap_ok "$name"

name=e2e-lost-ask
st=0
vm_run "$name" zone_host_grow_load -m 256M -H 64M --host-max 640M \
	--append "zonehost.grow=448 vmrpc.fault_lose_reply=2:5:1" --timeout 360 || st=$?
tap_check "the guest's first ask for memory was granted and its reply lost" \
	grep -q 'fault injection: reporting the reply of call 2:5' "$(vm_console "$name")"
tap_check "zone_host_grow_load still gets all its memory, no OOM kill" vm_guest_tap_ok "$name"
tap_check "the second guest powered off cleanly (status $st)" [ $st -eq 0 ]
tap_done
