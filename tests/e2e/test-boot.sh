#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest boots, reaches init, runs the guest_env TAP program and powers
# off cleanly; the kernel it runs is the one `make guest` built, and the
# KUnit suites built into it passed at boot.
# timeout: 300
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

log=$E2E_TMP/console.log
tap_plan 7
st=0
e2e_run_guest e2e-boot guest_env "$log" -m 1G --timeout 240 || st=$?

release=$(e2e_guest_release "$log")
tap_ok $([ -n "$release" ]; echo $?) "guest reached init"
want=$(cat "$E2E_BUILD/guest/kernel.release")
tap_diag "guest runs $release; build/guest/kernel.release says $want"
tap_ok $([ "$release" = "$want" ] && [[ $release == 6.12.*-zonehost ]]; echo $?) \
	"guest runs the kernel that was built (6.12.y-zonehost)"
e2e_guest_tap_ok "$log"
tap_ok $? "guest_env TAP program: every test passed"
tap_ok $([ "$(e2e_guest_exit "$log" guest_env)" = 0 ]; echo $?) "guest_env exited 0"
tap_ok $([ $st -eq 0 ]; echo $?) "guest powered off and QEMU exited cleanly (status $st)"
# KUnit runs built-in suites at boot and prints KTAP on the console: suite
# results at the top level, test results indented under them.
ktap=$(tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] //p')
suites=$(echo "$ktap" | grep -E '^(not )?ok [0-9]+ ')
echo "$suites" | sed 's/^/#   kunit: /'
echo "$suites" | grep -qE '^ok [0-9]+ zone_host$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ zone_host_unplug$' &&
	echo "$suites" | grep -qE '^ok [0-9]+ vmrpc_server$' &&
	! echo "$ktap" | grep -qE '^ *not ok [0-9]+ '
tap_ok $? "KUnit suites passed at boot, zone_host, zone_host_unplug and vmrpc_server among them"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 60; }
tap_done
