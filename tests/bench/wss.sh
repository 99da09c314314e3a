#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The working-set estimator: what it costs, how close it comes, and what a
# host sees of the same workload without it. Writes a Markdown report to $1.
#
# 1. Overhead. Two guests (1 vCPU, -m 384M -H 768M each) run stress-ng
#    --vm 1 --vm-bytes 512M --vm-method write64 for 15 s per round, at the
#    same time, one with the estimator on at its default settings and the
#    other with it off, swapping every round, so that the load of the
#    machine hits both alike and neither guest's own speed decides.
#    Compared: bogo-ops per host CPU second of each guest's QEMU (the
#    measure of tests/bench/zone-host.sh, which the host scheduler does not
#    change), on / off per round, median and geometric mean. The
#    estimator's own CPU time, measured in the guest around every scan, is
#    given as a share of the vCPU too.
# 2. Accuracy. A guest (2 vCPUs, -m 384M -H 1536M) runs zone_host_wss_hot:
#    baseline, then T MiB allocated and H MiB of it kept hot, for several
#    H:T pairs; window 2 s, default stride; estimate at the end of the 3rd
#    window after the allocation.
# 3. Without zonehost, in the same run and guest: the host clears the
#    accessed bits of QEMU's memory (/proc/PID/clear_refs) and 2 s later
#    counts the Referenced pages of the mapping of the data area (ZONE_HOST)
#    in /proc/PID/smaps, the same bits DAMON's vaddr operations sample; and
#    it reads virtio-balloon's guest statistics (total - free), polled every
#    second, from a virtio-balloon device added to the guest.
set -euo pipefail
. "$(dirname "$0")/../lib/vm.sh"
out=$1
rt=$ZHOST_RUNTIME_DIR
rounds=${ZH_BENCH_ROUNDS:-8}
secs=15
method=write64
bytes=512M
pairs=${ZH_BENCH_WSS_PAIRS:-64:512,256:512,32:1024,128:1024}

vm=""
ovms=(bench-wss-a bench-wss-b)

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ZH_BENCH_WSS_PARTS=accuracy (or overhead) runs one part only.
parts=${ZH_BENCH_WSS_PARTS:-overhead,accuracy}
part() { [[ ,$parts, == *,$1,* ]]; }

# --- 1. Overhead -----------------------------------------------------------
if part overhead; then
# watch VM: QEMU's CPU ticks over every run of VM, into RUNTIME/VM.ticks
watch() {
	local vm=$1 pid n t0
	pid=$(cat "$rt/$vm/qemu.pid")
	for ((n = 1; n <= rounds; n++)); do
		vm_wait_count "$vm" '^wss-overhead: start' "$n" 900 || return 1
		t0=$(cpu_ticks "$pid")
		vm_wait_count "$vm" '^wss-overhead: result' "$n" 900 || return 1
		echo "$n $(($(cpu_ticks "$pid") - t0))"
	done >"$rt/$vm.ticks"
}
# runs VM: "round mode ops scan_ns_during ticks" per run
runs() {
	local c
	c=$(vm_console "$1")
	paste -d' ' \
		<(tr -d '\r' <"$c" | sed -n 's/^wss-overhead: start round [0-9]* mode [a-z]* scan_ns \([0-9]*\)$/\1/p') \
		<(tr -d '\r' <"$c" | sed -n 's/^wss-overhead: result round \([0-9]*\) mode \([a-z]*\) ops \([0-9]*\) scan_ns \([0-9]*\) .*$/\1 \2 \3 \4/p') \
		<(cut -d' ' -f2 "$rt/$1.ticks") |
		awk '{ print $2, $3, $4, $5 - $1, $6 }'
}
first=(off on)
start_at=$((60 + secs))	# guest uptime of round 1: booted and warmed up
for i in 0 1; do
	vm=${ovms[$i]}
	vm_start "$vm" wss_overhead -c 1 -m 384M -H 768M \
		--append "quiet zonehost.bench=$secs,$bytes,$rounds,$method,${first[$i]},$start_at"
