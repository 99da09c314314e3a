#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A detached guest logs its console to the file zhost-run prints, shows up
# in --list, and `zhost-run --stop` powers it off through ACPI: QEMU exits
# on its own and the runtime state is removed.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-detach
tap_plan 6
vm_track "$name"
st=0
logpath=$("$ZHOST_RUN" -n "$name" -m 512M --detach 2>"$VM_TMP/stderr") || st=$?
[ $st -eq 0 ] && [ -n "$logpath" ]
tap_ok $? "--detach starts the VM and prints the console log path"
pid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
vm_wait "$name" '^zonehost-guest: shell' 180
tap_ok $? "the detached guest reaches its shell (console in $logpath)"
tap_check "--list shows the VM running" grep -qE "^$name +running" <("$ZHOST_RUN" --list)
st=0
"$ZHOST_RUN" -n "$name" --detach >/dev/null 2>&1 || st=$?
tap_check "a second VM with the same name is refused" [ $st -eq 2 ]
st=0
"$ZHOST_RUN" --stop -n "$name" --stop-timeout 120 >"$VM_TMP/stop" 2>&1 || st=$?
sed 's/^/# /' "$VM_TMP/stop"
[ $st -eq 0 ] && ! kill -0 "$pid" 2>/dev/null
tap_ok $? "--stop powers the guest off through ACPI and QEMU exits"
[ ! -e "$ZHOST_RUNTIME_DIR/$name/qmp.sock" ] && [ ! -e "$ZHOST_RUNTIME_DIR/$name/qemu.pid" ] &&
	[ -f "$logpath" ]
tap_ok $? "sockets and pid file removed, console log kept"
tap_done
