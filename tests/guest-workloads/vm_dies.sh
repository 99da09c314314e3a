#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vm_dies: the guest side of tests/e2e/test-vm-dies.sh. Once ZONE_HOST
# has reached the size the host asked for, it prints
#
#   vm-dies: ready PLUGGED_BYTES
#
# and then does what the host says on the host channel (tests/lib/vm.sh):
# "reboot" restarts the kernel (reboot -f: no init, but the kernel's own
# shutdown of its devices), "panic" makes the kernel panic (the test
# kernel has no magic SysRq, so through the OOM killer with
# vm.panic_on_oom set: stress-ng asks for more memory than the guest can
# ever have), "done" ends the program. The kernel command line's panic=-1
# reboots after a panic; QEMU turns a reboot into an exit or a reset, as
# the test chose. After a reboot the new kernel runs this program again.

. "$(dirname "$0")/zone_host_lib"

zh_host_open
zh_wait_idle 600
echo "vm-dies: ready $(cat $z/plugged_bytes 2>/dev/null || echo unknown)"
# As zh_host_wait, for any of the words.
while :; do
	if ! read -r line <&9; then
		sleep 0.1
		continue
	fi
	case "$line" in
	reboot)
		echo "vm-dies: rebooting"
		reboot -f
		;;
	panic)
		echo "vm-dies: panicking"
		echo 1 >/proc/sys/vm/panic_on_oom
		stress-ng --vm 4 --vm-bytes 1G --vm-keep --timeout 600 >/dev/null 2>&1
		echo "vm-dies: still alive after the memory ran out"
		;;
	done)
		exit 0
		;;
	esac
done
