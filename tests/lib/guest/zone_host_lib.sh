#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_lib: shell helpers the guest-side shell programs source
# (installed beside them in /usr/lib/zonehost/bin/; running it does
# nothing).
#
#   zh_wait_idle TENTHS  wait until the provider is idle or stuck
#   zh_host_open         open the host channel on fd 9 (tests/lib/vm.sh);
#                        do it before printing the marker the host waits
#                        for; exits 4 (skip) when there is none
#   zh_host_wait WORD    wait until the host sends WORD ("done")
#   zh_host_watch WORD FILE
#                        in the background: create FILE once the host
#                        sent WORD

z=/sys/kernel/mm/zone_host

zh_wait_idle() {
	i=0
	while ! grep -qE '^(idle|stuck)$' $z/state 2>/dev/null && [ $i -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

zh_host_open() {
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = org.zonehost.test ] || continue
		exec 9<"/dev/${p##*/}"
		return 0
	done
	echo "1..0 # SKIP no host channel: run by tests/e2e (tests/lib/vm.sh)"
	exit 4
}

# While no host is connected, a read of the port ends at once with
# nothing: look again every 100 ms.
zh_host_wait() {
	while :; do
		if read -r line <&9; then
			[ "$line" = "$1" ] && return 0
		else
			sleep 0.1
		fi
	done
}

zh_host_watch() {
	(zh_host_wait "$1" && : >"$2") &
}
