#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Killing QEMU: zhostd reports the disconnect and, as configured, exits
# (--on-disconnect exit, what zhost-run uses) leaving no socket or pid file,
# or waits (--on-disconnect wait) and serves the next QEMU.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest
ZHOSTD=$VM_BIN/zhostd

# wait_gone PID SECONDS
wait_gone() { vm_until "$2" eval "! kill -0 $1"; }

tap_plan 10

# 1. zhost-run's zhostd exits with QEMU.
name=e2e-kill
dir=$ZHOST_RUNTIME_DIR/$name
vm_start "$name" "" -m 512M
vm_wait_file "$dir/zhostd.log" 'GUEST_READY' 180
tap_ok $? "guest driver connects to zhostd"
qpid=$(cat "$dir/qemu.pid")
zpid=$(cat "$dir/zhostd.pid")
kill -KILL "$qpid"
wait_gone "$zpid" 30
tap_ok $? "zhostd exits after QEMU is killed"
grep -q 'QEMU_DISCONNECTED' "$dir/zhostd.log" && grep -q 'exiting' "$dir/zhostd.log"
tap_ok $? "zhostd logged the disconnect and its exit"
# zhostd.args is zhost-run's record of zhostd's options (for
# --recover-zhostd); zhost-run --stop removes it below.
left=$(cd "$dir" && ls -A | grep -E 'zhostd|ivshmem' | grep -vxE 'zhostd.log|zhostd.args')
tap_check "zhostd left no socket or pid file (${left:-none})" [ -z "$left" ]
# QEMU, killed, could not remove its own pid file and QMP socket.
vm_stop "$name"
left=$(cd "$dir" && ls -A | grep -vxE 'console.log|zhostd.log')
tap_check "zhost-run --stop clears a killed VM's state (${left:-none})" [ -z "$left" ]

# 2. A zhostd that waits serves the next QEMU.
name=e2e-wait
dir=$ZHOST_RUNTIME_DIR/$name
vm_track "$name"
"$ZHOSTD" -n "$name" --runtime-dir "$ZHOST_RUNTIME_DIR" --daemon \
	--on-disconnect wait --log-file "$VM_TMP/wait.log"
zpid=$(cat "$dir/zhostd.pid")
# QEMU with three vectors, as before the echo vector: calls work, the
# floor says it is unavailable.
boot_qemu() {
	vm_start "$name-q" vmrpc_floor_off -m 512M --no-zhostd -- \
		-chardev "socket,path=$dir/ivshmem.sock,id=zh" \
		-device ivshmem-doorbell,chardev=zh,vectors=3
}
boot_qemu
vm_wait_file "$VM_TMP/wait.log" 'GUEST_READY' 180
vm_wait "$name-q" '^vmrpc-floor: run ' 180
floor=$(vm_console_value "$name-q" 's/^vmrpc-floor: \(unavailable: .*\)$/\1/p')
tap_check "with vectors=3 the guest binds without the echo: ${floor:-no floor line}" \
	eval '[[ $floor == *"under 4 vectors"* ]] && vm_wait "$name-q" "^vmrpc-floor: run refused" 0'
kill_qemu() {
	local pid
	pid=$(cat "$ZHOST_RUNTIME_DIR/$name-q/qemu.pid")
	kill -KILL "$pid"
	wait_gone "$pid" 30
}
kill_qemu
vm_wait_file "$VM_TMP/wait.log" 'QEMU_DISCONNECTED' 30
# Once zhostd reports QEMU gone, it must still be up.
vm_until 30 eval "vm_bctl $name status | grep -qiE 'qemu.*no'"
kill -0 "$zpid" 2>/dev/null && vm_bctl "$name" status | grep -qiE 'qemu.*no'
tap_ok $? "with --on-disconnect wait zhostd stays up and reports QEMU gone"

boot_qemu
vm_until 180 eval '[ "$(grep -c GUEST_READY "$VM_TMP/wait.log")" -ge 2 ]'
vm_bctl "$name" guest ping >/dev/null
tap_ok $? "a second QEMU connects to the same zhostd and answers calls"
kill_qemu

kill -TERM "$zpid"
wait_gone "$zpid" 30
tap_ok $? "zhostd exits on SIGTERM"
left=$(cd "$dir" 2>/dev/null && ls -A)
tap_check "SIGTERM leaves no socket or pid file (${left:-none})" [ -z "$left" ]
tap_done
