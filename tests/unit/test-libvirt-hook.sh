#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The libvirt hook dist/libvirt/zonehost, fed domain XML as libvirtd feeds
# it, with a zhostd in PATH that records its arguments: it leaves other
# domains and operations alone, turns the <zonehost:vm> metadata and the
# <shmem> into zhostd's options (QEMU's user from qemu.conf), and refuses
# a bad size, policy, name or socket directory with a message and status 1
# before starting anything. Where systemd runs it writes the options to
# /run/zonehost/DOMAIN.conf and starts and stops zhostd@DOMAIN (a
# systemctl in PATH records that here). tests/e2e/test-libvirt.sh runs it
# under libvirt.
# timeout: 60
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
hook=$root/dist/libvirt/zonehost

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the hook runs as root under libvirtd and wants a root-owned socket directory"
	exit 4
fi
tap_plan 14
t=$(mktemp -d) || exit 1
dom=zh-hook-test-$$
conf=/run/zonehost/$dom.conf
own_runtime=0
[ -e /run/zonehost ] || own_runtime=1
cleanup() {
	rm -rf "$t"
	rm -f "$conf"
	[ $own_runtime -eq 0 ] || rmdir /run/zonehost 2>/dev/null
}
trap cleanup EXIT
chmod 0755 "$t"
mkdir -m 0755 "$t/bin" "$t/sock"
# The fake zhostd: its arguments, one a line, then success.
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/args"\n' "$t" >"$t/bin/zhostd"
# The fake systemctl: its arguments on one line, appended.
printf '#!/bin/sh\necho "$*" >>"%s/systemctl"\n' "$t" >"$t/bin/systemctl"
chmod 0755 "$t/bin/zhostd" "$t/bin/systemctl"
printf '%s\n' '#user = "nobody"' 'user = "+4242"' 'group = "+4243"' >"$t/qemu.conf"

# domain_xml META SHMEM-PATH: a domain with that metadata element.
domain_xml() {
	cat <<XML
<domain type='qemu'><name>$dom</name>
  <metadata>$1</metadata>
  <devices><shmem name='zonehost'><model type='ivshmem-doorbell'/>
    <server path='$2'/><msi vectors='3'/></shmem></devices>
</domain>
XML
}
META="<zonehost:vm xmlns:zonehost='urn:zonehost:libvirt:1' initial='256M' max='1G' policy='auto' bar-size='2G'/>"

# run NAME OP XML: the hook as libvirtd runs it; status, output in $t/out.
run() {
	rm -f "$t/args"
	printf '%s' "$3" | PATH=$t/bin:$PATH ZONEHOST_QEMU_CONF=$t/qemu.conf \
		ZONEHOST_HOOK_SYSTEMD=${SYSTEMD:-0} "$hook" "$1" "$2" begin - >"$t/out" 2>&1
}
called() { [ -f "$t/args" ]; }

run "$dom" prepare "$(domain_xml '' "$t/sock/a.sock")"
tap_ok "$([ $? -eq 0 ] && ! called; echo $?)" "a domain without zonehost metadata: left alone"
run "$dom" start "$(domain_xml "$META" "$t/sock/a.sock")"
tap_ok "$([ $? -eq 0 ] && ! called; echo $?)" "operations other than prepare and release: ignored"
run "$dom" prepare "$(domain_xml "<other:vm xmlns:other='urn:other'/>" "$t/sock/a.sock")"
tap_ok "$([ $? -eq 0 ] && ! called; echo $?)" "metadata of another namespace: left alone"

run "$dom" prepare "$(domain_xml "$META" "$t/sock/a.sock")"
st=$?
args=$(paste -sd' ' "$t/args" 2>/dev/null)
want="--name $dom --daemon --log-file /run/zonehost/$dom/zhostd.log --socket $t/sock/a.sock --socket-owner 4242:4243 --on-disconnect exit --initial 256M --max 1G --bar-size 2G --policy auto"
tap_diag "zhostd $args"
tap_ok "$([ $st -eq 0 ] && [ "$args" = "$want" ]; echo $?)" \
	"prepare: zhostd gets the name, the shmem's socket given to qemu.conf's user, and the metadata's sizes and policy"

run "$dom" prepare "$(domain_xml "<zonehost:vm xmlns:zonehost='urn:zonehost:libvirt:1'/>" "$t/sock/a.sock")"
st=$?
args=$(paste -sd' ' "$t/args" 2>/dev/null)
tap_ok "$([ $st -eq 0 ] && [[ $args == *"--on-disconnect exit" ]]; echo $?)" \
	"an empty <zonehost:vm/>: zhostd's defaults ($args)"

# refused MESSAGE DESCRIPTION NAME XML: status 1, MESSAGE said, no zhostd.
refused() {
	run "$3" prepare "$4"
	local st=$?
	tap_ok "$([ $st -eq 1 ] && grep -qF -- "$1" "$t/out" && ! called; echo $?)" "$2: $(cat "$t/out")"
}
refused "is not a size" "initial='lots' refused" "$dom" \
	"$(domain_xml "${META/256M/lots}" "$t/sock/a.sock")"
refused "neither auto nor off" "policy='on' refused" "$dom" \
	"$(domain_xml "${META/auto/on}" "$t/sock/a.sock")"
refused "no zonehost VM name" "a domain name zonehost cannot use refused" "bad/name" \
	"$(domain_xml "$META" "$t/sock/a.sock")"
refused "no <shmem name='zonehost'>" "no shmem server path refused" "$dom" \
	"$(domain_xml "$META" "")"
mkdir -m 0777 "$t/open"
refused "must be root's and not writable by others" "a socket directory others may write to refused" "$dom" \
	"$(domain_xml "$META" "$t/open/a.sock")"

run "$dom" release "$(domain_xml "$META" "$t/sock/a.sock")"
tap_ok "$([ $? -eq 0 ] && ! called; echo $?)" "release without a running zhostd: nothing to do"

# Under systemd: the unit, with the same options.
SYSTEMD=1 run "$dom" prepare "$(domain_xml "$META" "$t/sock/a.sock")"
st=$?
opts="--socket $t/sock/a.sock --socket-owner 4242:4243 --on-disconnect exit --initial 256M --max 1G --bar-size 2G --policy auto"
tap_ok "$([ $st -eq 0 ] && ! called && [ "$(cat "$conf" 2>/dev/null)" = "ZHOSTD_OPTS=\"$opts\"" ] &&
	[ "$(cat "$t/systemctl")" = "start zhostd@$dom.service" ]; echo $?)" \
	"systemd: prepare writes $conf and starts zhostd@$dom ($(cat "$conf" 2>/dev/null))"
# What the unit makes of it: zhostd --name %i --runtime-dir ... $ZHOSTD_OPTS.
# shellcheck disable=SC2086 # split as systemd splits $ZHOSTD_OPTS
"${ZH_BUILD:-$root/build}/bin/zhostd" --name "$dom" $opts --help >/dev/null 2>&1
tap_ok $? "systemd: zhostd accepts those options"
SYSTEMD=1 run "$dom" release "$(domain_xml "$META" "$t/sock/a.sock")"
st=$?
tap_ok "$([ $st -eq 0 ] && [ ! -e "$conf" ] &&
	[ "$(tail -n 1 "$t/systemctl")" = "stop zhostd@$dom.service" ]; echo $?)" \
	"systemd: release stops zhostd@$dom and removes $conf"
tap_done
