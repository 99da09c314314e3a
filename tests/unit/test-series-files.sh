#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The series and its map agree: every patch of patches/series exists and
# changes existing kernel files only; every line of patches/files names a
# patch of the series and a file or folder of the repository; every new
# kernel file of the repository (mm-guest/, vmrpc/guest/, vmrpc/include/,
# Kconfig) is mapped, once; and the cover letter is there.
# timeout: 30
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
ZH_ROOT=$root
. "$root/scripts/lib.sh"

tap_plan 6
series=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$root/patches/series")
bad=""
for p in $series; do
	[ -f "$root/patches/$p" ] || bad="$bad $p"
done
tap_check "every patch of patches/series exists${bad:+ (missing:$bad)}" \
	test -z "$bad" -a -n "$series"

created=$(grep -l '^new file mode' "$root"/patches/[0-9]*.patch 2>/dev/null | xargs -r -n1 basename)
tap_check "the patches create no file (new files are mapped)${created:+: $created}" \
	test -z "$created"

nums=$(for p in $series; do echo "${p%%-*}"; done)
bad=""
while read -r step from to; do
	echo "$nums" | grep -qx "$step" || bad="$bad $step:$from"
	[ -e "$root/$from" ] || bad="$bad $from"
	[ -n "$to" ] || bad="$bad $from(no-destination)"
done < <(zh_series_files)
tap_check "every line of patches/files names a patch of the series and a repository path${bad:+ (bad:$bad)}" \
	test -z "$bad"

# Every new kernel file, mapped exactly once.
mapped=$(zh_series_files | while read -r _ from _; do
	if [[ $from == */ ]]; then
		(cd "$root" && find "$from" -type f ! -name '*.md' ! -name '.*')
	else
		echo "$from"
	fi
done | sed 's|//*|/|g' | sort)
want=$( (cd "$root" && find mm-guest vmrpc/guest vmrpc/include -type f ! -name '*.md' ! -name '.*'; echo Kconfig) | sort)
missing=$(comm -13 <(echo "$mapped" | sort -u) <(echo "$want"))
twice=$(echo "$mapped" | uniq -d)
tap_check "every new kernel file is mapped${missing:+ (not:$(echo $missing))}" \
	test -z "$missing"
tap_check "no file is mapped twice${twice:+ ($(echo $twice))}" \
	test -z "$twice"

cover=$root/patches/0000-cover-letter.patch
cover_ok() { [ -f "$cover" ] && grep -q '^Subject: \[PATCH 00/@N@\]' "$cover"; }
tap_check "the cover letter is there, its patch count filled in at export" cover_ok
tap_done
