#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Configure and build the guest kernel into build/guest/bzImage.
#
# The configuration is `make tinyconfig` with configs/guest.config merged on
# top; it is regenerated only when a fragment, our Kconfig or the source
# changed. kbuild runs only when one of the project's kernel inputs is newer
# than the last bzImage, so `make guest` with nothing changed takes no time.
set -euo pipefail
ZH_PROG=build-kernel
. "$(dirname "$0")/lib.sh"

[ -f "$ZH_SRC/.zonehost/version" ] || zh_die "no kernel source: run scripts/kernel-source.sh first"
mkdir -p "$ZH_OBJ" "$ZH_GUEST"
# One kernel build at a time: two on the same object tree corrupt it, and
# two anywhere on a small machine take longer than one after the other.
#
# A second guest (the soak's debug kernel, scripts/build-debug-kernel.sh)
# is this script with ZH_OBJ, ZH_GUEST and ZH_CONFIG_FRAGMENTS (more
# fragments merged after configs/guest.config, space-separated paths
# relative to the repository) pointed elsewhere; it takes the same lock.
# A caller that holds the lock already (flock FILE make guest) says so
# with ZH_KERNEL_LOCK_HELD=1.
if [ "${ZH_KERNEL_LOCK_HELD:-}" != 1 ]; then
	exec 9>"$ZH_BUILD/.kernel-build.lock"
	if ! flock -n 9; then
		zh_log "another kernel build is running; waiting for it"
		flock 9
	fi
fi
# Reproducible: the same inputs give the same bzImage wherever the object
# tree is. Neither the time nor the machine nor a count of earlier builds
# (kbuild's .version) may reach the banner; the time is fixed per source
# (lib.sh), so it relinks nothing between two builds.
SOURCE_DATE_EPOCH=$(zh_source_date_epoch)
KBUILD_BUILD_TIMESTAMP=$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH")
export SOURCE_DATE_EPOCH KBUILD_BUILD_TIMESTAMP
export KBUILD_BUILD_USER=zonehost KBUILD_BUILD_HOST=zonehost KBUILD_BUILD_VERSION=1
kmake() { make -s -C "$ZH_SRC" O="$ZH_OBJ" ARCH=x86_64 "$@"; }
jobs=$(nproc)
fragments=("$ZH_ROOT/configs/guest.config")
for f in ${ZH_CONFIG_FRAGMENTS:-}; do
	[ -f "$ZH_ROOT/$f" ] || zh_die "no config fragment $f"
	fragments+=("$ZH_ROOT/$f")
done
bzimage=$ZH_GUEST/bzImage

# Inputs in this repository, plus the state of the extracted tree (a new
# Debian version re-extracts it, a changed series re-patches it). The
# configuration depends on fewer of them than the build: of configs/, only
# the fragments this build merges.
config_inputs=("$ZH_ROOT/Kconfig" "$ZH_ROOT/vmrpc/guest/Kconfig" "$ZH_ROOT/hostfs/guest/Kconfig" "${fragments[@]}" "$ZH_ROOT/patches"
	"$ZH_SRC/.zonehost/series" "$ZH_SRC/.zonehost/version")
build_inputs=("${config_inputs[@]}" "$ZH_ROOT/mm-guest" "$ZH_ROOT/vmrpc/guest" "$ZH_ROOT/hostfs/guest"
	"$ZH_ROOT/vmrpc/include")
newer_than() { # newer_than REF INPUT...: print one input newer than REF
	local ref=$1
	shift
	find "$@" -newer "$ref" -print -quit 2>/dev/null
}

# Fail when an option of a fragment did not make it into .config.
verify_config() { # verify_config CONFIG-FILE FRAGMENT
	local config=$1 fragment=$2 bad=0 line opt val got
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			opt=${line%%=*}
			val=${line#*=}
			got=$(grep -E "^$opt=" "$config" | head -n 1 | cut -d= -f2-)
			if [ "$got" != "$val" ]; then
				echo "  $opt: want $val, got ${got:-unset}" >&2
				bad=1
			fi
			;;
		"# CONFIG_"*" is not set")
			opt=${line#"# "}
			opt=${opt%% *}
			if grep -qE "^$opt=[ym]" "$config"; then
				echo "  $opt: want unset, got set" >&2
				bad=1
			fi
			;;
		esac
	done <"$fragment"
	[ $bad -eq 0 ] || zh_die "${fragment#"$ZH_ROOT/"} did not apply (a dependency is missing)"
}

# The configuration is generated in a scratch object tree and copied over
# only when its content changed: rewriting an identical .config would still
# make kbuild re-check the whole tree.
stamp=$ZH_OBJ/.zonehost-config
cfgdir=$ZH_BUILD/linux-config
if [ ! -f "$ZH_OBJ/.config" ] || [ ! -f "$stamp" ] ||
	[ -n "$(newer_than "$stamp" "${config_inputs[@]}")" ]; then
	zh_log "configuring: tinyconfig + ${fragments[*]#"$ZH_ROOT/"}"
	mkdir -p "$cfgdir"
	make -s -C "$ZH_SRC" O="$cfgdir" ARCH=x86_64 tinyconfig >/dev/null
	"$ZH_SRC/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" \
		"$cfgdir/.config" "${fragments[@]}" >/dev/null
	make -s -C "$ZH_SRC" O="$cfgdir" ARCH=x86_64 olddefconfig >/dev/null
	for f in "${fragments[@]}"; do
		verify_config "$cfgdir/.config" "$f"
	done
	if zh_copy_if_changed "$cfgdir/.config" "$ZH_OBJ/.config"; then
		zh_log "configuration changed"
	fi
	touch "$stamp"
fi

if [ -f "$bzimage" ] && [ -z "$(newer_than "$bzimage" "${build_inputs[@]}")" ] &&
	[ ! "$stamp" -nt "$bzimage" ]; then
	zh_log "guest kernel up to date: $(cat "$ZH_GUEST/kernel.release")"
	exit 0
fi

zh_log "building ${ZH_GUEST#"$ZH_ROOT/"}/bzImage ($jobs jobs; from scratch on 2 cores about 10 minutes, the debug guest longer)"
start=$(date +%s)
# The new bzImage takes the start time, so an input edited during the build
# is newer than it and triggers the next build.
touch "$ZH_OBJ/.zonehost-build-start"
kmake -j"$jobs" bzImage
release=$(kmake kernelrelease)
case "$release" in
*-zonehost) ;;
*) zh_die "kernel release '$release' does not carry -zonehost" ;;
esac
cp "$ZH_OBJ/arch/x86/boot/bzImage" "$bzimage.tmp"
touch -r "$ZH_OBJ/.zonehost-build-start" "$bzimage.tmp"
mv -f "$bzimage.tmp" "$bzimage"
echo "$release" >"$ZH_GUEST/kernel.release"
cat "$ZH_SRC/.zonehost/version" >"$ZH_GUEST/linux-source.version"
zh_log "built $release from $ZH_KPKG $(cat "$ZH_GUEST/linux-source.version") (tarball sha256 $(cat "$ZH_SRC/.zonehost/tarball.sha256" 2>/dev/null)) in $(($(date +%s) - start)) s"
