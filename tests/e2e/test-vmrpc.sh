#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# VMRPC end to end: the guest boots with zhostd and runs vmrpc_calls
# (guest->host calls, 8 concurrent callers, payloads). Meanwhile the host
# side uses balloon-ctl: ping, meminfo matching the guest's own
# /proc/meminfo, 8 concurrent callers doing 10 reverse pings each, and
# drop-caches 3 visibly dropping the guest's page cache. Then it tells the
# guest it is done, and the guest checks what it saw of the host's calls.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-vmrpc
tap_plan 11
vm_start "$name" vmrpc_calls -m 1G --append quiet
tap_ok $? "zhost-run starts QEMU and zhostd"
bctl() { vm_bctl "$name" "$@"; }

vm_wait "$name" '^vmrpc-guest: ready for host calls' 300
tap_ok $? "guest finished its own VMRPC calls and waits for the host"

out=$(bctl guest ping 2>&1)
tap_ok $? "balloon-ctl guest ping: $out"

# meminfo through VMRPC against the guest's own /proc/meminfo, printed on
# the console a moment ago: MemTotal cannot change, the rest may drift.
want=$(vm_console_value "$name" 's/^vmrpc-guest: meminfo MemTotal \([0-9]*\)$/\1/p')
got=$(bctl guest meminfo | sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p')
tap_diag "MemTotal: guest says ${want:-?} kB, balloon-ctl says ${got:-?} kB"
[ -n "$want" ] && [ "$want" = "$got" ]
tap_ok $? "guest meminfo over VMRPC matches the guest's /proc/meminfo"
bctl guest meminfo --json >"$VM_TMP/meminfo.json"
tap_check "guest meminfo --json parses MemTotal into bytes" \
	[ "$(jq -r '.fields.MemTotal' "$VM_TMP/meminfo.json")" = $((want * 1024)) ]

# 8 concurrent host callers, 10 pings each.
fails=$(vm_concurrent_pings "$name" 8 10)
tap_ok "$fails" "8 concurrent host callers x 10 reverse calls all complete"

for what in vmstat loadavg cpuinfo; do
	bctl guest "$what" >"$VM_TMP/$what" 2>&1 || true
done
grep -q '^nr_free_pages ' "$VM_TMP/vmstat" && grep -qE '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+' "$VM_TMP/loadavg" &&
	grep -q '^processor' "$VM_TMP/cpuinfo"
tap_ok $? "guest vmstat, loadavg and cpuinfo come back as the guest's text"

cached_kb() { bctl guest meminfo | sed -n 's/^Cached: *\([0-9]*\) kB$/\1/p'; }
before=$(cached_kb)
bctl guest drop-caches 3
st=$?
after=$(cached_kb)
tap_diag "guest Cached: ${before:-?} kB before drop-caches 3, ${after:-?} kB after"
[ $st -eq 0 ] && [ -n "$before" ] && [ -n "$after" ] &&
	[ $((before - after)) -ge $((48 * 1024)) ]
tap_ok $? "guest drop-caches 3 drops the guest's page cache (at least 48 MiB)"

st=0
bctl guest drop-caches 4 >/dev/null 2>&1 || st=$?
tap_check "drop-caches 4 is refused as a bad argument" [ $st -eq 2 ]

vm_finish "$name"
tap_check "the guest's vmrpc_calls TAP program passed" vm_guest_tap_ok "$name"

# The guest powers off when its program ends; zhostd follows QEMU out.
qpid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
gone() { ! kill -0 "$qpid" 2>/dev/null && [ ! -e "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" ]; }
vm_until 60 gone && [ ! -e "$ZHOST_RUNTIME_DIR/$name/zhostd.sock" ]
tap_ok $? "guest powered off, zhostd exited with it"
tap_done
