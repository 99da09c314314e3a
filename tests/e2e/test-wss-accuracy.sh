#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The working-set estimator against known working sets: the guest (384 MiB
# of RAM, 1536 MiB of host memory) runs zone_host_wss_hot, which measures
# its own baseline, allocates T MiB and keeps touching H MiB of it, for
# H:T = 64:512, 256:512, 32:1024, and 256:512 again with T in transparent
# huge pages (MADV_HUGEPAGE: several samples land in one 2 MiB folio, and
# each must count as accessed). The estimate, read at the end of the
# third window of 2 s after the allocation and of each of the three after
# it (the guest counts windows, not seconds), must be within 10% of H
# above the baseline every time, for the whole guest and for ZONE_HOST.
# (test-wss-policy.sh reads the estimate from the host.)
# timeout: 540
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-wss
tap_plan 2
vm_run_tap "$name" zone_host_wss_hot "every estimate within 10% of H above the baseline" \
	-m 384M -H 1536M --append "quiet zonehost.wss_pairs=64:512,256:512,32:1024,256:512:thp" \
	--timeout 420
grep '^wss-accuracy:' "$(vm_console "$name")" | sed 's/^/#   /'
tap_done
