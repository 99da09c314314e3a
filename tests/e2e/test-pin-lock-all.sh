#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhostd --lock-all keeps every plugged subblock locked on the host, and
# follows resizes: what QEMU's -overcommit mem-lock=on does for all of a
# guest's memory, but for ZONE_HOST as it grows and shrinks. The guest
# (zone_host_until) does nothing but resize; after each step zhostd's
# locked memory (the resident pages of its locked memfd mappings) must equal the
# plugged size, and balloon-ctl pins must agree.
# timeout: 600
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-lock-all
tap_plan 6
vm_start "$name" zone_host_until -m 512M -H 128M -Z --lock-all --append quiet
tap_ok $? "zhost-run -H 128M -Z --lock-all starts QEMU and zhostd"
zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)
vm_wait "$name" '^zone-host-until: ready' 300 || tap_diag "the guest did not report ready"

locked() {
	# Rss of the locked mappings, not "Locked:", which is proportional
	# (pss_locked): a page QEMU maps too would count half.
	awk '/^[0-9a-f]+-[0-9a-f]+ / { memfd = ($0 ~ /memfd:/) }
	     memfd && /^Rss:/ { rss = $2 }
	     memfd && /^VmFlags:/ && / lo( |$)/ { kb += rss }
	     END { print kb * 1024 }' "/proc/$zpid/smaps" 2>/dev/null
}
plugged() { vm_bctl "$name" status --json 2>/dev/null | jq -r '.memory.plugged'; }
# Locked memory equals plugged, and balloon-ctl pins says so too.
follows() {
	local p
	p=$(plugged)
	[ -n "$p" ] && [ "$p" -gt 0 ] && [ "$(locked)" = "$p" ] &&
		[ "$(vm_bctl "$name" pins --json 2>/dev/null | jq -r '.locked')" = "$p" ]
}

vm_until 60 follows
tap_ok $? "at boot zhostd locks exactly the plugged $(($(plugged) / mib)) MiB"
vm_bctl "$name" set 384M --wait --timeout 300 >/dev/null 2>&1 && vm_until 60 follows
tap_ok $? "grown to 384 MiB: locked memory follows ($(($(locked) / mib)) MiB)"
vm_bctl "$name" set 64M --wait --timeout 300 >/dev/null 2>&1 && vm_until 60 follows
tap_ok $? "shrunk to 64 MiB: locked memory follows ($(($(locked) / mib)) MiB)"
vm_bctl "$name" check >"$VM_TMP/check.out" 2>&1
tap_ok $? "balloon-ctl check: zhostd, the guest and the memfd agree"
vm_finish "$name" 300
tap_check "the guest saw every resize through and powered off" vm_guest_tap_ok "$name"
vm_stop "$name"
tap_done
