#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A hostile guest attacks zhostd while the well-behaved traffic goes on.
# zhostd is the build with AddressSanitizer and UndefinedBehaviorSanitizer
# (build/tests/zhostd-san), with host paging on and a ceiling on pinning
# (--host-paging, --max-pinned). In the guest, vmrpc_adversary maps the device's
# BARs through sysfs and sends malformed calls in rounds from the last
# guest->host slots, floods every doorbell, and keeps the guest kernel's own
# pings going; among the calls, malformed pin batches and paging hints,
# floods of pin and unpin of one subblock, a pin of all it may plug (which
# the ceiling stops) with hints of what got pinned, floods of hints of
# subblocks it never plugged, and hostfs calls on an export of one file
# (hostile names, forged mounts and nodes, frames outside the data area or
# in subblocks never plugged), after which the export must be unchanged. Meanwhile the host resizes the guest (the kernel's plug and
# unplug calls), pings it, reads its meminfo and zhostd's status. Then it
# tells the adversary to stop and checks: zhostd alive and serving, every
# well-behaved call worked, every class of malformed traffic counted by
# zhostd at least as often as the adversary saw it refused, nothing pinned
# beyond the ceiling or outside what the guest plugged, no hint of an
# unplugged subblock accepted, the doorbells
# cost at most one pass each, balloon-ctl check consistent, zhostd's log
# bounded by its rate limit, and no sanitizer report once zhostd exited.
# The host's side lasts ATTACK_S seconds (default 30), in whole rounds.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

san=$VM_BUILD/tests/zhostd-san
if [ ! -x "$san" ]; then
	echo "1..0 # SKIP $san missing: run 'make'"
	exit 4
fi
export ZHOST_ZHOSTD=$san
# A report goes to a file of its own (zhostd's stderr is gone once it
# daemonized); halting on the first one ends zhostd, which the test sees.
export ASAN_OPTIONS="log_path=$VM_TMP/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$VM_TMP/ubsan:print_stacktrace=1:halt_on_error=1"

name=e2e-hostile-guest
dir=$ZHOST_RUNTIME_DIR/$name
log=$(vm_console "$name")
tap_plan 17
bctl() { vm_bctl "$name" "$@"; }
# A number of the adversary's summary: adv "status einval", adv "count
# doorbells", adv "class replay sent"; 0 when it printed none.
adv() {
	local v
	v=$(vm_console_value "$name" "s/^vmrpc-adversary: $1 \([0-9]*\).*/\1/p")
	echo "${v:-0}"
}
# A number from zhostd's status: st JQ-PATH
st() { jq -r "$1 // 0" "$VM_TMP/status.json" 2>/dev/null; }

# 1 GiB BAR: 896 MiB of data area, of which the guest gets at most 256.
MAX_PINNED=$((16 << 20))
# The export the adversary attacks hostfs through: one file, f.
exp=$VM_TMP/adv-export
mkdir -p "$exp" && printf 'adversary' >"$exp/f"
vm_start "$name" vmrpc_adversary -m 512M -H 64M --host-max 256M \
	-Z --host-paging -Z --max-pinned=$MAX_PINNED -Z "--export=adv=$exp" --append quiet
tap_ok $? "zhost-run starts a guest under the sanitized zhostd"
zpid=$(cat "$dir/zhostd.pid" 2>/dev/null)
tap_check "the zhostd serving it is the sanitized build" \
	[ "$(readlink "/proc/$zpid/exe" 2>/dev/null)" = "$(readlink -f "$san")" ]
vm_wait "$name" '^vmrpc-adversary: attacking' 300
tap_ok $? "the adversary attacks"
vm_console_value "$name" 's/^\(vmrpc-adversary: attacking.*\)/#   \1/p'
t0=$SECONDS
lines0=$(wc -l <"$dir/zhostd.log")

