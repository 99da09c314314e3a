#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Under host memory pressure the pinned subblocks stay resident. QEMU and
# zhostd run in a memory cgroup limited to 256 MiB, below the VM's size
# (256 MiB of RAM, 512 MiB of ZONE_HOST), with a swap file on the host;
# the test makes both and removes them. The guest (zone_host_pin_pressure)
# mlocks 32 MiB in ZONE_HOST, then writes 384 MiB it does not lock. Once
# the host has swapped, mincore() of a fresh mapping of zhostd's memfd
# (build/bench/memfd-resident) shows every pinned subblock wholly resident
# and much of the unlocked memory gone to swap; the guest then finds both
# of its patterns intact.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
vm_require_guest
pressure_require
RESIDENT=$VM_BUILD/bench/memfd-resident
if [ ! -x "$RESIDENT" ]; then
	echo "1..0 # SKIP $RESIDENT missing: run 'make'"
	exit 4
fi

name=e2e-pin-pressure
limit=256M
unlocked_mib=384
tap_plan 11

pressure_setup "$limit" 1024
st=$?
tap_ok $st "a memory cgroup limited to $limit and a 1 GiB swap file"
[ $st -eq 0 ] || tap_done
swapfile=$PRESSURE_SWAP
pressure_vm_start "$name" zone_host_pin_pressure -m 256M -H 512M \
	--append "quiet zonehost.pressure_mib=$unlocked_mib"
tap_ok $? "zhost-run -m 256M -H 512M starts QEMU and zhostd in the cgroup"
rt=$ZHOST_RUNTIME_DIR/$name
qpid=$(cat "$rt/qemu.pid" 2>/dev/null)
zpid=$(cat "$rt/zhostd.pid" 2>/dev/null)
pressure_holds "$qpid" && pressure_holds "$zpid"
tap_ok $? "QEMU (pid $qpid) and zhostd (pid $zpid) are charged to the cgroup"

# The guest skips without pinning in its kernel: so does the test.
vm_wait "$name" '^zone-host-pin-pressure: ready' 600
if [ "$(vm_guest_exit "$name" zone_host_pin_pressure)" = 4 ]; then
	for i in $(seq 4 11); do
		tap_skip "under pressure, step $i" "the guest kernel has no ZONE_HOST pinning"
	done
	tap_done
fi

