#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The automatic policy: a guest with 256 MiB of RAM and 128 MiB of host
# memory (ceiling 1 GiB), zhostd --policy auto polling the working set
# every 2 s, runs zone_host_wss_phases: a working set of 100 MiB for 30 s,
# growing by 50 MiB/s to 600 MiB, held 40 s, then back to 100 MiB for 90 s.
# It must get its memory in time (no OOM kill, nothing swapped) and be
# shrunk back within 90 s of the drop; the host's tools must show it:
# balloon-ctl wss and top read the estimate, history holds the samples and
# --plot draws them.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

name=e2e-policy
log=$ZHOST_RUNTIME_DIR/$name/console.log
mib=$((1 << 20))
bound=90
tap_plan 10
E2E_VMS+=("$name")
"$ZHOST_RUN" -n "$name" -c 2 -m 256M -H 128M --host-max 1G \
	-Z --policy=auto -Z --wss-interval=2 -Z --shrink-after=3 \
	--detach --test zone_host_wss_phases \
	--append "quiet zonehost.phases=100:30,600:40,100:90" >/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run starts the guest with zhostd --policy auto"
bctl() { "$BCTL" -n "$name" "$@"; }

e2e_wait_for "$log" '^wss-phase: 600 MiB' 240
bctl wss --json >"$E2E_TMP/wss.json" 2>&1
jq -e '.sample.valid and .sample.guest.wss > 0 and .sample.guest.wss <= .sample.guest.size' \
	"$E2E_TMP/wss.json" >/dev/null
tap_ok $? "balloon-ctl wss: a valid estimate ($(jq -r '.sample.guest.wss / 1048576 | floor' "$E2E_TMP/wss.json" 2>/dev/null) MiB)"
bctl top --count 2 --interval 1 >"$E2E_TMP/top" 2>&1
grep -q '^working set' "$E2E_TMP/top" && [ "$(grep -c '^balloon-ctl top' "$E2E_TMP/top")" -eq 2 ]
tap_ok $? "balloon-ctl top: two frames with the working set"

# Let the last phase run long enough for the shrink, then keep the history.
e2e_wait_for "$log" '^wss-phase: 100 MiB for 90' 240
sleep $((bound - 5))
bctl history --json >"$E2E_TMP/history.json" 2>&1
bctl history --plot "$E2E_TMP/policy.svg" >/dev/null 2>&1 &&
	grep -q '<svg' "$E2E_TMP/policy.svg"
tap_ok $? "balloon-ctl history --plot writes an SVG"
e2e_wait_for "$log" '^zonehost-guest: exit' 120

# From the history: the peak, the drop, and how fast the host followed.
h=$E2E_TMP/history.json
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

e2e_guest_tap_ok "$log"
tap_ok $? "guest: every chunk allocated, no OOM kill, nothing swapped"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
grep -q '^zonehost-guest: exit zone_host_wss_phases 0' "$log"
tap_ok $? "the workload exited 0"
"$ZHOST_RUN" -n "$name" --stop >/dev/null 2>&1
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 60; }
tap_done