# The well-behaved traffic, while the attack goes on.
good=0 bad=0
well() {
	if "$@" >>"$VM_TMP/well.out" 2>&1; then
		good=$((good + 1))
	else
		bad=$((bad + 1))
		echo "failed: $*" >>"$VM_TMP/well.out"
	fi
}
# zhostd's status, with the most it had pinned and locked so far (the
# adversary pins all it can, up to the ceiling, and unpins, each round).
most_pinned=0 most_locked=0 samples=0
status_sample() {
	local p l
	bctl status --json >"$VM_TMP/sample.json" || return 1
	p=$(jq -r '.pins.guest_pinned' "$VM_TMP/sample.json")
	l=$(jq -r '.pins.locked' "$VM_TMP/sample.json")
	[ "$p" -le "$most_pinned" ] || most_pinned=$p
	[ "$l" -le "$most_locked" ] || most_locked=$l
	samples=$((samples + 1))
}
# Rounds of it for at least ATTACK_S seconds (at least one round).
ATTACK_S=${ATTACK_S:-30}
rounds=0
while [ $rounds -eq 0 ] || [ $((SECONDS - t0)) -lt "$ATTACK_S" ]; do
	for size in 192M 64M 128M; do
		well bctl set "$size" --wait --timeout 240
		for i in 1 2 3; do
			well bctl guest ping
			well status_sample
		done
		well bctl guest meminfo --json
	done
	well bctl check
	rounds=$((rounds + 1))
done
[ $bad -eq 0 ] || grep -A3 '^failed' "$VM_TMP/well.out" | head -n 20 | sed 's/^/#   /'
tap_check "well-behaved calls during the attack: $good worked, $bad failed ($rounds rounds of 3 resizes, pings, meminfo, status, check)" \
	[ $bad -eq 0 ]

vm_tell "$name" stop
vm_wait "$name" '^vmrpc-adversary: stopped after' 600
tap_ok $? "the adversary stops when told"
elapsed=$((SECONDS - t0))
kill -0 "$zpid" 2>/dev/null
tap_ok $? "zhostd (pid $zpid) is alive after $elapsed s of attack"
bctl status --json >"$VM_TMP/status.json" 2>&1
tap_ok $? "zhostd still serves its control socket"
vm_console_value "$name" 's/^vmrpc-adversary: \(stopped.*\)/# adversary \1/p'
tr -d '\r' <"$log" | sed -n 's/^vmrpc-adversary: \(class\|status\|count\) /#   /p' | paste -sd' ' |
	fold -w 150 -s | sed 's/^/# adversary: /'
tap_diag "zhostd stats: $(jq -c '.stats' "$VM_TMP/status.json")"
tap_diag "zhostd memory: $(jq -c '.memory.stats' "$VM_TMP/status.json")"
tap_diag "zhostd pins: $(jq -c '.pins.stats' "$VM_TMP/status.json")"
tap_diag "zhostd paging, mode $(jq -r '.paging.mode + " (" + .paging.reason + ")"' \
	"$VM_TMP/status.json"): $(jq -c '.paging.counters' "$VM_TMP/status.json")"
tap_diag "zhostd suppressed: $(jq -c '.suppressed' "$VM_TMP/status.json")"

# Each refusal the adversary saw, zhostd counted (the guest kernel's own
# calls may add to zhostd's counts, never take away).
short=
for s in enomod enoproc einval e2big estate eseq eperm erange; do
	[ "$(st ".stats.g2h_$s")" -ge "$(adv "status $s")" ] || short+=" g2h_$s"
done
[ "$(st .memory.stats.bad_calls)" -ge "$(adv "count mem-einval")" ] || short+=" memory.bad_calls"
[ "$(st .memory.stats.unplug_unplugged)" -ge "$(adv "count unplug-unplugged")" ] || short+=" unplug_unplugged"
[ "$(st .memory.stats.plug_refused)" -ge "$(adv "count plug-eperm")" ] || short+=" plug_refused"
[ "$(st .pins.stats.bad_calls)" -ge "$(adv "count pin-bad")" ] || short+=" pins.bad_calls"
[ "$(st .pins.stats.refused_runs)" -ge "$(adv "count pin-refused")" ] || short+=" pins.refused_runs"
[ "$(st .paging.counters.bad_calls)" -ge "$(adv "count paging-bad")" ] || short+=" paging.bad_calls"
# A hint of an unplugged or pinned subblock is skipped, or all of it
# refused when the mode is off (a host without swap).
[ $(($(st .paging.counters.skipped_unplugged) + $(st .paging.counters.skipped_pinned) +
     $(st .paging.counters.refused_mode))) -ge \
	$(($(adv "count paging-unplugged-bytes") + $(adv "count paging-pinned-bytes"))) ] ||
	short+=" paging.skipped"
