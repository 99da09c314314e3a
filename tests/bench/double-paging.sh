#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# double-paging: the same guest workload (tests/guest-workloads/
# double_paging.c: a working set larger than the memory the host allows
# the VM, filled, then sequential and random passes, every page checked)
# in two configurations on this host, each with QEMU and zhostd in a host
# memory cgroup with a limit and a host swap file (both made by
# tests/lib/pressure.sh, removed after):
#
#   (a) stock     guest RAM only (no zonehost device), a guest swap device
#                 on virtio-blk backed by a host file;
#   (b) zonehost  the same memory at boot, a little guest RAM and the rest
#                 in ZONE_HOST, zhostd --host-paging; ZONE_HOST may grow
#                 when the guest asks (the host pages instead of the
#                 guest), up to ZH_DP_HOST_MAX; the same guest swap device
#                 (the guest's fallback, and Linux scans anonymous memory
#                 only with swap).
#
# The sizes make both layers page in (a): the working set is larger than
# the guest's RAM (the guest swaps) and the cgroup's limit well below the
# guest's RAM (the host swaps).
#
# Per configuration: the workload's run time and data check; host swap-ins
# and swap-outs (/proc/vmstat pswpin and pswpout, the whole host; the
# cgroup's pgmajfault, memory.stat); the guest's swap-ins and swap-outs
# (its /proc/vmstat, printed by the workload); and double-paging events:
# QEMU's major faults, recorded one by one with their addresses by perf
# (tests/lib/majfaults.sh), taken by a thread that is not a vCPU (the
# guest's block I/O: QEMU's worker threads copying guest memory to the
# guest's swap file, or into it from there) at an address in guest memory
# (the guest RAM mapping, and the ivshmem BAR2 memfd). QEMU's other major
# faults (its binary, libraries, heap) are reported apart, and so is the
# old count (/proc majflt outside the vCPU threads) as a cross-check.
# The guest swap device is cache=writeback: perf sees no fault taken
# through get_user_pages(), which is how O_DIRECT (cache=none) touches
# guest memory. Documentation/design/paging.rst ("Measuring double
# paging") explains the count. Writes a Markdown report to $1; skips
# (exit 4) when perf cannot record.
#
#   ZH_DP_WS_MIB (default 384)    the working set
#   ZH_DP_RAM_MIB (default 320)   the guest's memory at boot, both configs
#   ZH_DP_LIMIT (default 192M)    the cgroup's limit
#   ZH_DP_PASSES (default 2)      sequential + random passes
#   ZH_DP_HOST_MAX (MiB, default working set + 64)
#                                 (b): how far ZONE_HOST may grow
#   ZH_DP_APPEND                  more guest kernel command line, both
#   ZH_DP_ONLY (a, b)             run only that configuration
set -uo pipefail
VM_POLL=0.5
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
. "$(dirname "$0")/../lib/majfaults.sh"
out=$1
ws=${ZH_DP_WS_MIB:-384}
ram=${ZH_DP_RAM_MIB:-320}
limit=${ZH_DP_LIMIT:-192M}
passes=${ZH_DP_PASSES:-2}
host_max=${ZH_DP_HOST_MAX:-$((ws + 64))}
extra_append=${ZH_DP_APPEND:-}
only=${ZH_DP_ONLY:-}
# (b): what the guest boots with in ordinary RAM (zhost-run's least); ZONE_HOST has the rest
# of $ram at boot.
zh_ram=128
vm_require_guest
pressure_require
# Without perf's per-fault addresses the count would be the old upper
# bound; better no number than a wrong one.
if why=$(majfaults_why_not); [ -n "$why" ]; then
	echo "1..0 # SKIP $why"
	exit 4
fi
pressure_setup "$limit" 2048 || exit 1

# The guest's swap device: a host file, made a swap area here (the format
# is the guest's too), removed with everything else at exit.
gswap=$(mktemp "${ZH_SWAP_DIR:-/var/tmp}/zonehost-guest-swap.XXXXXX") || exit 1
trap '_dp_st=$?; majfaults_stop; rm -f "$gswap"; pressure_teardown; (exit $_dp_st); vm_cleanup' EXIT
guest_swap_mib=$((ws * 2))

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
cg_stat() { awk -v k="$1" '$1 == k { print $2 }' "$PRESSURE_CG/memory.stat"; }
# majflt of /proc/$1/stat (a process, or a thread as $1/task/TID): the
# 12th field after the command name, which may hold spaces.
majflt() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $10 }'; }
# The sum of majflt over the threads TIDS... of process $1.
tids_majflt() {
	local pid=$1 t sum=0 f
	shift
	for t in "$@"; do
		f=$(majflt "$pid/task/$t")
		sum=$((sum + ${f:-0}))
	done
	echo $sum
}

# The guest answered zhostd's last status in host paging mode.
guest_in_host_mode() {
	[ "$(vm_bctl "$1" --json paging 2>/dev/null | jq -r '.guest.mode // empty')" = host ]
}

