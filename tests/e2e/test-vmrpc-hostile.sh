#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A host that rewrites the superblock after the guest bound cannot steer
# the guest's writes: the guest checked the layout once, at probe, and
# keeps using its own copy. The test boots a guest that makes
# guest->host calls in a loop (vmrpc_hostile), writes random bytes over
# every layout field of the superblock through zhostd's memfd, and then
# calls the guest (ping), resizes it (plug and unplug calls from the
# guest), and checks that everything still works, that zhostd, the guest
# and the memfd agree, and that the guest kernel printed no oops.
#
# The same guest answers reverse calls slowly (vmrpc.fault_served_delay_ms:
# it waits after publishing an answer before it rings the host), while 8
# host callers make 10 calls each. A host that sees the answer through
# another slot's doorbell posts the slot again at once; that call must not
# be lost.
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest
BCTL=$E2E_BIN/balloon-ctl

name=e2e-hostile
log=$ZHOST_RUNTIME_DIR/$name/console.log
tap_plan 9
E2E_VMS+=("$name")
# Requests the guest counts: the boot size, the two resizes below, and the
# last one, which tells it the host is done.
"$ZHOST_RUN" -n "$name" -m 512M -H 128M --host-max 512M --detach \
	--test vmrpc_hostile \
	--append "quiet zonehost.until=4 vmrpc.fault_served_delay_ms=50" \
	>/dev/null 2>"$E2E_TMP/start"
tap_ok $? "zhost-run starts the guest"
bctl() { "$BCTL" -n "$name" "$@"; }
e2e_wait_for "$log" '^vmrpc-hostile: calling the host' 300
tap_ok $? "the guest calls the host in a loop"

# zhostd's shared memory, reached as root through its file descriptor.
zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)
memfd=
for fd in /proc/"$zpid"/fd/*; do
	case "$(readlink "$fd" 2>/dev/null)" in
	/memfd:zonehost-bar2*) memfd=$fd ;;
	esac
done
# Bytes 24 to 83 of the superblock: BAR and area sizes, slot size, both
# slot offsets and both slot counts. Three rounds of new garbage, each
# followed by calls both ways.
scribbled=0 answered=0
for round in 1 2 3; do
	[ -n "$memfd" ] && dd if=/dev/urandom of="$memfd" bs=1 seek=24 count=60 \
		conv=notrunc status=none && scribbled=$((scribbled + 1))
	for i in 1 2 3 4 5; do
		bctl guest ping >/dev/null 2>>"$E2E_TMP/errors" && answered=$((answered + 1))
	done
done
[ -s "$E2E_TMP/errors" ] && tap_diag "$(head -n 5 "$E2E_TMP/errors")"
tap_ok $([ $scribbled -eq 3 ]; echo $?) "random bytes written over the superblock layout 3 times"
tap_ok $([ $answered -eq 15 ]; echo $?) "host->guest calls answered afterwards: $answered of 15"

# 8 concurrent host callers, 10 calls each, against the slow answers.
fails=$(e2e_concurrent_pings "$name" 8 10)
tap_ok "$fails" "8 x 10 concurrent reverse calls to a guest slow to ring back: none lost"
e2e_resize_checked "$name" 384M
tap_ok $? "the guest grows to 384 MiB (its plug calls reach the host), check agrees"
e2e_resize_checked "$name" 128M
tap_ok $? "the guest shrinks to 128 MiB, check agrees"

bctl set 128M >/dev/null 2>&1
e2e_wait_for "$log" '^zonehost-guest: exit vmrpc_hostile' 120
e2e_guest_tap_ok "$log"
tap_ok $? "the guest's calls to the host all worked (vmrpc_hostile TAP)"
problems=$(e2e_kernel_problems "$log")
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no oops or warning in the guest kernel"
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; tail -n 40 "$log" | sed 's/^/#   /'; }
tap_done
