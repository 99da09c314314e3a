#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The template unit dist/systemd/zhostd@.service: systemd-analyze verify
# finds nothing to say about an instance of it (its zhostd and its man page
# found where the package puts them: here, the build and the sources), it
# has the hardening the package promises, and systemd's own exposure score
# stays in the "OK" band. A unit with a mistake in it is reported, so the
# check can fail. No systemd needs to run: both analyses work offline.
# timeout: 60
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
unit=$root/dist/systemd/zhostd@.service
zhostd=${ZH_BUILD:-$root/build}/bin/zhostd
# The most systemd-analyze security may score it: 2.0 is the top of "OK".
MAX_EXPOSURE=2.0

tap_plan 5
if ! command -v systemd-analyze >/dev/null; then
	tap_diag "systemd-analyze is missing: run 'make deps' (package systemd)"
	exit 1
fi
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT

# The unit as installed, but with the zhostd just built and the sources'
# man page (verify runs "man zhostd(8)" for Documentation=).
mkdir -p "$t/man/man8"
cp "$root/Documentation/admin-guide/man/zhostd.8" "$t/man/man8/"
sed "s|/usr/bin/zhostd|$zhostd|" "$unit" >"$t/zhostd@.service"

# verify FILE: systemd-analyze verify of instance vm1; its output.
verify() {
	(cd "$t" && MANPATH=$t/man systemd-analyze verify "$(dirname "$1")/zhostd@vm1.service" 2>&1)
}

out=$(verify "$t/zhostd@.service")
st=$?
printf '%s\n' "$out" | sed '/^$/d; s/^/#   /'
tap_ok $((st != 0 || ${#out} != 0)) "systemd-analyze verify zhostd@vm1.service: no complaint"

mkdir -p "$t/bad"
sed 's/^ProtectSystem=strict$/ProtectSystem=stric/' "$t/zhostd@.service" >"$t/bad/zhostd@.service"
out=$(verify "$t/bad/zhostd@.service")
tap_ok "$([ -n "$out" ]; echo $?)" "a misspelt setting is reported ($(printf '%s' "$out" | tail -n 1))"

missing=""
for want in ProtectSystem=strict PrivateTmp=yes NoNewPrivileges=yes \
	'RuntimeDirectory=zonehost/%i' RuntimeDirectoryMode=0700 \
	'CapabilityBoundingSet=CAP_CHOWN CAP_IPC_LOCK' \
	'EnvironmentFile=-/etc/zonehost/%i.conf' 'ExecStart=/usr/bin/zhostd --name %i '; do
	grep -qF -- "$want" "$unit" || missing="$missing '$want'"
done
tap_ok "$([ -z "$missing" ]; echo $?)" "hardened, options from /etc/zonehost/NAME.conf${missing:+ (missing:$missing)}"

# The score of systemd-analyze security: "→ Overall exposure level for
# zhostd@vm1.service: 1.5 OK".
score=$(cd "$t" && systemd-analyze security --offline=true --no-pager \
	"$t/zhostd@vm1.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
tap_diag "exposure $score"
tap_ok "$(awk -v s="$score" -v m=$MAX_EXPOSURE 'BEGIN { exit !(s != "" && s <= m) }'; echo $?)" \
	"systemd-analyze security: exposure ${score:-unknown}, at most $MAX_EXPOSURE"

# zhostd takes the options the unit gives it (%i and $ZHOSTD_OPTS put in).
args=$(sed -n 's/^ExecStart=[^ ]* //p' "$unit" | sed 's/%i/vm1/; s/\$ZHOSTD_OPTS/--socket-owner root --initial 64M/')
# shellcheck disable=SC2086 # the unit's words, split as systemd splits them
"$zhostd" $args --help >/dev/null 2>&1
tap_ok $? "zhostd accepts the unit's command line ($args)"
tap_done
