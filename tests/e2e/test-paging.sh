#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Host paging end to end, with the guest workload double_paging (a working
# set larger than the guest's memory, every page checked; its swap on
# virtio-blk, a host file), a swap file on the host, both made and removed
# here. The guest has 256 MiB of RAM and 64 MiB of ZONE_HOST that may grow
# to 208 MiB, a little less than the working set needs, so that its reclaim runs
# ((iii): to 160 MiB, so that it must page itself):
#
#  (i)   zhostd --host-paging: the guest is in host mode; under memory
#        pressure its reclaim keeps ZONE_HOST pages (kept > 0) and, with
#        its severe-pressure fallback off (fallback_priority -1; the
#        working set fits the guest's memory), writes none of them to its
#        own swap (guest_swapped 0); zhostd got hints
#        and paged them out: data-area bytes are in host swap;
#  (ii)  without it: the guest stays in mode guest, sends no hint, zhostd
#        gets none;
#  (iii) --host-paging with a free-swap floor the host cannot meet: mode
#        guest, reason limit on both sides; the guest, which cannot grow,
#        pages ZONE_HOST to its own swap (guest_swapped > 0) and nothing is
#        OOM-killed.
# In each, the workload reads back every page as written. Skips when the
# guest kernel has no host paging (/sys/kernel/mm/zone_host/paging).
# timeout: 2400
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
vm_require_guest
pressure_require
ws=400
gswap=$(mktemp "${ZH_SWAP_DIR:-/var/tmp}/zonehost-guest-swap.XXXXXX") || exit 1
trap '_tp_st=$?; rm -f "$gswap"; pressure_teardown; (exit $_tp_st); vm_cleanup' EXIT
common=(-m 256M -H 64M
	--append "quiet zonehost.dp_ws_mib=$ws zonehost.dp_passes=1 zonehost.dp_swap=/dev/vda"
	-- -drive "file=$gswap,if=virtio,format=raw,cache=none,aio=threads")

# paging_json NAME FILTER: a field of zhostd's query-paging
paging_json() { vm_bctl "$1" --json paging 2>/dev/null | jq -r "$2"; }
# guest_paging NAME KEY: KEY of the workload's "paging" line
guest_paging() {
	vm_console_value "$1" "s/^double-paging: paging .*\\b$2=\\([^ ]*\\).*/\\1/p"
}
# start NAME ZHOST-RUN-OPTIONS...: boot, wait for the workload's ready line
start() {
	local name=$1
	shift
	fallocate -l 1G "$gswap" && mkswap -q "$gswap" >/dev/null &&
		vm_start "$name" double_paging "$@" "${common[@]}" &&
		vm_wait "$name" '^double-paging: ready' 600
}
# run_to_end NAME: go, wait for the result and the TAP line after it
# (the guest then waits for "done": zhostd can still be asked)
run_to_end() {
	vm_tell "$1" go &&
		vm_wait "$1" '^double-paging: result|^not ok|^Bail out' 1200 &&
		vm_wait "$1" '^(not )?ok 1 ' 60
}
oom() { tr -d '\r' <"$(vm_console "$1")" | grep -cE 'Out of memory|oom-kill|Killed process'; }

# The host swap host paging needs; the cgroup pressure.sh makes with it
# is not used (no limit that matters).
pressure_setup 64G 1024
setup=$?

# (i) host paging; the first guest says whether it has host paging at all.
name=e2e-paging-host
start "$name" --host-max 208M -Z --host-paging --append zonehost.dp_fallback=-1
st=$?
if [ $st -eq 0 ] &&
   [ -n "$(vm_console_value "$name" 's/^double-paging: ready .*paging=\(no\)$/\1/p')" ]; then
	vm_stop "$name" --stop-timeout 20
	echo "1..0 # SKIP guest has no /sys/kernel/mm/zone_host/paging"
	exit 4
