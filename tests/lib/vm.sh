# SPDX-License-Identifier: GPL-2.0-only
# The VM harness of the e2e tests and the benchmarks: boot a guest with
# zhost-run, run a program in it, talk to zhostd, wait for the guest, finish.
# A VM started here is gone when the script ends, however it ends; its
# console is kept for tests/run, which checks it for kernel problems
# (tests/lib/console.sh), and its tail is printed when a test failed.
# Source it (it sources tap.sh).
#
# Boot and run
#   vm_require_guest              exit 4 (skip) when the guest is not built
#   vm_run NAME PROG [OPT...]     foreground: boot, run PROG, power off;
#                                 returns zhost-run's status
#   vm_run_tap NAME PROG WHAT [OPT...]
#                                 vm_run, then two results: PROG's TAP all
#                                 passed ("PROG: WHAT"), QEMU exited 0
#   vm_start NAME PROG [OPT...]   in the background (PROG may be ""), with
#                                 the host channel below
#   vm_track NAME                 a VM started otherwise, cleaned up here
#   vm_stop NAME                  ACPI power-off (zhost-run --stop)
# Wait (for an event, never for time: SECONDS only bounds a wait that
# should never take that long)
#   vm_wait NAME REGEX SECONDS    until a console line matches (grep -E);
#                                 fails at once if the guest program ended
#                                 without it
#   vm_wait_count NAME REGEX N SECONDS
#                                 until N console lines match
#   vm_wait_file FILE REGEX SECONDS
#   vm_until SECONDS COMMAND...   until COMMAND succeeds
# Talk
#   vm_bctl NAME ARGS...          balloon-ctl -n NAME
#   vm_tell NAME WORD             send WORD to the guest program
#   vm_finish NAME [SECONDS]      tell it "done", wait for its exit marker
#   vm_resize_checked NAME SIZE   set SIZE --wait, then check
#   vm_concurrent_pings NAME CALLERS CALLS
# Read
#   vm_console NAME               path of the console log
#   vm_console_value NAME SED     first match of a sed -n expression
#   vm_guest_tap_ok NAME          the guest program's TAP: plan met, all ok
#   vm_guest_exit NAME PROG       exit status the guest printed for PROG
#   vm_guest_release NAME         kernel release of the ready marker
#
# The host channel. The guest programs that run while the host acts
# (guest workloads) must learn when the host is done. The host tells them
# explicitly: vm_start adds a virtio-serial port named org.zonehost.test
# whose host end is a socket of this harness; vm_tell writes one line to it
# and the guest reads it (zh_host_wait in tests/lib/guest/zone_host_lib.sh,
# host_channel_wait in tests/lib/guest/host_channel.h). The guest opens
# its end before it prints its ready marker, so a line the host sends after
# the marker is never lost. The other way, the guest prints markers on its
# console ("<prog>: ready ...", "zonehost-guest: exit <prog> <status>") and
# the host waits for them with vm_wait.

VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$VM_LIB/tap.sh"
. "$VM_LIB/console.sh"

VM_ROOT=${ZH_ROOT:-$(cd "$VM_LIB/../.." && pwd)}
VM_BUILD=${ZH_BUILD:-$VM_ROOT/build}
# ZH_BIN tests other programs than the build's: those a package installed
# (tests/e2e/test-deb.sh). The guest is the build's either way.
VM_BIN=${ZH_BIN:-$VM_BUILD/bin}
export ZHOST_GUEST_DIR=${ZHOST_GUEST_DIR:-$VM_BUILD/guest}
ZHOST_RUN=$VM_BIN/zhost-run
BCTL=$VM_BIN/balloon-ctl
# Run on its own, a script gets a runtime directory of its own too.
VM_OWN_RUNTIME_DIR=
if [ -z "${ZHOST_RUNTIME_DIR:-}" ]; then
	VM_OWN_RUNTIME_DIR=$(mktemp -d)
	export ZHOST_RUNTIME_DIR=$VM_OWN_RUNTIME_DIR
