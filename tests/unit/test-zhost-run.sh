#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# zhost-run's command line: bad input gets a clear error and exit status 2;
# --dry-run shows the QEMU command a user would get. Its runtime directory:
# created with mode 0700, refused when it belongs to another user or others
# can write to it, and a symbolic link planted as a pid file is not
# followed (booting with a fake QEMU that notes what it found).
# timeout: 60
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
zr=$(cd "$(dirname "$0")/../.." && pwd)/mm-host/zhost-run
export ZHOST_RUNTIME_DIR=${ZHOST_RUNTIME_DIR:-$(mktemp -d)}
out=$(mktemp)
t=$(mktemp -d) || exit 1
sleeper=""
trap 'rm -f "$out"; rm -rf "$t"; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null' EXIT

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

# The size grammar all host tools share: the rows of sizes.txt, each a
# string and the bytes it means or "error" (test-size checks the C side).
sizes=$(dirname "$0")/sizes.txt
tap_plan $((34 + $(grep -cv '^#' "$sizes")))
while read -r s want; do
	[ -n "$s" ] && [ "${s#\#}" = "$s" ] || continue
	got=$(. "$zr" && size_bytes "$s") || got=error
	[ "$got" = "$want" ]
	tap_ok $? "size '$s' is $want${got:+$([ "$got" = "$want" ] || echo ", got $got")}"
done <"$sizes"
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
dry | grep -q -- '-device ivshmem-doorbell,chardev=zhostd,vectors=4' &&
	dry | grep -q -- 'socket,path=.*/zonehost/ivshmem.sock'
tap_ok $? "dry run: the zonehost ivshmem-doorbell device joins zhostd's socket"
! dry --no-zhostd | grep -q ivshmem
tap_ok $? "dry run: --no-zhostd boots without the device"
dry -m 1024 | grep -q -- '-m 1024M'
tap_ok $? "dry run: a memory size without a unit is MiB, as QEMU's -m"
dry -m 1GiB | grep -q -- '-m 1024M' && dry -m 2097152K | grep -q -- '-m 2048M'
tap_ok $? "dry run: memory sizes in the shared grammar (1GiB, 2097152K)"
rejects "memory size not a whole number of MiB" "bad memory size '1000K'" -m 1000K
rejects "host memory size in no grammar" "bad host memory size '1X'" -H 1X --dry-run

