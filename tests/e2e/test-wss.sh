#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The working-set estimator inside the guest (384 MiB of RAM, 512 MiB of
# host memory): zone_host_wss_test checks its sysfs settings, that it sees
# page cache read without mappings, that untouched memory ages, and that
# mlocked memory counts as pinned. It counts the estimator's windows, not
# seconds.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

tap_plan 2
vm_run_tap e2e-wss-test zone_host_wss_test "settings, unmapped page cache, ageing, pinned" \
	-m 384M -H 512M --append quiet --timeout 240
tap_done
