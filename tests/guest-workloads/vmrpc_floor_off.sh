#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmrpc_floor_off: the guest side of the three-vector case of
# tests/e2e/test-zhostd-disconnect.sh (a QEMU started with
# ivshmem-doorbell vectors=3, as before the echo vector). It prints what
# debugfs vmrpc/floor says and whether a run is refused,
#
#   vmrpc-floor: unavailable: REASON
#   vmrpc-floor: run refused
#
# and then idles, for the host to go on with the VM.
f=/sys/kernel/debug/vmrpc/floor
echo "vmrpc-floor: $(cat "$f")"
if echo 10 >"$f" 2>/dev/null; then
	echo "vmrpc-floor: run done"
else
	echo "vmrpc-floor: run refused"
fi
while :; do sleep 3600; done
