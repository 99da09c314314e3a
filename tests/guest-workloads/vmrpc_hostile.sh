#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmrpc_hostile: the guest side of tests/e2e/test-vmrpc-hostile.sh.
# Makes guest->host calls (debugfs vmrpc/ping) over and over while the
# host scribbles over the superblock's layout fields and keeps calling the
# guest, until the host says it is done (the host channel,
# tests/lib/vm.sh). Then reports in TAP: every call was answered, and the
# channel still works afterwards.

. "$(dirname "$0")/zone_host_lib"
ping=/sys/kernel/debug/vmrpc/ping

zh_host_open
zh_host_watch done /tmp/host-done

echo "TAP version 13"
echo "1..2"
zh_wait_idle 600
echo "vmrpc-hostile: calling the host"
ok=0 bad=0
while [ ! -e /tmp/host-done ]; do
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
