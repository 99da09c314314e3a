#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# stress-ng --vm bogo-ops per second with the memory served from ZONE_HOST,
# against the same guest kernel and QEMU with the same amount of ordinary
# RAM and no zonehost device, in one run.
#
#   zonehost: -m 384M -H 768M      ordinary: -m 1152M --no-zhostd
#
# Under TCG on a shared machine, bogo-ops per second of the same guest
# differ by tens of percent from run to run: the vCPU thread simply gets
# less CPU when others run. So the figure compared is bogo-ops per second
# of host CPU time that the guest's QEMU used while stress-ng ran (from
# /proc/PID/stat), which the host scheduler does not change; and the two
# guests run at the same time, one vCPU each, starting stress-ng at the
# same guest uptime, so that what remains (caches, memory bandwidth)
# touches both alike. The report gives every round, bogo-ops per wall
# second too, and the median ratio.
#
# Each run: stress-ng --vm 1 --vm-bytes 512M --vm-keep for 30 s, a working
# set that fits in ZONE_HOST. Writes a Markdown report to $1.
set -euo pipefail
root=${ZH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$1
bin=$root/build/bin
rounds=${ZH_BENCH_ROUNDS:-5}
secs=30
bytes=512M
start_at=20	# guest uptime when stress-ng starts: both guests are up by then

vms=()
cleanup() {
	for vm in "${vms[@]}"; do
		"$bin/zhost-run" --stop -n "$vm" --stop-timeout 20 >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# watch NAME: in the background, QEMU's CPU ticks from the guest's start
# marker to its result, into RUNTIME/NAME.ticks
watch() {
	local log=$ZHOST_RUNTIME_DIR/$1/console.log pid c0 i
	pid=$(cat "$ZHOST_RUNTIME_DIR/$1/qemu.pid")
	for ((i = 0; i < 3000; i++)); do
		grep -q '^zone-host-bench: start' "$log" 2>/dev/null && break
		sleep 0.05
	done
	c0=$(cpu_ticks "$pid")
	for ((i = 0; i < 3000; i++)); do
		grep -qE '^zone-host-bench: (result|error)' "$log" 2>/dev/null && break
		sleep 0.05
	done
	echo $(($(cpu_ticks "$pid") - c0)) >"$ZHOST_RUNTIME_DIR/$1.ticks"
}

# result NAME -> "ops_per_cpu_s ops_per_s host_mib other_mib"
result() {
	local log=$ZHOST_RUNTIME_DIR/$1/console.log r ticks
	if ! grep -q '^zone-host-bench: result' "$log"; then
		tr -d '\r' <"$log" | tail -n 20 >&2
		return 1
	fi
	r=$(tr -d '\r' <"$log" |
		sed -n 's/^zone-host-bench: result ops \([0-9]*\) ops_per_s \([0-9.]*\) host_mib \([0-9-]*\) other_mib \([0-9-]*\)$/\1 \2 \3 \4/p')
	ticks=$(cat "$ZHOST_RUNTIME_DIR/$1.ticks")
	echo "$r" | awk -v t="$ticks" -v hz="$hz" '{ printf "%.1f %s %s %s\n", $1 * hz / t, $2, $3, $4 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratios=()
rows=""
args="quiet zonehost.bench=$secs,$bytes,$start_at"
for ((i = 1; i <= rounds; i++)); do
	zh=bench-zh-$i
	ram=bench-ram-$i
	vms=("$zh" "$ram")
	# Alternate which one boots first.
	if ((i % 2)); then
		"$bin/zhost-run" -n "$zh" -c 1 -m 384M -H 768M --detach --test zone_host_bench --append "$args" >/dev/null
		"$bin/zhost-run" -n "$ram" -c 1 -m 1152M --no-zhostd --detach --test zone_host_bench --append "$args" >/dev/null
	else
		"$bin/zhost-run" -n "$ram" -c 1 -m 1152M --no-zhostd --detach --test zone_host_bench --append "$args" >/dev/null
		"$bin/zhost-run" -n "$zh" -c 1 -m 384M -H 768M --detach --test zone_host_bench --append "$args" >/dev/null
	fi
	watch "$zh" &
	watch "$ram" &
	wait
	rz=$(result "$zh")
	rr=$(result "$ram")
	cleanup
	vms=()
	r=$(awk -v a="${rz%% *}" -v b="${rr%% *}" 'BEGIN { printf "%.3f", a / b }')
	ratios+=("$r")
	f() { echo "$1" | cut -d' ' -f"$2"; }
	rows+="| $i | $(f "$rz" 1) | $(f "$rz" 2) | $(f "$rz" 3) | $(f "$rr" 1) | $(f "$rr" 2) | $(f "$rr" 4) | $r |"$'\n'
done
{
	echo "stress-ng --vm 1 --vm-bytes $bytes --vm-keep, $secs s; the two guests (1 vCPU each) run at the same time; $rounds rounds."
	echo "Bogo-ops per host CPU second of the guest's QEMU; per wall second for reference."
	echo
	echo "| round | ZONE_HOST guest: ops/CPU-s | ops/s | MiB from ZONE_HOST | ordinary guest: ops/CPU-s | ops/s | MiB from DMA32/Normal | ratio (ops/CPU-s) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$rows"
	echo
	echo "Median ratio ZONE_HOST / ordinary RAM: **$(printf '%s\n' "${ratios[@]}" | median)**."
} >"$out"
cat "$out"
