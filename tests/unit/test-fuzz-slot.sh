#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The slot parser under libFuzzer (build/fuzz/fuzz-slot) for 15 seconds with
# a fixed seed: it must run, find no crash and leave no crash artifact.
# Skips only when clang is not installed (then make does not build it).
# timeout: 90
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fuzzer=${ZH_BUILD:-$root/build}/fuzz/fuzz-slot

tap_plan 3
if [ ! -x "$fuzzer" ]; then
	if ! command -v clang >/dev/null 2>&1 &&
		! command -v clang-14 >/dev/null 2>&1; then
		for t in "fuzzer runs 15 s" "no crash reported" "no crash artifact"; do
			tap_skip "$t" "clang is not installed"
		done
		tap_done
	fi
	tap_ok 1 "fuzzer built (clang is installed, but $fuzzer is missing: run make)"
	tap_skip "no crash reported" "no fuzzer binary"
	tap_skip "no crash artifact" "no fuzzer binary"
	tap_done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
# One seed: a 4 KiB slot (byte 0 = 7), last seq 0, expected seq 1, then a
# POSTED ping header (seq 1, req_len 4, resp_len 4) and its payload.
{
	printf '\007'
	printf '\000%.0s' $(seq 8)
	printf '\001\000\000\000\000\000\000\000'
	printf '\100'
	printf '\001\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000'
	printf '\000\000\000\000\000\000\000\000\004\000\000\000\004\000\000\000'
	printf '\000%.0s' $(seq 32)
	printf 'ping'
} >"$tmp/corpus/seed-ping"

st=0
"$fuzzer" -max_total_time=15 -seed=1 -print_final_stats=1 \
	-artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/log" 2>&1 || st=$?
runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$tmp/log" | tail -n 1)

[ $st -eq 0 ] && [ "${runs:-0}" -ge 10000 ]
tap_ok $? "fuzzer ran 15 s with seed 1 (exit $st, ${runs:-0} inputs)"
! grep -qE 'ERROR: libFuzzer|SUMMARY: (Address|UndefinedBehavior)Sanitizer|runtime error:' "$tmp/log"
tap_ok $? "no crash or sanitizer report"
! compgen -G "$tmp/crash-*" >/dev/null && ! compgen -G "$tmp/leak-*" >/dev/null &&
	! compgen -G "$tmp/timeout-*" >/dev/null && ! compgen -G "$tmp/oom-*" >/dev/null
tap_ok $? "no crash, leak, timeout or oom artifact"
if [ $_tap_failed -gt 0 ]; then
	tap_diag "fuzzer output (last 30 lines):"
	tail -n 30 "$tmp/log" | sed 's/^/#   /'
	for a in "$tmp"/crash-* "$tmp"/leak-*; do
		[ -f "$a" ] && tap_diag "artifact $(basename "$a"): $(od -An -tx1 "$a" | head -n 4 | tr -s ' \n' ' ')"
	done
fi
tap_done
