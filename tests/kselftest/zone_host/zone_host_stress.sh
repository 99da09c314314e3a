#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_stress: stress-ng memory stressors in a guest whose memory is
# mostly ZONE_HOST (zhost-run -m 384M -H 768M, say). Each stressor must
# pass (exit 0, with --verify where stress-ng has it) and ZONE_HOST must
# serve allocations (pgalloc_host). Nothing may be OOM-killed, except by
# --bigheap, which grows its heap until the OOM killer restarts it: that is
# how that stressor works, so it runs last and is judged by its exit only.
#
# Usage: zone_host_stress [SECONDS]   (per stressor, default 15)

secs=${1:-15}
sysfs=/sys/kernel/mm/zone_host
n=0
failed=0

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

echo "TAP version 13"
if [ ! -d $sysfs ]; then
	echo "1..0 # SKIP no $sysfs (kernel without CONFIG_ZONE_HOST_PROVIDER?)"
	exit 4
fi
echo "1..6"

# The provider must be done plugging before the stressors size themselves.
i=0
while [ "$(cat $sysfs/state 2>/dev/null)" != idle ] && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
plugged=$(cat $sysfs/plugged_bytes 2>/dev/null || echo 0)
total_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
echo "# ZONE_HOST plugged $((plugged >> 20)) MiB of MemTotal $((total_kb >> 10)) MiB"
if [ $((plugged >> 10)) -gt $((total_kb / 2)) ]; then
	ok "ZONE_HOST holds most of the guest's memory"
else
	not_ok "ZONE_HOST holds most of the guest's memory"
fi

oom0=$(vmstat oom_kill)
run() {
	what=$1
	shift
	h0=$(vmstat pgalloc_host)
	out=$(stress-ng "$@" --timeout "${secs}s" --metrics-brief 2>&1)
	st=$?
	h1=$(vmstat pgalloc_host)
	echo "$out" | grep -E 'stressor|bogo|metrc|info:.*(passed|failed)|fail|error' | sed 's/^/# /'
	echo "# $what: exit $st, ZONE_HOST served $(((h1 - h0) * 4 / 1024)) MiB of allocations"
	if [ $st -eq 0 ] && [ $((h1 - h0)) -gt 0 ]; then
		ok "stress-ng $what"
	else
		not_ok "stress-ng $what"
	fi
}

run "--vm 2 --vm-bytes 75% --verify" --vm 2 --vm-bytes 75% --verify
run "--mmap 2 --verify" --mmap 2 --mmap-bytes 64M --verify
run "--page-in" --vm 1 --vm-bytes 50% --page-in

oom1=$(vmstat oom_kill)
echo "# oom_kill $oom0 -> $oom1"
if [ "$oom1" = "$oom0" ]; then
	ok "no OOM kill during --vm, --mmap and --page-in"
else
	not_ok "no OOM kill during --vm, --mmap and --page-in"
fi
run "--bigheap 2" --bigheap 2 --bigheap-growth 64K
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ $failed -eq 0 ]