# SUBBLOCKS of a guest marker ("0-3,8-9"), one number a line.
expand() {
	local r
	[ "$1" = - ] && return
	for r in ${1//,/ }; do
		seq "${r%-*}" "${r#*-}"
	done
}
expand "$(vm_console_value "$name" 's/^zone-host-pin-pressure: locked \([-0-9,]*\)$/\1/p')" >"$VM_TMP/guest-locked"
expand "$(vm_console_value "$name" 's/^zone-host-pin-pressure: unlocked \([-0-9,]*\)$/\1/p')" >"$VM_TMP/guest-unlocked"
# The unlocked region's subblocks that hold none of the locked one.
grep -vxFf "$VM_TMP/guest-locked" "$VM_TMP/guest-unlocked" >"$VM_TMP/unlocked-only"

vm_bctl "$name" pins --json >"$VM_TMP/pins.json" 2>"$VM_TMP/pins.err"
sed 's/^/#   /' "$VM_TMP/pins.err"
jq -r '.ranges[] | select(.guest_pinned) | range(.first; .first + .count)' \
	"$VM_TMP/pins.json" >"$VM_TMP/host-pinned" 2>/dev/null
tap_diag "guest locked: $(wc -l <"$VM_TMP/guest-locked") subblocks, zhostd pins: $(jq -c '{locked, guest_pinned, shortfall}' "$VM_TMP/pins.json" 2>/dev/null)"
[ -s "$VM_TMP/guest-locked" ] && cmp -s "$VM_TMP/guest-locked" "$VM_TMP/host-pinned"
tap_ok $? "balloon-ctl pins lists exactly the subblocks holding the guest's mlocked 32 MiB"

# The memfd as zhostd holds it, and where its data area starts.
memfd=
for fd in /proc/"$zpid"/fd/*; do
	if [[ $(readlink "$fd" 2>/dev/null) == /memfd:* ]]; then
		memfd=$fd
		break
	fi
done
vm_bctl "$name" status --json >"$VM_TMP/status.json" 2>/dev/null
off=$(jq -r '.memory.data_offset' "$VM_TMP/status.json" 2>/dev/null)
size=$(jq -r '.memory.data_size' "$VM_TMP/status.json" 2>/dev/null)
sb=$(jq -r '.memory.subblock_size' "$VM_TMP/status.json" 2>/dev/null)
# resident: the resident bytes of each subblock of the data area,
# "SUBBLOCK BYTES" a line, into $VM_TMP/resident
resident() { "$RESIDENT" "$memfd" "$off" "$size" "$sb" >"$VM_TMP/resident"; }
# sum_of LIST: resident bytes of the subblocks listed in file LIST
sum_of() {
	awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { s += $2 } END { print s + 0 }' \
		"$1" "$VM_TMP/resident"
}
# full_of LIST: how many of them are wholly resident
full_of() {
	awk -v sb="$sb" 'NR == FNR { want[$1] = 1; next }
		($1 in want) && $2 == sb { n++ } END { print n + 0 }' "$1" "$VM_TMP/resident"
}
resident && [ -n "$memfd" ]
tap_ok $? "mincore() of a fresh mapping of zhostd's memfd ($(readlink "$memfd" 2>/dev/null))"

# The event: the host swapped guest memory out. The guest wrote its
# unlocked region before saying ready, so the swapping has mostly been
# done; the wait covers a slow host finishing it.
written=$(($(wc -l <"$VM_TMP/unlocked-only") * sb))
swapped_out() {
	resident || return 1
	[ "$(pressure_swap_used)" -ge $((64 * mib)) ] &&
		[ "$(sum_of "$VM_TMP/unlocked-only")" -le $((written - 64 * mib)) ]
}
vm_until 300 swapped_out
tap_ok $? "the host swapped out unpinned guest memory: $(($(pressure_swap_used) / mib)) MiB in the swap file, $(($(sum_of "$VM_TMP/unlocked-only") / mib)) of the $((written / mib)) MiB of unlocked subblocks resident"
tap_diag "cgroup: $(($(pressure_usage) / mib)) MiB charged, limit $limit"

nlocked=$(wc -l <"$VM_TMP/guest-locked")
full=$(full_of "$VM_TMP/guest-locked")
[ "$nlocked" -gt 0 ] && [ "$full" = "$nlocked" ]
tap_ok $? "every pinned subblock is wholly resident ($full of $nlocked, $(($(sum_of "$VM_TMP/guest-locked") / mib)) MiB)"
vm_bctl "$name" pins --json >"$VM_TMP/pins-after.json" 2>/dev/null
[ "$(jq -r '.locked' "$VM_TMP/pins-after.json" 2>/dev/null)" = $((nlocked * sb)) ]
tap_ok $? "zhostd still holds them locked ($(($(jq -r '.locked' "$VM_TMP/pins-after.json" 2>/dev/null) / mib)) MiB)"

vm_finish "$name" 600
tap_check "zone_host_pin_pressure: both patterns intact in the guest" vm_guest_tap_ok "$name"
# The guest powers off after its program: QEMU ends by itself.
vm_until 120 eval '! kill -0 "$qpid"'
st=$?
[ $st -eq 0 ] && [ "$(pressure_oom_kills)" = 0 ]
tap_ok $? "the guest powered off; the cgroup's OOM killer killed nothing ($(pressure_oom_kills) kills)"
pressure_teardown
! grep -q "^$swapfile " /proc/swaps && [ ! -e "$swapfile" ] && [ -z "$PRESSURE_CG" ]
tap_ok $? "the swap file and the cgroup are gone"
tap_done
