#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# kdump in a guest with ZONE_HOST (issue 11, item 4). The guest (768 MiB
# of RAM, 256 MiB of it reserved for a crash kernel; a 512 MiB BAR2, so
# 384 MiB of data area; 192 MiB plugged: a memory block and a half, so
# the dump holds 64 MiB of unplugged subblocks) writes a pattern into
# ZONE_HOST, loads its own kernel and initramfs as the crash kernel from a
# read-only hostfs export, and crashes. The crash kernel must not attach
# the provider (that would tell zhostd to free the crashed kernel's
# memory), and its /proc/vmcore must not read the subblocks the host does
# not back (that would make zhostd's memfd allocate them): it asks zhostd
# which subblocks it backs (VMRPC_MEM_HOST_MAP) and reads the others as
# zeros. zhostd's memory guard is off (--check-interval=0) so that nothing
# frees what the read might allocate before the test counts it.
# The crash itself is expected on the console (the panic and its trace):
# console-ignore: Kernel panic - not syncing: sysrq triggered crash|Call Trace
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-kdump
log=$(vm_console "$name")
bctl() { vm_bctl "$name" "$@"; }
# mem KEY: a field of the memory object of balloon-ctl status --json (the
# crash kernel does not answer zhostd's questions, so check cannot run)
mem() { jq -r ".memory.$1 // empty" "$VM_TMP/status.json" 2>/dev/null; }
# num_le A B: both are numbers and A <= B
num_le() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$1" -le "$2" ]; }

tap_plan 9
vm_start "$name" zone_host_kdump -m 768M --bar-size 512M -H 192M \
	-Z --check-interval=0 -Z "--export=kdump=$ZHOST_GUEST_DIR,ro" \
	--append crashkernel=256M
st=$?
tap_ok $st "zhost-run starts a guest with 256 MiB for a crash kernel and 192 MiB plugged"
[ $st -eq 0 ] || exit 1

vm_wait "$name" '^zone-host-kdump: loaded' 300
tap_ok $? "the guest wrote its pattern into ZONE_HOST and loaded the crash kernel"
sed -n 's/^\(zone-host-kdump: .*\|Bail out!.*\)/#   \1/p' "$log"
bctl check --json >"$VM_TMP/check.json" 2>&1
tap_diag "before the crash: $(jq -c '{consistent, plugged, backed, unplugged_backed}' "$VM_TMP/check.json" 2>/dev/null)"
bctl status --json >"$VM_TMP/status.json" 2>&1
plugged=$(mem plugged)
backed=$(mem backed)

vm_tell "$name" crash
vm_wait_count "$name" '^zonehost-guest: ready ' 2 300
tap_ok $? "the crash kernel booted ($(grep -c '^zonehost-guest: ready ' "$log") boots on the console)"
vm_wait "$name" '^zone-host-vmcore: read ' 300
tap_ok $? "the crash kernel read the data area through /proc/vmcore"
grep -E '^zone-host-vmcore: |vmcore|kdump kernel' "$log" | sed 's/^/#   /'

bctl status --json >"$VM_TMP/status.json" 2>&1
tap_diag "after the read: $(jq -c '.memory | {plugged, backed, violations}' "$VM_TMP/status.json" 2>/dev/null)"
tap_check "the crash kernel left the plug state alone (plugged ${plugged:-?} -> $(mem plugged))" \
	[ -n "$plugged" -a "$(mem plugged)" = "$plugged" ]
after=$(mem backed)
tap_check "reading /proc/vmcore allocated no host memory beyond what is plugged: $((${after:-0} / mib)) MiB backed (was $((${backed:-0} / mib)) MiB) of $((${plugged:-0} / mib)) MiB plugged" \
	num_le "$after" "$plugged"
tap_check "zhostd saw no memory violation ($(mem violations))" [ "$(mem violations)" = 0 ]
calls=$(mem stats.host_map_calls)
tap_check "the crash kernel asked zhostd which subblocks it backs (${calls:-0} calls)" \
	[ "${calls:-0}" -ge 1 ]

vm_finish "$name" 120
tap_check "the crash kernel's checks of the dump" vm_guest_tap_ok "$name"
tap_done
