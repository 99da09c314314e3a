#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The soak: for SOAK_SECONDS (default 180, the version `make test` runs;
# `make soak` runs it longer on the debug guest through scripts/soak.sh)
# the host resizes the guest to random sizes, checks after each resize
# that zhostd, the guest and the memfd agree, and polls the working set
# and the pins, while the guest (zone_host_soak) checks a pattern, pins
# and unpins random ranges with mlock() and runs stress-ng's verifying
# stressors. The time only bounds the run; progress is judged by events:
# at least SOAK_MIN_RESIZES (default 10) resizes, each followed by a
# consistent check, and guest pattern checks and pin cycles during them.
#
# Afterwards: check consistent with no host memory behind unplugged
# subblocks and no more than plugged, no data mismatch in the guest, no
# file descriptor or thread leak in zhostd and its anonymous memory grown
# by at most SOAK_RSS_GROWTH_KIB, and a guest console free of warnings,
# BUGs, lockdep and KASAN reports.
#
# Environment: SOAK_KERNEL (a bzImage; default the ordinary guest),
# SOAK_MEMORY (guest RAM, default 384M), SOAK_OUT (a directory that keeps
# the console, zhostd's log, the samples and any kernel report),
# SOAK_TIMEOUT (seconds one resize or guest step may take, default 300).
# Host file I/O (hostfs) joins the host loop (soak_round) and the guest
# program (tests/guest-workloads/zone_host_soak.c) when that module lands.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-soak
secs=${SOAK_SECONDS:-180}
min_resizes=${SOAK_MIN_RESIZES:-10}
rss_bound=${SOAK_RSS_GROWTH_KIB:-8192}
step_timeout=${SOAK_TIMEOUT:-300}
out=${SOAK_OUT:-$VM_TMP/soak}
mkdir -p "$out"
lo=$((64 * mib)) hi=$((768 * mib)) start_size=$((512 * mib)) sb=$((2 * mib))
kernel=()
[ -n "${SOAK_KERNEL:-}" ] && kernel=(-k "$SOAK_KERNEL")

tap_plan 13
vm_start "$name" zone_host_soak "${kernel[@]}" -m "${SOAK_MEMORY:-384M}" \
	-H $((start_size / mib))M --host-max $((hi / mib))M \
	-Z --wss-interval=2 -Z --check-interval=10 -Z --max-pinned=64M \
	--append "quiet zonehost.soak_pattern=64 zonehost.soak_pin=16"
tap_ok $? "zhost-run starts the guest${SOAK_KERNEL:+ (${SOAK_KERNEL##*/build/})}"
vm_wait "$name" '^soak-guest: running' "$step_timeout"
tap_ok $? "guest runs its pattern, pin/unpin and stress-ng"
zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)
bctl() { vm_bctl "$name" "$@"; }

# zhostd's open files, threads and anonymous memory (KiB).
zh_fds() { find "/proc/$zpid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
zh_status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$zpid/status"; }
sample() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$SECONDS" "$(zh_fds)" "$(zh_status Threads)" \
		"$(zh_status RssAnon)" "$1" >>"$out/zhostd-samples.tsv"
}
# The least of a few looks: a control connection in flight is not a leak.
least() {
	local i v m=
	for i in 1 2 3 4 5; do
		v=$("$@")
		[ -z "$m" ] || [ "$v" -lt "$m" ] && m=$v
		sleep 0.2
	done
	echo "$m"
}
guest_progress() { tr -d '\r' <"$(vm_console "$name")" | grep -c '^soak-guest: progress'; }

resizes=0 verified=0 short=0 failed=0 polls=0 pinpolls=0
# One round: a random size, reached or stopped short with a reason, then
# check; then the working set and the pins as a client polls them.
soak_round() {
	local target=${1:-} st
	[ -n "$target" ] ||
		target=$((lo + (RANDOM * 32768 + RANDOM) % ((hi - lo) / sb + 1) * sb))
	bctl set "$target" --wait --timeout "$step_timeout" >"$VM_TMP/set.out" 2>&1
	st=$?
	resizes=$((resizes + 1))
	case $st in
	0) ;;
	5) short=$((short + 1)) ;;
	*)
		failed=$((failed + 1))
		tap_diag "set $((target / mib))M failed (exit $st):"
		sed 's/^/#   /' "$VM_TMP/set.out"
		;;
	esac
	if bctl check >"$VM_TMP/check.out" 2>&1; then
		verified=$((verified + 1))
	else
		tap_diag "check after set $((target / mib))M:"
		sed 's/^/#   /' "$VM_TMP/check.out"
	fi
	bctl wss --refresh >/dev/null 2>&1 && polls=$((polls + 1))
	bctl pins >/dev/null 2>&1 && pinpolls=$((pinpolls + 1))
	# Host file I/O (hostfs) is polled here too once the module lands.
	sample "set $((target / mib))M exit $st"
}

