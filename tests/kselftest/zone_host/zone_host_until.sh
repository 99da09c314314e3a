#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_until: the guest side of host-driven resize tests that need no
# workload (tests/e2e/test-resize-lost-replies.sh). Waits until the
# provider has received zonehost.until=N requested sizes (the last one says
# the host is done) and has finished with the last, then reports in TAP:
# the provider is idle, it plugged what the host requested, and the kernel
# printed no warning.

until=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	zonehost.until=*) until=${arg#zonehost.until=} ;;
	esac
done
z=/sys/kernel/mm/zone_host

# wait_idle TENTHS: until the provider is idle or stuck
wait_idle() {
	i=0
	while ! grep -qE '^(idle|stuck)$' $z/state 2>/dev/null && [ $i -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

echo "TAP version 13"
echo "1..3"
wait_idle 600
echo "zone-host-until: ready, $(cat $z/plugged_bytes) bytes plugged, state $(cat $z/state)"
while [ "$(cat $z/stats/requests)" -lt "$until" ]; do
	sleep 0.2
done
wait_idle 1200
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
