#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A hostile guest takes host memory it was never lent, and zhostd takes it
# back. The guest (vmrpc_rogue; 512 MiB BAR2, so 384 MiB of data area in
# three memory blocks; 2 MiB plugged, --max 16M) maps BAR2 through sysfs
# behind its kernel's back and writes every page of the last 64 MiB of the
# data area, in a block its kernel never even added. zhostd's periodic guard is off
# (--check-interval=0) so that the test sees each stage:
# balloon-ctl check finds the 64 MiB behind unplugged subblocks,
# balloon-ctl enforce frees them (exit 5: something was found) and
# reports where, status counts the violation and what was reclaimed, the
# data area holds no more than what is plugged, a second enforce finds
# nothing, and zhostd's log has exactly one warning.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl
mib=$((1 << 20))

name=e2e-guard
log=$ZHOST_RUNTIME_DIR/$name/console.log
tap_plan 8
E2E_VMS+=("$name")
# Requests the guest counts: the boot size, and the last one, which tells
# it the host is done.
"$ZHOST_RUN" -n "$name" -m 384M --bar-size 512M -H 2M --host-max 16M \
	-Z --check-interval=0 --detach --test vmrpc_rogue \
	--append "quiet zonehost.until=2" >/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run starts a guest with 2 MiB plugged and at most 16 MiB"
bctl() { "$BCTL" -n "$name" "$@"; }
e2e_wait_for "$log" '^vmrpc-rogue: wrote' 300
tap_ok $? "the guest wrote 64 MiB of BAR2 it never plugged"
sed -n 's/^\(vmrpc-rogue: .*\)/#   \1/p' "$log"
first=$(sed -n 's/^vmrpc-rogue: wrote [0-9]* MiB at subblocks \([0-9]*\)-.*/\1/p' "$log")

bctl check --json >"$E2E_TMP/check.json" 2>&1
ub=$(jq -r '.unplugged_backed // 0' "$E2E_TMP/check.json" 2>/dev/null)
tap_diag "check: $(jq -c '{consistent, plugged, backed, unplugged_backed}' "$E2E_TMP/check.json" 2>/dev/null)"
tap_ok $([ "${ub:-0}" -ge $((64 * mib)) ]; echo $?) \
	"balloon-ctl check sees $((${ub:-0} / mib)) MiB of host memory behind unplugged subblocks"

bctl enforce --json >"$E2E_TMP/enforce.json" 2>&1
st=$?
tap_diag "enforce: exit $st, $(jq -c '{found, first, last, bytes, action}' "$E2E_TMP/enforce.json" 2>/dev/null)"
bytes=$(jq -r '.bytes // 0' "$E2E_TMP/enforce.json" 2>/dev/null)
got_first=$(jq -r '.first // empty' "$E2E_TMP/enforce.json" 2>/dev/null)
tap_ok $([ $st -eq 5 ] && [ "${bytes:-0}" -ge $((64 * mib)) ] &&
	[ -n "$first" ] && [ "$got_first" = "$first" ]; echo $?) \
	"balloon-ctl enforce frees them (exit 5) and names the subblocks the guest wrote"

bctl status --json >"$E2E_TMP/status.json" 2>&1
tap_diag "status: $(jq -c '{memfd_allocated, violations: .memory.violations, reclaimed: .memory.reclaimed, backed: .memory.backed}' "$E2E_TMP/status.json" 2>/dev/null)"
tap_ok $([ "$(jq -r '.memory.violations' "$E2E_TMP/status.json")" = 1 ] &&
	[ "$(jq -r '.memory.reclaimed' "$E2E_TMP/status.json")" -ge $((64 * mib)) ] &&
	[ "$(jq -r '.memory.backed' "$E2E_TMP/status.json")" -le $((2 * mib)) ]; echo $?) \
	"status: one violation, at least 64 MiB reclaimed, no more host memory behind the data area than is plugged"

bctl enforce >/dev/null 2>&1
tap_ok $? "a second enforce finds nothing"
warns=$(grep -c 'memory violation' "$ZHOST_RUNTIME_DIR/$name/zhostd.log" 2>/dev/null)
tap_ok $([ "${warns:-0}" -eq 1 ]; echo $?) "zhostd logged the violation once (${warns:-0} lines)"

bctl set 2M >/dev/null 2>&1
e2e_wait_for "$log" '^zonehost-guest: exit vmrpc_rogue' 120
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "the guest finished; no kernel warning"
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; tail -n 30 "$log" | sed 's/^/#   /'; }
tap_done
