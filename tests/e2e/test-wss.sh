#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The working-set estimator inside the guest (384 MiB of RAM, 512 MiB of
# host memory): zone_host_wss_test checks its sysfs settings, that it sees
# page cache read without mappings, that untouched memory ages, and that
# mlocked memory counts as pinned.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

name=e2e-wss-test
log=$E2E_TMP/console.log
tap_plan 3
st=0
e2e_run_guest "$name" zone_host_wss_test "$log" -m 384M -H 512M --append quiet \
	--timeout 240 || st=$?
e2e_guest_tap_ok "$log"
tap_ok $? "zone_host_wss_test: settings, unmapped page cache, ageing, pinned"
e2e_guest_end "$log" "$st"
tap_done