fi
VM_TMP=$(mktemp -d)
VM_NAMES=()
declare -A VM_LOGS=()
mib=$((1 << 20))
# ZH_BACKING runs every VM that has zhostd with zhostd --backing (shm, thp,
# hugetlb[=PATH]): vm_zhostd_opts ZHOST-RUN-ARGS... sets VM_ZO to the
# zhost-run options that say so.
VM_ZO=()
vm_zhostd_opts() {
	VM_ZO=()
	if [ -n "${ZH_BACKING:-}" ] && [[ " $* " != *" --no-zhostd "* ]]; then
		VM_ZO=(-Z "--backing=$ZH_BACKING")
	fi
}
# ZH_HUGETLB_POOL=N: N free 2 MiB huge pages more for this script's VMs,
# given back at its end (vm_cleanup); see vm_hugetlb_pool.
VM_HUGETLB_RESTORE=
VM_HUGETLB_HOG=
HUGETLB_NR=/proc/sys/vm/nr_hugepages
HUGETLB_FREE=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
# How often a wait looks: 0.2 s, a benchmark timing markers may ask less.
VM_POLL=${VM_POLL:-0.2}

# The test's own exceptions to the console check: a "# console-ignore:
# REGEX" line near its top (tests/run reads the same line).
VM_CONSOLE_IGNORE=$(sed -n 's/^# console-ignore: *//p' "$0" 2>/dev/null | head -n 1)