tap_check "zhostd counted every refusal the adversary got${short:+ (short:$short)}" [ -z "$short" ]

missing= classes=0 malformed=0
for c in $(tr -d '\r' <"$log" | sed -n 's/^vmrpc-adversary: class \([^ ]*\) .*/\1/p'); do
	classes=$((classes + 1))
	[ "$(adv "class $c sent")" -gt 0 ] || missing+=" $c"
done
for s in enomod enoproc einval e2big estate eseq eperm erange; do
	malformed=$((malformed + $(adv "status $s")))
done
[ "$classes" -eq 21 ] && [ -z "$missing" ] && [ "$malformed" -gt 0 ]
tap_ok $? "$classes classes of hostile traffic sent, $malformed malformed calls refused${missing:+ (not sent:$missing)}"

# The most the adversary got pinned in one call, the most zhostd had
# pinned and locked in any status sample during the attack, and what it
# holds after: within the ceiling, and within what the guest plugged.
pinned=$(st .pins.guest_pinned) locked=$(st .pins.locked) plugged=$(st .memory.plugged)
most_adv=$(adv "count pin-most-bytes")
[ "$most_adv" -le "$MAX_PINNED" ] && [ "$most_pinned" -le "$MAX_PINNED" ] &&
	[ "$most_locked" -le "$MAX_PINNED" ] && [ "$pinned" -le "$MAX_PINNED" ] &&
	[ "$locked" -le "$MAX_PINNED" ] && [ "$pinned" -le "$plugged" ]
tap_ok $? "pinned within the ceiling of $MAX_PINNED: the adversary got at most $most_adv in a call, $samples samples saw at most $most_pinned pinned and $most_locked locked, $pinned pinned ($locked locked) of $plugged plugged at the end"

rung=$(adv "count doorbells") db=$(st .stats.doorbells) wk=$(st .stats.wakeups)
[ "$db" -ge "$rung" ] && [ "$wk" -le "$db" ] && [ "$wk" -gt 0 ]
tap_ok $? "doorbells: the adversary rang $rung, zhostd counted $db and woke $wk times (one bounded pass each)"

bctl check >"$VM_TMP/check.out" 2>&1
st_check=$?
[ $st_check -eq 0 ] || sed 's/^/#   /' "$VM_TMP/check.out"
tap_check "balloon-ctl check: zhostd, guest and memfd agree after the attack" [ $st_check -eq 0 ]

# A guest can make zhostd write: at most the burst and then the steady
# rate of each of the seven kinds, plus the few lines a resize writes.
lines=$(($(wc -l <"$dir/zhostd.log") - lines0))
bound=$((7 * 20 + 7 * 5 * elapsed + 100))
suppressed=$(st .suppressed.total)
tap_check "zhostd wrote $lines log lines in $elapsed s (bound $bound), $suppressed suppressed" \
	[ "$lines" -le "$bound" ]

[ "$(ls -A "$exp")" = f ] && [ "$(cat "$exp/f")" = adversary ] &&
	[ "$(adv "count hostfs-refused")" -gt 0 ]
tap_ok $? "the export the adversary attacked holds only f, unchanged ($(adv "count hostfs-refused") hostfs calls refused)"
tap_check "the adversary's own results (vmrpc_adversary TAP)" vm_guest_tap_ok "$name"
vm_finish "$name" 120
vm_until 60 eval "! kill -0 $zpid"
tap_ok $? "zhostd exits with the guest"
reports=$(cat "$VM_TMP"/asan* "$VM_TMP"/ubsan* 2>/dev/null)
[ -z "$reports" ] || printf '%s\n' "$reports" | head -n 40 | sed 's/^/#   /'
tap_check "no AddressSanitizer, UndefinedBehaviorSanitizer or leak report from zhostd" \
	[ -z "$reports" ]
tap_done
