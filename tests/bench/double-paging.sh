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
#   (b) zonehost  a little guest RAM, the rest in ZONE_HOST, zhostd
#                 --host-paging, the same guest swap device (the guest's
#                 fallback, and Linux scans anonymous memory only with
#                 swap).
#
# Per configuration: the workload's run time and data check; host swap-ins
# and swap-outs (/proc/vmstat pswpin and pswpout, the whole host; the
# cgroup's pgmajfault, memory.stat); the guest's swap-ins and swap-outs
# (its /proc/vmstat, printed by the workload); and double-paging events,
# counted as QEMU's major faults outside its vCPU threads: the guest's
# block I/O (QEMU's worker threads reading guest memory to write the
# guest's swap, or writing into it to read it back) touching a page the
# host had swapped out. Documentation/design/paging.rst explains why that
# counts them. Writes a Markdown report to $1.
#
#   ZH_DP_WS_MIB (default 256)    the working set
#   ZH_DP_RAM_MIB (default 192)   the guest's memory at boot, both configs
#   ZH_DP_LIMIT (default 256M)    the cgroup's limit
#   ZH_DP_PASSES (default 2)      sequential + random passes
#   ZH_DP_ONLY (a, b)             run only that configuration
set -uo pipefail
VM_POLL=0.5
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/pressure.sh"
out=$1
ws=${ZH_DP_WS_MIB:-256}
ram=${ZH_DP_RAM_MIB:-192}
limit=${ZH_DP_LIMIT:-256M}
passes=${ZH_DP_PASSES:-2}
only=${ZH_DP_ONLY:-}
# (b): what the guest boots with in ordinary RAM (zhost-run's least); ZONE_HOST has the rest
# of $ram at boot and may grow to twice the working set when it asks.
zh_ram=128
vm_require_guest
pressure_require
pressure_setup "$limit" 2048 || exit 1

# The guest's swap device: a host file, made a swap area here (the format
# is the guest's too), removed with everything else at exit.
gswap=$(mktemp "${ZH_SWAP_DIR:-/var/tmp}/zonehost-guest-swap.XXXXXX") || exit 1
trap '_dp_st=$?; rm -f "$gswap"; pressure_teardown; (exit $_dp_st); vm_cleanup' EXIT
guest_swap_mib=$((ws * 2))

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
cg_stat() { awk -v k="$1" '$1 == k { print $2 }' "$PRESSURE_CG/memory.stat"; }
# majflt of /proc/$1/stat (a process, or a thread as $1/task/TID): the
# 12th field after the command name, which may hold spaces.
majflt() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $10 }'; }
# QEMU's major faults in its vCPU threads ("CPU N/TCG", "CPU N/KVM":
# -name debug-threads=on names them).
vcpu_majflt() {
	local t sum=0 f
	for t in /proc/"$1"/task/*; do
		grep -qE '^CPU [0-9]+/' "$t/comm" 2>/dev/null || continue
		f=$(majflt "$1/task/${t##*/}")
		sum=$((sum + ${f:-0}))
	done
	echo $sum
}

# The guest answered zhostd's last status in host paging mode.
guest_in_host_mode() {
	[ "$(vm_bctl "$1" --json paging 2>/dev/null | jq -r '.guest.mode // empty')" = host ]
}