done
pids=()
for vm in "${ovms[@]}"; do
	watch "$vm" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || { for vm in "${ovms[@]}"; do tail -n 20 "$(vm_console "$vm")" >&2; done; exit 1; }
done
vm=${ovms[0]}
settings=$(tr -d '\r' <"$(vm_console "$vm")" | sed -n 's/^wss-overhead: window_ms \([0-9]*\) stride \([0-9]*\)$/window \1 ms, stride \2 pages/p')
declare -A rate share
for vm in "${ovms[@]}"; do
	while read -r r mode ops scan ticks; do
		rate[$vm.$r]=$(awk -v o="$ops" -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.2f", o * hz / t }')
		[ "$mode" = on ] && share[$r]=$(awk -v d="$scan" -v s="$secs" 'BEGIN { printf "%.3f", d / (s * 1e9) * 100 }')
	done < <(runs "$vm")
done
for vm in "${ovms[@]}"; do vm_stop "$vm" --stop-timeout 20 || true; done
vm=""
ratios=()
orows=""
for ((r = 1; r <= rounds; r++)); do
	# Round 1: a off, b on; then they swap every round.
	if ((r % 2)); then on=${ovms[1]} off=${ovms[0]}; else on=${ovms[0]} off=${ovms[1]}; fi
	ratio=$(awk -v a="${rate[$on.$r]}" -v b="${rate[$off.$r]}" 'BEGIN { printf "%.4f", a / b }')
	ratios+=("$ratio")
	orows+="| $r | ${on#bench-wss-} | ${rate[$off.$r]} | ${rate[$on.$r]} | $ratio | ${share[$r]}% |"$'\n'
done
omedian=$(printf '%s\n' "${ratios[@]}" | median)
ogeo=$(printf '%s\n' "${ratios[@]}" | awk '{ s += log($1) } END { printf "%.4f", exp(s / NR) }')
smedian=$(for ((r = 1; r <= rounds; r++)); do echo "${share[$r]}"; done | median)

fi

# --- 2 and 3. Accuracy, and what the host sees without zonehost ----------------
if part accuracy; then
vm=bench-wss-accuracy
vm_start "$vm" zone_host_wss_hot -c 2 -m 384M -H 1536M \
	--append "quiet zonehost.wss_pairs=$pairs" \
	-- -device virtio-balloon-pci,id=balloon0
pid=$(cat "$rt/$vm/qemu.pid")
qmp() {
	printf '{"execute":"qmp_capabilities"}\n%s\n' "$1" |
		socat -t 2 - "UNIX-CONNECT:$rt/$vm/qmp.sock" | tail -n 1
}
qmp '{"execute":"qom-set","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval","value":1}}' >/dev/null
# The mapping of BAR2 in QEMU: the one of zhostd's memfd.
area=$(awk '$6 ~ /^\/memfd:/ { print $1; exit }' "/proc/$pid/maps")
referenced() { # kB Referenced in the BAR2 mapping
	awk -v a="$area" '$1 == a { on = 1; next } on && /^Referenced:/ { print $2; exit }' "/proc/$pid/smaps"
}
balloon_used() { # bytes total - free the guest's balloon driver reported
	qmp '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats"}}' |
		jq -r '.return.stats | (.["stat-total-memory"] - .["stat-free-memory"])'
}
# measure DELAY: clear the accessed bits after DELAY s, count them 2 s later
measure() {
	sleep "$1"
	echo 1 >"/proc/$pid/clear_refs"
	sleep 2
	echo "$(referenced) $(balloon_used)"
}
npairs=$(echo "$pairs" | tr ',' '\n' | wc -l)
declare -A host_ref host_bal
for ((n = 1; n <= npairs; n++)); do
	vm_wait_count "$vm" '^wss-accuracy: phase baseline' "$n" 900 || { tail -n 20 "$(vm_console "$vm")" >&2; exit 1; }
	read -r rb bb <<<"$(measure 0.5)"
	vm_wait_count "$vm" '^wss-accuracy: phase hot' "$n" 900 || { tail -n 20 "$(vm_console "$vm")" >&2; exit 1; }
	read -r rh bh <<<"$(measure 2.2)"
	host_ref[$n]=$(((rh - rb) / 1024))
	host_bal[$n]=$(((bh - bb) / mib))
done
vm_wait_count "$vm" '^wss-accuracy: H=' "$npairs" 300 || true
mapfile -t acc < <(tr -d '\r' <"$(vm_console "$vm")" | grep '^wss-accuracy: H=')
# The guest's console stays next to the report, for a second look.
tr -d '\r' <"$(vm_console "$vm")" >"${out%.md}-accuracy-console.log"
vm_stop "$vm" --stop-timeout 20 || true
vm=""

val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
pct() { awk -v e="$1" -v h="$2" 'BEGIN { printf "%+.1f%%", (e - h) / h * 100 }'; }
arows=""
crows=""
for ((n = 1; n <= ${#acc[@]}; n++)); do
	l=${acc[$((n - 1))]}
	h=$(val "$l" H)
	t=$(val "$l" T)
	g=$(awk -v e="$(val "$l" guest_est)" -v b="$(val "$l" guest_base)" 'BEGIN { printf "%.1f", e - b }')
	z=$(awk -v e="$(val "$l" host_est)" -v b="$(val "$l" host_base)" 'BEGIN { printf "%.1f", e - b }')
	arows+="| $h | $t | $(val "$l" guest_base) | $(val "$l" guest_est) ± $(val "$l" guest_bound) | $g ($(pct "$g" "$h")) | $(val "$l" host_base) | $(val "$l" host_est) ± $(val "$l" host_bound) | $z ($(pct "$z" "$h")) |"$'\n'
	crows+="| $h | $t | $z ($(pct "$z" "$h")) | ${host_ref[$n]} ($(pct "${host_ref[$n]}" "$h")) | ${host_bal[$n]} ($(pct "${host_bal[$n]}" "$h")) |"$'\n'
done
stride=$(val "${acc[0]:-}" stride)
fi
{
	if part overhead; then
	echo "### Overhead"
	echo
	echo "stress-ng --vm 1 --vm-bytes $bytes --vm-method $method --vm-keep, $secs s per run. Two guests (a and b: 1 vCPU, -m 384M -H 768M each) run every round at the same time, one with the estimator at its defaults ($settings), the other with it off, swapping every round; $rounds rounds."
	echo "Bogo-ops per host CPU second of each guest's QEMU. The last column is the estimator's own CPU time during the run (measured in the guest around every scan) as a share of the vCPU."
	echo
	echo "| round | guest with it on | off: ops/CPU-s | on: ops/CPU-s | on / off | estimator CPU |"
	echo "|---:|:---:|---:|---:|---:|---:|"
	printf '%s' "$orows"
	echo
	echo "Ratio on / off: median **$omedian**, geometric mean **$ogeo**; median estimator CPU: **$smedian%** of one vCPU."
	echo
	fi
	if part accuracy; then
	echo "### Accuracy"
	echo
	echo "zone_host_wss_hot, 2 vCPUs, -m 384M -H 1536M; window 2 s, stride $stride pages; estimate at the end of the 3rd window after T was allocated; baseline = mean of two windows before. MiB; ± is the reported 95% bound."
	echo
	echo "| H | T | guest baseline | guest estimate | − baseline (vs H) | ZONE_HOST baseline | ZONE_HOST estimate | − baseline (vs H) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$arows"
	echo
	echo "### What the host sees without zonehost"
	echo
	echo "Same guest and run. Increase over the baseline phase, in MiB: zonehost's ZONE_HOST estimate; pages of the data area QEMU's page tables saw referenced within 2 s (clear_refs, then smaps Referenced); virtio-balloon's guest statistics, total − free."
	echo
	echo "| H | T | zonehost (ZONE_HOST) | host accessed bits (QEMU) | virtio-balloon stats |"
	echo "|---:|---:|---:|---:|---:|"
	printf '%s' "$crows"
	fi
} >"$out"
cat "$out"
