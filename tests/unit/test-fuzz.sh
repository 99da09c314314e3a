#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every libFuzzer harness (tests/fuzz/fuzz-*.c, built into build/fuzz/):
# each input of its seed corpus (tests/fuzz/corpus/NAME/, where the inputs
# of crashes found stay as regression tests) runs clean, then the harness
# fuzzes for 3 seconds with a fixed seed from that corpus: it must run,
# find no crash, no hang (10 s per input) and leave no artifact. `make
# fuzz` runs them for longer.
# Skips only when clang is not installed (then make builds no harness).
# timeout: 240
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${ZH_BUILD:-$root/build}
seconds=3

names=()
for src in "$root"/tests/fuzz/fuzz-*.c; do
	n=$(basename "$src" .c)
	names+=("$n")
done
tap_plan $((3 * ${#names[@]}))

have_clang=1
command -v clang >/dev/null 2>&1 || command -v clang-14 >/dev/null 2>&1 ||
	have_clang=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Sanitizer or libFuzzer reports in log $1; artifacts under prefix $2.
clean_log() {
	! grep -qE 'ERROR: libFuzzer|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer|runtime error:|deadly signal' "$1"
}
no_artifact() {
	! compgen -G "$1crash-*" >/dev/null && ! compgen -G "$1leak-*" >/dev/null &&
		! compgen -G "$1timeout-*" >/dev/null && ! compgen -G "$1oom-*" >/dev/null
}
show_failure() {
	tap_diag "$1 output (last 30 lines):"
	tail -n 30 "$2" | sed 's/^/#   /'
	for a in "$3"crash-* "$3"leak-* "$3"timeout-*; do
		[ -f "$a" ] && tap_diag "artifact $(basename "$a"): $(od -An -tx1 "$a" | head -n 4 | tr -s ' \n' ' ')"
	done
}

for n in "${names[@]}"; do
	fuzzer=$build/fuzz/$n
	corpus=$root/tests/fuzz/corpus/$n
	if [ ! -x "$fuzzer" ]; then
		if [ $have_clang -eq 0 ]; then
			for t in "corpus" "runs ${seconds} s" "no artifact"; do
				tap_skip "$n: $t" "clang is not installed"
			done
		else
			tap_ok 1 "$n built (clang is installed, but $fuzzer is missing: run make)"
			tap_skip "$n: runs" "no fuzzer binary"
			tap_skip "$n: no artifact" "no fuzzer binary"
		fi
		continue
	fi
	mkdir -p "$tmp/$n/work"
	log=$tmp/$n/log
	art=$tmp/$n/

	# Each seed and regression input once (libFuzzer runs files given).
	inputs=("$corpus"/*)
	st=0
	[ -f "${inputs[0]}" ] || st=1
	[ $st -ne 0 ] || "$fuzzer" -timeout=10 -artifact_prefix="$art" "${inputs[@]}" \
		>"$log" 2>&1 || st=$?
	[ $st -eq 0 ] && clean_log "$log"
	tap_ok $? "$n: its ${#inputs[@]} corpus inputs run clean"
	[ $st -eq 0 ] || show_failure "$n" "$log" "$art"

	# New inputs go to the first directory, not the repository's.
	failed=$_tap_failed
	st=0
	"$fuzzer" -max_total_time=$seconds -seed=1 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$art" "$tmp/$n/work" "$corpus" >"$log" 2>&1 || st=$?
	runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	[ $st -eq 0 ] && [ "${runs:-0}" -ge 1000 ] && clean_log "$log"
	tap_ok $? "$n: fuzzed ${seconds} s with seed 1 (exit $st, ${runs:-0} inputs)"
	no_artifact "$art"
	tap_ok $? "$n: no crash, leak, timeout or oom artifact"
	[ $_tap_failed -eq "$failed" ] || show_failure "$n" "$log" "$art"
done
tap_done