declare -A MS BAD GIN GOUT HIN HOUT CGMAJ DP MODE NOTE KEPT GSW HINTED PAGED
# run KEY: one configuration, its numbers into the arrays above
run() {
	local key=$1 name=bench-dp-$1 qpid args=() line in0 out0 maj0 cgmaj0 tot vcpu m end
	local append="quiet zonehost.dp_ws_mib=$ws zonehost.dp_passes=$passes zonehost.dp_swap=/dev/vda"
	fallocate -l "${guest_swap_mib}M" "$gswap" && mkswap -q "$gswap" >/dev/null || {
		NOTE[$key]="cannot make the guest's swap file"
		return 1
	}
	if [ "$key" = a ]; then
		args=(--no-zhostd -c 1 -m "${ram}M")
	else
		args=(-c 1 -m "${zh_ram}M" -H "$((ram - zh_ram))M" --host-max "$((ws * 2))M"
		      -Z --host-paging)
	fi
	args+=(--append "$append" --
	       -name debug-threads=on
	       -drive "file=$gswap,if=virtio,format=raw,cache=none,aio=threads")
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
	in0=$(vmstat pswpin)
	out0=$(vmstat pswpout)
	cgmaj0=$(cg_stat pgmajfault)
	maj0=$(( $(majflt "$qpid") - $(vcpu_majflt "$qpid") ))
	vm_tell "$name" go
	if ! vm_wait "$name" '^double-paging: result|^not ok|^Bail out' 1500; then
		NOTE[$key]="${NOTE[$key]:-}no result (QEMU $(kill -0 "$qpid" 2>/dev/null && echo running || echo gone))"
		vm_stop "$name" --stop-timeout 20 || true
		return 1
	fi
	tot=$(majflt "$qpid")
	vcpu=$(vcpu_majflt "$qpid")
	DP[$key]=$(( tot - vcpu - maj0 ))
	HIN[$key]=$(( $(vmstat pswpin) - in0 ))
	HOUT[$key]=$(( $(vmstat pswpout) - out0 ))
	CGMAJ[$key]=$(( $(cg_stat pgmajfault) - cgmaj0 ))
	if [ "$key" = b ]; then
		line=$(vm_bctl "$name" --json paging 2>/dev/null)
		read -r KEPT[$key] GSW[$key] HINTED[$key] PAGED[$key] < <(jq -r \
			'"\(.guest.kept // 0) \(.guest.guest_swapped // 0) \(.hinted) \(.counters.paged_out)"' <<<"$line")
	fi
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
	local key=$1 what=$2 total
	if [ -z "${MS[$key]:-}" ]; then
		echo "| $what | - | - | - | - | - | - | - | - | - | ${NOTE[$key]:-not run} |"
		return
	fi
	total=$(( ${HIN[$key]} + ${HOUT[$key]} + ${GIN[$key]} + ${GOUT[$key]} ))
	echo "| $what | $(awk -v m="${MS[$key]}" 'BEGIN { printf "%.1f", m / 1000 }') | ${BAD[$key]} | ${HIN[$key]} | ${HOUT[$key]} | ${CGMAJ[$key]} | ${GIN[$key]} | ${GOUT[$key]} | $total | ${DP[$key]} | mode ${MODE[$key]}${KEPT[$key]:+, guest kept $((KEPT[$key] >> 20)) MiB, of it to its own swap $((${GSW[$key]:-0} >> 20)) MiB; host: $((${HINTED[$key]:-0} >> 20)) MiB hinted, $((${PAGED[$key]:-0} >> 20)) MiB paged out}. ${NOTE[$key]:-} |"
}
{
	echo "The guest workload double_paging: a ${ws} MiB working set, filled, then $passes sequential and random passes and a last check, every page read back;"
	echo "guest -c 1 under TCG with ${ram} MiB at boot ((b): ${zh_ram} MiB RAM and the rest in ZONE_HOST, which may grow to $((ws * 2)) MiB when the guest asks),"
	echo "a ${guest_swap_mib} MiB guest swap device on virtio-blk (a host file), QEMU and zhostd in a host memory cgroup of $limit, 2 GiB of host swap."
	echo "Host swap-ins and swap-outs are the host's /proc/vmstat (pages, the whole host), major faults the cgroup's; guest swap-ins and swap-outs the guest's /proc/vmstat (pages);"
	echo "double-paging events are QEMU's major faults outside its vCPU threads (the guest's block I/O touching memory the host had swapped out)."
	echo
	echo "| configuration | run time s | bad pages | host pswpin | host pswpout | cgroup major faults | guest pswpin | guest pswpout | swap operations | double-paging events | notes |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	row a "(a) stock: guest RAM, guest swap"
	row b "(b) zonehost: ZONE_HOST, --host-paging"
} >"$out"
cat "$out"
[ $ok -gt 0 ]
