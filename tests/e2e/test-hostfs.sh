#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# hostfs: a guest mounts directories zhostd exports (issue 14). zhostd
# exports zht (a temporary directory), zht-ro (read-only) and zht-tiny (a
# 1 MiB tmpfs mounted here); the guest runs tests/guest-workloads/
# hostfs_e2e, which runs the hostfs kselftests and stops where the host
# checks or changes something:
#   - every operation and its errno (hostfs_ops_test), and on the host
#     what the guest wrote, chmod'ed, made, renamed and removed;
#   - escapes (hostfs_escape_test): symlinks out of the export never give
#     the guest the secret planted beside it, and every hostile name sent
#     through lookup_raw is refused, logged and counted by zhostd;
#   - mappings (hostfs_mmap_test): bytes written through MAP_SHARED and
#     msync'd are in the host's files while still mapped, MAP_PRIVATE
#     writes never are, a file the host rewrites is read right after
#     reopen, and balloon-ctl export invalidate drops a mapping's pages;
#   - attr_timeout=0 sees a host change of size at the next stat;
#   - zero copy: one read of a cold file moved every page through frames
#     (guest: bounce_zone_host_bytes unchanged, frames_read_bytes the
#     file rounded up to pages; zhostd: as many bytes and zeroes into
#     frames), with the right bytes;
#   - zhostd killed: a read fails with EIO, bounded by the call timeout.
# timeout: 1500
set -uo pipefail
. "$(dirname "$0")/../lib/vm.sh"
. "$(dirname "$0")/../lib/hostfs.sh"
vm_require_guest
hostfs_require

name=e2e-hostfs
page=4096
secret=zonehost-hostfs-secret-$$
t=$VM_TMP/hostfs
exp=$t/export
ro=$t/ro
tiny=$t/tiny
out=$t/outside
mkdir -p "$exp" "$ro" "$out"
# uid 65534 must reach the export (the EACCES and EPERM tests).
chmod 0755 "$t" "$exp" "$ro" "$VM_TMP"
hostfs_tiny_mount "$tiny" 1m || { echo "1..0 # SKIP cannot mount a tmpfs (root needed)"; exit 4; }
echo "$secret" >"$out/secret"
ln -s "$out/secret" "$exp/abs-link"
ln -s ../outside/secret "$exp/rel-link"
ln -s .. "$exp/parent-link"
ln -s "../../../../../../../../../..$out/secret" "$exp/deep-link"
echo "read me" >"$ro/readme.txt"
hostfs_pattern_file "$exp/host-pattern.bin" a $((8 * mib))
hostfs_pattern_file "$exp/host-map.bin" a $((2 * mib + 4096 + 48))
hostfs_pattern_file "$exp/inval.bin" a $((64 * 1024))
echo "rename me" >"$exp/rename-me.txt"
echo "remove me" >"$exp/remove-me.txt"
echo "twelve bytes" >"$exp/grow.txt"
head -c $((3 * mib + 100)) /dev/urandom >"$exp/zc.bin"
head -c $((1 * mib)) /dev/urandom >"$exp/eio.bin"
ro_sum=$(md5sum <"$ro/readme.txt")

tap_plan 23
vm_start "$name" hostfs_e2e -m 512M -H 512M \
	-Z "--export=zht=$exp" -Z "--export=zht-ro=$ro,ro" -Z "--export=zht-tiny=$tiny"
st=$?
tap_ok $st "zhost-run starts zhostd with three exports (zht, zht-ro read-only, zht-tiny on a 1 MiB tmpfs)"
# Nothing else can run: the plan is not met, the runner says so.
[ $st -eq 0 ] || exit 1
zlog=$ZHOST_RUNTIME_DIR/$name/zhostd.log
zpid=$(cat "$ZHOST_RUNTIME_DIR/$name/zhostd.pid" 2>/dev/null)

result() { hostfs_result "$name" hostfs-e2e "$1" 900; }
# at WORD: wait until the guest stopped at WORD ("hostfs-e2e: WORD ...").
at() { vm_wait "$name" "^hostfs-e2e: $1( |\$)" 900; }
# counters WORD: the guest's counters it printed with WORD.
gcount() {
	vm_console_value "$name" "s/^hostfs-e2e: $1 .*$2 \\([0-9]*\\).*/\\1/p"
}