vm_cleanup() {
	local st=$? name pidf pid log problems
	# A second signal (timeout sends one to the script, then one to its
	# process group) must not cut the cleanup short.
	trap '' TERM INT HUP
	for name in "${VM_NAMES[@]}"; do
		pidf=$ZHOST_RUNTIME_DIR/$name/qemu.pid
		pid=$(cat "$pidf" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		log=$(vm_console "$name")
		if [ -f "$log" ]; then
			if [ "$_tap_failed" -ne 0 ]; then
				tap_diag "console of $name:"
				tr -d '\r' <"$log" | tail -n 60 | sed 's/^/#   /'
			fi
			if [ -n "${ZH_TEST_CONSOLES:-}" ]; then
				# tests/run checks it, and keeps zhostd's log beside it.
				mkdir -p "$ZH_TEST_CONSOLES"
				tr -d '\r' <"$log" >"$ZH_TEST_CONSOLES/$name.log"
				cp "$ZHOST_RUNTIME_DIR/$name/zhostd.log" \
					"$ZH_TEST_CONSOLES/$name.zhostd" 2>/dev/null || true
			else
				problems=$(console_problems "$log" "$VM_CONSOLE_IGNORE")
				if [ -n "$problems" ]; then
					tap_diag "kernel problem on the console of $name:"
					printf '%s\n' "$problems" | sed 's/^/#   /'
					st=1
				fi
			fi
		fi
		rm -rf "${ZHOST_RUNTIME_DIR:?}/$name"
	done
	if [ -n "$VM_HUGETLB_HOG" ]; then
		rm -f "$VM_HUGETLB_HOG/hog"
		umount "$VM_HUGETLB_HOG" 2>/dev/null || true
	fi
	# QEMU is gone: its huge pages are free again.
	[ -z "$VM_HUGETLB_RESTORE" ] || echo "$VM_HUGETLB_RESTORE" >"$HUGETLB_NR" 2>/dev/null || true
	rm -rf "$VM_TMP" ${VM_OWN_RUNTIME_DIR:+"$VM_OWN_RUNTIME_DIR"}
	exit $st
}
trap vm_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# vm_hugetlb_pool N: make N more 2 MiB huge pages free for this script
# (QEMU's mapping of a hugetlb BAR2 reserves one for each of its pages),
# given back by vm_cleanup; fails with the reason in VM_HUGETLB_WHY when
# the host refuses. Not in a subshell: it remembers what to give back.
vm_hugetlb_pool() {
	local want=$1 old free
	VM_HUGETLB_WHY=
	old=$(cat "$HUGETLB_NR" 2>/dev/null) || { VM_HUGETLB_WHY="no $HUGETLB_NR"; return 1; }
	[ -n "$VM_HUGETLB_RESTORE" ] || VM_HUGETLB_RESTORE=$old
	if ! echo $((old + want)) 2>/dev/null >"$HUGETLB_NR"; then
		VM_HUGETLB_WHY="cannot write $HUGETLB_NR (root needed)"
		return 1
	fi
	free=$(cat "$HUGETLB_FREE" 2>/dev/null || echo 0)
	[ "$free" -ge "$want" ] && return 0
	VM_HUGETLB_WHY="the host gave $free free 2 MiB huge pages of $want asked"
	return 1
}

# vm_hugetlb_take: take every 2 MiB huge page nobody holds or reserved,
# in a file of a hugetlbfs of our own (freed by vm_cleanup); sets
# VM_HUGETLB_TOOK to how many. Not in a subshell: it remembers the mount.
vm_hugetlb_take() {
	VM_HUGETLB_TOOK=$(awk '/^HugePages_Free/ { f = $2 } /^HugePages_Rsvd/ { r = $2 }
		END { print f - r }' /proc/meminfo)
	VM_HUGETLB_HOG=$VM_TMP/hugetlbfs
	mkdir -p "$VM_HUGETLB_HOG" &&
		mount -t hugetlbfs -o pagesize=2M none "$VM_HUGETLB_HOG" || return 1
	[ "$VM_HUGETLB_TOOK" -le 0 ] ||
		fallocate -l $((VM_HUGETLB_TOOK * 2))M "$VM_HUGETLB_HOG/hog"
}

# vm_hugetlb_give: give back what vm_hugetlb_take took.
vm_hugetlb_give() {
	[ -z "$VM_HUGETLB_HOG" ] || rm -f "$VM_HUGETLB_HOG/hog"
}

vm_require_guest() {
	local f
	for f in "$VM_BUILD/guest/bzImage" "$VM_BUILD/guest/initramfs.cpio.gz" "$ZHOST_RUN"; do
		if [ ! -e "$f" ]; then
			echo "1..0 # SKIP $f missing: run 'make guest' and 'make'"
			exit 4
		fi
	done
	if [ -n "${ZH_HUGETLB_POOL:-}" ] && ! vm_hugetlb_pool "$ZH_HUGETLB_POOL"; then
		echo "1..0 # SKIP no hugetlb pool of $ZH_HUGETLB_POOL pages: $VM_HUGETLB_WHY"
		exit 4
	fi
}

vm_track() {
	VM_NAMES+=("$1")
}

vm_console() {
	echo "${VM_LOGS[$1]:-$ZHOST_RUNTIME_DIR/$1/console.log}"
}

vm_run() {
	local name=$1 prog=$2 st=0
	shift 2
	vm_track "$name"
	VM_LOGS[$name]=$VM_TMP/$name.console.log
	vm_zhostd_opts "$@"
	"$ZHOST_RUN" -n "$name" --test "$prog" "${VM_ZO[@]}" "$@" 2>&1 |
		tr -d '\r' >"${VM_LOGS[$name]}" || st=$?
	return $st
}

vm_run_tap() {
	local name=$1 prog=$2 what=$3 st=0
	shift 3
	vm_run "$name" "$prog" "$@" || st=$?
	tap_check "$prog: $what" vm_guest_tap_ok "$name"
	tap_check "guest powered off and QEMU exited cleanly (status $st)" [ "$st" -eq 0 ]
}

# The guest end of the host channel is a virtio-serial port; its host end
# a socket QEMU listens on.
vm_channel() { echo "$VM_TMP/$1.chan"; }

vm_start() {
	local name=$1 prog=$2 args=() qemu=("--")
	shift 2
	vm_track "$name"
	[ -z "$prog" ] || args+=(--test "$prog")
	# Options after zhost-run's "--" go to QEMU; ours join them.
	[[ " $* " == *" -- "* ]] && qemu=()
	qemu+=(-device virtio-serial-pci,id=zhtest
		-chardev "socket,path=$(vm_channel "$name"),server=on,wait=off,id=zhtestchan"
		-device virtserialport,bus=zhtest.0,chardev=zhtestchan,name=org.zonehost.test)
	vm_zhostd_opts "$@"
	"$ZHOST_RUN" -n "$name" --detach "${args[@]}" "${VM_ZO[@]}" "$@" "${qemu[@]}" \
		>/dev/null 2>"$VM_TMP/$name.start" || {
		local st=$?
		sed 's/^/#   /' "$VM_TMP/$name.start"
		return $st
	}
}

vm_stop() {
	"$ZHOST_RUN" -n "$1" --stop "${@:2}" >/dev/null 2>&1
}

vm_wait_file() {
	local end=$((SECONDS + $3))
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep "$VM_POLL"
	done
}

vm_wait() {
	vm_wait_count "$1" "$2" 1 "$3"
}

# _vm_count LOG REGEX N: LOG has N lines matching
_vm_count() { [ "$(tr -d '\r' <"$1" 2>/dev/null | grep -cE "$2")" -ge "$3" ]; }

vm_wait_count() {
	local log end=$((SECONDS + $4))
	log=$(vm_console "$1")
	while ! _vm_count "$log" "$2" "$3"; do
		# The program ended without printing it: no use waiting.
		if grep -q '^zonehost-guest: exit ' "$log" 2>/dev/null; then
			_vm_count "$log" "$2" "$3"
			return
		fi
		[ $SECONDS -lt $end ] || return 1
		sleep "$VM_POLL"
	done
}

vm_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.5
	done
}

vm_bctl() {
	"$BCTL" -n "$@"
}

vm_tell() {
	printf '%s\n' "$2" | socat -u - "UNIX-CONNECT:$(vm_channel "$1")"
}

vm_finish() {
	vm_tell "$1" done || return
	vm_wait "$1" '^zonehost-guest: exit ' "${2:-120}"
}

vm_console_value() {
	tr -d '\r' <"$(vm_console "$1")" | sed -n "$2" | head -n 1
}

vm_guest_release() { vm_console_value "$1" 's/^zonehost-guest: ready \(.*\)$/\1/p'; }

vm_guest_exit() { vm_console_value "$1" "s/^zonehost-guest: exit $2 \\([0-9]*\\)$/\\1/p"; }

# The guest's TAP results go out as diagnostics; the plan must be met with
# every result ok (or skipped), and there must be at least one.
vm_guest_tap_ok() {
	local log=$VM_TMP/guest-tap.log plan ok notok
	tr -d '\r' <"$(vm_console "$1")" >"$log"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n 1)
	ok=$(grep -cE '^ok [0-9]+' "$log")
	notok=$(grep -cE '^not ok [0-9]+' "$log")
	grep -E '^(not )?ok [0-9]+|^# ' "$log" | sed 's/^/#   guest: /'
	[ -n "$plan" ] && [ "$notok" -eq 0 ] && [ "$ok" -gt 0 ] && [ "$ok" -eq "$plan" ]
}

# CALLERS host processes make CALLS reverse pings each at once. Prints how
# many callers saw a failure; their first errors go out as diagnostics.
vm_concurrent_pings() {
	local name=$1 callers=$2 calls=$3 errs=$VM_TMP/ping-errors i j pid fails=0
	local pids=()
	rm -f "$errs"
	for ((i = 0; i < callers; i++)); do
		(
			for ((j = 0; j < calls; j++)); do
				vm_bctl "$name" guest ping >/dev/null 2>>"$errs" || exit 1
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

# balloon-ctl set SIZE --wait, then check (zhostd, guest and memfd
# agree); their output goes out as diagnostics if either failed.
vm_resize_checked() {
	local out=$VM_TMP/resize.out st cst
	vm_bctl "$1" set "$2" --wait --timeout 180 >"$out" 2>&1
	st=$?
	vm_bctl "$1" check >>"$out" 2>&1
	cst=$?
	[ $st -eq 0 ] && [ $cst -eq 0 ] && return 0
	sed 's/^/#   /' "$out"
	return 1
}
