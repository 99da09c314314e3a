#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A guest's mlock() pins the host memory behind it. The guest runs
# zone_host_pin_test (384 MiB of ZONE_HOST, zhostd --max-pinned=64M) and
# stops at each step for the host to look: zhostd's locked memory (the
# resident pages of its locked memfd mappings in /proc/PID/smaps; "Locked:"
# there is proportional, so a page QEMU maps too would count half) grows by exactly the
# subblocks the guest reports and returns to what it was after munlock and
# after the process exits; balloon-ctl pins lists them and who holds them;
# a shrink below what the pins allow keeps them and says "pinned", with
# balloon-ctl check consistent after it; a pin beyond the ceiling is short
# by what the guest reports, and status says so.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-pin
sb=$((2 * mib))
tap_plan 13
vm_start "$name" zone_host_pin_test -m 512M -H 384M -Z --max-pinned=64M \
	--append "quiet zonehost.pin_ceiling_mib=64"
tap_ok $? "zhost-run -H 384M -Z --max-pinned=64M starts QEMU and zhostd"
zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)

# Bytes zhostd holds locked and resident in its mappings of the memfd.
locked() {
	# Rss of the locked mappings, not "Locked:", which is proportional
	# (pss_locked): a page QEMU maps too would count half.
	awk '/^[0-9a-f]+-[0-9a-f]+ / { memfd = ($0 ~ /memfd:/) }
	     memfd && /^Rss:/ { rss = $2 }
	     memfd && /^VmFlags:/ && / lo( |$)/ { kb += rss }
	     END { print kb * 1024 }' "/proc/$zpid/smaps" 2>/dev/null
}
# Wait for the guest's "zone-host-pin: STEP N"; prints N.
step() {
	vm_wait "$name" "^zone-host-pin: $1 [0-9]+" 400 || return 1
	vm_console_value "$name" "s/^zone-host-pin: $1 \\([0-9]*\\)$/\\1/p"
}
locked_is() { [ "$(locked)" = "$1" ]; }

base=$(locked)
tap_diag "zhostd (pid $zpid) locks $((base / mib)) MiB of the memfd before any pin"

n=$(step locked)
tap_ok $? "the guest mlocked 32 MiB over ${n:-?} subblocks, all pinned on its side"
vm_until 30 locked_is $((base + ${n:-0} * sb))
tap_ok $? "zhostd's locked memory grew by exactly those subblocks ($((($(locked) - base) / mib)) MiB)"
vm_bctl "$name" pins --json >"$VM_TMP/pins.json" 2>"$VM_TMP/pins.err"
sed 's/^/#   /' "$VM_TMP/pins.err"
tap_diag "pins: $(jq -c '{guest_pinned, locked, ranges: (.ranges | length), holders: ([.ranges[].holders[]? | .comm] | unique)}' "$VM_TMP/pins.json" 2>/dev/null)"
[ "$(jq -r '[.ranges[] | select(.guest_pinned) | .bytes] | add' "$VM_TMP/pins.json" 2>/dev/null)" = $((${n:-0} * sb)) ] &&
	jq -e '[.ranges[].holders[]? | .comm] | index("zone_host_pin_t")' "$VM_TMP/pins.json" >/dev/null 2>&1
tap_ok $? "balloon-ctl pins lists them, held by zone_host_pin_test"
vm_tell "$name" locked

step unlocked >/dev/null
vm_until 30 locked_is "$base"
tap_ok $? "after munlock zhostd's locked memory is back to $((base / mib)) MiB"
vm_tell "$name" unlocked

n=$(step shrink)
vm_bctl "$name" set 32M --wait --timeout 300 >"$VM_TMP/set.out" 2>&1
st=$?
sed 's/^/#   /' "$VM_TMP/set.out"
[ $st -ne 0 ] && grep -q 'pinned' "$VM_TMP/set.out"
tap_ok $? "a shrink to 32 MiB with ${n:-?} subblocks pinned stops short, saying pinned (exit $st)"
vm_bctl "$name" check >"$VM_TMP/check.out" 2>&1
tap_ok $? "balloon-ctl check: zhostd, the guest and the memfd agree after it"
vm_until 30 locked_is $((base + ${n:-0} * sb))
tap_ok $? "the pinned subblocks are still locked on the host"
vm_tell "$name" shrink
step shrink-done >/dev/null
vm_bctl "$name" set 384M --wait --timeout 300 >/dev/null 2>&1
vm_tell "$name" shrink-done

n=$(step child-locked)
vm_until 30 locked_is $((base + ${n:-0} * sb))
tap_ok $? "a process's mlocked pages are locked on the host (${n:-?} subblocks)"
vm_tell "$name" child-locked
step child-exited >/dev/null
vm_until 30 locked_is "$base"
tap_ok $? "after the process exits zhostd's locked memory is back to $((base / mib)) MiB"
vm_tell "$name" child-exited

short=$(step short)
vm_bctl "$name" status --json >"$VM_TMP/status.json" 2>/dev/null
tap_diag "status: $(jq -c '.pins' "$VM_TMP/status.json" 2>/dev/null)"
[ "$(locked)" -le $((base + 64 * mib)) ] &&
	[ "$(jq -r '.pins.shortfall' "$VM_TMP/status.json" 2>/dev/null)" = $((${short:-0} * sb)) ] &&
	[ "${short:-0}" -gt 0 ]
tap_ok $? "beyond the ceiling zhostd locks at most 64 MiB and reports the guest's shortfall ($((${short:-0} * 2))) MiB)"
vm_tell "$name" short

vm_wait "$name" '^zonehost-guest: exit ' 400
tap_check "zone_host_pin_test: every test passed in the guest" vm_guest_tap_ok "$name"
# The guest powers off when its program ends; QEMU and zhostd go with it.
gone() { [ ! -e "$ZHOST_RUNTIME_DIR/$name/qemu.pid" ] && ! kill -0 "$zpid" 2>/dev/null; }
vm_until 120 gone
tap_ok $? "the guest powered off, and QEMU and zhostd exited"
vm_stop "$name"
tap_done
