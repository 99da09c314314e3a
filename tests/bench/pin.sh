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
# (the guest's RAM and QEMU's own, which zonehost does not pin). Where
# perf can watch QEMU (tests/lib/qemu-faults.sh), the guest waits for the
# host around each pass's reads, perf records QEMU's page faults during
# the reads only, and a second table relates the slow reads to the faults
# of QEMU's vCPU thread, by the mapping they hit, and to its scheduling and
# interrupts; a third gives host counters for the same windows. Writes a
# Markdown report to $1.
#
#   ZH_BENCH_PASSES (default 6)   passes per configuration
#   ZH_BENCH_FAULTS (default 1)   0: do not record faults
#   ZH_BENCH_PIN_CONFIGS (default "ref a b c")  the configurations to run
#   ZH_BENCH_KEEP=DIR             keep each configuration's perf.data and
#                                 QEMU's maps in DIR/KEY/ (perf script -i)
set -uo pipefail
VM_POLL=0.5
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
. "$(dirname "$0")/../lib/qemu-faults.sh"
out=$1
passes=${ZH_BENCH_PASSES:-6}
hog_mib=384
limit=256M
ram_mib=256
recorded=0
gate=
if [ "${ZH_BENCH_FAULTS:-1}" != 0 ]; then
	if why=$(majfaults_why_not); then
		gate=,gate
	else
		echo "# no fault tables: $why" >&2
	fi
fi
vm_require_guest
pressure_require
pressure_setup "$limit" 2048 || exit 1

# The VM's status line value KEY of /proc/PID/status, in KiB.
kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# wait_line NAME PID REGEX SECONDS: until the guest printed a line
# matching REGEX (grep -E, after the program's tag) or an error, QEMU PID
# died or SECONDS passed; fails unless it was REGEX.
# The console has the guest's CRLFs, and the lone CRs it marks its reads
# with: a regex ending in CR$ waits for the whole line.
wait_line() {
	local log end=$((SECONDS + $4)) re="^"$'\r'"*zone-host-pin-lat: ($3)"
	log=$(vm_console "$1")
	while ! grep -qE "$re|^zone-host-pin-lat: error" "$log" 2>/dev/null; do
		kill -0 "$2" 2>/dev/null || return 1
		[ $SECONDS -lt $end ] || return 1
		sleep "$VM_POLL"
	done
	grep -qE "$re" "$log"
}

