#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-series.sh: build the guest kernel after every patch of the series
# that scripts/export-patches.sh wrote (build/series/linux, tags step-NNNN),
# then once more on the whole series with CONFIG_ZONE_HOST=n. Each build
# is the guest configuration (tinyconfig + configs/guest.config; options a
# patch has not added yet are simply absent) in one object tree,
# build/series/obj, so a step rebuilds only what its patch touched. A step
# fails on a build error or on any compiler warning. One line per build
# goes to standard output and build/series/check-series.txt; full logs are
# in build/series/logs/.
#
# Long: the patches that change core mm headers rebuild most of the kernel,
# so expect about an hour on 2 cores (Documentation/design/patches.rst).
#
#   check-series.sh [--from NNNN]   start at step NNNN (the steps before it
#                                   passed already; their lines are kept)
set -euo pipefail
ZH_PROG=check-series
. "$(dirname "$0")/lib.sh"

series_dir=$ZH_BUILD/series
tree=$series_dir/linux
obj=$series_dir/obj
logs=$series_dir/logs
summary=$series_dir/check-series.txt
fragment=$ZH_ROOT/configs/guest.config
jobs=$(nproc)
[ -d "$tree/.git" ] || zh_die "no exported series: run 'make export-patches' first"
from=0000
if [ "${1:-}" = --from ] && [[ ${2:-} =~ ^[0-9]{4}$ ]]; then
	from=$2
elif [ $# -gt 0 ]; then
	zh_die "usage: check-series.sh [--from NNNN]"
fi
mkdir -p "$obj" "$logs"
# The same lock as scripts/build-kernel.sh: one kernel build at a time.
exec 9>"$ZH_BUILD/.kernel-build.lock"
if ! flock -n 9; then
	zh_log "another kernel build is running; waiting for it"
	flock 9
fi
# A resumed run keeps what earlier runs said about the steps before
# --from (a result line and the indented lines under it), and nothing else.
if [ "$from" = 0000 ] || [ ! -f "$summary" ]; then
	: >"$summary"
else
	awk -v from="step-$from" '
		/^step-[0-9]+ / { keep = ($1 < from) }
		/^[^ ]/ && !/^step-[0-9]+ / { keep = 0 }
		keep' "$summary" >"$summary.new"
	mv "$summary.new" "$summary"
fi

say() { echo "$*" | tee -a "$summary"; }
kmake() { make -s -C "$tree" O="$obj" ARCH=x86_64 "$@"; }

# build ID NAME FRAGMENT...: configure and build the checked-out tree;
# the log is logs/ID.log.
build() {
	local log=$logs/$1.log name=$2 start st=0 warnings
	shift 2
	start=$(date +%s)
	{
		kmake tinyconfig &&
			"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
				"$obj/.config" "$@" &&
			kmake olddefconfig &&
			kmake -j"$jobs" bzImage
	} >"$log" 2>&1 || st=$?
	warnings=$(grep -c 'warning:' "$log" || true)
	if [ $st -ne 0 ]; then
		say "$name: FAILED to build in $(($(date +%s) - start)) s (log: ${log#"$ZH_ROOT/"})"
		grep -m 5 -E 'error:|Error ' "$log" | sed 's/^/    /' | tee -a "$summary"
		return 1
	fi
	if [ "$warnings" -ne 0 ]; then
		say "$name: built with $warnings warning(s) in $(($(date +%s) - start)) s (log: ${log#"$ZH_ROOT/"})"
		grep -m 5 'warning:' "$log" | sed 's/^/    /' | tee -a "$summary"
		return 1
	fi
	say "$name: ok, built in $(($(date +%s) - start)) s"
}

failed=0
for tag in $(git -C "$tree" tag -l 'step-*' | sort); do
	[[ ${tag#step-} < $from ]] && continue
	git -C "$tree" checkout -q "$tag"
	build "$tag" "$tag $(git -C "$tree" log -1 --format=%s)" "$fragment" ||
		failed=$((failed + 1))
done

# The whole series without the zone (VMRPC stays: it does not need it).
git -C "$tree" checkout -q series
nozone=$series_dir/no-zone-host.config
{ grep -v -E '^CONFIG_ZONE_HOST' "$fragment"; echo "# CONFIG_ZONE_HOST is not set"; } >"$nozone"
build no-zone-host "series with CONFIG_ZONE_HOST=n" "$nozone" || failed=$((failed + 1))
if grep -q '^CONFIG_ZONE_HOST=y' "$obj/.config"; then
	say "series with CONFIG_ZONE_HOST=n: the option is still set"
	failed=$((failed + 1))
fi

steps=$(git -C "$tree" tag -l 'step-*' | wc -l)
passed=$(grep -c ': ok, built' "$summary" || true)
say "$passed of $((steps + 1)) builds passed"
failed=$((steps + 1 - passed))
[ $failed -eq 0 ]
