# SPDX-License-Identifier: GPL-2.0-only
# Helpers for end-to-end tests: boot the guest with zhost-run, wait for the
# guest's console markers, check the console for kernel warnings, and make
# sure a VM a test started is gone when the test ends, however it ends.
# Source it after tests/lib/tap.sh.

E2E_ROOT=${ZH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
E2E_BUILD=${ZH_BUILD:-$E2E_ROOT/build}
E2E_BIN=$E2E_BUILD/bin
ZHOST_RUN=$E2E_BIN/zhost-run
export ZHOST_RUNTIME_DIR=${ZHOST_RUNTIME_DIR:-$(mktemp -d)}
E2E_TMP=$(mktemp -d)
E2E_VMS=()

e2e_cleanup() {
	local name pidf pid
	for name in "${E2E_VMS[@]}"; do
		pidf=$ZHOST_RUNTIME_DIR/$name/qemu.pid
		pid=$(cat "$pidf" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -rf "${ZHOST_RUNTIME_DIR:?}/$name"
	done
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

# The guest must exist; without it nothing here can run.
e2e_require_guest() {
	local f
	for f in "$E2E_BUILD/guest/bzImage" "$E2E_BUILD/guest/initramfs.cpio.gz" "$ZHOST_RUN"; do
		if [ ! -e "$f" ]; then
			echo "1..0 # SKIP $f missing: run 'make guest' and 'make'"
			exit 4
		fi
	done
}

# e2e_run_guest NAME PROG LOG [zhost-run options...]: boot in the
# foreground, run PROG in the guest, console (CR stripped) to LOG. Returns
# zhost-run's exit status.
e2e_run_guest() {
	local name=$1 prog=$2 log=$3 st=0
	shift 3
	E2E_VMS+=("$name")
	"$ZHOST_RUN" -n "$name" --test "$prog" "$@" 2>&1 | tr -d '\r' >"$log" || st=$?
	return $st
}

# Kernel release the guest printed in its ready marker.
e2e_guest_release() { e2e_console_value "$1" 's/^zonehost-guest: ready \(.*\)$/\1/p'; }

# Exit status the guest program printed, or empty.
e2e_guest_exit() { e2e_console_value "$1" "s/^zonehost-guest: exit $2 \\([0-9]*\\)$/\\1/p"; }

# Lines of the console that show a kernel problem.
e2e_kernel_problems() {
	grep -E 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection|UBSAN|KASAN' "$1" || true
}

# e2e_wait_for FILE PATTERN SECONDS: wait until FILE has a line matching
# PATTERN (grep -E).
e2e_wait_for() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# Print the guest's TAP results as diagnostics and check them: every
# result ok (or skipped), at least one result, and the plan honoured.
e2e_guest_tap_ok() {
	local log=$E2E_TMP/guest-tap.log plan ok notok
	tr -d '\r' <"$1" >"$log"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n 1)
	ok=$(grep -cE '^ok [0-9]+' "$log")
	notok=$(grep -cE '^not ok [0-9]+' "$log")
	grep -E '^(not )?ok [0-9]+|^# ' "$log" | sed 's/^/#   guest: /'
	[ -n "$plan" ] && [ "$notok" -eq 0 ] && [ "$ok" -gt 0 ] && [ "$ok" -eq "$plan" ]
}

# e2e_console_value LOG SED-EXPRESSION: first match in a console log, with
# the serial console's carriage returns removed.
e2e_console_value() { tr -d '\r' <"$1" | sed -n "$2" | head -n 1; }

# e2e_concurrent_pings NAME CALLERS CALLS: CALLERS host processes make
# CALLS reverse pings each (balloon-ctl guest ping) at once. Prints how
# many callers saw a failure; their first errors go out as diagnostics.
e2e_concurrent_pings() {
	local name=$1 callers=$2 calls=$3 errs=$E2E_TMP/ping-errors i pid fails=0
	local pids=()
	rm -f "$errs"
	for ((i = 0; i < callers; i++)); do
		(
			for ((j = 0; j < calls; j++)); do
				"$E2E_BIN/balloon-ctl" -n "$name" guest ping >/dev/null \
					2>>"$errs" || exit 1
			done
		) &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || fails=$((fails + 1))
	done
	[ -s "$errs" ] && head -n 5 "$errs" | sed 's/^/# /' >&2
	echo "$fails"
}

# e2e_resize_checked NAME SIZE: balloon-ctl set SIZE --wait, then
# balloon-ctl check (zhostd, guest and memfd agree). Returns non-zero if
# either failed, after printing their output as diagnostics.
e2e_resize_checked() {
	local out=$E2E_TMP/resize.out st cst
	"$E2E_BIN/balloon-ctl" -n "$1" set "$2" --wait --timeout 180 >"$out" 2>&1
	st=$?
	"$E2E_BIN/balloon-ctl" -n "$1" check >>"$out" 2>&1
	cst=$?
	[ $st -eq 0 ] && [ $cst -eq 0 ] && return 0
	sed 's/^/#   /' "$out"
	return 1
}

# e2e_guest_end LOG STATUS: the checks that end a test whose guest ran in
# the foreground (e2e_run_guest): it powered off and QEMU exited with
# STATUS 0, and the console shows no kernel problem. Two TAP results; the
# console's tail goes out as diagnostics when anything in the test failed.
e2e_guest_end() {
	local log=$1 st=$2 problems
	tap_ok $([ "$st" -eq 0 ]; echo $?) "guest powered off and QEMU exited cleanly (status $st)"
	problems=$(e2e_kernel_problems "$log")
	[ -z "$problems" ] || tap_diag "$problems"
	tap_ok $([ -z "$problems" ]; echo $?) "no kernel warning, oops or panic on the console"
	[ "$_tap_failed" -eq 0 ] || { tap_diag "console:"; sed 's/^/#   /' "$log" | tail -n 60; }
}