result hostfs_ops_test
tap_ok $? "hostfs_ops_test: every operation and its errno, in the guest"

at guest-wrote
[ "$(cat "$exp/from-guest.txt" 2>/dev/null)" = "written by the guest" ] &&
	[ "$(stat -c %a "$exp/from-guest.txt")" = 640 ] &&
	[ -d "$exp/from-guest-dir" ] &&
	[ "$(readlink "$exp/from-guest-link")" = from-guest.txt ]
tap_ok $? "the host sees the guest's file, its mode 640, its directory and its symlink"
[ ! -e "$exp/rename-me.txt" ] && [ "$(cat "$exp/renamed.txt" 2>/dev/null)" = "rename me" ] &&
	[ ! -e "$exp/remove-me.txt" ]
tap_ok $? "the host sees the guest's rename and unlink"
left=$(compgen -G "$exp/ops-*")
[ -z "$left" ] || tap_diag "left by the ops test: $left"
[ -z "$left" ] && [ -z "$(ls -A "$tiny")" ]
tap_ok $? "hostfs_ops_test removed what it made, on both exports"
refused0=$(grep -c 'hostfs: refused' "$zlog")
vm_tell "$name" guest-wrote

result hostfs_escape_test
tap_ok $? "hostfs_escape_test: symlinks out of the export and hostile names fail cleanly"
at escapes
sent=$(tr -d '\r' <"$(vm_console "$name")" | grep -c '^hostfs-escape: refused ')
logged=$(($(grep -c 'hostfs: refused' "$zlog") - refused0))
tap_diag "zhostd's log:" && grep 'hostfs: refused' "$zlog" | tail -n "$logged" | sed 's/^/#   /'
[ "$sent" -ge 14 ] && [ "$logged" -eq "$sent" ]
tap_ok $? "zhostd logged each of the $sent names the guest sent through lookup_raw as refused ($logged lines)"
counted=$(hostfs_export_json "$name" zht | jq '[.refused[]] | add')
tap_diag "refusals counted for zht: $(hostfs_export_json "$name" zht | jq -c '.refused')"
[ "${counted:-0}" -ge "$sent" ]
tap_ok $? "zhostd counted them (${counted:-none} refusals for zht)"
[ "$(cat "$out/secret")" = "$secret" ] && [ "$(ls -A "$out")" = secret ] &&
	[ "$(md5sum <"$ro/readme.txt")" = "$ro_sum" ] && [ "$(ls -A "$ro")" = readme.txt ]
tap_ok $? "nothing outside the export, and nothing in the read-only one, changed"
vm_tell "$name" escapes

# hostfs_mmap_test's steps.
mstep() { vm_wait "$name" "^hostfs-mmap: $1\$" 900; }
mstep msynced
hostfs_pattern_is "$exp/host-map.bin" g
tap_ok $? "bytes written through MAP_SHARED and msync'd are in the host's file, still mapped"
hostfs_pattern_is "$exp/guest-mapped.bin" g && [ "$(stat -c %s "$exp/guest-mapped.bin")" = $((3 * mib + 1008)) ]
tap_ok $? "the same for a new file the guest extended with ftruncate and filled through a mapping"
vm_tell "$name" msynced
mstep reopen
hostfs_pattern_is "$exp/host-pattern.bin" a
tap_ok $? "MAP_PRIVATE writes never reached the host's file"
# In place: the same inode, another mtime.
hostfs_pattern "b" $((8 * mib / 16)) | dd of="$exp/host-pattern.bin" conv=notrunc status=none
vm_tell "$name" reopen
mstep rewritten
# Same size and mtime: nothing tells the guest but the invalidate.
touch -r "$exp/inval.bin" "$t/inval.time"
hostfs_pattern c $((64 * 1024 / 16)) | dd of="$exp/inval.bin" conv=notrunc status=none
touch -r "$t/inval.time" "$exp/inval.bin"
vm_tell "$name" rewritten
mstep invalidated
vm_bctl "$name" export invalidate zht inval.bin >"$t/inval.out" 2>&1
st=$?
sed 's/^/#   /' "$t/inval.out"
tap_ok $st "balloon-ctl export invalidate zht inval.bin"
vm_tell "$name" invalidated
result hostfs_mmap_test
tap_ok $? "hostfs_mmap_test: reads, MAP_SHARED and MAP_PRIVATE, reopen after a host change, invalidate"
vm_bctl "$name" export invalidate zht >"$t/inval.out" 2>&1
tap_ok $? "balloon-ctl export invalidate zht (every file of the export)"

