#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhostd's runtime directory and files: it creates RUNTIME and RUNTIME/NAME
# with mode 0700; it refuses a runtime directory of another user or one
# others can write to, a VM directory others can use, a symbolic link in
# their place, and does not follow a symbolic link planted where its pid or
# log file goes (the file it points to stays untouched).
# timeout: 90
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
zhostd=${ZHOSTD:-${ZH_BUILD:-$root/build}/bin/zhostd}
t=$(mktemp -d) || exit 1
out=$t/out
daemons=()	# pids of zhostd daemons that may be left, killed at exit

# Kill PID if it is a zhostd: never someone else's process.
kill_zhostd() {
	local pid=$1 i
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = zhostd ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

cleanup() {
	local pid
	for pid in "${daemons[@]}"; do
		kill_zhostd "$pid"
	done
	rm -rf "$t"
}
trap cleanup EXIT

# zh ARGS...: run zhostd, output in $out; a zhostd that keeps running in
# the foreground is killed after 5 s (status 124).
zh() {
	timeout -k 2 5 "$zhostd" --bar-size 256M "$@" >"$out" 2>&1
}

# refuses DESCRIPTION EXPECTED-TEXT ARGS...: zhostd exits 1 saying it.
refuses() {
	local desc=$1 want=$2 st=0
	shift 2
	zh "$@" || st=$?
	[ $st -eq 1 ] && grep -q -- "$want" "$out"
	tap_ok $? "$desc"
	[ $st -eq 1 ] || tap_diag "exit status $st" "$(cat "$out")"
}

# untouched FILE: FILE still holds the text "keep" and nothing else.
untouched() { [ "$(cat "$1")" = keep ]; }

tap_plan 14
if [ ! -x "$zhostd" ]; then
	echo "Bail out! no zhostd at $zhostd: run make"
	exit 1
fi

# 1. Whose directory, and who may write to it.
mkdir -m 0755 "$t/other"
if chown 65534:65534 "$t/other" 2>/dev/null; then
	refuses "a runtime directory of another user is refused" \
		"runtime directory $t/other belongs to .*uid 65534" \
		--runtime-dir "$t/other" -n vm1
	[ ! -e "$t/other/vm1" ]
	tap_ok $? "... and nothing is created in it"
else
	tap_skip "another user's runtime directory" "cannot chown (not root)"
	tap_skip "... and nothing is created in it" "cannot chown (not root)"
fi
mkdir -m 0775 "$t/group-w"
refuses "a group-writable runtime directory is refused" \
	"writable by its group or others (mode 0775)" \
	--runtime-dir "$t/group-w" -n vm1
mkdir -m 0777 "$t/world-w"
refuses "a world-writable runtime directory is refused" \
	"chmod go-w $t/world-w" --runtime-dir "$t/world-w" -n vm1
mkdir -m 0700 "$t/rt"
mkdir -m 0755 "$t/rt/open"
refuses "a VM directory open to others is refused" \
	"VM directory $t/rt/open is open to its group or others" \
	--runtime-dir "$t/rt" -n open
ln -s "$t/rt" "$t/link"
refuses "a symbolic link as the runtime directory is refused" \
	"is a symbolic link" --runtime-dir "$t/link" -n vm1

# 2. Files planted in its place are not followed.
mkdir -m 0700 "$t/rt/vm1"
echo keep >"$t/target"
ln -s "$t/target" "$t/rt/vm1/zhostd.pid"
st=0
zh --runtime-dir "$t/rt" -n vm1 --daemon --log-file "$t/daemon.log" || st=$?
daemons+=("$(cat "$t/target")")
untouched "$t/target" && [ $st -eq 1 ] &&
	grep -q "pid file $t/rt/vm1/zhostd.pid: it is a symbolic link" "$t/daemon.log"
tap_ok $? "--daemon: a symbolic link as the pid file is not followed, zhostd exits 1"
[ $st -eq 1 ] || tap_diag "exit status $st" "$(cat "$t/daemon.log")"
rm -f "$t/rt/vm1/zhostd.pid"

ln -s "$t/target" "$t/pid-link"
refuses "-p: a symbolic link as the pid file is refused" \
	"pid file $t/pid-link: it is a symbolic link" \
	--runtime-dir "$t/rt" -n vm1 -p "$t/pid-link"
untouched "$t/target"
tap_ok $? "... and the file it points to is untouched"

ln -s "$t/target" "$t/rt/vm1/zhostd.log"
refuses "a symbolic link as the log file is refused" \
	"cannot open log file $t/rt/vm1/zhostd.log: it is a symbolic link" \
	--runtime-dir "$t/rt" -n vm1 --log-file "$t/rt/vm1/zhostd.log"
untouched "$t/target"
tap_ok $? "... and the file it points to is untouched"

# 3. A fresh runtime directory.
st=0
zh --runtime-dir "$t/fresh" -n vm1 --daemon --log-file "$t/fresh.log" || st=$?
pid=$(cat "$t/fresh/vm1/zhostd.pid" 2>/dev/null)
daemons+=("$pid")
[ $st -eq 0 ] && [ "$(stat -c %a "$t/fresh")" = 700 ] &&
	[ "$(stat -c %a "$t/fresh/vm1")" = 700 ] && [ -f "$t/fresh/vm1/zhostd.pid" ] &&
	kill -0 "$pid" 2>/dev/null
tap_ok $? "a fresh runtime and VM directory are created with mode 0700"
[ $st -eq 0 ] || tap_diag "exit status $st" "$(cat "$t/fresh.log")"
kill_zhostd "$pid"
[ -z "$(ls -A "$t/fresh/vm1")" ]
tap_ok $? "... and zhostd leaves nothing in it when it exits"

# 4. Another user whose /tmp/zonehost someone else made first: here
# XDG_RUNTIME_DIR stands for /tmp, sticky and world-writable.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$zhostd"; then
	tap_skip "as another user, a zonehost directory planted in a shared /tmp" \
		"needs root, setpriv and a zhostd others may run"
else
	chmod 0711 "$t"
	mkdir -m 1777 "$t/tmp"
	mkdir -m 0777 "$t/tmp/zonehost"
	st=0
	env -u ZHOST_RUNTIME_DIR XDG_RUNTIME_DIR="$t/tmp" timeout -k 2 5 \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$zhostd" --bar-size 256M -n vm1 >"$out" 2>&1 || st=$?
	[ $st -eq 1 ] && grep -q "runtime directory $t/tmp/zonehost belongs to root" "$out" &&
		grep -q "set XDG_RUNTIME_DIR" "$out" && [ ! -e "$t/tmp/zonehost/vm1" ]
	tap_ok $? "as another user, a zonehost directory planted in a shared /tmp is refused"
	[ $st -eq 1 ] || tap_diag "exit status $st" "$(cat "$out")"
fi
tap_done
