#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# libvirt runs the project's guest with ZONE_HOST from the domain XML of
# Documentation/admin-guide/libvirt.rst: the test starts a libvirtd of its
# own (config, sockets, log and pid file in its private directory; the
# QEMU driver's state directories are fixed for a root libvirtd), puts the
# libvirt hook in /etc/libvirt/hooks/qemu.d/ for its lifetime, defines the
# documented domain with virsh and starts it. balloon-ctl -n DOMAIN then
# finds zhostd, the guest has its initial host memory plugged, grows and
# shrinks with check passing; virsh destroy makes zhostd free the memory
# and exit leaving no socket or pid file; virsh start works again, virsh
# shutdown powers the guest off; a domain the hook refuses does not start.
# The daemon, the domain, the hook and their files are gone at the end.
# timeout: 420
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
vm_require_guest

name=zh-e2e-libvirt-$$
doc=$VM_ROOT/Documentation/admin-guide/libvirt.rst
hook_src=$VM_ROOT/dist/libvirt/zonehost
hook=/etc/libvirt/hooks/qemu.d/zonehost
sockdir=/run/zonehost-libvirt
vmdir=/run/zonehost/$name
lvdir=$VM_TMP/libvirt
uri="qemu:///system?socket=$lvdir/libvirt-sock"
MIB=$((1 << 20))

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP libvirt's system instance, which runs QEMU as libvirt-qemu, needs root"
	exit 4
fi
for c in libvirtd virtlogd virsh xmllint; do
	command -v "$c" >/dev/null && continue
	echo "1..1"
	echo "not ok 1 - $c is installed: run 'make deps' (libvirt-daemon-system, libvirt-clients, libxml2-utils)"
	exit 1
done
# A libvirtd of the machine's own would share /run/libvirt/qemu with ours.
if [ -S /run/libvirt/libvirt-sock ] && timeout 10 virsh -c qemu:///system version >/dev/null 2>&1; then
	echo "1..0 # SKIP a libvirtd runs already; this test starts its own, which would share /run/libvirt/qemu with it"
	exit 4
fi
if [ -e "$hook" ] && ! cmp -s "$hook" "$hook_src"; then
	echo "1..1"
	echo "not ok 1 - $hook is another hook than $hook_src: remove it (or reinstall the package) first"
	exit 1
fi

