#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The reference and the man pages list everything the programs offer:
# every control command zhostd registers and every event it sends are in
# Documentation/reference/control-protocol.rst, and every option and
# command that --help lists is in the program's man page. Two commands went
# undocumented before; this keeps the next one from doing so.
# timeout: 30
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
proto=$root/Documentation/reference/control-protocol.rst
man=$root/Documentation/admin-guide/man
bin=$root/build/bin

tap_plan 5

# missing FILE: the words or phrases on stdin, one a line, that FILE does
# not mention. Man pages write a dash as \-.
missing() {
	local text w out=""

	text=$(sed -e 's/\\-/-/g' "$1")
	while IFS= read -r w; do
		[ -n "$w" ] || continue
		grep -qF -- "$w" <<<"$text" || out="$out '$w'"
	done
	echo "$out"
}

# unlisted LINES NAME...: the NAMEs that no line of LINES holds as a
# literal (``NAME``).
unlisted() {
	local lines=$1 n out=""

	shift
	for n in "$@"; do
		grep -qF "\`\`$n\`\`" <<<"$lines" || out="$out $n"
	done
	echo "$out"
}

# Commands: ZHOSTD_COMMAND("name", ...) next to their code; each must have
# its entry: a line of the reference made of literals that name commands.
cmds=$(grep -ohE 'ZHOSTD_COMMAND\("[a-z-]+"' "$root"/mm-host/*.c | cut -d'"' -f2 | sort -u)
out=$(unlisted "$(grep -E '^``[a-z-]+``(, ``[a-z-]+``)*$' "$proto")" $cmds)
tap_ok "$([ -n "$cmds" ] && [ -z "$out" ]; echo $?)" \
	"every zhostd command ($(echo $cmds | wc -w)) has an entry in the reference${out:+ (missing:$out)}"

# Events: the names zhostd_event() is given and those of the VMRPC host
# library's events (all NAME_WITH_UNDERSCORES literals of mm-host/); each
# must have its row in the reference's table.
events=$( { grep -ohE 'zhostd_event\([^,]*, *"[A-Z_]+"' "$root"/mm-host/*.c | cut -d'"' -f2
	    grep -ohE '"[A-Z]+(_[A-Z]+)+"' "$root"/mm-host/*.c | tr -d '"'; } | sort -u)
out=$(unlisted "$(grep -E '^``[A-Z_]+``' "$proto")" $events)
tap_ok "$([ -n "$events" ] && [ -z "$out" ]; echo $?)" \
	"every event zhostd sends ($(echo $events | wc -w)) is in the reference's table${out:+ (missing:$out)}"

# Options: every --long option of --help in the man page; for balloon-ctl
# also every command of its list ("guest ping"), up to its arguments.
options() { "$@" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]+' | sort -u; }
commands() {
	"$@" --help 2>/dev/null | sed -n '/^Commands:/,/^$/p' | sed 1d |
		sed -E 's/^ +//; s/  .*//' |
		awk '{ p = ""; for (i = 1; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++)
			p = p (p == "" ? "" : " ") $i; if (p != "") print p }'
}
for p in zhostd balloon-ctl; do
	page=$p.8
	if [ ! -x "$bin/$p" ]; then
		tap_skip "every option of $p --help is in $page" "$bin/$p is not built"
		continue
	fi
	words=$(options "$bin/$p")
	out=$(missing "$man/$page" <<<"$words")
	# A command is documented where it is set in bold at the start of a
	# line: \fBNAME\fR, .B NAME, .BI "NAME ...".
	text=$(sed 's/\\-/-/g' "$man/$page")
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		words="$words"$'\n'"$c"
		grep -qE "^(\\\\fB|\.BR? |\.BI \")$c( |\\\\fR|\"|\$)" <<<"$text" ||
			out="$out '$c'"
	done < <(commands "$bin/$p")
	tap_ok "$([ -n "$words" ] && [ -z "$out" ]; echo $?)" \
		"every option and command of $p --help ($(echo "$words" | wc -l)) is in $page${out:+ (missing:$out)}"
done
words=$(options bash "$root/mm-host/zhost-run")
out=$(missing "$man/zhost-run.1" <<<"$words")
tap_ok "$([ -n "$words" ] && [ -z "$out" ]; echo $?)" \
	"every option of zhost-run --help ($(echo "$words" | wc -l)) is in zhost-run.1${out:+ (missing:$out)}"
tap_done
