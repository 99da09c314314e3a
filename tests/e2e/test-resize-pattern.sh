#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shrinking migrates: the guest (384 MiB RAM, 512 MiB of host memory)
# writes a 300 MiB pattern, most of it in ZONE_HOST, and keeps checking it.
# The host shrinks ZONE_HOST to 128 MiB, below what is free there, so pages
# must be migrated; then asks for 0, which the guest cannot reach without
# going below its floor, and must end with a partial result and the
# reason, not hang; then grows it back. The pattern must survive it all.
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

name=e2e-pattern
log=$ZHOST_RUNTIME_DIR/$name/console.log
tap_plan 10
E2E_VMS+=("$name")
# Requests the guest counts: the boot size, the three sizes below, and a
# last one that tells it the host is done.
"$ZHOST_RUN" -n "$name" -m 384M -H 512M --detach --test zone_host_pattern \
	--append "quiet zonehost.pattern=300 zonehost.until=5" >/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run -m 384M -H 512M starts the guest"
e2e_wait_for "$log" '^pattern-guest: written' 300
tap_ok $? "guest wrote its 300 MiB pattern"
bctl() { "$BCTL" -n "$name" "$@"; }

bctl set 128M --wait --timeout 180 >"$E2E_TMP/out" 2>&1
st=$?
sed 's/^/#   /' "$E2E_TMP/out"
tap_ok $st "shrink to 128 MiB (below what was free in ZONE_HOST) reached"
bctl check >"$E2E_TMP/out" 2>&1
tap_ok $? "check: $(cat "$E2E_TMP/out")"

start=$(date +%s)
bctl set 0 --wait --timeout 180 >"$E2E_TMP/out" 2>"$E2E_TMP/err"
st=$?
sed 's/^/#   /' "$E2E_TMP/out" "$E2E_TMP/err"
tap_ok $([ $st -eq 5 ] && grep -q 'stopped at .* of 0 B: floor' "$E2E_TMP/err"; echo $?) \
	"shrink to 0 stops at the floor with a partial result (exit $st) in $(($(date +%s) - start)) s"
reason=$(bctl status --json | jq -r '.memory.guest.reason + " " + .memory.last_resize.reason')
tap_ok $([ "$reason" = "floor floor" ]; echo $?) "status says why: $reason"
bctl check >"$E2E_TMP/out" 2>&1
tap_ok $? "check: $(cat "$E2E_TMP/out")"

bctl set 512M --wait --timeout 180 >"$E2E_TMP/out" 2>&1
tap_ok $? "grow back to 512 MiB reached"
bctl set 512M >/dev/null 2>&1

e2e_wait_for "$log" '^pattern-guest: done' 120
e2e_guest_tap_ok "$log"
tap_ok $? "guest: the pattern survived, pages were migrated, no OOM kill"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
"$ZHOST_RUN" -n "$name" --stop >/dev/null 2>&1
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 60; }
tap_done
