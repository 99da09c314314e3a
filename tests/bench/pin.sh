#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Access latency of a guest's 32 MiB working set under host memory
# pressure, and the host memory each way of protecting it locks.
#
# One guest program (tests/bench/guest/zone_host_pin_latency.c) writes a
# 32 MiB working set and a 384 MiB hog region in ZONE_HOST; each pass it
# writes the hog region once, then reads the working set page by page and
# times each read itself. The guest (-c 1 -m 256M -H 512M) runs:
#
#   reference   no host limit: no pressure; the working set mlocked
#   (a) pinned  in a host memory cgroup of 256 MiB with swap on the host;
#               mlocked, so zonehost pins its subblocks on the host
#   (b) plain   the same cgroup; not mlocked
#   (c) QEMU    the same cgroup, not mlocked, QEMU -overcommit mem-lock=on
#               (passed after zhost-run's --); if QEMU cannot run so, the
#               report says why, and (c) runs again without a limit to
#               show what it locks
#
# The report gives p50, p99, p99.9 and the maximum of all reads, the
# ratios of p50 and p99 against the reference of the same run, the host
# memory QEMU and zhostd lock (VmLck) while the guest holds its working
# set, the swap in use then and how much of it is QEMU's private memory
# (the guest's RAM and QEMU's own, which zonehost does not pin). Writes a
# Markdown report to $1.
#
#   ZH_BENCH_PASSES (default 6)   passes per configuration
set -uo pipefail
VM_POLL=0.5
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
out=$1
passes=${ZH_BENCH_PASSES:-6}
hog_mib=384
limit=256M
vm_require_guest
pressure_require
pressure_setup "$limit" 2048 || exit 1

# The VM's status line value KEY of /proc/PID/status, in KiB.
kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# wait_result NAME PID SECONDS: until the guest printed its result, QEMU
# PID died or SECONDS passed.
wait_result() {
	local end=$((SECONDS + $3))
	while ! grep -qE '^zone-host-pin-lat: (result|error)' "$(vm_console "$1")" 2>/dev/null; do
		kill -0 "$2" 2>/dev/null || return 1
		[ $SECONDS -lt $end ] || return 1
		sleep "$VM_POLL"
	done
	grep -q '^zone-host-pin-lat: result' "$(vm_console "$1")"
}

# us NANOSECONDS: in µs with one decimal
us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

declare -A P50 P99 P999 MAX PASS99 QLCK ZLCK QSWAP SWAP NOTE ZH PIN
# run KEY WHERE MODE [QEMU-ARGS...]: one configuration; WHERE is
# "pressure" (in the cgroup) or "free"
run() {
	local key=$1 where=$2 mode=$3 name=bench-pin-$1 qpid zpid line dmesg0
	local args=(-c 1 -m 256M -H 512M --append "quiet zonehost.pin_lat=$mode,$passes,$hog_mib")
	shift 3
	[ $# -gt 0 ] && args+=(-- "$@")
	echo "== $key: $where, $mode${*:+, QEMU $*}" >&2
	dmesg0=$(($(dmesg 2>/dev/null | wc -l) + 1))
	# vm_start prints zhost-run's errors on stdout.
	if [ "$where" = pressure ]; then
		pressure_vm_start "$name" zone_host_pin_latency "${args[@]}" >"$VM_TMP/$key.out" 2>"$VM_TMP/$key.err"
	else
		vm_start "$name" zone_host_pin_latency "${args[@]}" >"$VM_TMP/$key.out" 2>"$VM_TMP/$key.err"
	fi
	qpid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
	zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)
	if [ -z "$qpid" ] || ! wait_result "$name" "$qpid" 1500; then
		# QEMU says nothing when the cgroup's OOM killer took it.
		NOTE[$key]="no result: $( { grep -h -v '^#   zhost-run: error: QEMU failed' \
			"$VM_TMP/$key.out" "$VM_TMP/$key.err" 2>/dev/null | sed 's/^#   //'
			dmesg 2>/dev/null | tail -n +"$dmesg0" |
			grep -oE 'Memory cgroup out of memory: Killed process [0-9]+ \(qemu[^)]*\)[^,]*, anon-rss:[0-9]+kB'; } |
			tail -n 1)"
		tr -d '\r' 2>/dev/null <"$(vm_console "$name")" | tail -n 5 >&2
		vm_stop "$name" --stop-timeout 20 || true
		return 1
	fi
	QLCK[$key]=$(kib "$qpid" VmLck)
	ZLCK[$key]=$(kib "$zpid" VmLck)
	# QEMU's own memory and the guest's RAM, which zonehost does not pin.
	QSWAP[$key]=$(kib "$qpid" VmSwap)
	SWAP[$key]=$(($(pressure_swap_used) / mib))
	line=$(vm_console_value "$name" 's/^zone-host-pin-lat: result //p')
	tr -d '\r' <"$(vm_console "$name")" | grep '^zone-host-pin-lat: ' >&2
	# "mode M p50_ns A p99_ns B p999_ns C max_ns D samples N zone_host_pct P pinned_mib M"
	read -r _ _ _ P50[$key] _ P99[$key] _ P999[$key] _ MAX[$key] _ _ _ ZH[$key] _ PIN[$key] <<<"$line"
	# The median of the passes' own p99: one slow pass (the first, while
	# QEMU translates the program's code) weighs less than in the total.
	PASS99[$key]=$(tr -d '\r' <"$(vm_console "$name")" |
		sed -n 's/^zone-host-pin-lat: pass [0-9]* p50_ns [0-9]* p99_ns \([0-9]*\) .*/\1/p' |
		sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }')
	vm_finish "$name" 120 >/dev/null || true
	vm_stop "$name" --stop-timeout 30 || true
}

