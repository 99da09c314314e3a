# SPDX-License-Identifier: GPL-2.0-only
# TAP helpers for the shell tests (unit and e2e). Source it.
#
#   tap_plan N
#   tap_ok STATUS DESCRIPTION     STATUS 0 is a pass, anything else a failure
#   tap_check DESCRIPTION COMMAND...
#                                 run COMMAND ([ ... ] too), report its status
#   tap_skip DESCRIPTION REASON
#   tap_diag TEXT...              a "# " comment line
#   tap_done                      exit 0 if everything passed, 1 otherwise

_tap_n=0
_tap_failed=0

tap_plan() { echo "1..$1"; }
tap_diag() { printf '# %s\n' "$@"; }

tap_ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

tap_check() {
	local desc=$1 st=0
	shift
	"$@" || st=$?
	tap_ok $st "$desc"
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

tap_done() { [ $_tap_failed -eq 0 ]; exit $?; }
