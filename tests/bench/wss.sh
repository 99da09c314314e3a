#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The working-set estimator: what it costs, how close it comes, and what a
# host sees of the same workload without it. Writes a Markdown report to $1.
#
# 1. Overhead. One guest (1 vCPU, -m 384M -H 768M) runs stress-ng --vm 1
#    --vm-bytes 512M --vm-method write64 for 15 s, with the estimator off and on at its default
#    settings, alternating the order every round (off on, on off, ...).
#    Compared: bogo-ops per host CPU second of the guest's QEMU (the same
#    measure as tests/bench/zone-host.sh, which the host scheduler does not
#    change), on / off per round, and the median ratio. The estimator's
#    own CPU time, measured in the guest around every scan, is given as a
#    share of the vCPU too.
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
root=${ZH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$1
bin=$root/build/bin
rt=$ZHOST_RUNTIME_DIR
rounds=${ZH_BENCH_ROUNDS:-6}
secs=15
method=write64
bytes=512M
pairs=${ZH_BENCH_WSS_PAIRS:-64:512,256:512,32:1024,128:1024}
mib=$((1 << 20))

vm=""
cleanup() {
	[ -z "$vm" ] || "$bin/zhost-run" --stop -n "$vm" --stop-timeout 20 >/dev/null 2>&1 || true
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
lines() { tr -d '\r' <"$rt/$vm/console.log" | grep -c "$1" || true; }
# wait_lines PATTERN N SECONDS: until the console has N lines matching
wait_lines() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		[ "$(lines "$1")" -ge "$2" ] && return 0
		grep -q 'zonehost-guest: exit' "$rt/$vm/console.log" 2>/dev/null && return 1
		sleep 0.05
	done
	return 1
}

# --- 1. Overhead -----------------------------------------------------------
vm=bench-wss-overhead
"$bin/zhost-run" -n "$vm" -c 1 -m 384M -H 768M --detach --test wss_overhead \
	--append "quiet zonehost.bench=$secs,$bytes,$rounds,$method" >/dev/null
pid=$(cat "$rt/$vm/qemu.pid")
declare -A ticks
for ((n = 1; n <= 2 * rounds; n++)); do
	wait_lines '^wss-overhead: start' "$n" 600 || { tail -n 20 "$rt/$vm/console.log" >&2; exit 1; }
	t0=$(cpu_ticks "$pid")
	wait_lines '^wss-overhead: result' "$n" 600 || { tail -n 20 "$rt/$vm/console.log" >&2; exit 1; }
	ticks[$n]=$(($(cpu_ticks "$pid") - t0))
done
settings=$(tr -d '\r' <"$rt/$vm/console.log" | sed -n 's/^wss-overhead: window_ms \([0-9]*\) stride \([0-9]*\)$/window \1 ms, stride \2 pages/p')
mapfile -t starts < <(tr -d '\r' <"$rt/$vm/console.log" | sed -n 's/^wss-overhead: start round \([0-9]*\) mode \([a-z]*\) scan_ns \([0-9]*\)$/\1 \2 \3/p')
mapfile -t results < <(tr -d '\r' <"$rt/$vm/console.log" | sed -n 's/^wss-overhead: result round \([0-9]*\) mode \([a-z]*\) ops \([0-9]*\) scan_ns \([0-9]*\) windows \([0-9]*\) wss \([0-9]*\)$/\1 \2 \3 \4 \5 \6/p')
cleanup
vm=""
declare -A rate share
orows=""
for ((n = 1; n <= 2 * rounds; n++)); do
	read -r r mode ops scan1 windows wss <<<"${results[$((n - 1))]}"
	read -r _ _ scan0 <<<"${starts[$((n - 1))]}"
	rate[$r.$mode]=$(awk -v o="$ops" -v t="${ticks[$n]}" -v hz="$hz" 'BEGIN { printf "%.2f", o * hz / t }')
	if [ "$mode" = on ]; then
		share[$r]=$(awk -v a="$scan0" -v b="$scan1" -v s="$secs" 'BEGIN { printf "%.3f", (b - a) / (s * 1e9) * 100 }')
	fi
done
ratios=()
for ((r = 1; r <= rounds; r++)); do
	ratio=$(awk -v a="${rate[$r.on]}" -v b="${rate[$r.off]}" 'BEGIN { printf "%.4f", a / b }')
	ratios+=("$ratio")
	orows+="| $r | ${rate[$r.off]} | ${rate[$r.on]} | $ratio | ${share[$r]}% |"$'\n'
done
omedian=$(printf '%s\n' "${ratios[@]}" | median)
smedian=$(for ((r = 1; r <= rounds; r++)); do echo "${share[$r]}"; done | median)

# --- 2 and 3. Accuracy, and what the host sees without zonehost ----------------
vm=bench-wss-accuracy
"$bin/zhost-run" -n "$vm" -c 2 -m 384M -H 1536M --detach --test zone_host_wss_hot \
	--append "quiet zonehost.wss_pairs=$pairs" \
	-- -device virtio-balloon-pci,id=balloon0 >/dev/null
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
	wait_lines '^wss-accuracy: phase baseline' "$n" 900 || { tail -n 20 "$rt/$vm/console.log" >&2; exit 1; }
	read -r rb bb <<<"$(measure 0.5)"
	wait_lines '^wss-accuracy: phase hot' "$n" 900 || { tail -n 20 "$rt/$vm/console.log" >&2; exit 1; }
	read -r rh bh <<<"$(measure 2.2)"
	host_ref[$n]=$(((rh - rb) / 1024))
	host_bal[$n]=$(((bh - bb) / mib))
done
wait_lines '^wss-accuracy: H=' "$npairs" 300 || true
mapfile -t acc < <(tr -d '\r' <"$rt/$vm/console.log" | grep '^wss-accuracy: H=')
cleanup
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
{
	echo "### Overhead"
	echo
	echo "stress-ng --vm 1 --vm-bytes $bytes --vm-method $method --vm-keep, $secs s per run, 1 vCPU, -m 384M -H 768M; estimator at its defaults ($settings) or off; $rounds rounds, order alternating."
	echo "Bogo-ops per host CPU second of the guest's QEMU. The last column is the estimator's own CPU time during the run (measured in the guest around every scan) as a share of the vCPU."
	echo
	echo "| round | off: ops/CPU-s | on: ops/CPU-s | on / off | estimator CPU |"
	echo "|---:|---:|---:|---:|---:|"
	printf '%s' "$orows"
	echo
	echo "Median ratio on / off: **$omedian**; median estimator CPU: **$smedian%** of one vCPU."
	echo
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
} >"$out"
cat "$out"
