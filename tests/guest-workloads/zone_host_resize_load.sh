#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_resize_load: the guest side of tests/e2e/test-resize.sh.
# Runs stress-ng --vm 2 --vm-bytes 60% --verify while the host shrinks and
# grows the guest, until the host says it is done (the host channel,
# tests/lib/vm.sh), then reports in TAP: the host was done while stress-ng
# still ran, stress-ng found no verification error and exited 0, and
# nothing was OOM-killed.

. "$(dirname "$0")/zone_host_lib"
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

zh_host_open
zh_host_watch done /tmp/host-done
echo "TAP version 13"
echo "1..3"
zh_wait_idle 600
oom0=$(vmstat oom_kill)
mig0=$(vmstat pgmigrate_success)
stress-ng --vm 2 --vm-bytes 60% --verify --timeout 3600s --metrics-brief \
	>/tmp/stress.log 2>&1 &
pid=$!
# Running means its workers have started: stress-ng forks them.
i=0
children() { grep -ls "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status; }
while [ -z "$(children $pid)" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "resize-guest: workload running"
while [ ! -e /tmp/host-done ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
done
running=0
kill -0 $pid 2>/dev/null && running=1
# On SIGINT stress-ng stops its stressors and reports; exit 0 if all passed.
kill -INT $pid 2>/dev/null
wait $pid
st=$?
sed 's/^/# /' /tmp/stress.log
echo "# $(cat $z/stats/requests) requests; pgmigrate_success +$(($(vmstat pgmigrate_success) - mig0)); oom_kill $oom0 -> $(vmstat oom_kill)"
if [ -e /tmp/host-done ] && [ $running -eq 1 ]; then
	echo "ok 1 the host was done while stress-ng still ran"
else
	echo "not ok 1 the host was done while stress-ng still ran"
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
