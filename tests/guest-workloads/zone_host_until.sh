#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_until: the guest side of host-driven resize tests that need no
# workload (tests/e2e/test-resize-lost-replies.sh). Waits until the host
# says it is done (the host channel, tests/lib/vm.sh) and the provider has
# finished with the last size the host requested, then reports in TAP: the
# provider is idle, it plugged what the host requested, and the kernel
# printed no warning.

. "$(dirname "$0")/zone_host_lib"

zh_host_open
echo "TAP version 13"
echo "1..3"
zh_wait_idle 600
echo "zone-host-until: ready, $(cat $z/plugged_bytes) bytes plugged, state $(cat $z/state)"
zh_host_wait done
zh_wait_idle 1200
state=$(cat $z/state)
plugged=$(cat $z/plugged_bytes)
requested=$(cat $z/requested_bytes)
echo "# state $state, reason $(cat $z/reason), $plugged of $requested bytes plugged"
[ "$state" = idle ] && echo "ok 1 the provider is idle" ||
	echo "not ok 1 the provider is idle"
[ "$plugged" = "$requested" ] && echo "ok 2 it plugged what the host requested" ||
	echo "not ok 2 it plugged what the host requested"
if dmesg | grep -qE 'BUG:|WARNING:|Oops|Call Trace'; then
	echo "not ok 3 no kernel warning"
else
	echo "ok 3 no kernel warning"
fi