at grown
before=$(vm_console_value "$name" 's/^hostfs-e2e: attr size-before \([0-9]*\)$/\1/p')
echo "and more" >>"$exp/grow.txt"
vm_tell "$name" grown
vm_wait "$name" '^hostfs-e2e: attr size-after ' 300
after=$(vm_console_value "$name" 's/^hostfs-e2e: attr size-after \([0-9]*\)$/\1/p')
[ "${before:-x}" = 13 ] && [ "${after:-x}" = "$(stat -c %s "$exp/grow.txt")" ]
tap_ok $? "attr_timeout=0: stat sees the host append at once ($before -> $after bytes)"

# Zero copy: zhostd's counters of zht around the guest's one read.
at zc-ready
h0=$(hostfs_export_json "$name" zht)
vm_tell "$name" zc-ready
at zc-done
h1=$(hostfs_export_json "$name" zht)
zc_size=$(stat -c %s "$exp/zc.bin")
pages=$(((zc_size + page - 1) / page * page))
g_frames=$(($(gcount "zc read" frames_read_bytes) - $(gcount zc-ready frames_read_bytes)))
g_bounce=$(($(gcount "zc read" bounce_read_bytes) - $(gcount zc-ready bounce_read_bytes)))
g_zh=$(($(gcount "zc read" bounce_zone_host_bytes) - $(gcount zc-ready bounce_zone_host_bytes)))
h_bytes=$(($(jq '.bytes_to_frames' <<<"$h1") - $(jq '.bytes_to_frames' <<<"$h0")))
h_zero=$(($(jq '.zero_to_frames' <<<"$h1") - $(jq '.zero_to_frames' <<<"$h0")))
h_payload=$(($(jq '.bytes_read' <<<"$h1") - $(jq '.bytes_read' <<<"$h0")))
tap_diag "zc.bin: $zc_size bytes, $pages in whole pages" \
	"guest: frames_read_bytes +$g_frames, bounce_read_bytes +$g_bounce, bounce_zone_host_bytes +$g_zh" \
	"zhostd: bytes_to_frames +$h_bytes, zero_to_frames +$h_zero, bytes_read (payload) +$h_payload"
[ "$(vm_console_value "$name" 's/^hostfs-e2e: zc read [0-9]* md5 \([0-9a-f]*\) .*/\1/p')" = \
	"$(md5sum "$exp/zc.bin" | cut -d' ' -f1)" ]
tap_ok $? "the guest read zc.bin right (md5)"
[ "$g_zh" -eq 0 ] && [ "$g_bounce" -eq 0 ] && [ "$g_frames" -eq "$pages" ]
tap_ok $? "the guest copied nothing: every page came through frames, none through the payload"
[ "$h_bytes" -eq "$zc_size" ] && [ $((h_bytes + h_zero)) -eq "$g_frames" ] && [ "$h_payload" -eq 0 ]
tap_ok $? "zhostd wrote the file's bytes straight into the frames, and zeroes past its end"
vm_tell "$name" zc-done

at kill-zhostd
kill -KILL "$zpid"
vm_until 30 eval "! kill -0 $zpid"
tap_ok $? "zhostd killed"
vm_tell "$name" kill-zhostd
vm_wait "$name" '^hostfs-e2e: eio status ' 400
line=$(vm_console_value "$name" 's/^hostfs-e2e: eio \(.*\)$/\1/p')
tap_diag "guest: $line"
read -r _ st _ secs _ <<<"$line"
[ "${st:-0}" -ne 0 ] && [ "${st:-0}" -ne 143 ] && [ "${secs:-999}" -lt 120 ] &&
	grep -qiE 'Input/output error|I/O error' <<<"$line"
tap_ok $? "with zhostd gone a guest read fails with EIO after ${secs:-?} s, without hanging"
vm_wait "$name" '^zonehost-guest: exit ' 300
tap_ok $? "the guest program finished"
st=$(vm_guest_exit "$name" hostfs_e2e)
tap_check "hostfs_e2e exited 0 (status ${st:-none})" [ "${st:-1}" = 0 ]
vm_stop "$name" --stop-timeout 30
tap_done
