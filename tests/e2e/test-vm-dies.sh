#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The VM dies, and zhostd gives back what it held. Two guests run
# vm_dies, which reboots its kernel or makes it panic when told.
#
# 1. A guest whose QEMU resets on reboot (-action reboot=reset overrides
#    zhost-run's -no-reboot) and whose zhostd locks plugged memory
#    (--lock-all) and waits for the next QEMU (--on-disconnect wait): a
#    reboot (reboot -f), a hard reset from the host (QMP system_reset: no
#    driver shutdown at all, the next kernel finds the channel as this
#    one left it), then a kernel panic (the OOM killer with
#    vm.panic_on_oom; panic=-1 reboots). After each the new kernel starts
#    from a clean channel: zhostd sees a new driver generation, the guest
#    unplugs everything at boot and plugs again up to the requested size,
#    locked memory follows the plugged memory, check agrees, the guest can
#    grow and shrink. Then QEMU is killed (SIGKILL): zhostd reports it
#    gone and holds no host memory for it (nothing plugged, nothing of the
#    data area allocated, nothing locked, VmLck 0); on SIGTERM it leaves
#    no socket or pid file.
# 2. A guest as zhost-run starts it (-no-reboot, --on-disconnect exit)
#    panics: QEMU exits, and so does zhostd, leaving no socket or pid file.
#
# QEMU killed with zhostd exiting is tests/e2e/test-zhostd-disconnect.sh.
# A kdump kernel is not tested: the test guest has none (see
# Documentation/design/security.rst for what happens).
# console-ignore: Kernel panic - not syncing: Out of memory|Call Trace|invoked oom-killer
# timeout: 1200
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

tap_plan 19
# A zhostd that waits for the next QEMU outlives the VM: end it too.
waiting_zhostd=
trap 'st=$?; [ -z "$waiting_zhostd" ] || kill -TERM "$waiting_zhostd" 2>/dev/null; (exit $st); vm_cleanup' EXIT

# --- 1. resets, a panic, then SIGKILL --------------------------------------
name=e2e-reboot
dir=$ZHOST_RUNTIME_DIR/$name
bctl() { vm_bctl "$name" "$@"; }
st() { bctl status --json 2>/dev/null | jq -r "$1"; }
vm_start "$name" vm_dies -m 512M -H 64M --host-max 256M --append quiet \
	-Z --on-disconnect=wait -Z --lock-all -- -action reboot=reset
tap_ok $? "zhost-run starts a guest that resets on reboot, zhostd locking plugged memory"
zpid=$(cat "$dir/zhostd.pid" 2>/dev/null)
waiting_zhostd=$zpid
vm_wait "$name" '^vm-dies: ready' 300 && vm_resize_checked "$name" 128M
tap_ok $? "the guest grows to 128 MiB"

# After a reset: the Nth ready marker, the guest back at the requested
# size (the guest may have asked for more before it died), locked memory
# equal to it, check agrees.
back_in_shape() {
	local n=$1 plugged requested locked gen
	vm_wait_count "$name" '^vm-dies: ready' "$n" 300 || return 1
	vm_until 120 eval '[ "$(st .memory.plugged)" = "$(st .memory.requested)" ]' || return 1
	plugged=$(st .memory.plugged) requested=$(st .memory.requested)
	locked=$(st .pins.locked)
	gen=$(grep -c 'GUEST_READY' "$dir/zhostd.log")
	tap_diag "after $2: requested $((requested / mib)) MiB, plugged $((plugged / mib)) MiB, locked $((locked / mib)) MiB, driver bound $gen times"
	[ "$plugged" -gt 0 ] && [ "$locked" = "$plugged" ] && [ "$gen" -ge "$n" ] &&
		bctl check >/dev/null
}
vm_tell "$name" reboot
back_in_shape 2 "a reboot"
tap_ok $? "after a reboot the guest binds again, plugs 128 MiB again, zhostd locks exactly that, check agrees"

printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"system_reset"}' |
	socat -t 2 - "UNIX-CONNECT:$dir/qmp.sock" >"$VM_TMP/qmp.out" 2>&1
