#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# soak.sh: `make soak`, the soak test (tests/e2e/test-soak.sh) for
# SOAK_MINUTES (default 30) on the debug guest (build/guest-debug/, built
# by scripts/build-debug-kernel.sh: lockdep, DEBUG_VM, KASAN, DEBUG_LIST,
# DEBUG_ATOMIC_SLEEP), with the ordinary guest's initramfs.
#
# Everything it keeps is in build/soak/<UTC time>/: result.tap (the
# test's TAP output), console.log, zhostd.log, zhostd-samples.tsv (zhostd's
# fds, threads and anonymous memory after each resize), check.json, and
# kernel-report.txt when the guest console showed a kernel problem.
# Exits with the test's status: 0 passed, 1 a check failed, 124 the run
# was stopped by its time limit. ZH_BIN runs other host programs than
# build/bin/ (tests/lib/vm.sh).
set -euo pipefail
ZH_PROG=soak
. "$(dirname "$0")/lib.sh"

minutes=${SOAK_MINUTES:-30}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || zh_die "SOAK_MINUTES must be a whole number of minutes, not '$minutes'"
kernel=${SOAK_KERNEL:-$ZH_BUILD/guest-debug/bzImage}
[ -f "$kernel" ] || zh_die "$kernel missing: run 'make soak' (it builds the debug guest)"
out=$ZH_BUILD/soak/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

# KASAN and lockdep under TCG make the guest several times slower: more
# RAM for KASAN's shadow and lockdep's tables, longer waits for a step.
# Progress is judged by events: at least one resize a minute by default.
export SOAK_SECONDS=$((minutes * 60)) SOAK_KERNEL=$kernel SOAK_OUT=$out
export SOAK_MEMORY=${SOAK_MEMORY:-768M} SOAK_TIMEOUT=${SOAK_TIMEOUT:-900}
export SOAK_MIN_RESIZES=${SOAK_MIN_RESIZES:-$minutes}
zh_log "soak of $minutes minutes on ${kernel#"$ZH_ROOT/"}; results in ${out#"$ZH_ROOT/"}/"
st=0
# The time bounds the resizes; boot, the last steps and the shutdown get
# an hour more before the whole run is stopped. With pipefail the status
# is the test's (tee succeeds).
timeout -k 30 $((SOAK_SECONDS + 3600)) "$ZH_ROOT/tests/e2e/test-soak.sh" |
	tee "$out/result.tap" || st=$?
if [ $st -eq 0 ]; then
	zh_log "passed; results in ${out#"$ZH_ROOT/"}/"
else
	zh_log "FAILED (status $st); results in ${out#"$ZH_ROOT/"}/"
	[ -f "$out/kernel-report.txt" ] && zh_log "kernel report: ${out#"$ZH_ROOT/"}/kernel-report.txt"
fi
exit $st