lv() { timeout 120 virsh -q -c "$uri" "$@"; }
# balloon-ctl as an administrator runs it: root's default runtime directory.
bctl() { timeout 120 env -u ZHOST_RUNTIME_DIR "$BCTL" -n "$name" "$@"; }
pid_of() { cat "$1" 2>/dev/null; }
alive() { [[ ${1:-} =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null; }

# What exists before the test, so that cleanup removes only what it made.
own_hook=0 own_hookdir=0 own_sockdir=0 own_runtime=0 own_virtlogd=0
[ -e "$hook" ] || own_hook=1
[ -e "$(dirname "$hook")" ] || own_hookdir=1
[ -e "$sockdir" ] || own_sockdir=1
[ -e /run/zonehost ] || own_runtime=1
img=$(mktemp -d)
chmod 0755 "$img"	# libvirt-qemu reads the guest from here

# Each start empties the console file: keep what the last boot printed.
keep_console() {
	[ ! -f "$img/console.log" ] || tr -d '\r' <"$img/console.log" >>"$img/consoles"
	rm -f "$img/console.log"
}

lv_cleanup() {
	local pid
	trap '' TERM INT HUP
	if [ -S "$lvdir/libvirt-sock" ]; then
		lv destroy "$name" >/dev/null 2>&1
		lv undefine "$name" >/dev/null 2>&1
	fi
	keep_console
	if [ -n "${ZH_TEST_CONSOLES:-}" ] && [ -f "$img/consoles" ]; then
		# tests/run checks the consoles, and keeps zhostd's log beside them.
		mkdir -p "$ZH_TEST_CONSOLES"
		cp "$img/consoles" "$ZH_TEST_CONSOLES/$name.log"
		cp "$vmdir/zhostd.log" "$ZH_TEST_CONSOLES/$name.zhostd" 2>/dev/null
	fi
	if [ "$_tap_failed" -ne 0 ]; then
		for f in "$lvdir/libvirtd.log" "/var/log/libvirt/qemu/$name.log" "$vmdir/zhostd.log"; do
			[ -f "$f" ] || continue
			tap_diag "tail of $f:"
			tail -n 30 "$f" | sed 's/^/#   /'
		done
	fi
	for pid in "$(pid_of "$lvdir/libvirtd.pid")" \
		"$([ $own_virtlogd -eq 1 ] && pid_of "$lvdir/virtlogd.pid")"; do
		alive "$pid" || continue
		kill -TERM "$pid" 2>/dev/null
		vm_until 30 eval '! alive '"$pid" || kill -KILL "$pid" 2>/dev/null
	done
	[ $own_hook -eq 0 ] || rm -f "$hook"
	[ $own_hookdir -eq 0 ] || rmdir "$(dirname "$hook")" 2>/dev/null
	rm -rf "$vmdir" "$img" "/var/log/libvirt/qemu/$name.log"
	rm -f "$sockdir/$name.sock" "/run/zonehost/$name.conf"
	[ $own_sockdir -eq 0 ] || rmdir "$sockdir" 2>/dev/null
	[ $own_runtime -eq 0 ] || rmdir /run/zonehost 2>/dev/null
}
trap 'st=$?; lv_cleanup; (exit $st); vm_cleanup' EXIT

tap_plan 13

# --- the daemon -------------------------------------------------------------
mkdir -m 0700 "$lvdir"
cat >"$lvdir/libvirtd.conf" <<CONF
unix_sock_dir = "$lvdir"
unix_sock_rw_perms = "0700"
unix_sock_ro_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$lvdir/libvirtd.log"
CONF
if ! [ -S /run/libvirt/virtlogd-sock ] || ! pgrep -x virtlogd >/dev/null; then
	virtlogd -d -p "$lvdir/virtlogd.pid" && own_virtlogd=1
fi
mkdir -p "$(dirname "$hook")"
[ $own_hook -eq 0 ] || install -m 0755 "$hook_src" "$hook"
# The hook runs zhostd from libvirtd's PATH: the one under test.
PATH=$VM_BIN:$PATH libvirtd -d --config "$lvdir/libvirtd.conf" --pid-file "$lvdir/libvirtd.pid"
vm_until 60 lv version >/dev/null 2>&1
tap_ok $? "a libvirtd of the test's own answers on $lvdir/libvirt-sock ($(lv version 2>/dev/null | sed -n 's/^Running hypervisor: //p'))"

# --- the documented domain --------------------------------------------------
cp "$VM_BUILD/guest/bzImage" "$VM_BUILD/guest/initramfs.cpio.gz" "$img/"
chmod 0644 "$img"/*
# The first XML block of the document, renamed and with the test's paths.
awk '/^\.\. code-block:: xml$/ { on = 1; next } on && /^[^ \t]/ { exit } on' "$doc" |
	sed 's/^    //' >"$img/doc.xml"
sed -e "s|/var/lib/libvirt/images/zonehost/|$img/|g" \
	-e "s|/var/log/libvirt/qemu/vm1-console.log|$img/console.log|" \
	-e "s|vm1|$name|g" "$img/doc.xml" >"$img/domain.xml"
subst=$(grep -c -e "<name>$name</name>" -e "$img/bzImage" -e "$img/initramfs" \
	-e "$img/console.log" -e "$sockdir/$name.sock" "$img/domain.xml")
lv define "$img/domain.xml" >/dev/null
st=$?
tap_ok "$([ $st -eq 0 ] && [ "$subst" -eq 5 ] && lv dumpxml "$name" | grep -q 'urn:zonehost:libvirt:1'; echo $?)" \
	"virsh define: the domain XML of libvirt.rst, renamed $name (name, kernel, initrd, console and socket found: $subst of 5)"

# --- start, status, resize --------------------------------------------------
# wait_ready SIZE: zhostd answers, the guest's driver is ready with SIZE
# plugged by both sides.
ready() {
	bctl status >"$img/status" 2>&1 &&
		grep -qE "^guest ready: +yes" "$img/status" &&
		grep -qE "^  plugged: +$1" "$img/status" &&
		grep -qE "^  guest plugged: +$1" "$img/status"
}
wait_ready() { vm_until 240 ready "$1"; }

lv start "$name" >/dev/null
st=$?
zpid=$(pid_of "$vmdir/zhostd.pid")
owner=$(stat -c '%U %a' "$sockdir/$name.sock" 2>/dev/null)
ctl=$(stat -c '%U %a' "$vmdir/zhostd.sock" 2>/dev/null)
tap_ok "$([ $st -eq 0 ] && alive "$zpid" && [ "$owner" = "libvirt-qemu 600" ] && [ "$ctl" = "root 600" ]; echo $?)" \
	"virsh start: the hook started zhostd (pid $zpid); ivshmem socket '$owner', control socket '$ctl'"

wait_ready "256.0 MiB"
st=$?
sed 's/^/#   /' "$img/status"
tap_ok $st "balloon-ctl -n $name status: ZONE_HOST has its initial 256 MiB plugged, the guest agrees"

resize() { # resize SIZE MIB: set SIZE --wait, then check, then status
	bctl set "$1" --wait >/dev/null && bctl check >"$img/check" 2>&1 &&
		bctl status >"$img/status" 2>&1 &&
		grep -qE "^  plugged: +$2\.0 MiB" "$img/status" &&
		grep -qE "^  guest plugged: +$2\.0 MiB" "$img/status"
}
resize 512M 512
st=$?
sed 's/^/#   /' "$img/check"
tap_ok $st "set 512M --wait grows it to 512 MiB; check passes"
resize 128M 128
st=$?
sed 's/^/#   /' "$img/check"
tap_ok $st "set 128M --wait shrinks it to 128 MiB; check passes"

# --- destroy: zhostd frees everything and goes ------------------------------
lv destroy "$name" >/dev/null
st=$?
# The hook's release waits for zhostd; virsh destroy returns after it.
vm_until 60 eval '! alive '"$zpid"
gone=$?
tap_ok "$([ $st -eq 0 ] && [ $gone -eq 0 ]; echo $?)" "virsh destroy: zhostd (pid $zpid) exits"
grep -q "QEMU went away and --on-disconnect is exit" "$vmdir/zhostd.log" &&
	grep -q "exiting" "$vmdir/zhostd.log"
tap_ok $? "zhostd's log: QEMU went away, it freed the VM's memory and exited"
keep_console
left=$(ls -d "$sockdir/$name.sock" "$vmdir/zhostd.sock" "$vmdir/zhostd.pid" 2>/dev/null)
tap_ok "$([ -z "$left" ]; echo $?)" "no socket or pid file left${left:+ ($left)}"

# --- again ------------------------------------------------------------------
lv start "$name" >/dev/null && wait_ready "256.0 MiB"
st=$?
zpid2=$(pid_of "$vmdir/zhostd.pid")
tap_ok "$([ $st -eq 0 ] && alive "$zpid2" && [ "$zpid2" != "$zpid" ]; echo $?)" \
	"virsh start again: a new zhostd (pid $zpid2), 256 MiB plugged again"

# The ACPI power button: the guest's init powers it off, once its acpid
# runs (before the ready marker; virsh start emptied the console file).
booted() { tr -d '\r' <"$img/console.log" | grep -q '^zonehost-guest: ready '; }
vm_until 120 booted && lv shutdown "$name" >/dev/null &&
	vm_until 120 eval '[ "$(lv domstate "$name")" = "shut off" ]' &&
	vm_until 60 eval '! alive '"$zpid2"
st=$?
grep -q "reboot: Power down" "$img/console.log" 2>/dev/null
button=$?
tap_ok "$([ $st -eq 0 ] && [ $button -eq 0 ]; echo $?)" "virsh shutdown: the guest powers off (ACPI power button; the kernel says Power down), zhostd exits"
keep_console
# A domain the hook refuses does not start, and says why.
lv dumpxml "$name" | sed -E "s/initial=[\"']256M[\"']/initial='lots'/" >"$img/bad.xml"
lv define "$img/bad.xml" >/dev/null
out=$(lv start "$name" 2>&1)
st=$?
printf '%s\n' "$out" | sed 's/^/#   /'
tap_ok "$([ $st -ne 0 ] && [[ $out == *"initial='lots' is not a size"* ]] &&
	grep -q "initial='lots'" "$img/bad.xml" &&
	! alive "$(pid_of "$vmdir/zhostd.pid")"; echo $?)" \
	"initial='lots': virsh start fails with the hook's message, no zhostd"

lv undefine "$name" >/dev/null && ! lv list --all --name | grep -qx "$name"
tap_ok $? "virsh undefine: the domain is gone"
tap_done
