#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Removing the zonehost PCI device through sysfs while host memory is
# plugged (vmrpc_remove in the guest, 384 MiB of RAM and 256 MiB of host
# memory): the guest survives, calls fail at once, the plugged memory
# stays usable, and a PCI rescan brings the device and the provider back.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

log=$E2E_TMP/console.log
tap_plan 3
st=0
e2e_run_guest e2e-remove vmrpc_remove "$log" -m 384M -H 256M --timeout 360 || st=$?
e2e_guest_tap_ok "$log"
tap_ok $? "vmrpc_remove: survives removal, memory stays usable, rescan brings it back"
e2e_guest_end "$log" "$st"
tap_done
