# SPDX-License-Identifier: GPL-2.0-only
# Host memory pressure for the e2e tests and benchmarks that show what
# pinning keeps resident: a memory cgroup with a limit below the VM's
# size, and a swap file, both made here and removed by pressure_teardown
# (which the script's EXIT trap runs, before tests/lib/vm.sh's cleanup).
# Source it after vm.sh.
#
#   pressure_require              exit 4 (skip) with the reason when this
#                                 host cannot do it (not root, no memory
#                                 controller, no swapon)
#   pressure_setup LIMIT SWAP     the cgroup (LIMIT: bytes, or K/M/G) and a
#                                 swap file of SWAP MiB at the highest
#                                 priority; prints nothing, fails with a
#                                 diagnostic
#   pressure_vm_start NAME PROG [OPT...]
#                                 vm_start from a subshell already in the
#                                 cgroup, so that QEMU and zhostd, and
#                                 every page they allocate, are charged to
#                                 it (moving a process later does not move
#                                 its shared memory's charges)
#   pressure_limit BYTES          change the limit
#   pressure_swap_used            bytes in our swap file (/proc/swaps)
#   pressure_usage                bytes charged to the cgroup
#   pressure_holds PID            PID is in the cgroup
#   pressure_oom_kills            processes the cgroup's OOM killer killed
#   pressure_teardown             kill the VMs of this script, swapoff,
#                                 remove the swap file and the cgroup
#
# cgroup v1 (memory.limit_in_bytes) where the memory controller is
# mounted so, else cgroup v2 (memory.max). Swap cannot be on tmpfs: the
# file goes to ZH_SWAP_DIR (default /var/tmp).

PRESSURE_CG=
PRESSURE_CG_VERSION=
PRESSURE_SWAP=
PRESSURE_LIMIT_FILE=

# _pressure_cg_parent: where a new memory cgroup can go, and its version.
_pressure_cg_parent() {
	local v2
	if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
		echo "1 /sys/fs/cgroup/memory"
		return 0
	fi
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
		echo "2 $v2"
		return 0
	fi
	return 1
}

pressure_require() {
	local why=
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root (a memory cgroup and swapon)"
	elif ! _pressure_cg_parent >/dev/null; then
		why="no memory cgroup controller (neither cgroup v1 memory nor cgroup v2 with memory)"
	elif ! command -v swapon >/dev/null || ! command -v mkswap >/dev/null; then
		why="no swapon or mkswap"
	elif [ ! -r /proc/swaps ]; then
		why="the kernel has no swap support (/proc/swaps)"
	fi
	if [ -n "$why" ]; then
		echo "1..0 # SKIP $why"
		exit 4
	fi
}

# _pressure_bytes SIZE: SIZE with a K, M or G suffix in bytes.
_pressure_bytes() {
	numfmt --from=iec "$1"
}

pressure_limit() {
	_pressure_bytes "$1" >"$PRESSURE_LIMIT_FILE"
}

pressure_setup() {
	local limit=$1 swap_mib=$2 parent ver dir
	read -r ver parent < <(_pressure_cg_parent) || return 1
	dir=$parent/zonehost-pressure.$$
	mkdir "$dir" || return 1
	PRESSURE_CG=$dir
	PRESSURE_CG_VERSION=$ver
	if [ "$ver" = 1 ]; then
		PRESSURE_LIMIT_FILE=$dir/memory.limit_in_bytes
		# Swap as the host would, whatever the parent says.
		echo 60 >"$dir/memory.swappiness" 2>/dev/null || true
	else
		# The controller must be on for the parent's children.
		grep -qw memory "$parent/cgroup.subtree_control" ||
			echo +memory >"$parent/cgroup.subtree_control" || return 1
		PRESSURE_LIMIT_FILE=$dir/memory.max
	fi
	pressure_limit "$limit" || {
		tap_diag "cannot set the limit in $PRESSURE_LIMIT_FILE"
		return 1
	}
	PRESSURE_SWAP=$(mktemp "${ZH_SWAP_DIR:-/var/tmp}/zonehost-swap.XXXXXX") || return 1
	chmod 600 "$PRESSURE_SWAP"
	# fallocate is fast; a file system that cannot swap to a preallocated
	# file gets one written out.
	if ! { fallocate -l "${swap_mib}M" "$PRESSURE_SWAP" &&
	       mkswap -q "$PRESSURE_SWAP" >/dev/null &&
	       swapon -p 32767 "$PRESSURE_SWAP" 2>/dev/null; }; then
		dd if=/dev/zero of="$PRESSURE_SWAP" bs=1M count="$swap_mib" status=none &&
			mkswap -q "$PRESSURE_SWAP" >/dev/null &&
			swapon -p 32767 "$PRESSURE_SWAP" || {
			tap_diag "swapon of a ${swap_mib} MiB file in ${ZH_SWAP_DIR:-/var/tmp} failed"
			return 1
		}
	fi
}

