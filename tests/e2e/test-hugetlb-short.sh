#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhostd --backing hugetlb on a short pool. The test makes a pool of 520
# 2 MiB pages (QEMU's mapping of the 1 GiB BAR2 reserves 512 when it
# connects) and gives it back at its end. The guest (256 MiB RAM, 256 MiB
# of host memory) shrinks to 32 MiB: the unplugged pages go back to the
# pool, free for anyone, with no reservation left on them (zhostd fills
# and punches what the guest gave back). The test takes every free page
# itself, then asks the guest to grow to 256 MiB: zhostd cannot reserve
# huge pages for the plug, so it fails with a reason (the guest's resize
# ends in "error", ENOMEM, and balloon-ctl says so), QEMU gets no SIGBUS,
# the guest keeps running and check stays consistent. With the pages
# given back, the same grow works.
# timeout: 600
export ZH_BACKING=hugetlb ZH_HUGETLB_POOL=520
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-hugetlb-short
tap_plan 9
bctl() { vm_bctl "$name" "$@"; }
avail() { awk '/^HugePages_Free/ { f = $2 } /^HugePages_Rsvd/ { r = $2 } END { print f - r }' /proc/meminfo; }

vm_start "$name" zone_host_until -m 256M -H 256M
tap_ok $? "zhost-run --backing hugetlb -m 256M -H 256M starts the guest"
vm_wait "$name" '^zone-host-until: ready' 300
tap_ok $? "the guest plugged its 256 MiB of 2 MiB huge pages"
before=$(avail)
vm_resize_checked "$name" 32M
tap_ok $? "it shrinks to 32 MiB, check agrees"
after=$(avail)
tap_check "the 112 unplugged pages went back to the pool, free for anyone ($before -> $after free and unreserved)" \
	[ $((after - before)) -ge 112 ]

vm_hugetlb_take || tap_diag "could not take the free pages"
tap_diag "the test took the ${VM_HUGETLB_TOOK:-0} pages nobody held"
bctl set 256M --wait --timeout 120 >"$VM_TMP/out" 2>"$VM_TMP/err"
rc=$?
sed 's/^/#   /' "$VM_TMP/out" "$VM_TMP/err"
tap_check "the grow stops short with a reason: exit $rc (5), 'error'" \
	eval '[ $rc -eq 5 ] && grep -q "stopped at 32.0 MiB of 256.0 MiB: error" "$VM_TMP/err"'
zlog=$ZHOST_RUNTIME_DIR/$name/zhostd.log
grep 'cannot reserve' "$zlog" | head -n 2 | sed 's/^/#   zhostd: /'
reason=$(bctl status --json | jq -r '"\(.memory.guest.reason) \(.memory.guest.error) \(.memory.stats.plug_no_memory)"')
tap_check "zhostd logged the short pool, status says why (reason, errno, plugs refused: $reason)" \
	eval 'grep -q "the hugetlb pool has too few free pages to reserve" "$zlog" && [ "${reason% *}" = "error 12" ]'
bctl check >"$VM_TMP/out" 2>&1
tap_ok $? "QEMU and the guest still run, check agrees: $(cat "$VM_TMP/out")"

vm_hugetlb_give
vm_resize_checked "$name" 256M
tap_ok $? "with the pages given back the grow to 256 MiB works, check agrees"
vm_finish "$name" 180
tap_check "the guest's provider is idle with what the host requested (zone_host_until TAP)" \
	vm_guest_tap_ok "$name"
vm_stop "$name"
tap_done
