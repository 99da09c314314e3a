#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhostd killed with SIGKILL while its guest runs, then zhostd --recover
# (zhost-run --recover-zhostd). The guest (zhostd_recover) pings the host
# once a second, has 32 MiB mlocked (pinned on the host) and a pattern in
# ZONE_HOST. While zhostd is dead its calls must fail with a timeout, each
# of them returning; once zhostd is back they must work again. A recovery
# that cannot be trusted (the wrong --bar-size) is refused and changes
# nothing. After the recovery: the same plugged size, the pins back, check
# consistent, resizes both ways, no stale files, the patterns intact; when
# the guest powers off, the recovered zhostd sees QEMU go (it has no
# connection to it any more, only a pidfd) and exits cleanly.
# timeout: 900
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest
ZHOSTD=$VM_BIN/zhostd

name=e2e-recover
dir=$ZHOST_RUNTIME_DIR/$name
bctl() { vm_bctl "$name" "$@"; }
wait_gone() { vm_until "$2" eval "! kill -0 $1"; }
# Console lines of the guest's pinger.
pings() { tr -d '\r' <"$(vm_console "$name")" | grep "^zhostd-recover: ping $1" ; }

tap_plan 16
vm_start "$name" zhostd_recover -m 512M -H 384M \
	--append "quiet zonehost.pressure_mib=160"
tap_ok $? "zhost-run starts the guest and zhostd"
vm_wait "$name" '^zone-host-pin-pressure: ready' 400
tap_ok $? "the guest mlocked 32 MiB, the host pinned it, and it wrote its pattern"
bctl pins --json >"$VM_TMP/pins0.json" 2>&1
bctl status --json >"$VM_TMP/status0.json" 2>&1
pinned0=$(jq -r .guest_pinned "$VM_TMP/pins0.json" 2>/dev/null)
plugged0=$(jq -r .memory.plugged "$VM_TMP/status0.json" 2>/dev/null)
tap_diag "before: ${plugged0:-?} bytes plugged, ${pinned0:-?} bytes pinned by the guest"
zpid=$(cat "$dir/zhostd.pid")
qpid=$(cat "$dir/qemu.pid")

kill -KILL "$zpid"
wait_gone "$zpid" 30
kill -0 "$qpid" 2>/dev/null
tap_ok $? "zhostd (pid $zpid) killed with SIGKILL, QEMU (pid $qpid) runs on"

# Three calls that failed: each returned, and the next one was made.
vm_until 120 eval '[ "$(pings failed | wc -l)" -ge 3 ]'
st=$?
pings failed | head -n 3 | sed 's/^/#   /'
worst=$(pings failed | sed -n 's/.*(\([0-9]*\) ms)$/\1/p' | sort -n | tail -n 1)
[ $st -eq 0 ] && ! pings failed | grep -qv 'timed out' && [ "${worst:-99999}" -le 7000 ]
tap_ok $? "guest calls while zhostd is down fail with a timeout, the slowest after ${worst:-?} ms, and go on"
start=$SECONDS
bctl status >/dev/null 2>&1
st=$?
[ $st -ne 0 ] && [ $((SECONDS - start)) -le 5 ]
tap_ok $? "balloon-ctl fails at once without zhostd (exit $st, $((SECONDS - start)) s)"

# Refused: the VM's shared memory is not the size this zhostd would use.
mapfile -d '' -t args <"$dir/zhostd.args"
cp "$(vm_console "$name")" "$VM_TMP/console.before"
"$ZHOSTD" "${args[@]}" --bar-size 2G --recover --log-file "$VM_TMP/refused.log" \
	>/dev/null 2>&1
st=$?
sed 's/^/#   /' "$VM_TMP/refused.log"
[ $st -ne 0 ] && grep -q 'give zhostd --recover the options it was started with' "$VM_TMP/refused.log" &&
	[ -f "$dir/recover.state" ] && kill -0 "$qpid"
tap_ok $? "a recovery with another --bar-size is refused (exit $st), the state file kept"

"$VM_BIN/zhost-run" -n "$name" --recover-zhostd >"$VM_TMP/recover.out" 2>&1
st=$?
sed 's/^/#   /' "$VM_TMP/recover.out"
grep 'recover:' "$dir/zhostd.log" | sed 's/^/#   /'
zpid2=$(cat "$dir/zhostd.pid" 2>/dev/null)
[ $st -eq 0 ] && [ -n "$zpid2" ] && [ "$zpid2" != "$zpid" ] && kill -0 "$zpid2" &&
	grep -q 'recover: took the memfd and' "$dir/zhostd.log"
tap_ok $? "zhost-run --recover-zhostd: zhostd --recover (pid ${zpid2:-?}) took the memfd and eventfds back from QEMU"

vm_until 120 eval 'pings "ok again" | grep -q .'
st=$?
pings "ok again" | head -n 1 | sed 's/^/#   /'
tap_ok $st "the guest's calls work again ($(pings failed | wc -l) failed meanwhile)"

bctl status --json >"$VM_TMP/status1.json" 2>&1
plugged1=$(jq -r .memory.plugged "$VM_TMP/status1.json" 2>/dev/null)
[ -n "$plugged0" ] && [ "$plugged1" = "$plugged0" ]
tap_ok $? "the plugged map rebuilt from the guest: ${plugged1:-?} bytes, as before"
bctl pins --json >"$VM_TMP/pins1.json" 2>&1
pinned1=$(jq -r .guest_pinned "$VM_TMP/pins1.json" 2>/dev/null)
locked1=$(jq -r .locked "$VM_TMP/pins1.json" 2>/dev/null)
[ -n "$pinned0" ] && [ "$pinned0" != 0 ] && [ "$pinned1" = "$pinned0" ] && [ "$locked1" = "$pinned0" ]
tap_ok $? "the guest's pins are back: ${pinned1:-?} bytes pinned, ${locked1:-?} locked by the new zhostd"
bctl check >"$VM_TMP/check" 2>&1
tap_ok $? "check: $(tr '\n' ' ' <"$VM_TMP/check")"
vm_resize_checked "$name" 256M
tap_ok $? "shrink to 256 MiB after the recovery, then check"
vm_resize_checked "$name" 384M
tap_ok $? "grow back to 384 MiB, then check"

left=$(cd "$dir" && ls -A | grep -vxE 'console\.log|qemu\.pid|qmp\.sock|zhostd\.(log|pid|sock|args)|ivshmem\.sock|recover\.state')
tap_check "no stale files in the VM's directory (${left:-none})" [ -z "$left" ]

vm_finish "$name" 300
tap_check "guest: the pinned and unpinned patterns survived" vm_guest_tap_ok "$name"
wait_gone "$zpid2" 120
left=$(cd "$dir" && ls -A | grep -E 'zhostd\.(pid|sock)|ivshmem|recover')
grep -q 'QEMU_DISCONNECTED' "$dir/zhostd.log" && [ -z "$left" ]
tap_ok $? "QEMU gone, the recovered zhostd exits and removes its files (${left:-none} left)"
vm_stop "$name"
tap_done
