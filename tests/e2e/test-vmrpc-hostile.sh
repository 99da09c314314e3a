#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A host that rewrites the superblock after the guest bound cannot steer
# the guest's writes: the guest checked the layout once, at probe, and
# keeps using its own copy. The test boots a guest that makes
# guest->host calls in a loop (vmrpc_hostile), writes random bytes over
# every layout field of the superblock through zhostd's memfd, and then
# calls the guest (ping), resizes it (plug and unplug calls from the
# guest), and checks that everything still works, that zhostd, the guest
# and the memfd agree, and that the guest kernel printed no oops. Then it
# tells the guest it is done.
#
# The same guest answers reverse calls slowly (vmrpc.fault_served_delay_ms:
# it waits after publishing an answer before it rings the host), while 8
# host callers make 10 calls each. A host that sees the answer through
# another slot's doorbell posts the slot again at once; that call must not
# be lost.
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-hostile
tap_plan 8
vm_start "$name" vmrpc_hostile -m 512M -H 128M --host-max 512M \
	--append "quiet vmrpc.fault_served_delay_ms=50"
tap_ok $? "zhost-run starts the guest"
bctl() { vm_bctl "$name" "$@"; }
vm_wait "$name" '^vmrpc-hostile: calling the host' 300
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
		bctl guest ping >/dev/null 2>>"$VM_TMP/errors" && answered=$((answered + 1))
	done
done
[ -s "$VM_TMP/errors" ] && tap_diag "$(head -n 5 "$VM_TMP/errors")"
tap_check "random bytes written over the superblock layout 3 times" [ $scribbled -eq 3 ]
tap_check "host->guest calls answered afterwards: $answered of 15" [ $answered -eq 15 ]

# 8 concurrent host callers, 10 calls each, against the slow answers.
fails=$(vm_concurrent_pings "$name" 8 10)
tap_ok "$fails" "8 x 10 concurrent reverse calls to a guest slow to ring back: none lost"
vm_resize_checked "$name" 384M
tap_ok $? "the guest grows to 384 MiB (its plug calls reach the host), check agrees"
vm_resize_checked "$name" 128M
tap_ok $? "the guest shrinks to 128 MiB, check agrees"

vm_finish "$name"
tap_check "the guest's calls to the host all worked (vmrpc_hostile TAP)" vm_guest_tap_ok "$name"
tap_done
