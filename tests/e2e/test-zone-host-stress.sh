#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# stress-ng in a guest whose memory is mostly ZONE_HOST: 384 MiB of RAM
# and 768 MiB granted by the host. zone_host_stress runs --vm 2
# --vm-bytes 75% --verify, --mmap --verify, --page-in and --bigheap, 15 s
# each, and checks that they pass, that ZONE_HOST served their memory and
# that only --bigheap (which grows until the OOM killer restarts it) met
# the OOM killer.
# timeout: 480
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
e2e_require_guest

log=$E2E_TMP/console.log
tap_plan 4
st=0
e2e_run_guest e2e-zh-stress zone_host_stress "$log" -m 384M -H 768M \
	--append quiet --timeout 420 || st=$?
e2e_guest_tap_ok "$log"
tap_ok $? "zone_host_stress: every stressor passed"
tap_ok $([ "$(e2e_guest_exit "$log" zone_host_stress)" = 0 ]; echo $?) \
	"zone_host_stress exited 0"
tap_ok $([ $st -eq 0 ]; echo $?) "guest powered off and QEMU exited cleanly (status $st)"
# The OOM killer's report has a call trace of its own; anything else is not
# expected.
problems=$(grep -E 'BUG:|WARNING:|Oops|Kernel panic|general protection|UBSAN|KASAN' "$log" || true)
[ -z "$problems" ] || tap_diag "$problems"
tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
[ $_tap_failed -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 80; }
tap_done
