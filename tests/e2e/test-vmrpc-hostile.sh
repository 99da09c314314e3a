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
# Each round also writes garbage into the last 4 host->guest slots, which
# zhostd (lowest free slot first) does not use here: a request longer than
# the payload, an unknown module, a replayed sequence number (0), and a
# state that is no state. The next reverse call's interrupt makes the
# guest look at every slot: it must answer the first three with E2BIG,
# ENOMOD and ESEQ without running anything, and leave the fourth alone.
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
tap_plan 9
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
# The host->guest slots, from the superblock before it is scribbled on:
# h2g_offset (bytes 72-79), slot_size (60-63), h2g_slots (82-83).
sbnum() { od -An -tu"$1" -j"$2" -N"$1" "$memfd" 2>/dev/null | tr -d ' '; }
h2g=$(sbnum 8 72) ssize=$(sbnum 4 60) nh2g=$(sbnum 2 82)
# h2g_slot K: offset of the K-th of the last 4 host->guest slots.
h2g_slot() { echo $((h2g + (nh2g - 4 + $1) * ssize)); }
# garbage K HEADER-PRINTF: a header (state first) then random bytes to 64,
# then 256 random payload bytes, into slot K.
garbage() {
	local off
	off=$(h2g_slot "$1")
	{ printf "$2"; head -c $((64 - $3 + 256)) /dev/urandom; } |
		dd of="$memfd" bs=1 seek="$off" conv=notrunc status=none
}
# slot_field K OFFSET BYTES: a field of slot K's header, as a number.
slot_field() { sbnum "$3" $(($(h2g_slot "$1") + $2)); }
posted='\x01\x00\x00\x00\x00\x00\x00\x00'	# state POSTED, flags 0
h2g_garbage() {
	# seq 1<<40 + round; module 0, proc 0; status 0; req_len 0xffffff00
	garbage 0 "$posted\x$((10 + round))\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff" 28
	# seq as above, module 0x8001
	garbage 1 "$posted\x$((10 + round))\x00\x00\x00\x00\x01\x00\x00\x01\x80\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x10\x00\x00\x00" 32
	# seq 0: never newer than what the slot served
	garbage 2 "$posted\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x10\x00\x00\x00" 32
	# no state at all
	garbage 3 '\x5a\x5a\x5a\x5a' 4
}
# What the guest made of them: states 3 3 3 and statuses 4 1 6 (E2BIG,
# ENOMOD, ESEQ), the fourth slot's state untouched.
h2g_answers() {
	echo "$(slot_field 0 0 4) $(slot_field 1 0 4) $(slot_field 2 0 4) $(slot_field 3 0 4)" \
		"$(slot_field 0 20 4) $(slot_field 1 20 4) $(slot_field 2 20 4)"
}
want_answers="3 3 3 $((0x5a5a5a5a)) 4 1 6"

# Bytes 24 to 83 of the superblock: BAR and area sizes, slot size, both
# slot offsets and both slot counts. Three rounds of new garbage, each
# followed by calls both ways.
scribbled=0 answered=0 refused=0
for round in 1 2 3; do
	[ -n "$memfd" ] && [ -n "$h2g" ] && h2g_garbage
	[ -n "$memfd" ] && dd if=/dev/urandom of="$memfd" bs=1 seek=24 count=60 \
		conv=notrunc status=none && scribbled=$((scribbled + 1))
	for i in 1 2 3 4 5; do
		bctl guest ping >/dev/null 2>>"$VM_TMP/errors" && answered=$((answered + 1))
	done
	[ -n "$h2g" ] && vm_until 30 eval '[ "$(h2g_answers)" = "$want_answers" ]' &&
		refused=$((refused + 1))
	[ -z "$h2g" ] || tap_diag "round $round: host->guest garbage slots now (states, statuses): $(h2g_answers)"
done
[ -s "$VM_TMP/errors" ] && tap_diag "$(head -n 5 "$VM_TMP/errors")"
tap_check "random bytes written over the superblock layout 3 times" [ $scribbled -eq 3 ]
tap_check "host->guest calls answered afterwards: $answered of 15" [ $answered -eq 15 ]
tap_check "garbage in 4 host->guest slots refused (E2BIG, ENOMOD, ESEQ, not a call) in $refused of 3 rounds" \
	[ "$refused" -eq 3 ]

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
