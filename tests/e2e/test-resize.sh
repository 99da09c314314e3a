#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Resize under load: the guest (512 MiB RAM, 256 MiB of host memory) runs
# stress-ng --vm 2 --vm-bytes 60% --verify while the host takes it through
# ZH_RESIZE_CYCLES (default 20) cycles of 256 MiB -> 768 MiB -> 256 MiB
# with balloon-ctl set --wait. After every step balloon-ctl check must say
# zhostd's map, the guest's map and the memfd agree, and the memfd's
# allocated bytes must be within 5% of the plugged size (the host never
# backs more than the guest has plugged). At the end the guest reports no
# verification error and no OOM kill.
# timeout: 1500
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

cycles=${ZH_RESIZE_CYCLES:-20}
name=e2e-resize
log=$ZHOST_RUNTIME_DIR/$name/console.log
mib=$((1 << 20))
tap_plan 9
E2E_VMS+=("$name")
# Requests the guest counts: the boot size, two per cycle, and the last
# one below, which tells it the host is done.
"$ZHOST_RUN" -n "$name" -m 512M -H 256M --detach --test zone_host_resize_load \
	--append "quiet zonehost.until=$((2 + 2 * cycles))" >/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run -m 512M -H 256M starts the guest with its workload"
e2e_wait_for "$log" '^resize-guest: workload running' 300
tap_ok $? "stress-ng --vm 2 --vm-bytes 60% --verify runs in the guest"

bctl() { "$BCTL" -n "$name" "$@"; }
grown=0 shrunk=0 checked=0 within=0 worst=""
# step SIZE: resize, then check; counts what went right
step() {
	local t0 t1 c plugged backed
	t0=$(date +%s.%N)
	bctl set "$1" --wait --timeout 180 >"$E2E_TMP/step" 2>&1
	local st=$?
	t1=$(date +%s.%N)
	bctl check --json >"$E2E_TMP/check.json" 2>&1
	c=$?
	plugged=$(jq -r .plugged "$E2E_TMP/check.json")
	backed=$(jq -r .backed "$E2E_TMP/check.json")
	[ $c -eq 0 ] && checked=$((checked + 1))
	[ -n "$backed" ] && [ "$backed" -le $((plugged * 105 / 100)) ] && within=$((within + 1))
	printf '#   set %s: exit %d in %.1f s; check exit %d, plugged %d MiB, memfd %d MiB\n' \
		"$1" $st "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" $c $((plugged / mib)) $((backed / mib))
	[ $st -eq 0 ] || sed 's/^/#     /' "$E2E_TMP/step"
	return $st
}
for ((i = 1; i <= cycles; i++)); do
	step 768M && grown=$((grown + 1))
	step 256M && shrunk=$((shrunk + 1))
done
tap_ok $([ $grown -eq "$cycles" ]; echo $?) "$grown of $cycles grows to 768 MiB reached the target"
tap_ok $([ $shrunk -eq "$cycles" ]; echo $?) "$shrunk of $cycles shrinks to 256 MiB reached the target"
tap_ok $([ $checked -eq $((2 * cycles)) ]; echo $?) \
	"balloon-ctl check: consistent after $checked of $((2 * cycles)) steps"
tap_ok $([ $within -eq $((2 * cycles)) ]; echo $?) \
	"memfd allocated within 5% of the plugged size after $within of $((2 * cycles)) steps"

bctl set 256M >/dev/null 2>&1
e2e_wait_for "$log" '^resize-guest: done' 120
tap_ok $? "the guest's workload finished"
e2e_guest_tap_ok "$log"
tap_ok $? "guest: no verification error, no OOM kill"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
"$ZHOST_RUN" -n "$name" --stop >/dev/null 2>&1
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 60; }
tap_done