back_in_shape 3 "a hard reset"
tap_ok $? "after a hard reset (QMP system_reset) the same: a clean channel, 128 MiB plugged and locked, check agrees"
vm_resize_checked "$name" 192M
tap_ok $? "the reset guest can plug again: grows to 192 MiB"
vm_resize_checked "$name" 128M
tap_ok $? "and shrinks back to 128 MiB"

vm_tell "$name" panic
vm_wait "$name" 'Kernel panic - not syncing' 300
tap_ok $? "the guest kernel panics"
back_in_shape 4 "the panic"
tap_ok $? "after the panic and reboot: a clean channel, the requested size plugged and locked again, check agrees"
bctl guest ping >/dev/null
tap_ok $? "reverse calls reach the new kernel"

qpid=$(cat "$dir/qemu.pid" 2>/dev/null)
kill -KILL "$qpid"
vm_until 30 eval "! kill -0 $qpid"
vm_until 30 eval '[ "$(st .qemu_connected)" = false ]'
tap_ok $? "QEMU killed: zhostd stays (--on-disconnect wait) and reports it gone"
bctl status --json >"$VM_TMP/after-kill.json"
tap_diag "after the kill: $(jq -c '{memfd_allocated, plugged: .memory.plugged, backed: .memory.backed, locked: .pins.locked, guest_pinned: .pins.guest_pinned}' "$VM_TMP/after-kill.json")"
# The host keeps the superblock's page and the slot headers the reset
# wrote: a few pages of the control area, nothing of the data area.
[ "$(jq -r .memory.backed "$VM_TMP/after-kill.json")" = 0 ] &&
	[ "$(jq -r .memory.plugged "$VM_TMP/after-kill.json")" = 0 ] &&
	[ "$(jq -r .memfd_allocated "$VM_TMP/after-kill.json")" -le 65536 ]
tap_ok $? "zhostd freed the data area: nothing plugged, nothing behind it, at most 64 KiB of the memfd left"
[ "$(jq -r .pins.locked "$VM_TMP/after-kill.json")" = 0 ] &&
	[ "$(jq -r .pins.guest_pinned "$VM_TMP/after-kill.json")" = 0 ]
tap_ok $? "and unlocked it: nothing locked or pinned"
locked_kb=$(awk '/^VmLck:/ { print $2 }' "/proc/$zpid/status" 2>/dev/null)
tap_check "the kernel agrees: zhostd has ${locked_kb:-?} kB locked" [ "${locked_kb:-1}" -eq 0 ]
kill -TERM "$zpid"
vm_until 30 eval "! kill -0 $zpid"
tap_ok $? "zhostd exits on SIGTERM"
waiting_zhostd=
# zhostd.args is zhost-run's record of zhostd's options, not zhostd's.
left=$(cd "$dir" 2>/dev/null && ls -A | grep -E 'zhostd|ivshmem|\.sock$' | grep -vxE 'zhostd.log|zhostd.args' | grep -vx 'qmp.sock')
tap_check "it left no socket or pid file (${left:-none})" [ -z "$left" ]

# --- 2. a panic where QEMU does not reboot -----------------------------------
name=e2e-panic
dir=$ZHOST_RUNTIME_DIR/$name
vm_start "$name" vm_dies -m 512M -H 64M --host-max 256M --append quiet
vm_wait "$name" '^vm-dies: ready' 300
tap_ok $? "a guest as zhost-run starts it (-no-reboot) is ready"
zpid=$(cat "$dir/zhostd.pid" 2>/dev/null)
qpid=$(cat "$dir/qemu.pid" 2>/dev/null)
vm_tell "$name" panic
vm_until 300 eval "! kill -0 $qpid"
tap_ok $? "the guest panics and QEMU exits"
vm_until 30 eval "! kill -0 $zpid" &&
	grep -q 'QEMU_DISCONNECTED' "$dir/zhostd.log"
tap_ok $? "zhostd notices and exits (--on-disconnect exit)"
left=$(cd "$dir" 2>/dev/null && ls -A | grep -E 'zhostd|ivshmem' | grep -vxE 'zhostd.log|zhostd.args')
tap_check "zhostd left no socket or pid file (${left:-none})" [ -z "$left" ]
tap_done