run ref free mlock
run a pressure mlock
run b pressure plain
c_ok=1
run c pressure plain -overcommit mem-lock=on || c_ok=0
[ $c_ok -eq 1 ] || run c-free free plain -overcommit mem-lock=on

row() {
	local key=$1 what=$2
	if [ -z "${P50[$key]:-}" ]; then
		echo "| $what | - | - | - | - | - | - | - | - | - | - | - | - | ${NOTE[$key]:-} |"
		return
	fi
	echo "| $what | $(us "${P50[$key]}") | $(us "${P99[$key]}") | $(us "${P999[$key]}") | $(us "${MAX[$key]}") | $(us "${PASS99[$key]}") | $(ratio "${P50[$key]}" "${P50[ref]:-0}") | $(ratio "${P99[$key]}" "${P99[ref]:-0}") | $(ratio "${PASS99[$key]}" "${PASS99[ref]:-0}") | $((${QLCK[$key]:-0} / 1024)) | $((${ZLCK[$key]:-0} / 1024)) | ${SWAP[$key]} | $((${QSWAP[$key]:-0} / 1024)) | ${ZH[$key]}% in ZONE_HOST, ${PIN[$key]} MiB pinned by the guest. ${NOTE[$key]:-} |"
}
{
	echo "A 32 MiB working set read page by page, $passes passes, each after the guest wrote a $hog_mib MiB hog region;"
	echo "guest -c 1 -m 256M -H 512M under TCG. Pressure: QEMU and zhostd in a memory cgroup of $limit, swap on the host."
	echo "Latency of one page read as the guest timed it (clock_gettime), over all passes, and the median of each pass's own p99;"
	echo "ratios against the reference of this run."
	echo
	echo "| configuration | p50 µs | p99 µs | p99.9 µs | max µs | median pass p99 µs | p50 ratio | p99 ratio | pass p99 ratio | QEMU VmLck MiB | zhostd VmLck MiB | swap used MiB | of it QEMU's private memory (VmSwap) MiB | notes |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	row ref "reference: no pressure, mlocked"
	row a "(a) pressure, mlocked, zonehost pins"
	row b "(b) pressure, not mlocked"
	row c "(c) pressure, QEMU -overcommit mem-lock=on"
	[ $c_ok -eq 1 ] || row c-free "(c) without a limit, QEMU -overcommit mem-lock=on"
} >"$out"
cat "$out"
[ -n "${P50[ref]:-}" ] && [ -n "${P50[a]:-}" ] && [ -n "${P50[b]:-}" ]