# A QEMU that only notes the modes of the runtime and VM directories it
# was given (those of -pidfile), and an empty kernel and initramfs.
fake_qemu=$t/qemu
cat >"$fake_qemu" <<'END'
#!/bin/sh
for a; do [ "${prev:-}" = -pidfile ] && vmdir=${a%/*}; prev=$a; done
stat -c %a "${vmdir%/*}" "$vmdir" >"$FAKE_QEMU_OUT"
END
chmod 0755 "$fake_qemu"
touch "$t/bzImage" "$t/initrd"
mkdir -m 1777 "$t/shared"	# a /tmp: sticky, world-writable
ran=$t/shared/qemu-ran		# what the fake QEMU noted

# boot RUNTIME ARGS...: zhost-run in the foreground with the fake QEMU.
boot() {
	local rt=$1
	shift
	rm -f "$ran"
	ZHOST_RUNTIME_DIR=$rt ZHOST_QEMU=$fake_qemu FAKE_QEMU_OUT=$ran \
		timeout -k 2 15 "$zr" --no-zhostd -k "$t/bzImage" -i "$t/initrd" "$@"
}

# refuses_dir DESCRIPTION EXPECTED-TEXT RUNTIME ARGS...: exit 2 saying
# it, before QEMU ran.
refuses_dir() {
	local desc=$1 want=$2 st=0
	shift 2
	boot "$@" >"$out" 2>&1 || st=$?
	[ $st -eq 2 ] && grep -q -- "$want" "$out" && [ ! -e "$ran" ]
	tap_ok $? "$desc"
	[ $st -eq 2 ] || tap_diag "exit status $st" "$(cat "$out")"
}

boot "$t/fresh" -n vm1 >"$out" 2>&1
[ "$(tr '\n' ' ' <"$ran" 2>/dev/null)" = "700 700 " ]
tap_ok $? "a fresh runtime directory and VM directory are created with mode 0700"
[ -d "$t/fresh" ] && [ ! -e "$t/fresh/vm1" ]
tap_ok $? "... and the VM directory is gone after the VM"

# zhostd gets host memory sizes in MiB, so a number without a unit means
# MiB to both: a zhostd that notes its arguments and fails to start.
cat >"$t/zhostd" <<'END'
#!/bin/sh
echo "$*" >"$FAKE_ZHOSTD_OUT"
exit 1
END
chmod 0755 "$t/zhostd"
ZHOST_RUNTIME_DIR=$t/fresh ZHOST_QEMU=$fake_qemu ZHOST_ZHOSTD=$t/zhostd \
	FAKE_ZHOSTD_OUT=$t/zhostd-args timeout -k 2 15 "$zr" -n vm3 \
	-k "$t/bzImage" -i "$t/initrd" -H 512 --host-max 1T >"$out" 2>&1
grep -q -- '--initial 512M --max 1048576M' "$t/zhostd-args" 2>/dev/null &&
	grep -q "zhostd failed to start" "$out"
tap_ok $? "-H 512 --host-max 1T reach zhostd as --initial 512M --max 1048576M"

mkdir -m 0755 "$t/other"
if chown 65534:65534 "$t/other" 2>/dev/null; then
	refuses_dir "a runtime directory of another user is refused" \
		"runtime directory $t/other belongs to .*uid 65534" "$t/other"
	st=0
	ZHOST_RUNTIME_DIR=$t/other "$zr" --list >"$out" 2>&1 || st=$?
	[ $st -eq 2 ] && grep -q "belongs to" "$out"
	tap_ok $? "--list refuses it too"
else
	tap_skip "a runtime directory of another user is refused" "not root"
	tap_skip "--list refuses it too" "not root"
fi
mkdir -m 0775 "$t/group-w"
refuses_dir "a group-writable runtime directory is refused" \
	"writable by its group or others (mode 0775)" "$t/group-w"
refuses_dir "a sticky, world-writable one (/tmp itself) too" \
	"chmod go-w $t/shared" "$t/shared"
ln -s "$t/fresh" "$t/link"
refuses_dir "a symbolic link as the runtime directory is refused" \
	"runtime directory $t/link is a symbolic link" "$t/link"
mkdir -m 0750 "$t/fresh/open"
refuses_dir "a VM directory open to others is refused" \
	"VM directory $t/fresh/open is open to its group or others" \
	"$t/fresh" -n open

# A pid file that is a symbolic link to another process's pid: --stop must
# not take that process for the VM's QEMU and kill it.
sleep 60 &
sleeper=$!
echo "$sleeper" >"$t/pid"
mkdir -m 0700 "$t/fresh/vm2"
ln -s "$t/pid" "$t/fresh/vm2/qemu.pid"
st=0
ZHOST_RUNTIME_DIR=$t/fresh timeout -k 2 15 "$zr" --stop -n vm2 --stop-timeout 0 \
	>"$out" 2>&1 || st=$?
[ $st -eq 2 ] && grep -q "no VM named 'vm2' is running" "$out"
tap_ok $? "--stop: a symbolic link as qemu.pid is not followed"
[ $st -eq 2 ] || tap_diag "exit status $st" "$(cat "$out")"
kill -0 "$sleeper" 2>/dev/null && [ "$(cat "$t/pid")" = "$sleeper" ]
tap_ok $? "... and the process it names is left alone"

# Another user whose /tmp/zonehost someone else made first, world-writable
# to let them in: XDG_RUNTIME_DIR stands for /tmp.
mkdir -m 0777 "$t/shared/zonehost"
chmod 0711 "$t"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$zr"; then
	tap_skip "as another user, a zonehost directory planted in a shared /tmp is refused" \
		"needs root, setpriv and a zhost-run others may run"
else
	st=0
	env -u ZHOST_RUNTIME_DIR XDG_RUNTIME_DIR="$t/shared" ZHOST_QEMU="$fake_qemu" \
		FAKE_QEMU_OUT="$ran" timeout -k 2 15 \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$zr" --no-zhostd -k "$t/bzImage" -i "$t/initrd" >"$out" 2>&1 || st=$?
	[ $st -eq 2 ] && grep -q "runtime directory $t/shared/zonehost belongs to root" "$out" &&
		grep -q "set XDG_RUNTIME_DIR" "$out" && [ ! -e "$ran" ] &&
		[ ! -e "$t/shared/zonehost/zonehost" ]
	tap_ok $? "as another user, a zonehost directory planted in a shared /tmp is refused"
	[ $st -eq 2 ] || tap_diag "exit status $st" "$(cat "$out")"
fi
tap_done
