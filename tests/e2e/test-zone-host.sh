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
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

name=e2e-zone-host
log=$ZHOST_RUNTIME_DIR/$name/console.log
mib=$((1 << 20))
tap_plan 11
E2E_VMS+=("$name")
"$ZHOST_RUN" -n "$name" -m 512M -H 500M --detach --test zone_host_test \
	--append "quiet zonehost.wait=120" >/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run -m 512M -H 500M starts QEMU and zhostd"

e2e_wait_for "$log" '^zone-host-guest: ready for host' 400
tap_ok $? "guest ran zone_host_test"
e2e_guest_tap_ok "$log"
tap_ok $? "zone_host_test: every test passed"

"$BCTL" -n "$name" status --json >"$E2E_TMP/status.json" 2>"$E2E_TMP/status.err"
tap_ok $? "balloon-ctl status --json"
j() { jq -r "$1" "$E2E_TMP/status.json"; }
tap_diag "host: requested $(($(j .memory.requested) / mib)) MiB, plugged $(($(j .memory.plugged) / mib)) MiB, backed $(($(j .memory.backed) / mib)) MiB"
tap_diag "guest: plugged $(($(j .memory.guest.plugged) / mib)) MiB, zone $(($(j .memory.guest.zone_managed) / mib)) MiB, free $(($(j .memory.guest.zone_free) / mib)) MiB, state $(j .memory.guest.state)"
tap_ok $([ "$(j .memory.plugged)" = $((500 * mib)) ] &&
	[ "$(j .memory.guest.plugged)" = $((500 * mib)) ] &&
	[ "$(j .memory.requested)" = $((500 * mib)) ]; echo $?) \
	"host and guest agree: 500 MiB requested and plugged"
tap_ok $([ "$(j .memory.guest.zone_managed)" = $((500 * mib)) ] &&
	[ "$(j .memory.guest.added)" = $((512 * mib)) ] &&
	[ "$(j .memory.guest.state)" = idle ]; echo $?) \
	"guest: ZONE_HOST manages 500 MiB of 4 added blocks, idle"
backed=$(j .memory.backed)
plugged=$(j .memory.plugged)
tap_ok $([ "$backed" -le "$plugged" ] && [ "$backed" -ge $((plugged * 9 / 10)) ]; echo $?) \
	"host memory backing it ($((backed / mib)) MiB) is what the guest used, never more than plugged"
free=$(j .memory.guest.zone_free)
tap_ok $([ "$free" -gt 0 ] && [ "$free" -lt "$(j .memory.guest.zone_managed)" ]; echo $?) \
	"guest's free memory in ZONE_HOST is reported ($((free / mib)) MiB)"
"$BCTL" -n "$name" status >"$E2E_TMP/status.txt" 2>&1
sed 's/^/#   /' "$E2E_TMP/status.txt"
grep -q '^  host memory backing it: ' "$E2E_TMP/status.txt" &&
	grep -q '^  guest ZONE_HOST free: ' "$E2E_TMP/status.txt" &&
	grep -q '^  guest plugged: *500.0 MiB$' "$E2E_TMP/status.txt"
tap_ok $? "balloon-ctl status prints plugged, backing and free memory"

"$ZHOST_RUN" -n "$name" --stop >/dev/null 2>&1
tap_ok $? "zhost-run --stop powers the guest off"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 80; }
tap_done
