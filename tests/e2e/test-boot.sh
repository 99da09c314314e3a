#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest boots, reaches init, runs the guest_env TAP program and powers
# off cleanly; the kernel it runs is the one `make guest` built, and the
# KUnit suites built into it passed at boot.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-boot
tap_plan 6
vm_run_tap "$name" guest_env "every test passed" -m 1G --timeout 240

release=$(vm_guest_release "$name")
tap_check "guest reached init" [ -n "$release" ]
want=$(cat "$VM_BUILD/guest/kernel.release")
tap_diag "guest runs $release; build/guest/kernel.release says $want"
[ "$release" = "$want" ] && [[ $release == 6.12.*-zonehost ]]
tap_ok $? "guest runs the kernel that was built (6.12.y-zonehost)"
tap_check "guest_env exited 0" [ "$(vm_guest_exit "$name" guest_env)" = 0 ]
# KUnit runs built-in suites at boot and prints KTAP on the console: suite
# results at the top level, test results indented under them.
ktap=$(sed -n 's/^\[ *[0-9.]*\] //p' "$(vm_console "$name")")
suites=$(echo "$ktap" | grep -E '^(not )?ok [0-9]+ ')
echo "$suites" | sed 's/^/#   kunit: /'
echo "$suites" | grep -qE '^ok [0-9]+ zone_host$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_unplug$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_wss$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_provider$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_pin$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_paging$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ vmrpc_server$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ hostfs$' &&
	! echo "$ktap" | grep -qE '^ *not ok [0-9]+ '
tap_ok $? "KUnit suites passed at boot, zone_host, zone_host_unplug, zone_host_wss, zone_host_provider, zone_host_pin, zone_host_paging, vmrpc_server and hostfs among them"
tap_done
