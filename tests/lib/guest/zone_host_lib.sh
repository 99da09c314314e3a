#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_lib: shell helpers the guest-side shell programs source
# (installed beside them in /usr/lib/zonehost/bin/; running it does
# nothing).
#
#   zh_until             zonehost.until=N from the kernel command line (1)
#   zh_wait_idle TENTHS  wait until the provider is idle or stuck
#   zh_requests          requested sizes the provider received so far

z=/sys/kernel/mm/zone_host

zh_until() {
	n=1
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		zonehost.until=*) n=${arg#zonehost.until=} ;;
		esac
	done
	echo "$n"
}

zh_wait_idle() {
	i=0
	while ! grep -qE '^(idle|stuck)$' $z/state 2>/dev/null && [ $i -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

zh_requests() { cat $z/stats/requests; }
