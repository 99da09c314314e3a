#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zhostd_recover: the guest side of tests/e2e/test-zhostd-recover.sh, in
# which the host kills zhostd while the guest runs and starts
# zhostd --recover.
#
# In the background it makes a guest->host call (debugfs vmrpc/ping) once
# a second for as long as it runs, and prints every call that fails and
# the first that works again, with how long the call took:
#
#   zhostd-recover: ping failed: ERROR (MS ms)
#   zhostd-recover: ping ok again after N failed (MS ms)
#
# so the host sees the calls made while no zhostd answered fail (with a
# timeout, not a hang: each returns, the next one is made) and the same
# calls work again once zhostd is back. In the foreground it is
# zone_host_pin_pressure: 32 MiB mlocked (pinned on the host) and a
# pattern written, both checked when the host says "done".

bin=$(dirname "$0")
ping=/sys/kernel/debug/vmrpc/ping

# Milliseconds since boot.
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

(
	failed=0
	while :; do
		t0=$(now_ms)
		if err=$(cat "$ping" 2>&1 >/dev/null); then
			ms=$(($(now_ms) - t0))
			[ "$failed" -eq 0 ] ||
				echo "zhostd-recover: ping ok again after $failed failed ($ms ms)"
			failed=0
		else
			ms=$(($(now_ms) - t0))
			echo "zhostd-recover: ping failed: ${err##*: } ($ms ms)"
			failed=$((failed + 1))
		fi
		sleep 1
	done
) &
echo "zhostd-recover: pinging"
exec "$bin/zone_host_pin_pressure"
