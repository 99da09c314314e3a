#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A detached guest logs its console to the file zhost-run prints, shows up
# in --list, and `zhost-run --stop` powers it off through ACPI: QEMU exits
# on its own and the runtime state is removed.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

name=e2e-detach
tap_plan 6
E2E_VMS+=("$name")
st=0
logpath=$("$ZHOST_RUN" -n "$name" -m 512M --detach 2>"$E2E_TMP/stderr") || st=$?
tap_ok $([ $st -eq 0 ] && [ -n "$logpath" ]; echo $?) "--detach starts the VM and prints the console log path"
pid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
e2e_wait_for "$logpath" '^zonehost-guest: shell' 180
tap_ok $? "the detached guest reaches its shell (console in $logpath)"
"$ZHOST_RUN" --list | grep -qE "^$name +running"
tap_ok $? "--list shows the VM running"
"$ZHOST_RUN" -n "$name" --detach >/dev/null 2>&1
tap_ok $([ $? -eq 2 ]; echo $?) "a second VM with the same name is refused"
st=0
"$ZHOST_RUN" --stop -n "$name" --stop-timeout 120 >"$E2E_TMP/stop" 2>&1 || st=$?
cat "$E2E_TMP/stop" | sed 's/^/# /'
tap_ok $([ $st -eq 0 ] && ! kill -0 "$pid" 2>/dev/null; echo $?) \
	"--stop powers the guest off through ACPI and QEMU exits"
[ ! -e "$ZHOST_RUNTIME_DIR/$name/qmp.sock" ] && [ ! -e "$ZHOST_RUNTIME_DIR/$name/qemu.pid" ] &&
	[ -f "$logpath" ]
tap_ok $? "sockets and pid file removed, console log kept"
tap_done
