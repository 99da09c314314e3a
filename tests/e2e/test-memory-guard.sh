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
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-guard
log=$(vm_console "$name")
tap_plan 8
vm_start "$name" vmrpc_rogue -m 384M --bar-size 512M -H 2M --host-max 16M \
	-Z --check-interval=0 --append quiet
tap_ok $? "zhost-run starts a guest with 2 MiB plugged and at most 16 MiB"
bctl() { vm_bctl "$name" "$@"; }
vm_wait "$name" '^vmrpc-rogue: wrote' 300
tap_ok $? "the guest wrote 64 MiB of BAR2 it never plugged"
sed -n 's/^\(vmrpc-rogue: .*\)/#   \1/p' "$log"
first=$(sed -n 's/^vmrpc-rogue: wrote [0-9]* MiB at subblocks \([0-9]*\)-.*/\1/p' "$log")

bctl check --json >"$VM_TMP/check.json" 2>&1
ub=$(jq -r '.unplugged_backed // 0' "$VM_TMP/check.json" 2>/dev/null)
tap_diag "check: $(jq -c '{consistent, plugged, backed, unplugged_backed}' "$VM_TMP/check.json" 2>/dev/null)"
tap_check "balloon-ctl check sees $((${ub:-0} / mib)) MiB of host memory behind unplugged subblocks" \
	[ "${ub:-0}" -ge $((64 * mib)) ]

bctl enforce --json >"$VM_TMP/enforce.json" 2>&1
st=$?
tap_diag "enforce: exit $st, $(jq -c '{found, first, last, bytes, action}' "$VM_TMP/enforce.json" 2>/dev/null)"
bytes=$(jq -r '.bytes // 0' "$VM_TMP/enforce.json" 2>/dev/null)
got_first=$(jq -r '.first // empty' "$VM_TMP/enforce.json" 2>/dev/null)
[ $st -eq 5 ] && [ "${bytes:-0}" -ge $((64 * mib)) ] &&
	[ -n "$first" ] && [ "$got_first" = "$first" ]
tap_ok $? "balloon-ctl enforce frees them (exit 5) and names the subblocks the guest wrote"

bctl status --json >"$VM_TMP/status.json" 2>&1
tap_diag "status: $(jq -c '{memfd_allocated, violations: .memory.violations, reclaimed: .memory.reclaimed, backed: .memory.backed}' "$VM_TMP/status.json" 2>/dev/null)"
[ "$(jq -r '.memory.violations' "$VM_TMP/status.json")" = 1 ] &&
	[ "$(jq -r '.memory.reclaimed' "$VM_TMP/status.json")" -ge $((64 * mib)) ] &&
	[ "$(jq -r '.memory.backed' "$VM_TMP/status.json")" -le $((2 * mib)) ]
tap_ok $? "status: one violation, at least 64 MiB reclaimed, no more host memory behind the data area than is plugged"

bctl enforce >/dev/null 2>&1
tap_ok $? "a second enforce finds nothing"
warns=$(grep -c 'memory violation' "$ZHOST_RUNTIME_DIR/$name/zhostd.log" 2>/dev/null)
tap_check "zhostd logged the violation once (${warns:-0} lines)" [ "${warns:-0}" -eq 1 ]

tap_check "the guest program finished once the host said it was done" vm_finish "$name"
tap_done