# gated_passes NAME PID KEY: record QEMU's faults during each pass's
# reads (the guest waits for "go" before and after them); the faults by
# kind of mapping go to FAULTS[KEY]. Always lets the guest go on.
gated_passes() {
	local name=$1 qpid=$2 key=$3 dir=$VM_TMP/$3.faults tids p rec=1 c0 c1 sums=
	local confd lens= tag="zone-host-pin-lat: " ram
	mkdir -p "$dir"
	tids=$(majfaults_vcpus "$name")
	ram=$(majfaults_ram "$name" "$ram_mib")
	[ -n "$tids" ] && [ -n "$ram" ] && faults_start "$qpid" "$dir" || rec=0
	# The console's file in QEMU, and the length of each line the guest
	# prints there while perf records (with its CRLF).
	confd=$(for f in /proc/"$qpid"/fd/*; do
		[ "$(readlink "$f")" = "$(vm_console "$name")" ] && basename "$f"
	done | head -n 1)
	for ((p = 1; p <= passes; p++)); do
		lens+=" $((${#tag} + 8 + ${#p})) $((${#tag} + 7 + ${#p}))"
	done
	for ((p = 1; p <= passes; p++)); do
		wait_line "$name" "$qpid" "reading $p"$'\r'"\$|pass $p " 1500 || { rec=0; break; }
		# A guest program older than the gate goes on by itself.
		if ! grep -qa "reading $p"$'\r''$' "$(vm_console "$name")"; then
			echo "# the guest's zone_host_pin_latency does not wait for the host: make guest-initramfs" >&2
			rec=0
			break
		fi
		[ $rec -eq 0 ] || majfaults_on || rec=0
		c0=$(faults_counters "$qpid" "${tids%% *}")
		vm_tell "$name" go
		VM_POLL=0.02 wait_line "$name" "$qpid" "read $p"$'\r''$' 1500 || { rec=0; break; }
		c1=$(faults_counters "$qpid" "${tids%% *}")
		[ $rec -eq 0 ] || majfaults_off || rec=0
		vm_tell "$name" go
		# The sums of the differences, over the passes.
		sums=$(awk -v a="$c0" -v b="$c1" -v s="$sums" 'BEGIN {
			n = split(a, x); split(b, y); split(s, z)
			for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? " " : ""), z[i] + y[i] - x[i]
		}')
	done
	COUNTERS[$key]=$sums
	# Only the mappings QEMU has while the guest still holds its memory.
	[ $rec -eq 0 ] || cp "/proc/$qpid/maps" "$dir/maps" || rec=0
	majfaults_stop
	[ -n "$confd" ] || rec=0
	if [ $rec -eq 1 ]; then
		FAULTS[$key]=$(faults_classify "$dir" "$dir/maps" "$tids" "$ram" "$confd" "$lens")
		recorded=1
	fi
	if [ -n "${ZH_BENCH_KEEP:-}" ]; then
		mkdir -p "$ZH_BENCH_KEEP/$key" &&
			cp "$dir"/perf.data "$dir"/maps "$ZH_BENCH_KEEP/$key/" 2>/dev/null
		echo "tids $tids console-fd $confd" >"$ZH_BENCH_KEEP/$key/about"
	fi
	VCPUS[$key]=$tids
}

# us NANOSECONDS: in µs with one decimal
us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# slow_list NAME KEY: the times of the reads slower than 5 µs, which the
# guest lists, to $VM_TMP/KEY.slow; CAPPED[KEY] the passes that had more
# than the guest lists.
slow_list() {
	tr -d '\r' <"$(vm_console "$1")" |
		awk '$2 == "slow" { for (i = 4; i <= NF; i++) { split($i, f, ":"); print f[2] } }
		     $2 == "slow-end" && $5 >= 4096 { capped++ }
		     END { print capped + 0 >"/dev/stderr" }' 2>"$VM_TMP/$2.capped" >"$VM_TMP/$2.slow"
	CAPPED[$2]=$(cat "$VM_TMP/$2.capped")
}

declare -A CAPPED P50 P99 P999 MAX PASS99 QLCK ZLCK QSWAP SWAP NOTE ZH PIN FAULTS VCPUS SLOW COUNTERS
# run KEY WHERE MODE [QEMU-ARGS...]: one configuration; WHERE is
# "pressure" (in the cgroup) or "free"
run() {
	local key=$1 where=$2 mode=$3 name=bench-pin-$1 qpid zpid line dmesg0
	local args=(-c 1 -m "${ram_mib}M" -H 512M --append "quiet zonehost.pin_lat=$mode,$passes,$hog_mib$gate")
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
	[ -z "$qpid" ] || [ -z "$gate" ] || gated_passes "$name" "$qpid" "$key"
	if [ -z "$qpid" ] || ! wait_line "$name" "$qpid" result 1500; then
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
	# Reads slower than 2, 10 and 100 µs, over all passes.
	SLOW[$key]=$(tr -d '\r' <"$(vm_console "$name")" |
		sed -n 's/^zone-host-pin-lat: pass .* over_2us \([0-9]*\) over_10us \([0-9]*\) over_100us \([0-9]*\) reads_ns \([0-9]*\)$/\1 \2 \3 \4/p' |
		awk '{ a += $1; b += $2; c += $3; d += $4 } END { print a + 0, b + 0, c + 0, d + 0 }')
	[ -z "$gate" ] || slow_list "$name" "$key"
	vm_finish "$name" 120 >/dev/null || true
	vm_stop "$name" --stop-timeout 30 || true
}

configs=" ${ZH_BENCH_PIN_CONFIGS:-ref a b c} "
want() { [[ $configs == *" $1 "* ]]; }
! want ref || run ref free mlock
! want a || run a pressure mlock
! want b || run b pressure plain
c_ok=1
if want c; then
	run c pressure plain -overcommit mem-lock=on || c_ok=0
	[ $c_ok -eq 1 ] || run c-free free plain -overcommit mem-lock=on
fi

row() {
	local key=$1 what=$2
	if [ -z "${P50[$key]:-}" ]; then
		echo "| $what | - | - | - | - | - | - | - | - | - | - | - | - | ${NOTE[$key]:-} |"
		return
	fi
	echo "| $what | $(us "${P50[$key]}") | $(us "${P99[$key]}") | $(us "${P999[$key]}") | $(us "${MAX[$key]}") | $(us "${PASS99[$key]}") | $(ratio "${P50[$key]}" "${P50[ref]:-0}") | $(ratio "${P99[$key]}" "${P99[ref]:-0}") | $(ratio "${PASS99[$key]}" "${PASS99[ref]:-0}") | $((${QLCK[$key]:-0} / 1024)) | $((${ZLCK[$key]:-0} / 1024)) | ${SWAP[$key]} | $((${QSWAP[$key]:-0} / 1024)) | ${ZH[$key]}% in ZONE_HOST, ${PIN[$key]} MiB pinned by the guest. ${NOTE[$key]:-} |"
}
# fcount KEY KIND THREADS: "major / minor" faults of that kind
fcount() {
	awk -v k="$2" -v w="$3" '$1 == k && $2 == w { a += $3; b += $4 }
		END { printf "%d / %d", a, b }' <<<"${FAULTS[$1]}"
}
fault_row() {
	local key=$1 what=$2 k cells= other err ph sw s2 s10 s100 irqs p99
	[ -n "${FAULTS[$key]+x}" ] || return 0
	err=$(sed -n 's/^error //p' <<<"${FAULTS[$key]}")
	if [ -n "$err" ]; then
		echo "| $what | no phases: $err |||||||||||||"
		return
	fi
	for k in ram tcg-code anon file bar2 unmapped; do
		cells+=" $(fcount "$key" "$k" vcpu) |"
	done
	other=$(awk '$2 == "other" { a += $3; b += $4 } END { printf "%d / %d", a, b }' <<<"${FAULTS[$key]}")
	ph=$(awk '$1 == "phases" { printf "%.1f", $3 / 1e6 }' <<<"${FAULTS[$key]}")
	sw=$(awk '$1 == "switches" { printf "%d / %d / %d", $2, $3, $4 }' <<<"${FAULTS[$key]}")
	irqs=$(awk '$1 == "irq" { n += $3 } END { print n + 0 }' <<<"${FAULTS[$key]}")
	p99=-
	[ "${CAPPED[$key]:-1}" -ne 0 ] || p99=$(p99_of $((passes * 8192)) <"$VM_TMP/$key.slow")
	read -r s2 s10 s100 _ <<<"${SLOW[$key]:-0 0 0 0}"
	echo "| $what | $((passes * 8192)) | $ph | $s2 | $s10 | $s100 |$cells $other | $sw | $irqs | $p99 | $(p99_bound "$key") |"
}
# p99_of N: the guest's p99 (element N * 990 / 1000 of N sorted times)
# of N reads of which stdin lists the slowest (those over 5 µs), in µs;
# "< 5" when it is none of them.
p99_of() {
	local n=$1 idx
	idx=$((n - n * 990 / 1000))
	sort -rn | sed -n "${idx}p" | awk '{ v = $1 } END { if (v == "") print "< 5"; else printf "%.1f", v / 1000 }'
}
# p99_bound KEY: the p99 of the reads left when as many of the slowest
# as the vCPU thread had faults on QEMU's own memory (not the shared
# memfd) are taken out: a lower bound of the p99 of the reads those
# faults did not slow, as no fault slows more than the read it is in.
p99_bound() {
	local key=$1 k total=$((passes * 8192))
	[ "${CAPPED[$key]:-1}" -eq 0 ] || { echo "-"; return; }
	k=$(awk '$2 == "vcpu" && $1 != "bar2" { n += $3 + $4 } END { print n + 0 }' <<<"${FAULTS[$key]}")
	sort -rn "$VM_TMP/$key.slow" | tail -n +$((k + 1)) | p99_of $((total - k))
}
# event_row KEY WHAT: what else happened on the host in the same windows
event_row() {
	local key=$1 what=$2 ns run wait vcsw nvcsw tlb cal pin pout rus
	[ -n "${COUNTERS[$key]:-}" ] || return 0
	read -r ns run wait vcsw nvcsw tlb cal pin pout <<<"${COUNTERS[$key]}"
	read -r _ _ _ rus <<<"${SLOW[$key]:-0 0 0 0}"
	echo "| $what | $((ns / 1000000)) | $((rus / 1000000)) | $((run / 1000000)) | $((wait / 1000000)) | $vcsw | $nvcsw | $tlb | $cal | $pin | $pout |"
}
{
	echo "A 32 MiB working set read page by page, $passes passes, each after the guest wrote a $hog_mib MiB hog region;"
	echo "guest -c 1 -m 256M -H 512M under TCG. Pressure: QEMU and zhostd in a memory cgroup of $limit, swap on the host."
	echo "Latency of one page read as the guest timed it (clock_gettime), over all passes, and the median of each pass's own p99;"
	echo "ratios against the reference of this run."
	echo
	echo "| configuration | p50 µs | p99 µs | p99.9 µs | max µs | median pass p99 µs | p50 ratio | p99 ratio | pass p99 ratio | QEMU VmLck MiB | zhostd VmLck MiB | swap used MiB | of it QEMU's private memory (VmSwap) MiB | notes |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	! want ref || row ref "reference: no pressure, mlocked"
	! want a || row a "(a) pressure, mlocked, zonehost pins"
	! want b || row b "(b) pressure, not mlocked"
	! want c || row c "(c) pressure, QEMU -overcommit mem-lock=on"
	[ $c_ok -eq 1 ] || row c-free "(c) without a limit, QEMU -overcommit mem-lock=on"
	if [ $recorded -eq 1 ]; then
		echo
		echo "What happened on the host while the guest read (perf on QEMU, between the two CRs the guest writes to its"
		echo "console around each pass's reads, which QEMU writes to its console file from the vCPU thread): the reads"
		echo "the guest timed slower than 2, 10 and 100 µs; QEMU's page faults (every major-faults and minor-faults"
		echo "event), as major / minor, of the vCPU thread by the mapping they hit (ram: the guest's ordinary RAM;"
		echo "tcg-code: TCG's translation buffer; anon: QEMU's heap and other anonymous memory; file: its binary and"
		echo "libraries; bar2: the shared memfd of ZONE_HOST) and of all other threads; how often the vCPU thread left"
		echo "its CPU (sched_switch: preempted / asleep / waiting for I/O) and the interrupts it took. Each of these"
		echo "can slow at most the one read it falls in. Last, the p99 of all reads, and a lower bound of the p99 of"
		echo "the reads no fault on QEMU's own memory slowed: the p99 left when as many of the slowest reads as there"
		echo "were such faults are taken out (\"-\": a pass had more slow reads than the guest lists)."
		echo
		echo "| configuration | reads | reading ms | > 2 µs | > 10 µs | > 100 µs | ram | tcg-code | anon | file | bar2 | unmapped | other threads | vCPU off CPU | interrupts | p99 µs | p99 without QEMU-memory faults, at least, µs |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		fault_row ref "reference"
		fault_row a "(a) pinned"
		fault_row b "(b) not mlocked"
		fault_row c "(c) mem-lock=on"
		fault_row c-free "(c) without a limit"
		echo
		echo "The same windows on the host (each from the guest's \"reading\" to the host seeing \"read\", so a little"
		echo "longer than the reads): their length, the time the guest spent reading, the vCPU thread's time on a CPU and"
		echo "waiting for one (schedstat) and its voluntary and involuntary context switches, the host's TLB shootdown and"
		echo "function call interrupts on all CPUs, and the host's swap-ins and swap-outs (pages)."
		echo
		echo "| configuration | window ms | reading ms | vCPU on CPU ms | vCPU waiting ms | voluntary switches | involuntary switches | TLB shootdowns | call IPIs | swap-ins | swap-outs |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		event_row ref "reference"
		event_row a "(a) pinned"
		event_row b "(b) not mlocked"
		event_row c "(c) mem-lock=on"
		event_row c-free "(c) without a limit"
	fi
} >"$out"
cat "$out"
# Every configuration but (c), which may not run under the limit, gave a result.
for key in ref a b; do
	! want $key || [ -n "${P50[$key]:-}" ] || exit 1
done
