#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make deb: build zonehost_VERSION_amd64.deb, the host side of zonehost
# (zhostd, balloon-ctl, zhost-run, the libvirt hook, the systemd unit, man
# pages, the admin guide), with dpkg-deb from a staged tree. The guest
# kernel and initramfs stay build products (Documentation/admin-guide/
# packaging.rst says why).
#
#   scripts/mkdeb.sh [OUTDIR]     default OUTDIR: build/deb
#
# The programs are built afresh in OUTDIR/obj with Debian's hardening
# flags (dpkg-buildflags) and stripped; VERSION is zhostd's
# (ZHOSTD_VERSION in mm-host/zhostd.h); the shared-library dependencies
# come from dpkg-shlibdeps. Prints the path of the package.
set -euo pipefail
ZH_PROG=deb
. "$(dirname "$0")/lib.sh"

out=${1:-$ZH_BUILD/deb}
dist=$ZH_ROOT/dist
pkg=zonehost
version=$(sed -n 's/^#define ZHOSTD_VERSION[[:space:]]*"\(.*\)"/\1/p' "$ZH_ROOT/mm-host/zhostd.h")
[ -n "$version" ] || zh_die "no ZHOSTD_VERSION in mm-host/zhostd.h"
for c in dpkg-deb dpkg-shlibdeps dpkg-buildflags; do
	command -v "$c" >/dev/null || zh_die "$c is missing: run 'make deps'"
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
obj=$out/obj
stage=$out/stage
rm -rf "$stage"

# Host programs with the flags Debian builds its packages with.
zh_log "building the host programs in $obj"
make -s -C "$ZH_ROOT" BUILD="$obj" \
	CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
	"$obj/bin/zhostd" "$obj/bin/balloon-ctl" "$obj/bin/zhost-run"

# inst MODE SRC DEST: one file into the staged tree.
inst() { install -D -m "$1" "$2" "$stage/$3"; }

for p in zhostd balloon-ctl zhost-run; do
	inst 0755 "$obj/bin/$p" "usr/bin/$p"
done
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$stage/usr/bin/zhostd" "$stage/usr/bin/balloon-ctl"
inst 0755 "$dist/libvirt/zonehost" etc/libvirt/hooks/qemu.d/zonehost
inst 0644 "$dist/systemd/zhostd@.service" lib/systemd/system/zhostd@.service
for m in "$ZH_ROOT"/Documentation/admin-guide/man/*.[18]; do
	sec=${m##*.}
	inst 0644 "$m" "usr/share/man/man$sec/$(basename "$m")"
	gzip -9n "$stage/usr/share/man/man$sec/$(basename "$m")"
done

doc=usr/share/doc/$pkg
inst 0644 "$dist/debian/copyright" "$doc/copyright"
year=$(git -C "$ZH_ROOT" log --max-parents=0 --format=%ad --date=format:%Y 2>/dev/null || date +%Y)
sed -i "s/@YEAR@/$year/" "$stage/$doc/copyright"
inst 0644 "$ZH_ROOT/README.md" "$doc/README.md"
for f in "$ZH_ROOT"/Documentation/admin-guide/*.rst; do
	inst 0644 "$f" "$doc/admin-guide/$(basename "$f")"
done
# A native package's changelog, dated by the last commit so that two
# builds of one commit are the same.
date=$(git -C "$ZH_ROOT" log -1 --format=%aD 2>/dev/null || date -R)
commit=$(git -C "$ZH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
maint=$(git -C "$ZH_ROOT" log --max-parents=0 --format='%an <%ae>' 2>/dev/null || true)
maint=${maint:-zonehost maintainers <zonehost@invalid>}
mkdir -p "$stage/$doc"
printf '%s (%s) unstable; urgency=medium\n\n  * Built from the zonehost sources at commit %s.\n\n -- %s  %s\n' \
	"$pkg" "$version" "$commit" "$maint" "$date" | gzip -9n >"$stage/$doc/changelog.gz"
# Debian compresses documentation above 4 KiB (policy 12.3).
find "$stage/$doc" -type f -size +4k ! -name '*.gz' ! -name copyright -exec gzip -9n {} +

# DEBIAN/: control with the libraries' packages, conffiles, md5sums.
mkdir -p "$stage/DEBIAN" "$out/shlibs/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$pkg" "$pkg" >"$out/shlibs/debian/control"
shlibs=$(cd "$out/shlibs" && dpkg-shlibdeps -O "$stage/usr/bin/zhostd" \
	"$stage/usr/bin/balloon-ctl" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || zh_die "dpkg-shlibdeps found no libraries"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@MAINTAINER@/$maint/" \
	-e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
	"$dist/debian/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find etc -type f | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

deb=$out/${pkg}_${version}_amd64.deb
SOURCE_DATE_EPOCH=$(git -C "$ZH_ROOT" log -1 --format=%ct 2>/dev/null || date +%s) \
	dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
zh_log "built $deb"
echo "$deb"
