#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmrpc_hostile: the guest side of tests/e2e/test-vmrpc-hostile.sh.
# Makes guest->host calls (debugfs vmrpc/ping) over and over while the
# host scribbles over the superblock's layout fields and keeps calling the
# guest, until the provider has received zonehost.until=N requested sizes
# (the last one says the host is done). Then reports in TAP: calls went on
# working, and none failed after the first one that did.

until=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	zonehost.until=*) until=${arg#zonehost.until=} ;;
	esac
done
z=/sys/kernel/mm/zone_host
ping=/sys/kernel/debug/vmrpc/ping

echo "TAP version 13"
echo "1..2"
i=0
while ! grep -qE '^(idle|stuck)$' $z/state 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "vmrpc-hostile: calling the host"
ok=0 bad=0
while [ "$(cat $z/stats/requests)" -lt "$until" ]; do
	if cat $ping >/dev/null 2>/tmp/ping.err; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		sed 's/^/# /' /tmp/ping.err
	fi
done
# A few more after the host is done: the channel still works.
after=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	cat $ping >/dev/null && after=$((after + 1))
done
echo "# $ok guest->host calls answered, $bad failed, then $after of 10"
[ $ok -gt 0 ] && [ $bad -eq 0 ] &&
	echo "ok 1 guest->host calls all answered while the host scribbled" ||
	echo "not ok 1 guest->host calls all answered while the host scribbled"
[ $after -eq 10 ] && echo "ok 2 the channel works after the host is done" ||
	echo "not ok 2 the channel works after the host is done"
