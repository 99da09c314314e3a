#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmrpc_remove: the guest side of tests/e2e/test-vmrpc-remove.sh. With
# host memory plugged, the zonehost PCI device is removed through sysfs
# (/sys/bus/pci/devices/*/remove), as an administrator or a hot-unplug
# would. The guest must not crash, calls must fail at once rather than
# hang, the plugged memory must stay usable (the host still backs it), and
# a PCI rescan must bring the device back with calls working again.

z=/sys/kernel/mm/zone_host
ping=/sys/kernel/debug/vmrpc/ping
drv=/sys/bus/pci/drivers/vmrpc
n=0
t() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}
wait_for() { # TENTHS COMMAND...: until COMMAND succeeds
	i=0 lim=$1
	shift
	while ! "$@" 2>/dev/null && [ $i -lt "$lim" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$@" 2>/dev/null
}
idle() { grep -qE '^(idle|stuck)$' $z/state; }
bound() { ls -d $drv/0000:* >/dev/null 2>&1; }
memtotal() { awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo; }

echo "TAP version 13"
if ! bound || [ ! -d $z ]; then
	echo "1..0 # SKIP no vmrpc device bound or no $z (boot with zhostd)"
	exit 4
fi
echo "1..9"
wait_for 600 idle
plugged=$(cat $z/plugged_bytes)
total=$(memtotal)
dev=$(basename "$(ls -d $drv/0000:* | head -n 1)")
echo "# device $dev, $plugged bytes plugged, MemTotal $total kB"
ranges() { grep -c 'System RAM (zonehost)' /proc/iomem; }
before=$(ranges)
echo 1 >/sys/bus/pci/devices/"$dev"/remove
t $? "the device is removed through sysfs with $((plugged >> 20)) MiB plugged"
# The ranges lived inside BAR2's resource, which goes with the device; the
# provider takes them out first and lists them again when it is back.
echo "# /proc/iomem: $before zonehost range(s) before the removal, $(ranges) after"
t "$(bound && echo 1 || echo 0)" "the driver is no longer bound"
cat $ping >/dev/null 2>/tmp/ping.err
st=$?
t "$([ $st -ne 0 ] && grep -q 'No such device' /tmp/ping.err && echo 0 || echo 1)" \
	"a guest->host call fails at once with ENODEV"
t "$([ "$(memtotal)" = "$total" ] && echo 0 || echo 1)" \
	"the plugged memory stays in the guest (MemTotal $(memtotal) kB)"
stress-ng --vm 1 --vm-bytes 75% --verify --timeout 10s >/tmp/stress.log 2>&1
t $? "stress-ng --vm 75% --verify passes on the memory left behind"
echo 1 >/sys/bus/pci/rescan
wait_for 300 bound
t $? "a PCI rescan binds the device again"
wait_for 600 idle
t "$([ "$(cat $z/plugged_bytes)" = "$plugged" ] && echo 0 || echo 1)" \
	"the provider takes the same data area up again ($(cat $z/plugged_bytes) bytes plugged, state $(cat $z/state))"
wait_for 100 sh -c "cat $ping >/dev/null"
t $? "guest->host calls work again"
t "$([ "$before" -gt 0 ] && [ "$(ranges)" = "$before" ] && echo 0 || echo 1)" \
	"/proc/iomem lists the $before added block(s) again ($(ranges) \"System RAM (zonehost)\" ranges)"
