#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_resize_load: the guest side of tests/e2e/test-resize.sh.
# Runs stress-ng --vm 2 --vm-bytes 60% --verify while the host shrinks and
# grows the guest, until the provider has received zonehost.until=N
# requested sizes (the last one says the host is done), then reports in
# TAP: stress-ng found no verification error and exited 0, and nothing was
# OOM-killed.

. "$(dirname "$0")/zone_host_lib"
until=$(zh_until)
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

echo "TAP version 13"
echo "1..3"
zh_wait_idle 600
oom0=$(vmstat oom_kill)
mig0=$(vmstat pgmigrate_success)
stress-ng --vm 2 --vm-bytes 60% --verify --timeout 3600s --metrics-brief \
	>/tmp/stress.log 2>&1 &
pid=$!
sleep 5
echo "resize-guest: workload running"
i=0
while [ "$(zh_requests)" -lt "$until" ] && [ $i -lt 3600 ] &&
	kill -0 $pid 2>/dev/null; do
	sleep 1
	i=$((i + 1))
done
# On SIGINT stress-ng stops its stressors and reports; exit 0 if all passed.
kill -INT $pid 2>/dev/null
wait $pid
st=$?
sed 's/^/# /' /tmp/stress.log
echo "# $(cat $z/stats/requests) requests; pgmigrate_success +$(($(vmstat pgmigrate_success) - mig0)); oom_kill $oom0 -> $(vmstat oom_kill)"
if [ "$(cat $z/stats/requests)" -ge "$until" ]; then
	echo "ok 1 the host made its $until requests while stress-ng ran"
else
	echo "not ok 1 the host made its $until requests while stress-ng ran"
fi
if [ $st -eq 0 ] && ! grep -qiE 'fail|verif.*error|corrupt' /tmp/stress.log; then
	echo "ok 2 stress-ng --vm 2 --vm-bytes 60% --verify: no verification error (exit $st)"
else
	echo "not ok 2 stress-ng --vm 2 --vm-bytes 60% --verify: no verification error (exit $st)"
fi
if [ "$(vmstat oom_kill)" = "$oom0" ]; then
	echo "ok 3 nothing was OOM-killed"
else
	echo "not ok 3 nothing was OOM-killed"
fi
echo "resize-guest: done"
