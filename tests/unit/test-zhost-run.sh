#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhost-run's command line: bad input gets a clear error and exit status 2;
# --dry-run shows the QEMU command a user would get.
# timeout: 60
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
zr=$(cd "$(dirname "$0")/../.." && pwd)/scripts/zhost-run
export ZHOST_RUNTIME_DIR=${ZHOST_RUNTIME_DIR:-$(mktemp -d)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# rejects DESCRIPTION EXPECTED-TEXT ARGS...
rejects() {
	local desc=$1 want=$2 st=0
	shift 2
	"$zr" "$@" >"$out" 2>&1 || st=$?
	[ $st -eq 2 ] && grep -q -- "$want" "$out"
	tap_ok $? "$desc"
	[ $st -eq 2 ] || tap_diag "exit status $st" "$(cat "$out")"
}

dry() { "$zr" --dry-run "$@" 2>&1; }

tap_plan 18
rejects "unknown option" "unknown option '--bogus'" --bogus
rejects "memory size with a fraction" "bad memory size '1.5G'" -m 1.5G
rejects "memory size too small" "too small" -m 64M
rejects "CPU count out of range" "bad CPU count '9'" -c 9
rejects "unknown accelerator" "bad accelerator 'xen'" --accel xen --dry-run
rejects "VM name with a slash" "bad VM name" -n ../etc
rejects "option without its value" "option --memory needs a value" --memory
rejects "--timeout with --detach" "foreground runs only" -d --timeout 5
rejects "--zhostd-opt without zhostd" "--zhostd-opt needs zhostd" --no-zhostd -Z --policy=auto --dry-run
rejects "--zhostd-opt without its value" "option -Z needs a value" -Z
rejects "stopping a VM that is not running" "no VM named 'nothere' is running" --stop -n nothere

cmd=$(dry -m 2G -c 2 -t guest_env -a quiet)
echo "$cmd" | grep -q -- '-M q35' && echo "$cmd" | grep -q -- '-accel tcg' &&
	echo "$cmd" | grep -q -- '-m 2048M' && echo "$cmd" | grep -q -- '-smp 2'
tap_ok $? "dry run: q35, TCG, 2048 MiB, 2 CPUs"
echo "$cmd" | grep -q 'zonehost.run=guest_env' && echo "$cmd" | grep -q 'quiet'
tap_ok $? "dry run: --test and --append reach the kernel command line"
dry --accel kvm | grep -q -- '-accel kvm -cpu host'
tap_ok $? "dry run: --accel kvm uses KVM with the host CPU model"
dry -d | grep -q -- '-daemonize' && dry -d | grep -q 'console.log'
tap_ok $? "dry run: --detach daemonizes with the console in a log file"
"$zr" --help | grep -q -- '--stop'
tap_ok $? "--help documents --stop"
dry | grep -q -- '-device ivshmem-doorbell,chardev=zhostd,vectors=3' &&
	dry | grep -q -- 'socket,path=.*/zonehost/ivshmem.sock'
tap_ok $? "dry run: the zonehost ivshmem-doorbell device joins zhostd's socket"
! dry --no-zhostd | grep -q ivshmem
tap_ok $? "dry run: --no-zhostd boots without the device"
tap_done
