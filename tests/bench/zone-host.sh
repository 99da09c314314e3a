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
#
# ZH_BACKING (tests/lib/vm.sh) gives the ZONE_HOST guest's zhostd a
# --backing; with hugetlb the benchmark makes a pool for it (520 2 MiB
# pages: QEMU reserves one for each page of the 1 GiB BAR2) and gives it
# back. Each guest's huge pages are shown, from its QEMU's smaps_rollup
# when stress-ng is done: AnonHugePages (THP of ordinary RAM),
# ShmemPmdMapped (THP of the memfd), Shared_Hugetlb (hugetlb).
set -euo pipefail
# The CPU time between two markers is read when a wait sees them: look often.
VM_POLL=0.05
. "$(dirname "$0")/../lib/vm.sh"
out=$1
rounds=${ZH_BENCH_ROUNDS:-5}
secs=30
bytes=512M
start_at=20	# guest uptime when stress-ng starts: both guests are up by then

backing=${ZH_BACKING:-shm}
case "$backing" in
hugetlb*)
	vm_hugetlb_pool 520 || { echo "zone-host bench: $VM_HUGETLB_WHY" >&2; exit 1; } ;;
esac
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# watch NAME: in the background, QEMU's CPU ticks from the guest's start
# marker to its result, into RUNTIME/NAME.ticks
watch() {
	local pid c0
	pid=$(cat "$ZHOST_RUNTIME_DIR/$1/qemu.pid")
	vm_wait "$1" '^zone-host-bench: start' 150 || true
	c0=$(cpu_ticks "$pid")
	# QEMU exits with the guest right after the result: sample meanwhile.
	local huge=$ZHOST_RUNTIME_DIR/$1.huge sampler
	echo "- - -" >"$huge"
	while huge_mib "$pid" >"$huge.new" 2>/dev/null; do
		mv "$huge.new" "$huge"
		sleep 1
	done &
	sampler=$!
	vm_wait "$1" '^zone-host-bench: (result|error)' 150 || true
	echo $(($(cpu_ticks "$pid") - c0)) >"$ZHOST_RUNTIME_DIR/$1.ticks"
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
}

# huge_mib PID: "anon shmem hugetlb", the MiB of QEMU's memory on huge
# pages of each kind
huge_mib() {
	awk '/^AnonHugePages:/ { a = $2 } /^ShmemPmdMapped:/ { s = $2 }
		/^(Shared|Private)_Hugetlb:/ { h += $2 }
		END { printf "%d %d %d\n", a / 1024, s / 1024, h / 1024 }' "/proc/$1/smaps_rollup"
}

# result NAME -> "ops_per_cpu_s ops_per_s host_mib other_mib"
result() {
	local log r ticks
	log=$(vm_console "$1")
	if ! grep -q '^zone-host-bench: result' "$log"; then
		tr -d '\r' <"$log" | tail -n 20 >&2
		return 1
	fi
	r=$(tr -d '\r' <"$log" |
		sed -n 's/^zone-host-bench: result ops \([0-9]*\) ops_per_s \([0-9.]*\) host_mib \([0-9-]*\) other_mib \([0-9-]*\)$/\1 \2 \3 \4/p')
	ticks=$(cat "$ZHOST_RUNTIME_DIR/$1.ticks")
	echo "$r" | awk -v t="$ticks" -v hz="$hz" '{ printf "%.1f %s %s %s\n", $1 * hz / t, $2, $3, $4 }'
}
# huge NAME: its QEMU's huge pages as "anon/shmem/hugetlb" MiB
huge() { tr ' ' / <"$ZHOST_RUNTIME_DIR/$1.huge"; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratios=()
rows=""
args="quiet zonehost.bench=$secs,$bytes,$start_at"
for ((i = 1; i <= rounds; i++)); do
	zh=bench-zh-$i
	ram=bench-ram-$i
	# Alternate which one boots first.
	if ((i % 2)); then
		vm_start "$zh" zone_host_bench -c 1 -m 384M -H 768M --append "$args"
		vm_start "$ram" zone_host_bench -c 1 -m 1152M --no-zhostd --append "$args"
	else
		vm_start "$ram" zone_host_bench -c 1 -m 1152M --no-zhostd --append "$args"
		vm_start "$zh" zone_host_bench -c 1 -m 384M -H 768M --append "$args"
	fi
	watch "$zh" &
	watch "$ram" &
	wait
	rz=$(result "$zh")
	rr=$(result "$ram")
	vm_stop "$zh" --stop-timeout 20 || true
	vm_stop "$ram" --stop-timeout 20 || true
	r=$(awk -v a="${rz%% *}" -v b="${rr%% *}" 'BEGIN { printf "%.3f", a / b }')
	ratios+=("$r")
	f() { echo "$1" | cut -d' ' -f"$2"; }
	rows+="| $i | $(f "$rz" 1) | $(f "$rz" 2) | $(f "$rz" 3) | $(huge "$zh") | $(f "$rr" 1) | $(f "$rr" 2) | $(f "$rr" 4) | $(huge "$ram") | $r |"$'\n'
done
{
	echo "stress-ng --vm 1 --vm-bytes $bytes --vm-keep, $secs s; the two guests (1 vCPU each) run at the same time; $rounds rounds."
	echo "Bogo-ops per host CPU second of the guest's QEMU; per wall second for reference."
	echo "ZONE_HOST: zhostd --backing $backing; huge MiB: QEMU's AnonHugePages/ShmemPmdMapped/Hugetlb."
	echo
	echo "| round | ZONE_HOST guest: ops/CPU-s | ops/s | MiB from ZONE_HOST | huge MiB | ordinary guest: ops/CPU-s | ops/s | MiB from DMA32/Normal | huge MiB | ratio (ops/CPU-s) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$rows"
	echo
	echo "Median ratio ZONE_HOST / ordinary RAM: **$(printf '%s\n' "${ratios[@]}" | median)**."
} >"$out"
cat "$out"
