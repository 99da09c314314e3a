#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# stress-ng in a guest whose memory is mostly ZONE_HOST: 384 MiB of RAM
# and 768 MiB granted by the host. zone_host_stress runs --vm 2
# --vm-bytes 75% --verify, --mmap --verify, --page-in and --bigheap, 15 s
# each, and checks that they pass, that ZONE_HOST served their memory and
# that only --bigheap (which grows until the OOM killer restarts it) met
# the OOM killer. The OOM killer's report has a call trace of its own;
# nothing else may show on the console.
# timeout: 480
# console-ignore: Call Trace
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=e2e-zh-stress
tap_plan 3
vm_run_tap "$name" zone_host_stress "every stressor passed" -m 384M -H 768M \
	--append quiet --timeout 420
tap_check "zone_host_stress exited 0" [ "$(vm_guest_exit "$name" zone_host_stress)" = 0 ]
tap_done
