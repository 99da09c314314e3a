#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Killing QEMU: zhostd reports the disconnect and, as configured, exits
# (--on-disconnect exit, what zhost-run uses) leaving no socket or pid file,
# or waits (--on-disconnect wait) and serves the next QEMU.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl
ZHOSTD=$E2E_BIN/zhostd

# wait_gone PID SECONDS
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

tap_plan 9

# 1. zhost-run's zhostd exits with QEMU.
name=e2e-kill
dir=$ZHOST_RUNTIME_DIR/$name
E2E_VMS+=("$name")
"$ZHOST_RUN" -n "$name" -m 512M --detach >/dev/null 2>&1
e2e_wait_for "$dir/zhostd.log" 'GUEST_READY' 180
tap_ok $? "guest driver connects to zhostd"
qpid=$(cat "$dir/qemu.pid")
zpid=$(cat "$dir/zhostd.pid")
kill -KILL "$qpid"
wait_gone "$zpid" 30
tap_ok $? "zhostd exits after QEMU is killed"
grep -q 'QEMU_DISCONNECTED' "$dir/zhostd.log" && grep -q 'exiting' "$dir/zhostd.log"
tap_ok $? "zhostd logged the disconnect and its exit"
left=$(cd "$dir" && ls -A | grep -E 'zhostd|ivshmem' | grep -vx zhostd.log)
tap_ok $([ -z "$left" ]; echo $?) "zhostd left no socket or pid file (${left:-none})"
# QEMU, killed, could not remove its own pid file and QMP socket.
"$ZHOST_RUN" --stop -n "$name" >/dev/null 2>&1
left=$(cd "$dir" && ls -A | grep -vxE 'console.log|zhostd.log')
tap_ok $([ -z "$left" ]; echo $?) "zhost-run --stop clears a killed VM's state (${left:-none})"

# 2. A zhostd that waits serves the next QEMU.
name=e2e-wait
dir=$ZHOST_RUNTIME_DIR/$name
E2E_VMS+=("$name" "$name-q")
"$ZHOSTD" -n "$name" --runtime-dir "$ZHOST_RUNTIME_DIR" --daemon \
	--on-disconnect wait --log-file "$E2E_TMP/wait.log"
zpid=$(cat "$dir/zhostd.pid")
boot_qemu() {
	"$ZHOST_RUN" -n "$name-q" -m 512M --detach --no-zhostd -- \
		-chardev "socket,path=$dir/ivshmem.sock,id=zh" \
		-device ivshmem-doorbell,chardev=zh,vectors=3 >/dev/null 2>&1
}
boot_qemu
e2e_wait_for "$E2E_TMP/wait.log" 'GUEST_READY' 180
kill_qemu() {
	local pid
	pid=$(cat "$ZHOST_RUNTIME_DIR/$name-q/qemu.pid")
	kill -KILL "$pid"
	wait_gone "$pid" 30
}
kill_qemu
e2e_wait_for "$E2E_TMP/wait.log" 'QEMU_DISCONNECTED' 30
sleep 0.5
kill -0 "$zpid" 2>/dev/null && "$BCTL" -n "$name" status | grep -qiE 'qemu.*no'
tap_ok $? "with --on-disconnect wait zhostd stays up and reports QEMU gone"

boot_qemu
for ((i = 0; i < 900; i++)); do
	[ "$(grep -c GUEST_READY "$E2E_TMP/wait.log")" -ge 2 ] && break
	sleep 0.2
done
"$BCTL" -n "$name" guest ping >/dev/null
tap_ok $? "a second QEMU connects to the same zhostd and answers calls"
kill_qemu

kill -TERM "$zpid"
wait_gone "$zpid" 30
tap_ok $? "zhostd exits on SIGTERM"
left=$(cd "$dir" 2>/dev/null && ls -A)
tap_ok $([ -z "$left" ]; echo $?) "SIGTERM leaves no socket or pid file (${left:-none})"
tap_done
