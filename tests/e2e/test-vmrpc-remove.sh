#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Removing the zonehost PCI device through sysfs while host memory is
# plugged (vmrpc_remove in the guest, 384 MiB of RAM and 256 MiB of host
# memory): the guest survives, calls fail at once, the plugged memory
# stays usable, and a PCI rescan brings the device and the provider back,
# with the added blocks listed in /proc/iomem again.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

tap_plan 2
vm_run_tap e2e-remove vmrpc_remove \
	"survives removal, memory stays usable, rescan brings it back" \
	-m 384M -H 256M --timeout 360
tap_done
