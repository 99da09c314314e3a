#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: run each libFuzzer harness (build/fuzz/fuzz-*) in turn for
# FUZZ_SECONDS (default 60), niced, from its seed corpus in the repository
# (tests/fuzz/corpus/NAME/) and what earlier runs found, then print a
# summary. FUZZ_HARNESSES="fuzz-wss fuzz-slot" picks some. Under
# build/fuzz-runs/: corpus/NAME/ (inputs found, kept for the next run),
# crashes/NAME/ (crash, leak, timeout and oom inputs), logs/NAME.log.
# Exit status 1 when a harness found something or did not run.
set -uo pipefail
ZH_PROG=fuzz
. "$(dirname "$0")/lib.sh"

seconds=${FUZZ_SECONDS:-60}
out=$ZH_BUILD/fuzz-runs
[[ $seconds =~ ^[1-9][0-9]*$ ]] || zh_die "FUZZ_SECONDS must be a whole number of seconds, not '$seconds'"

if [ -n "${FUZZ_HARNESSES:-}" ]; then
	read -r -a names <<<"$FUZZ_HARNESSES"
else
	names=()
	for src in "$ZH_ROOT"/tests/fuzz/fuzz-*.c; do
		names+=("$(basename "$src" .c)")
	done
fi
for n in "${names[@]}"; do
	[ -x "$ZH_BUILD/fuzz/$n" ] ||
		zh_die "$ZH_BUILD/fuzz/$n is missing: install clang (make deps) and run make"
done

zh_log "${#names[@]} harnesses, ${seconds} s each, results in $out"
summary=()
bad=0
for n in "${names[@]}"; do
	mkdir -p "$out/corpus/$n" "$out/crashes/$n" "$out/logs"
	log=$out/logs/$n.log
	zh_log "$n: fuzzing for ${seconds} s"
	touch "$log.started"	# what crashes/ holds newer than this is new
	st=0
	nice -n 10 "$ZH_BUILD/fuzz/$n" -max_total_time="$seconds" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$n/" \
		"$out/corpus/$n" "$ZH_ROOT/tests/fuzz/corpus/$n" >"$log" 2>&1 || st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	found=$(find "$out/crashes/$n" -type f -newer "$log.started" | wc -l)
	verdict=ok
	if [ "$st" -ne 0 ] || [ "$found" -gt 0 ]; then
		verdict="FOUND $found (exit $st; see $log)"
		bad=1
	fi
	summary+=("$(printf '%-20s %12s %10s %8s  %s' "$n" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$verdict")")
done

printf '%-20s %12s %10s %8s  %s\n' harness inputs "inputs/s" coverage result
printf '%s\n' "${summary[@]}"
exit $bad