fi
tap_plan 17
tap_ok $setup "a 1 GiB swap file on the host"
tap_ok $st "(i) the guest boots with --host-paging and its workload is ready"
vm_until 60 sh -c "[ \"\$('$BCTL' -n '$name' --json paging | jq -r .guest.mode)\" = host ]"
tap_ok $? "(i) zhostd put the guest in host paging mode"
run_to_end "$name"
tap_ok $? "(i) the workload ran to its end"
tap_check "(i) every page read back as written" vm_guest_tap_ok "$name"
kept=$(guest_paging "$name" kept)
gsw=$(guest_paging "$name" guest_swapped)
tap_diag "(i) guest: $(tr -d '\r' <"$(vm_console "$name")" | grep '^double-paging: paging')"
tap_ok $([ "${kept:-0}" -gt 0 ] && [ "$gsw" = 0 ]; echo $?) \
	"(i) the guest's reclaim kept $kept ZONE_HOST pages and swapped ${gsw:-?} of them itself"
calls=$(paging_json "$name" .counters.hint_calls)
paged=$(paging_json "$name" .counters.paged_out)
swapped=$(paging_json "$name" .swapped)
tap_diag "(i) zhostd: $(vm_bctl "$name" paging 2>&1 | tr '\n' ';')"
tap_ok $([ "${calls:-0}" -gt 0 ] && [ "${paged:-0}" -gt 0 ]; echo $?) \
	"(i) zhostd got $calls hint calls and paged out $((${paged:-0} >> 20)) MiB on QEMU's mapping"
tap_ok $([ "$swapped" != null ] && [ "${swapped:-0}" -gt 0 ]; echo $?) \
	"(i) $(( ${swapped:-0} >> 20 )) MiB of the data area are in host swap"
vm_finish "$name" 120 >/dev/null
vm_stop "$name" --stop-timeout 30 || true

# (ii) without host paging
name=e2e-paging-off
start "$name" --host-max 208M
tap_ok $? "(ii) the guest boots without --host-paging"
run_to_end "$name"
tap_check "(ii) the workload ran and read back every page" vm_guest_tap_ok "$name"
tap_ok $([ "$(guest_paging "$name" mode)" = guest ] &&
	 [ "$(guest_paging "$name" hint_calls)" = 0 ]; echo $?) \
	"(ii) the guest stayed in mode $(guest_paging "$name" mode) and made $(guest_paging "$name" hint_calls) hint calls"
tap_ok $([ "$(paging_json "$name" .counters.hint_calls)" = 0 ] &&
	 [ "$(paging_json "$name" .reason)" = disabled ]; echo $?) \
	"(ii) zhostd got no hint and says host paging is disabled"
vm_finish "$name" 120 >/dev/null
vm_stop "$name" --stop-timeout 30 || true

# (iii) the host cannot page: a floor above all the swap there is
name=e2e-paging-limit
start "$name" --host-max 160M -Z --host-paging -Z --paging-swap-floor=1T
tap_ok $? "(iii) the guest boots with --host-paging and a floor of 1 TiB of free swap"
vm_until 120 sh -c "[ \"\$('$BCTL' -n '$name' --json paging | jq -r .guest.reason)\" = limit ]"
tap_ok $? "(iii) zhostd told the guest it pages itself: reason limit"
run_to_end "$name"
tap_check "(iii) the workload ran and read back every page" vm_guest_tap_ok "$name"
tap_ok $([ "$(guest_paging "$name" mode)" = guest ] &&
	 [ "$(guest_paging "$name" reason)" = limit ] &&
	 [ "$(guest_paging "$name" guest_swapped)" -gt 0 ]; echo $?) \
	"(iii) the guest fell back to its own swap: mode $(guest_paging "$name" mode), reason $(guest_paging "$name" reason), $(guest_paging "$name" guest_swapped) ZONE_HOST pages swapped"
tap_ok $([ "$(oom "$name")" = 0 ] && [ "$(paging_json "$name" .mode)" = guest ]; echo $?) \
	"(iii) nothing was OOM-killed; zhostd's mode is $(paging_json "$name" .mode) ($(paging_json "$name" .reason))"
vm_finish "$name" 120 >/dev/null
vm_stop "$name" --stop-timeout 30 || true
tap_done
