#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# VMRPC round trips and bulk transfer, against the channel's floor and
# qemu-guest-agent, on one VM in one run:
#   - the floor: raw doorbell round trips through zhostd's echo, no VMRPC
#     logic (debugfs vmrpc/floor), right before and after each null call
#     run (floor-1, guest->host, floor-2, host->guest, floor-3), each
#     call compared with the mean of the two floors around it;
#   - guest->host null call, 4 KiB and 64 KiB payloads (timed in the guest
#     kernel, debugfs vmrpc/bench);
#   - host->guest null call and reverse meminfo (timed inside zhostd,
#     control command bench-guest-calls);
#   - /proc/meminfo through qemu-guest-agent (guest-file-open/read/close
#     over virtio-serial), the baseline users have today.
# Writes a Markdown report to $1.
set -euo pipefail
. "$(dirname "$0")/../lib/vm.sh"
out=$1
name=bench-vmrpc
dir=$ZHOST_RUNTIME_DIR/$name
n_host=5000

vm_start "$name" vmrpc_bench -m 1G --append quiet -- \
	-device virtio-serial-pci \
	-chardev "socket,path=$ZHOST_RUNTIME_DIR/$name-qga.sock,server=on,wait=off,id=qga" \
	-device virtserialport,chardev=qga,name=org.qemu.guest_agent.0
vm_wait "$name" '^vmrpc-bench: (ready|error)' 300 || true
vm_wait "$name" '^vmrpc-bench: ready' 0 || { tr -d '\r' <"$(vm_console "$name")" | tail -n 20 >&2; exit 1; }

# key=value pairs of a guest result line: g2h LABEL FIELD
g2h() { tr -d '\r' <"$(vm_console "$name")" | sed -n "s/^vmrpc-bench: $1 .*$2 \([0-9]*\).*/\1/p"; }
# zhostd's bench-guest-calls: h2g CALL SIZE COUNT -> JSON
h2g() {
	printf '{"execute":"bench-guest-calls","arguments":{"call":"%s","size":%s,"count":%s}}\n' "$1" "$2" "$3" |
		socat -t 600 - "UNIX-CONNECT:$dir/zhostd.sock" | grep '"return"' | jq -c .return
}
hnull=$(h2g ping 0 $n_host)
vm_tell "$name" floor
vm_wait "$name" '^vmrpc-bench: (floor-3|error)' 300 || true
vm_wait "$name" '^vmrpc-bench: floor-3 ' 0 || { tr -d '\r' <"$(vm_console "$name")" | tail -n 20 >&2; exit 1; }
hmem=$(h2g meminfo 0 $((n_host / 5)))
hbulk=$(h2g ping 65472 1000)
qga=$("$VM_BUILD/bench/qga-meminfo" "$ZHOST_RUNTIME_DIR/$name-qga.sock" 1000)

us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
mbs() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }
j() { echo "$1" | jq -r ".$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
g2h_bulk_bps=$(awk -v c="$(g2h g2h-bulk calls)" -v s="$(g2h g2h-bulk size)" -v t="$(g2h g2h-bulk total_ns)" \
	'BEGIN { printf "%.0f", 2 * c * s * 1e9 / t }')

# A call's floor: the mean of the floors run right before and after it.
# x VALUE A B: VALUE over the mean of floor runs A and B, for key $key.
x() { awk -v v="$1" -v a="$(g2h "$2" "$key")" -v b="$(g2h "$3" "$key")" 'BEGIN { printf "%.2f", 2 * v / (a + b) }'; }
fl() { echo "| doorbell round trip, the floor ($1) | $(us "$(g2h "$2" min_ns)") | $(us "$(g2h "$2" median_ns)") | $(us "$(g2h "$2" p99_ns)") | $(g2h "$2" rounds_per_s) | | |"; }
# ratios CALL-MIN CALL-MEDIAN A B: "min ratio | median ratio"
ratios() { printf '%s | %s' "$(key=min_ns x "$1" "$3" "$4")" "$(key=median_ns x "$2" "$3" "$4")"; }

{
	echo "| what | min µs | median µs | p99 µs | calls/s | × floor (min) | × floor (median) |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	fl "1, before the guest's calls" floor-1
	echo "| guest→host null call | $(us "$(g2h g2h-null min_ns)") | $(us "$(g2h g2h-null median_ns)") | $(us "$(g2h g2h-null p99_ns)") | $(g2h g2h-null calls_per_s) | $(ratios "$(g2h g2h-null min_ns)" "$(g2h g2h-null median_ns)" floor-1 floor-2) |"
	fl "2, after them" floor-2
	echo "| host→guest null call | $(us "$(j "$hnull" min_ns)") | $(us "$(j "$hnull" median_ns)") | $(us "$(j "$hnull" p99_ns)") | $(j "$hnull" calls_per_s) | $(ratios "$(j "$hnull" min_ns)" "$(j "$hnull" median_ns)" floor-2 floor-3) |"
	fl "3, after the host's calls" floor-3
	echo "| guest→host call, 4 KiB echoed | $(us "$(g2h g2h-4k min_ns)") | $(us "$(g2h g2h-4k median_ns)") | $(us "$(g2h g2h-4k p99_ns)") | $(g2h g2h-4k calls_per_s) | | |"
	echo "| host→guest meminfo (VMRPC) | $(us "$(j "$hmem" min_ns)") | $(us "$(j "$hmem" median_ns)") | $(us "$(j "$hmem" p99_ns)") | $(j "$hmem" calls_per_s) | | |"
	echo "| meminfo via qemu-guest-agent (open/read/close) | $(us "$(j "$qga" min_ns)") | $(us "$(j "$qga" median_ns)") | $(us "$(j "$qga" p99_ns)") | $(j "$qga" calls_per_s) | | |"
	echo
	echo "- × floor: the call's time over the mean of the floor runs right before and after it (goal: null calls at most 1.5)."
	echo "- Reverse meminfo is $(ratio "$(j "$qga" median_ns)" "$(j "$hmem" median_ns)")x faster than qemu-guest-agent (median)."
	echo "- Bulk transfer, 64 KiB payloads echoed: guest→host $(mbs "$g2h_bulk_bps") MB/s, host→guest $(mbs "$(j "$hbulk" bytes_per_s)") MB/s (bytes moved in both directions)."
} >"$out"
cat "$out"
