#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ZONE_HOST end to end: the guest boots with 512 MiB of RAM and zhostd
# grants it 500 MiB of host memory (not a whole number of memory blocks,
# so one block is only partly plugged). The guest runs zone_host_test
# (zoneinfo/meminfo/iomem/sysfs agree, user memory lands in ZONE_HOST,
# kernel memory does not, fallback without OOM). Then the host checks
# balloon-ctl status: the plugged size on both sides, the host memory
# really backing it (never more than plugged: the unplugged subblocks of
# the partial block were never touched) and the guest's free memory in
# the zone.
# timeout: 480
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-zone-host
tap_plan 10
vm_start "$name" zone_host_test -m 512M -H 500M --append "quiet zonehost.wait=120"
tap_ok $? "zhost-run -m 512M -H 500M starts QEMU and zhostd"

vm_wait "$name" '^zone-host-guest: ready for host' 400
tap_ok $? "guest ran zone_host_test"
tap_check "zone_host_test: every test passed" vm_guest_tap_ok "$name"

vm_bctl "$name" status --json >"$VM_TMP/status.json" 2>"$VM_TMP/status.err"
tap_ok $? "balloon-ctl status --json"
j() { jq -r "$1" "$VM_TMP/status.json"; }
tap_diag "host: requested $(($(j .memory.requested) / mib)) MiB, plugged $(($(j .memory.plugged) / mib)) MiB, backed $(($(j .memory.backed) / mib)) MiB"
tap_diag "guest: plugged $(($(j .memory.guest.plugged) / mib)) MiB, zone $(($(j .memory.guest.zone_managed) / mib)) MiB, free $(($(j .memory.guest.zone_free) / mib)) MiB, state $(j .memory.guest.state)"
[ "$(j .memory.plugged)" = $((500 * mib)) ] &&
	[ "$(j .memory.guest.plugged)" = $((500 * mib)) ] &&
	[ "$(j .memory.requested)" = $((500 * mib)) ]
tap_ok $? "host and guest agree: 500 MiB requested and plugged"
[ "$(j .memory.guest.zone_managed)" = $((500 * mib)) ] &&
	[ "$(j .memory.guest.added)" = $((512 * mib)) ] &&
	[ "$(j .memory.guest.state)" = idle ]
tap_ok $? "guest: ZONE_HOST manages 500 MiB of 4 added blocks, idle"
backed=$(j .memory.backed)
plugged=$(j .memory.plugged)
[ "$backed" -le "$plugged" ] && [ "$backed" -ge $((plugged * 9 / 10)) ]
tap_ok $? "host memory backing it ($((backed / mib)) MiB) is what the guest used, never more than plugged"
free=$(j .memory.guest.zone_free)
[ "$free" -gt 0 ] && [ "$free" -lt "$(j .memory.guest.zone_managed)" ]
tap_ok $? "guest's free memory in ZONE_HOST is reported ($((free / mib)) MiB)"
vm_bctl "$name" status >"$VM_TMP/status.txt" 2>&1
sed 's/^/#   /' "$VM_TMP/status.txt"
grep -q '^  host memory backing it: ' "$VM_TMP/status.txt" &&
	grep -q '^  guest ZONE_HOST free: ' "$VM_TMP/status.txt" &&
	grep -q '^  guest plugged: *500.0 MiB$' "$VM_TMP/status.txt"
tap_ok $? "balloon-ctl status prints plugged, backing and free memory"

tap_check "zhost-run --stop powers the guest off" vm_stop "$name"
tap_done
