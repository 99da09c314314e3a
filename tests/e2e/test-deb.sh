#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian package: `make deb`'s script builds zonehost_VERSION_amd64.deb
# (here into the test's own directory), lintian reports no error (its
# whole output is in this log), the package holds what it promises, and
# the boot test (tests/e2e/test-boot.sh) passes with the programs unpacked
# from it (dpkg -x into a scratch root; ZH_BIN points the VM harness there).
# timeout: 540
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=${ZH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${ZH_BUILD:-$root/build}

for f in "$build/guest/bzImage" "$build/guest/initramfs.cpio.gz"; do
	if [ ! -e "$f" ]; then
		echo "1..0 # SKIP $f missing: run 'make guest'"
		exit 4
	fi
done
tap_plan 6
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
version=$(sed -n 's/^#define ZHOSTD_VERSION[[:space:]]*"\(.*\)"/\1/p' "$root/mm-host/zhostd.h")

deb=$("$root/scripts/mkdeb.sh" "$t/deb" 2>"$t/mkdeb.err" | tail -n 1)
sed 's/^/#   /' "$t/mkdeb.err"
tap_ok "$([ "$deb" = "$t/deb/zonehost_${version}_amd64.deb" ] && [ -f "$deb" ]; echo $?)" \
	"scripts/mkdeb.sh builds zonehost_${version}_amd64.deb"
[ -f "$deb" ] || { tap_diag "no package: the rest cannot run"; exit 1; }

# lintian as root says so on stderr; the tags go to stdout.
lintian --info --display-info "$deb" >"$t/lintian" 2>"$t/lintian.err"
tap_diag "lintian $(lintian --version 2>/dev/null) on $(basename "$deb"):"
sed 's/^/#   /' "$t/lintian" "$t/lintian.err"
errors=$(grep -c '^E: ' "$t/lintian")
tap_ok "$([ "$errors" -eq 0 ] && ! grep -qv 'running with root privileges' "$t/lintian.err"; echo $?)" \
	"lintian: no errors ($errors; $(grep -c '^W: ' "$t/lintian") warnings)"

dpkg-deb -I "$deb" control | sed 's/^/#   /'
depends=$(dpkg-deb -f "$deb" Depends)
tap_ok "$([ "$(dpkg-deb -f "$deb" Version)" = "$version" ] &&
	[[ $depends == *libc6* && $depends == *libjansson4* && $depends == *libxml2-utils* ]]; echo $?)" \
	"version $version, depends on libc6, libjansson4 and libxml2-utils ($depends)"

dpkg -x "$deb" "$t/root"
missing=""
for f in usr/bin/zhostd usr/bin/balloon-ctl usr/bin/zhost-run \
	etc/libvirt/hooks/qemu.d/zonehost lib/systemd/system/zhostd@.service \
	usr/share/man/man8/zhostd.8.gz usr/share/man/man8/balloon-ctl.8.gz \
	usr/share/man/man1/zhost-run.1.gz usr/share/doc/zonehost/copyright; do
	[ -e "$t/root/$f" ] || missing="$missing $f"
done
cmp -s "$t/root/etc/libvirt/hooks/qemu.d/zonehost" "$root/dist/libvirt/zonehost" &&
	cmp -s "$t/root/lib/systemd/system/zhostd@.service" "$root/dist/systemd/zhostd@.service" &&
	[ "$(dpkg-deb -f "$deb" Package)" = zonehost ] &&
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/libvirt/hooks/qemu.d/zonehost ||
	missing="$missing (the hook as a conffile, the unit: as in dist/)"
tap_ok "$([ -z "$missing" ]; echo $?)" \
	"dpkg -x: programs, hook (a conffile), unit (those tested by test-libvirt-hook and test-systemd-unit), man pages, copyright${missing:+ (missing:$missing)}"

out=$("$t/root/usr/bin/zhostd" --version 2>&1)
tap_ok "$([[ $out == *"$version"* ]]; echo $?)" "the unpacked zhostd runs: $out"

# The boot test, with the unpacked programs; its TAP shows here as
# comments, its console goes where tests/run checks it.
ZH_BIN=$t/root/usr/bin "$root/tests/e2e/test-boot.sh" >"$t/boot" 2>&1
st=$?
sed 's/^/#   test-boot: /' "$t/boot"
tap_ok "$([ $st -eq 0 ] && grep -q '^ok ' "$t/boot" && ! grep -q '^not ok' "$t/boot"; echo $?)" \
	"tests/e2e/test-boot.sh passes with the unpacked programs (status $st)"
tap_done
