#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The automatic policy: a guest with 256 MiB of RAM and 128 MiB of host
# memory (ceiling 1 GiB), zhostd --policy auto polling the working set
# every 2 s, runs zone_host_wss_phases: a working set of 100 MiB for 30 s,
# growing by 50 MiB/s to 600 MiB, held 40 s, then back to 100 MiB for 90 s.
# It must get its memory in time (no OOM kill, ZONE_HOST serving what the
# guest's own RAM cannot hold) and be
# shrunk back within 90 s of the drop; the host's tools must show it:
# balloon-ctl wss and top read the estimate, history holds the samples and
# --plot draws them.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-policy
log=$(vm_console "$name")
bound=90
tap_plan 9
# The guest keeps its last working set (linger) after the phases, so that
# the host can still read its history when the shrink came late.
vm_start "$name" zone_host_wss_phases -c 2 -m 256M -H 128M --host-max 1G \
	-Z --policy=auto -Z --wss-interval=2 -Z --shrink-after=3 \
	--append "quiet zonehost.phases=100:30,600:40,100:90 zonehost.linger=10"
tap_ok $? "zhost-run starts the guest with zhostd --policy auto"
bctl() { vm_bctl "$name" "$@"; }

vm_wait "$name" '^wss-phase: 600 MiB' 240
bctl wss --json >"$VM_TMP/wss.json" 2>&1
jq -e '.sample.valid and .sample.guest.wss > 0 and .sample.guest.wss <= .sample.guest.size' \
	"$VM_TMP/wss.json" >/dev/null
tap_ok $? "balloon-ctl wss: a valid estimate ($(jq -r '.sample.guest.wss / 1048576 | floor' "$VM_TMP/wss.json" 2>/dev/null) MiB)"
bctl top --count 2 --interval 1 >"$VM_TMP/top" 2>&1
grep -q '^working set' "$VM_TMP/top" && [ "$(grep -c '^balloon-ctl top' "$VM_TMP/top")" -eq 2 ]
tap_ok $? "balloon-ctl top: two frames with the working set"

# Wait for the shrink itself (or the end of the phases, when it never
# came, or of the program, when it was killed), then keep the history.
vm_wait "$name" '^wss-phase: 100 MiB for 90' 240
# A sample after the peak with the requested size down to 160 MiB.
shrunk() {
	bctl history --json >"$VM_TMP/history.json" 2>/dev/null &&
		jq -e '.samples as $s |
			([range(0; $s | length) | select($s[.].guest.wss > 500 * 1048576)] | max) as $k |
			$k != null and ([$s[($k + 1):][] | select(.requested <= 160 * 1048576)] | length > 0)' \
			"$VM_TMP/history.json" >/dev/null
}
phases_over() { grep -qE '^(wss-phase: done|zonehost-guest: exit)' "$log"; }
vm_until $((bound + 60)) eval 'shrunk || phases_over'
bctl history --json >"$VM_TMP/history.json" 2>&1
bctl history --plot "$VM_TMP/policy.svg" >/dev/null 2>&1 &&
	grep -q '<svg' "$VM_TMP/policy.svg"
tap_ok $? "balloon-ctl history --plot writes an SVG"
vm_wait "$name" '^zonehost-guest: exit' 120

# From the history: the peak, the drop, and how fast the host followed.
h=$VM_TMP/history.json
peak=$(jq '[.samples[] | .plugged] | max' "$h")
npeak=$(jq '[.samples[] | .guest.size - .host.size + .plugged] | max' "$h")
tap_diag "largest ZONE_HOST $((peak / mib)) MiB; largest guest $((npeak / mib)) MiB"
[ "$npeak" -ge $((600 * mib)) ]
tap_ok $? "the guest was grown past its 600 MiB working set"
t_drop=$(jq '.samples as $s |
	([range(0; $s | length) | select($s[.].guest.wss > 500 * 1048576)] | max) as $k |
	[$s[($k + 1):][] | select(.guest.wss < 250 * 1048576)][0].timestamp.seconds' "$h")
t_shrunk=$(jq --argjson t "${t_drop:-null}" \
	'[.samples[] | select(.timestamp.seconds >= $t and .requested <= 160 * 1048576)][0].timestamp.seconds' "$h")
tap_diag "working set dropped at $t_drop, requested size at most 160 MiB at $t_shrunk"
[[ $t_drop =~ ^[0-9]+$ && $t_shrunk =~ ^[0-9]+$ ]] && [ $((t_shrunk - t_drop)) -le $bound ]
tap_ok $? "shrunk back to at most 160 MiB within $bound s of the drop"
zlog=$ZHOST_RUNTIME_DIR/$name/zhostd.log
grep 'policy: ' "$zlog" | grep -v ': hold' | sed 's/^/#   zhostd: /'
grep -q 'policy: shrink .*below-requested' "$zlog"
tap_ok $? "zhostd logged its shrink decisions with their reason"

tap_check "guest: every chunk allocated, no OOM kill, ZONE_HOST served the growth" \
	vm_guest_tap_ok "$name"
tap_check "the workload exited 0" [ "$(vm_guest_exit "$name" zone_host_wss_phases)" = 0 ]
vm_stop "$name"
tap_done
