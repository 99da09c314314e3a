#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_until: the guest side of host-driven resize tests that need no
# workload (tests/e2e/test-resize-lost-replies.sh). Waits until the
# provider has received zonehost.until=N requested sizes (the last one says
# the host is done) and has finished with the last, then reports in TAP:
# the provider is idle, it plugged what the host requested, and the kernel
# printed no warning.

. "$(dirname "$0")/zone_host_lib"
until=$(zh_until)

echo "TAP version 13"
echo "1..3"
zh_wait_idle 600
echo "zone-host-until: ready, $(cat $z/plugged_bytes) bytes plugged, state $(cat $z/state)"
while [ "$(zh_requests)" -lt "$until" ]; do
	sleep 0.2
done
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
