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
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-ask
tap_plan 3
vm_run_tap "$name" zone_host_grow_load "all memory, no OOM kill, the guest asked and got more" \
	-m 256M -H 64M --host-max 640M --append "quiet zonehost.grow=448" --timeout 360
zlog=$ZHOST_RUNTIME_DIR/$name/zhostd.log
grep 'guest asked' "$zlog" | sed 's/^/#   zhostd: /'
tap_check "zhostd logged the grants" grep -q 'guest asked for [0-9]* MiB more: granted' "$zlog"
tap_done
