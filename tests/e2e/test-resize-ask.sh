#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A guest that runs short asks for more: it boots with 256 MiB of RAM and
# 64 MiB of host memory (ceiling 640 MiB) and runs zone_host_grow_load,
# which touches 16 MiB more every 250 ms up to 448 MiB. The provider must
# ask zhostd for more as ZONE_HOST fills, zhostd (--guest-ask allow, the
# default) must grant it, and the workload must get all its memory with no
# OOM kill.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

name=e2e-ask
log=$E2E_TMP/console.log
tap_plan 4
st=0
e2e_run_guest "$name" zone_host_grow_load "$log" -m 256M -H 64M --host-max 640M \
	--append "quiet zonehost.grow=448" --timeout 360 || st=$?
e2e_guest_tap_ok "$log"
tap_ok $? "zone_host_grow_load: all memory, no OOM kill, the guest asked and got more"
zlog=$ZHOST_RUNTIME_DIR/$name/zhostd.log
grep 'guest asked' "$zlog" | sed 's/^/#   zhostd: /'
grep -q 'guest asked for [0-9]* MiB more: granted' "$zlog"
tap_ok $? "zhostd logged the grants"
e2e_guest_end "$log" "$st"
tap_done
