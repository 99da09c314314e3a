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
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl
mib=$((1 << 20))

tap_plan 9
name=e2e-lost-plug
log=$ZHOST_RUNTIME_DIR/$name/console.log
E2E_VMS+=("$name")
# Requests the guest counts: the boot size, the two resizes below, and the
# last one, which tells it the host is done.
"$ZHOST_RUN" -n "$name" -m 512M -H 256M --host-max 512M --detach \
	--test zone_host_until \
	--append "zonehost.until=4 vmrpc.fault_lose_reply=2:1:2" \
	>/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run starts a guest whose first two plug replies get lost"
bctl() { "$BCTL" -n "$name" "$@"; }
e2e_wait_for "$log" '^zone-host-until: ready' 300
grep -c 'fault injection: reporting the reply' "$log" | sed 's/^/#   replies lost: /'
plugged=$(sed -n 's/^zone-host-until: ready, \([0-9]*\) bytes plugged.*/\1/p' "$log")
tap_ok $([ "${plugged:-0}" -eq $((256 * mib)) ]; echo $?) \
	"the guest reaches the 256 MiB requested at boot anyway (${plugged:-?} bytes)"
bctl check >"$E2E_TMP/check" 2>&1
st=$?
tap_ok $st "balloon-ctl check: zhostd, the guest and the memfd agree"
[ $st -eq 0 ] || sed 's/^/#   /' "$E2E_TMP/check"
e2e_resize_checked "$name" 512M
tap_ok $? "it grows to 512 MiB, check agrees"
e2e_resize_checked "$name" 128M
tap_ok $? "it shrinks to 128 MiB, check agrees"
bctl set 128M >/dev/null 2>&1
e2e_wait_for "$log" '^zonehost-guest: exit zone_host_until' 180
e2e_guest_tap_ok "$log"
tap_ok $? "the guest's provider is idle with what the host requested (zone_host_until TAP)"

name=e2e-lost-ask
log2=$E2E_TMP/console-ask.log
st=0
e2e_run_guest "$name" zone_host_grow_load "$log2" -m 256M -H 64M --host-max 640M \
	--append "zonehost.grow=448 vmrpc.fault_lose_reply=2:5:1" --timeout 360 || st=$?
grep -q 'fault injection: reporting the reply of call 2:5' "$log2"
tap_ok $? "the guest's first ask for memory was granted and its reply lost"
e2e_guest_tap_ok "$log2"
tap_ok $? "zone_host_grow_load still gets all its memory, no OOM kill"
problems=$(e2e_kernel_problems "$log"; e2e_kernel_problems "$log2")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ] && [ $st -eq 0 ]; echo $?) \
	"no kernel warning in either guest; the second powered off cleanly"
[ $_tap_failed -eq 0 ] || {
	tap_diag "console of the first guest:"; tail -n 30 "$log" | sed 's/^/#   /'
	tap_diag "console of the second guest:"; tail -n 30 "$log2" | sed 's/^/#   /'
}
tap_done