printf 'seconds\tfds\tthreads\trss_anon_kib\tevent\n' >"$out/zhostd-samples.tsv"
# Warm-up: a shrink to the floor and a grow to the top create what zhostd
# creates once (threads: the worker that frees unplugged memory starts
# with the first unplug; the working-set history's first samples); the
# baseline is taken after them.
soak_round "$lo"
soak_round "$hi"
fds0=$(least zh_fds) threads0=$(least zh_status Threads) rss0=$(zh_status RssAnon)
progress0=$(guest_progress)
tap_diag "zhostd (pid $zpid) after warm-up: $fds0 fds, $threads0 threads, RssAnon $rss0 KiB"
end=$((SECONDS + secs))
while [ $SECONDS -lt $end ] && [ $failed -eq 0 ]; do
	soak_round
done
progress=$(($(guest_progress) - progress0))
tap_diag "$resizes resizes ($short stopped short), $verified checked consistent, $polls working-set polls, $pinpolls pin listings; guest pattern checks during them: $progress"
[ $failed -eq 0 ] && [ $resizes -ge "$min_resizes" ] && [ $verified -eq $resizes ]
tap_ok $? "at least $min_resizes resizes, none failed, every one followed by a consistent check"
[ $polls -eq $resizes ] && [ $pinpolls -eq $resizes ] && [ "$progress" -ge 2 ]
tap_ok $? "working set and pins polled after each resize; the guest kept checking its pattern"

# Back to the start size, then the end state.
vm_resize_checked "$name" $((start_size / mib))M
tap_ok $? "back to $((start_size / mib)) MiB, check consistent"
bctl check --json >"$out/check.json" 2>&1
tap_diag "check: $(jq -c '{consistent, plugged, guest_plugged, backed, unplugged_backed}' "$out/check.json" 2>/dev/null)"
jq -e '.consistent and .unplugged_backed == 0 and .backed <= .plugged and .plugged == .guest_plugged' \
	"$out/check.json" >/dev/null 2>&1
tap_ok $? "memfd: no block behind an unplugged subblock, no more than plugged"
bctl status --json >"$out/status.json" 2>&1
tap_diag "pins: $(jq -c '.pins.stats' "$out/status.json" 2>/dev/null)"
jq -e '.pins.stats | .pin_runs > 0 and .unpin_runs > 0 and .bad_calls == 0 and
	.lock_failures == 0 and .unlock_failures == 0' "$out/status.json" >/dev/null 2>&1
tap_ok $? "zhostd pinned and unpinned what the guest mlocked, no failure or malformed call"

fds1=$(least zh_fds) threads1=$(least zh_status Threads) rss1=$(zh_status RssAnon)
sample end
tap_diag "zhostd at the end: $fds1 fds, $threads1 threads, RssAnon $rss1 KiB"
[ -n "$fds1" ] && [ "$fds1" -le "$fds0" ] && [ "$threads1" -le "$threads0" ]
tap_ok $? "no file descriptor or thread leak in zhostd ($fds0 -> $fds1 fds, $threads0 -> $threads1 threads)"
[ -n "$rss1" ] && [ $((rss1 - rss0)) -le "$rss_bound" ]
tap_ok $? "zhostd's anonymous memory grew by $((${rss1:-0} - ${rss0:-0})) KiB (bound $rss_bound KiB)"

# A guest that died (oops=panic) cannot finish: do not wait for it.
qpid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
	vm_finish "$name" "$step_timeout"
	tap_ok $? "guest finished when told"
else
	tap_ok 1 "guest finished when told (QEMU is gone: the guest died)"
fi
tap_diag "guest: $(vm_console_value "$name" 's/^soak-guest: done //p')"
tap_check "guest: pattern, pin ranges and stress-ng verified, nothing OOM-killed" vm_guest_tap_ok "$name"
vm_until 120 sh -c "! kill -0 $zpid"
tap_ok $? "zhostd exited with the guest"

log=$(vm_console "$name")
tr -d '\r' <"$log" >"$out/console.log"
cp "$ZHOST_RUNTIME_DIR/$name/zhostd.log" "$out/zhostd.log" 2>/dev/null
# Lockdep, DEBUG_LIST and atomic-sleep reports start with one of these
# (lockdep's "WARNING: possible circular locking dependency", "BUG:
# sleeping function called from invalid context", "list_add corruption").
problems=$(console_problems "$out/console.log"
	grep -nE 'lockdep|DEBUG_LOCKS_WARN_ON|suspicious RCU|corruption\.|INFO: ' "$out/console.log")
if [ -n "$problems" ]; then
	first=$(grep -nE "$CONSOLE_PROBLEMS|lockdep|DEBUG_LOCKS_WARN_ON|suspicious RCU|corruption\.|INFO: " \
		"$out/console.log" | head -n 1 | cut -d: -f1)
	tail -n +"$((first > 5 ? first - 5 : 1))" "$out/console.log" >"$out/kernel-report.txt"
	tap_diag "kernel report kept in ${out#"$VM_ROOT/"}/kernel-report.txt; its start:"
	head -n 40 "$out/kernel-report.txt" | sed 's/^/#   /'
fi
tap_check "guest console free of warnings, BUGs, lockdep and KASAN reports" [ -z "$problems" ]
vm_stop "$name"
tap_done