pressure_vm_start() {
	vm_track "$1"
	(
		echo "$BASHPID" >"$PRESSURE_CG/cgroup.procs" || exit 1
		vm_start "$@"
	)
}

pressure_swap_used() {
	awk -v f="$PRESSURE_SWAP" '$1 == f { print $4 * 1024; found = 1 }
		END { if (!found) print 0 }' /proc/swaps
}

pressure_usage() {
	if [ "$PRESSURE_CG_VERSION" = 1 ]; then
		cat "$PRESSURE_CG/memory.usage_in_bytes"
	else
		cat "$PRESSURE_CG/memory.current"
	fi
}

pressure_oom_kills() {
	local f=$PRESSURE_CG/memory.events
	[ "$PRESSURE_CG_VERSION" = 1 ] && f=$PRESSURE_CG/memory.oom_control
	awk '$1 == "oom_kill" { print $2; found = 1 } END { if (!found) print 0 }' "$f"
}

pressure_holds() {
	grep -qx "$1" "$PRESSURE_CG/cgroup.procs" 2>/dev/null
}

# _pressure_left: the processes still in the cgroup, with their state and
# where they wait, on one line.
_pressure_left() {
	local pid
	for pid in $(cat "$PRESSURE_CG/cgroup.procs" 2>/dev/null); do
		printf '%s %s state %s in %s; ' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null)" \
			"$(awk '$1 == "State:" { print $2 }' "/proc/$pid/status" 2>/dev/null)" \
			"$(cat "/proc/$pid/wchan" 2>/dev/null)"
	done
}

pressure_teardown() {
	local name pid end
	# QEMU first: swapoff would pull its pages back in, past the limit.
	for name in "${VM_NAMES[@]}"; do
		pid=$(cat "$ZHOST_RUNTIME_DIR/$name/qemu.pid" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	if [ -n "$PRESSURE_CG" ]; then
		# zhostd exits after QEMU; the cgroup can go once both have. A
		# killed QEMU can take minutes: its threads may sit in the
		# cgroup's reclaim, which (cgroup v1) waits for writeback to the
		# disk and not for signals, and its swapped memory must be freed.
		end=$((SECONDS + 180))
		while [ -s "$PRESSURE_CG/cgroup.procs" ] && [ $SECONDS -lt $end ]; do
			sleep 0.2
		done
		rmdir "$PRESSURE_CG" 2>/dev/null ||
			tap_diag "could not remove $PRESSURE_CG, still in it: $(_pressure_left)"
		PRESSURE_CG=
	fi
	if [ -n "$PRESSURE_SWAP" ]; then
		if grep -q "^$PRESSURE_SWAP " /proc/swaps; then
			swapoff "$PRESSURE_SWAP" || tap_diag "swapoff $PRESSURE_SWAP failed"
		fi
		rm -f "$PRESSURE_SWAP"
		PRESSURE_SWAP=
	fi
}

# Before vm.sh's cleanup, which ends the script; it sees the status the
# script exited with.
trap '_pressure_st=$?; pressure_teardown; (exit $_pressure_st); vm_cleanup' EXIT