declare -A MS BAD GIN GOUT HIN HOUT CGMAJ DP DPV OTHER OLD GUP MODE NOTE KEPT GSW HINTED PAGED ZH
# run KEY: one configuration, its numbers into the arrays above
run() {
	local key=$1 name=bench-dp-$1 qpid args=() line in0 out0 maj0 cgmaj0 m end tids ramr
	local fdir=$VM_TMP/faults-$1 vram
	local append="quiet zonehost.dp_ws_mib=$ws zonehost.dp_passes=$passes zonehost.dp_swap=/dev/vda"
	append+="${extra_append:+ $extra_append}"
	fallocate -l "${guest_swap_mib}M" "$gswap" && mkswap -q "$gswap" >/dev/null || {
		NOTE[$key]="cannot make the guest's swap file"
		return 1
	}
	if [ "$key" = a ]; then
		args=(--no-zhostd -c 1 -m "${ram}M")
	else
		args=(-c 1 -m "${zh_ram}M" -H "$((ram - zh_ram))M" --host-max "${host_max}M"
		      -Z --host-paging)
	fi
	args+=(--append "$append" --
	       -name debug-threads=on
	       -drive "file=$gswap,if=virtio,format=raw,cache=writeback,aio=threads")
	echo "== $key: ${args[*]}" >&2
	pressure_vm_start "$name" double_paging "${args[@]}" >"$VM_TMP/$key.out" 2>&1
	qpid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null)
	if [ -z "$qpid" ] || ! vm_wait "$name" '^double-paging: ready' 600; then
		NOTE[$key]="the guest never got ready: $(tail -n 3 "$VM_TMP/$key.out" | tr '\n' ' ')"
		tr -d '\r' <"$(vm_console "$name")" | tail -n 20 >&2
		vm_stop "$name" --stop-timeout 20 || true
		return 1
	fi
	if [ "$key" = b ]; then
		# Host paging on: the guest must be in host mode before it starts.
		if ! vm_until 60 guest_in_host_mode "$name"; then
			m=$(vm_bctl "$name" paging 2>&1 | tr '\n' ' ')
			NOTE[$key]="the guest did not enter host paging mode: $m"
			MODE[$key]=guest
		else
			MODE[$key]=host
		fi
	else
		MODE[$key]=-
	fi
	vram=$ram
	[ "$key" = a ] || vram=$zh_ram
	read -ra tids <<<"$(majfaults_vcpus "$name")"
	ramr=$(majfaults_ram "$name" "$vram")
	mkdir -p "$fdir"
	if [ ${#tids[@]} -eq 0 ] || [ -z "$ramr" ] || ! majfaults_start "$qpid" "$fdir"; then
		NOTE[$key]="${NOTE[$key]:-}cannot record QEMU's faults (vCPUs: ${tids[*]:-none}, RAM: ${ramr:-not found}); "
		vm_stop "$name" --stop-timeout 20 || true
		return 1
	fi
	in0=$(vmstat pswpin)
	out0=$(vmstat pswpout)
	cgmaj0=$(cg_stat pgmajfault)
	maj0=$(( $(majflt "$qpid") - $(tids_majflt "$qpid" "${tids[@]}") ))
	majfaults_on
	vm_tell "$name" go
	if ! vm_wait "$name" '^double-paging: result|^not ok|^Bail out' 1500; then
		NOTE[$key]="${NOTE[$key]:-}no result (QEMU $(kill -0 "$qpid" 2>/dev/null && echo running || echo gone))"
		majfaults_stop
		vm_stop "$name" --stop-timeout 20 || true
		return 1
	fi
	majfaults_off
	OLD[$key]=$(( $(majflt "$qpid") - $(tids_majflt "$qpid" "${tids[@]}") - maj0 ))
	HIN[$key]=$(( $(vmstat pswpin) - in0 ))
	HOUT[$key]=$(( $(vmstat pswpout) - out0 ))
	CGMAJ[$key]=$(( $(cg_stat pgmajfault) - cgmaj0 ))
	# QEMU's mappings while it still runs: guest RAM and BAR2 stay put.
	cp "/proc/$qpid/maps" "$fdir/maps"
	if [ "$key" = b ]; then
		line=$(vm_bctl "$name" --json paging 2>/dev/null)
		read -r KEPT[$key] GSW[$key] HINTED[$key] PAGED[$key] < <(jq -r \
			'"\(.guest.kept // 0) \(.guest.guest_swapped // 0) \(.hinted) \(.counters.paged_out)"' <<<"$line")
		ZH[$key]=$(vm_bctl "$name" --json status 2>/dev/null | jq -r '.memory.plugged // empty')
	fi
	majfaults_stop
	read -r DP[$key] DPV[$key] OTHER[$key] m < <(majfaults_count "$fdir" "$fdir/maps" "${tids[*]}" "$ramr")
	echo "# $key major faults: guest memory ${DP[$key]} by others, ${DPV[$key]} by vCPUs; elsewhere ${OTHER[$key]} by others, $m by vCPUs" >&2
	# Faults perf cannot see: taken through get_user_pages() (O_DIRECT, vhost).
	GUP[$key]=$(( OLD[$key] - DP[$key] - OTHER[$key] ))
	line=$(vm_console_value "$name" 's/^double-paging: result //p')
	tr -d '\r' <"$(vm_console "$name")" | grep '^double-paging: ' >&2
	# "ms=MS bad=N pswpin=N pswpout=N"
	MS[$key]=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' <<<"$line")
	BAD[$key]=$(sed -n 's/.*bad=\([0-9]*\).*/\1/p' <<<"$line")
	GIN[$key]=$(sed -n 's/.*pswpin=\([0-9-]*\).*/\1/p' <<<"$line")
	GOUT[$key]=$(sed -n 's/.*pswpout=\([0-9-]*\).*/\1/p' <<<"$line")
	[ -n "${MS[$key]}" ] || NOTE[$key]="${NOTE[$key]:-}$(tr -d '\r' <"$(vm_console "$name")" | grep -E '^not ok|^Bail out' | head -n 1)"
	vm_finish "$name" 120 >/dev/null || true
	vm_stop "$name" --stop-timeout 30 || true
	# The next configuration starts with the host's swap empty of this one.
	end=$((SECONDS + 60))
	while kill -0 "$qpid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.5; done
	[ -n "${MS[$key]}" ]
}

ok=0
[ "$only" = b ] || { run a && ok=$((ok + 1)); }
[ "$only" = a ] || { run b && ok=$((ok + 1)); }

row() {
	local key=$1 what=$2 total grown=
	if [ -z "${MS[$key]:-}" ]; then
		echo "| $what | - | - | - | - | - | - | - | - | - | - | - | - | ${NOTE[$key]:-not run} |"
		return
	fi
	total=$(( ${HIN[$key]} + ${HOUT[$key]} + ${GIN[$key]} + ${GOUT[$key]} ))
	[ -z "${ZH[$key]:-}" ] ||
		grown=", guest total $((zh_ram + (ZH[$key] >> 20))) MiB at the end (ZONE_HOST $((ZH[$key] >> 20)) MiB)"
	echo "| $what | $(awk -v m="${MS[$key]}" 'BEGIN { printf "%.1f", m / 1000 }') | ${BAD[$key]} | ${HIN[$key]} | ${HOUT[$key]} | ${CGMAJ[$key]} | ${GIN[$key]} | ${GOUT[$key]} | $total | **${DP[$key]}** | ${DPV[$key]} | ${OTHER[$key]} | ${OLD[$key]} (${GUP[$key]}) | mode ${MODE[$key]}${grown}${KEPT[$key]:+; guest kept $((KEPT[$key] >> 20)) MiB, of it to its own swap $((${GSW[$key]:-0} >> 20)) MiB; host: $((${HINTED[$key]:-0} >> 20)) MiB hinted, $((${PAGED[$key]:-0} >> 20)) MiB paged out}. ${NOTE[$key]:-} |"
}
{
	echo "The guest workload double_paging: a ${ws} MiB working set, filled, then $passes sequential and random passes and a last check, every page read back;"
	echo "guest -c 1 under TCG with ${ram} MiB at boot ((b): ${zh_ram} MiB RAM and the rest in ZONE_HOST, which may grow to ${host_max} MiB when the guest asks),"
	echo "a ${guest_swap_mib} MiB guest swap device on virtio-blk (a host file, cache=writeback), QEMU and zhostd in a host memory cgroup of $limit, 2 GiB of host swap${extra_append:+; guest command line also: $extra_append}."
	echo "Host swap-ins and swap-outs are the host's /proc/vmstat (pages, the whole host), major faults the cgroup's; guest swap-ins and swap-outs the guest's /proc/vmstat (pages)."
	echo "Double-paging events: QEMU's major faults (perf, each with its address) by a thread other than a vCPU in guest memory (guest RAM, BAR2):"
	echo "the guest's block I/O touching a page the host had swapped out. Beside them: the vCPUs' major faults in guest memory (the guest touching a page in host swap),"
	echo "QEMU's other major faults outside the vCPUs (its binary, libraries, heap: not double paging), and the old count (/proc majflt outside the vCPU threads) with, in brackets,"
	echo "what of it perf did not see (faults through get_user_pages(); 0 when the precise count is complete)."
	echo
	echo "| configuration | run time s | bad pages | host pswpin | host pswpout | cgroup major faults | guest pswpin | guest pswpout | swap operations | double-paging events | vCPU faults in guest memory | other non-vCPU faults | old count (unseen) | notes |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	row a "(a) stock: guest RAM, guest swap"
	row b "(b) zonehost: ZONE_HOST, --host-paging"
} >"$out"
cat "$out"
[ $ok -gt 0 ]
