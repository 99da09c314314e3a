# SPDX-License-Identifier: GPL-2.0-only
# What counts as a kernel problem on a guest's serial console. tests/run
# checks the console of every e2e test with it after the test ends, and the
# VM harness (tests/lib/vm.sh) does the same when a test runs on its own.
# Source it.
#
#   console_problems LOG [IGNORE-REGEX]   the lines of LOG showing a problem

CONSOLE_PROBLEMS='BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection|UBSAN|KASAN'

console_problems() {
	local lines
	lines=$(tr -d '\r' <"$1" | grep -E "$CONSOLE_PROBLEMS") || return 0
	if [ -n "${2:-}" ]; then
		lines=$(printf '%s\n' "$lines" | grep -vE "$2") || return 0
	fi
	printf '%s\n' "$lines"
}
