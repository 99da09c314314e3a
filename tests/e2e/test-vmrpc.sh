#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# VMRPC end to end: the guest boots with zhostd and runs vmrpc_calls
# (guest->host calls, 8 concurrent callers, payloads). Meanwhile the host
# side uses balloon-ctl: ping, meminfo matching the guest's own
# /proc/meminfo, 8 concurrent callers doing 10 reverse pings each, and
# drop-caches 3 visibly dropping the guest's page cache.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

name=e2e-vmrpc
log=$ZHOST_RUNTIME_DIR/$name/console.log
tap_plan 11
E2E_VMS+=("$name")
"$ZHOST_RUN" -n "$name" -m 1G --detach --test vmrpc_calls --append quiet \
	>/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run starts QEMU and zhostd"
bctl() { "$BCTL" -n "$name" "$@"; }

e2e_wait_for "$log" '^vmrpc-guest: ready for host calls' 300
tap_ok $? "guest finished its own VMRPC calls and waits for the host"

out=$(bctl guest ping 2>&1)
tap_ok $? "balloon-ctl guest ping: $out"

# meminfo through VMRPC against the guest's own /proc/meminfo, printed on
# the console a moment ago: MemTotal cannot change, the rest may drift.
want=$(e2e_console_value "$log" 's/^vmrpc-guest: meminfo MemTotal \([0-9]*\)$/\1/p')
got=$(bctl guest meminfo | sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p')
tap_diag "MemTotal: guest says ${want:-?} kB, balloon-ctl says ${got:-?} kB"
tap_ok $([ -n "$want" ] && [ "$want" = "$got" ]; echo $?) \
	"guest meminfo over VMRPC matches the guest's /proc/meminfo"
bctl guest meminfo --json >"$E2E_TMP/meminfo.json"
tap_ok $([ "$(jq -r '.fields.MemTotal' "$E2E_TMP/meminfo.json")" = $((want * 1024)) ]; echo $?) \
	"guest meminfo --json parses MemTotal into bytes"

# 8 concurrent host callers, 10 pings each.
fails=$(e2e_concurrent_pings "$name" 8 10)
tap_ok "$fails" "8 concurrent host callers x 10 reverse calls all complete"

for what in vmstat loadavg cpuinfo; do
	bctl guest "$what" >"$E2E_TMP/$what" 2>&1 || true
done
grep -q '^nr_free_pages ' "$E2E_TMP/vmstat" && grep -qE '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+' "$E2E_TMP/loadavg" &&
	grep -q '^processor' "$E2E_TMP/cpuinfo"
tap_ok $? "guest vmstat, loadavg and cpuinfo come back as the guest's text"

cached_kb() { bctl guest meminfo | sed -n 's/^Cached: *\([0-9]*\) kB$/\1/p'; }
before=$(cached_kb)
bctl guest drop-caches 3
st=$?
after=$(cached_kb)
tap_diag "guest Cached: ${before:-?} kB before drop-caches 3, ${after:-?} kB after"
tap_ok $([ $st -eq 0 ] && [ -n "$before" ] && [ -n "$after" ] &&
	[ $((before - after)) -ge $((48 * 1024)) ]; echo $?) \
	"guest drop-caches 3 drops the guest's page cache (at least 48 MiB)"

bctl guest drop-caches 4 >/dev/null 2>&1
tap_ok $([ $? -eq 2 ]; echo $?) "drop-caches 4 is refused as a bad argument"

e2e_wait_for "$log" '^zonehost-guest: exit vmrpc_calls' 120
e2e_guest_tap_ok "$log"
tap_ok $? "the guest's vmrpc_calls TAP program passed"

# The guest powers off when its program ends; zhostd follows QEMU out.
qpid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
for ((i = 0; i < 300; i++)); do
	kill -0 "$qpid" 2>/dev/null || [ -e "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" ] || break
	sleep 0.2
done
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
! kill -0 "$qpid" 2>/dev/null && [ ! -e "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" ] &&
	[ ! -e "$ZHOST_RUNTIME_DIR/$name/zhostd.sock" ] && [ -z "$problems" ]
tap_ok $? "guest powered off, zhostd exited with it, no kernel warning"
tap_done
