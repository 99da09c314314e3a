#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages zonehost needs. A quick no-op when all are
# present; runs `apt-get update` only when a package has no install candidate
# in the current lists (a fresh machine) or the lists are older than a week.
set -euo pipefail
ZH_PROG=deps
. "$(dirname "$0")/lib.sh"

pkgs=(
	# guest kernel build
	linux-source-6.12 gcc make patch bc flex bison libelf-dev libssl-dev
	xz-utils gzip cpio perl
	# guest userland
	busybox-static stress-ng libc6-dev
	# running guests
	qemu-system-x86 socat qemu-guest-agent
	# host programs and their tests
	pkg-config libjansson-dev clang libclang-rt-14-dev jq
	# balloon-ctl history --plot
	gnuplot-nox
	# perf: the benchmarks record QEMU's page faults one by one
	linux-perf
	# the kernel series: make export-patches, check-series, and the
	# kernel's checkpatch.pl (its SPDX check needs ply and GitPython)
	git python3-ply python3-git
	# libvirt domains (tests/e2e/test-libvirt.sh; the hook parses the
	# domain XML with xmllint), the systemd unit's check, the package
	libvirt-daemon-system libvirt-clients libxml2-utils systemd
	dpkg-dev lintian
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	zh_log "all ${#pkgs[@]} packages present"
	exit 0
fi

zh_log "missing: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || zh_die "installing packages needs root: run 'sudo make deps'"

need_update=0
lists=/var/lib/apt/lists
if [ -z "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mtime -7 2>/dev/null | head -n 1)" ]; then
	need_update=1
else
	for p in "${missing[@]}"; do
		cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
			need_update=1
			break
		fi
	done
fi
if [ $need_update -eq 1 ]; then
	zh_log "apt-get update"
	apt-get update -q
fi

# Where systemd is not PID 1, the maintainer scripts of libvirt-daemon-system
# would start libvirtd through its init script: a system libvirtd that
# nobody asked for, and that would share /run/libvirt with the one
# tests/e2e/test-libvirt.sh starts. policy-rc.d (invoke-rc.d and
# deb-systemd-invoke ask it) refuses every start while we install; one that
# exists already is the machine's own and stays as it is.
policy=/usr/sbin/policy-rc.d
if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# zonehost scripts/deps.sh: no services start while it installs\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "${missing[@]}"
zh_log "installed ${#missing[@]} packages"
