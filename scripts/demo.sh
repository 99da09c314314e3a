#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The zonehost demo, narrated step by step (`make demo` builds first).
# Each feature of the project adds its step here.
set -euo pipefail
ZH_PROG=demo
. "$(dirname "$0")/lib.sh"

bin=$ZH_BUILD/bin
name=zonehost-demo
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	norm=$(tput sgr0 2>/dev/null || true)
else
	bold=""
	norm=""
fi
n=0
step() {
	n=$((n + 1))
	printf '\n%s== Step %d: %s%s\n' "$bold" "$n" "$1" "$norm"
	shift
	[ $# -eq 0 ] || printf '   %s\n' "$@"
}

step "The guest kernel" \
	"Debian's linux-source-6.12 with the zonehost patch series, built by 'make guest'."
echo "   source:  linux-source-6.12 $(cat "$ZH_GUEST/linux-source.version")"
echo "   release: $(cat "$ZH_GUEST/kernel.release")"
echo "   patches:"
grep -v '^#' "$ZH_ROOT/patches/series" | sed 's/^/     /'
echo "   image:   build/guest/bzImage ($(du -h "$ZH_GUEST/bzImage" | cut -f1)), initramfs $(du -h "$ZH_GUEST/initramfs.cpio.gz" | cut -f1)"

step "Boot it under QEMU" \
	"zhost-run boots the guest (q35, 2 CPUs, TCG) and runs the demo program inside it;" \
	"guest console lines are shown with 'guest |'."
echo "   \$ zhost-run -n $name -m 1G --test demo --append quiet"
start=$(date +%s)
status=0
"$bin/zhost-run" -n "$name" -m 1G --test demo --append quiet --timeout 300 \
	2>&1 | tee "$log" | sed -u 's/\r$//; s/^/   guest | /' || status=$?

step "Power off"
if [ $status -eq 0 ] && grep -q 'zonehost-guest: exit demo 0' "$log"; then
	echo "   The guest powered itself off cleanly; QEMU exited with status 0 after $(($(date +%s) - start)) s."
else
	zh_die "the guest did not finish the demo cleanly (status $status)"
fi
