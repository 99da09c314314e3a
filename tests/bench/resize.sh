#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shrink a guest by 512 MiB and grow it back, then by 1 GiB and grow it
# back, and how much host memory each shrink really freed, for zonehost
# (each zhostd --backing), virtio-balloon (QMP balloon) and virtio-mem
# (requested-size), on the same guest kernel and QEMU, in one run. Every
# guest has 2048 MiB, 1536 MiB of it resizable, and first touches 1700 MiB
# once, so the host backs it:
#
#   zonehost        -m 512M -H 1536M (2 MiB subblocks), --backing shm, thp
#                   (what the host's shmem_enabled allows, named in the
#                   row) and hugetlb (on a pool of 1032 2 MiB pages the
#                   benchmark makes and gives back; the row says why not
#                   when the host refuses)
#   virtio-balloon  -m 2048M, guest RAM anonymous, then a shared memfd
#   virtio-mem      -m 512M + a 1536M virtio-mem device (2 MiB blocks),
#                   anonymous, then a shared memfd
#
# Times come from the timestamps of the messages on one long-lived
# connection per VM, from the request to the event saying the guest got
# there: zhostd's MEMORY_REQUESTED to RESIZE_DONE; the moment we send
# "balloon" to QEMU to the BALLOON_CHANGE with the target; the moment we
# send qom-set requested-size to the MEMORY_DEVICE_SIZE_CHANGE with the
# target. (QEMU's replies carry no timestamp, and the moment we read one
# can come after the event it caused: it made virtio-mem's grows look
# negative.)
# For zonehost the resize is made by balloon-ctl set --wait, timed from its
# start to its exit: the time a user waits (the "user s" columns); the
# events of the same resize give the other two.
#
# Those events may mark different moments (a device's size can change
# before the guest has onlined the memory), so every resize is also timed
# to the same endpoint for all: the guest's MemTotal reaching the target
# (within 4 MiB), seen by tests/bench/guest/mem_endpoint.c polling it every
# millisecond and stamped with the guest's CLOCK_REALTIME. The host relates
# that clock to its own over the harness's virtio-serial channel before
# each resize (the sync with the shortest round trip of ten; the offset is
# good to half that round trip, printed under the table). Host memory is the memfd's
# allocated bytes, or QEMU's RssAnon for anonymous RAM. For each zonehost
# resize a second table says where its time went: the guest's stages and
# zhostd's handling, from its RESIZE_DONE event (or query-memory's
# last_resize when zhostd held the event back); "-" when the guest sent
# none (a kernel before VMRPC ABI 1.7). Writes a Markdown report to $1.
set -euo pipefail
VM_POLL=0.1
. "$(dirname "$0")/../lib/vm.sh"
out=$1
rt=$ZHOST_RUNTIME_DIR
vm=""
listener=""

# boot VM ZHOST-RUN-ARGS...: start and wait for the guest's ready marker
boot() {
	vm=$1
	shift
	vm_start "$vm" resize_bench \
		--append "quiet zonehost.touch=1700 memhp_default_state=online_movable" "$@"
	vm_wait "$vm" '^resize-bench: ready' 300 && return 0
	tr -d '\r' <"$(vm_console "$vm")" | tail -n 20 >&2
	return 1
}

# session SOCKET: one connection that stays open; lines written to fd 3
# go to SOCKET, everything it says lands in $log, one JSON per line.
session() {
	log=$rt/$vm.log
	rm -f "$rt/$vm.in"
	mkfifo "$rt/$vm.in"
	socat "UNIX-CONNECT:$1" STDIO <"$rt/$vm.in" >"$log" &
	listener=$!
	exec 3>"$rt/$vm.in"
}
end_session() {
	exec 3>&-
	kill "$listener" 2>/dev/null || true
	wait "$listener" 2>/dev/null || true
	listener=""
	vm_stop "$vm" --stop-timeout 10 || true
	vm=""
}
# send JSON: one request on the session
send() { echo "$1" >&3; }
# since: from now on, look only at what the session hears after this
since() { from=$(($(wc -l <"$log") + 1)); }
from=1
# the session's log since the last since
heard() { tail -n "+$from" "$log"; }
# wait_for JQ-FILTER: until a line of the log matches, up to 300 s
logged() { [ -n "$(heard | jq -c "select($1)" 2>/dev/null | head -n 1)" ]; }
wait_for() {
	vm_until 300 logged "$1" && return 0
	echo "resize bench: no $1 in $log" >&2
	return 1
}
# ts JQ-FILTER: timestamp in seconds of the first matching line
ts() { heard | jq -r "select($1) | .timestamp.seconds + .timestamp.microseconds / 1e6" | head -n 1; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# Replies carry no timestamp: note the time we read them.
reply_ts() {
	local n
	for ((i = 0; i < 3000; i++)); do
		[ "$(grep -c '"return"' "$log" || true)" -ge "$1" ] && break
		sleep 0.005
	done
	date +%s.%N
}

# Host memory of the running VM: memfd bytes, or anonymous RSS.
host_mem() {
	local pid fd
	pid=$(cat "$rt/$vm/qemu.pid")
	if [ "$1" = memfd ]; then
		fd=$(find "/proc/$pid/fd" -lname '/memfd:*' | head -n 1)
		echo $(($(stat -L -c %b "$fd") * 512))
	else
		awk '/^RssAnon:/ { print $2 * 1024 }' "/proc/$pid/status"
	fi
}
zh_backed() { vm_bctl "$vm" status --json | jq -r .memory.backed; }

# The guest's endpoint: a connection to mem_endpoint over the VM's host
# channel, its answers in $eplog.
ep_open() {
	eplog=$rt/$vm.ep
	rm -f "$rt/$vm.epin" "$eplog"
	mkfifo "$rt/$vm.epin"
	socat "UNIX-CONNECT:$(vm_channel "$vm")" STDIO <"$rt/$vm.epin" >"$eplog" &
	ep_pid=$!
	exec 4>"$rt/$vm.epin"
}
ep_close() {
	exec 4>&-
	kill "$ep_pid" 2>/dev/null || true
	wait "$ep_pid" 2>/dev/null || true
}
# ep_lines WORD: how many answers starting with WORD came so far
ep_lines() { grep -c "^$1 " "$eplog" 2>/dev/null || true; }
# ep_next WORD N: wait (up to 300 s) for answer N+1 starting with WORD
ep_next() {
	local end=$((SECONDS + 300))
	until [ "$(ep_lines "$1")" -gt "$2" ]; do
		if [ $SECONDS -ge $end ]; then
			echo "resize bench: no '$1' from mem_endpoint in $vm; its console ends:" >&2
			tr -d '\r' <"$(vm_console "$vm")" | tail -n 20 >&2
			return 1
		fi
		sleep 0.002
	done
	grep "^$1 " "$eplog" | sed -n "$(($2 + 1))p"
}
# ep_sync: sets ep_off (guest clock minus host clock, ns) and ep_rtt from
# the shortest of ten round trips
ep_sync() {
	local i n t0 t1 g rtt
	ep_rtt=-1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		n=$(ep_lines sync)
		t0=$(date +%s%N)
		echo sync >&4
		g=$(ep_next sync "$n" | cut -d' ' -f2) || return 1
		t1=$(date +%s%N)
		rtt=$((t1 - t0))
		if [ "$ep_rtt" -lt 0 ] || [ "$rtt" -lt "$ep_rtt" ]; then
			ep_rtt=$rtt
			ep_off=$((g - (t0 + t1) / 2))
		fi
	done
	ep_rtts+="$ep_rtt "
}
# ep_watch KB up|down: arm the watch (after a sync); ep_reached prints the
# host time in seconds at which the guest saw MemTotal get there
ep_watch() {
	ep_sync || return 1
	ep_n=$(ep_lines reached)
	echo "watch $1 $2" >&4
}
ep_reached() {
	local r
	r=$(ep_next reached "$ep_n") || return 1
	awk -v ns="$(echo "$r" | cut -d' ' -f4)" -v off="$ep_off" \
		'BEGIN { printf "%.6f", (ns - off) / 1e9 }'
}
# The guest's MemTotal at boot (its ready marker), in kB.
memtotal0() { vm_console_value "$vm" 's/^resize-bench: ready \([0-9]*\) kB.*$/\1/p'; }
tol_kb=4096
ep_rtts=""

rows=""
# wanted ROW: ZH_RESIZE_ROWS (e.g. "zh-shm vmem-memfd") names it, or is unset
# (every row: zh-shm zh-thp zh-hugetlb balloon-anon balloon-memfd vmem-anon
# vmem-memfd). For a developer's quick look; a recorded run has them all.
wanted() { [ -z "${ZH_RESIZE_ROWS:-}" ] || [[ " $ZH_RESIZE_ROWS " == *" $1 "* ]]; }
row() { rows+="| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 | $9 | ${10} |"$'\n'; }
# Every guest: 2048 MiB, of which this much (MiB) is resizable; each
# shrinks by each of $sizes and grows back.
full=1536
sizes="512 1024"

# stages BYTES: the stages of the resize to BYTES, compact JSON, or null:
# from its RESIZE_DONE event, else (rate-limited) from last_resize.
stages() {
	local st
	st=$(heard | jq -c "select(.event == \"RESIZE_DONE\" and .data.requested == $1) | .data.stages" |
		head -n 1) || true
	if [ -z "$st" ] || [ "$st" = null ]; then
		st=$(vm_bctl "$vm" status --json |
			jq -c ".memory.last_resize | select(.requested == $1) | .stages") || true
	fi
	echo "${st:-null}"
}
# stage_row LABEL STAGES: a row of the "where the time goes" table
srows=""
stage_row() {
	if [ "$2" = null ]; then
		srows+="| $1 | - | - | - | - | - | - | - | - | - | - | - | - |"$'\n'
		return
	fi
	srows+=$(jq -r --arg row "$1" 'def ms: ((. // 0) / 10 | round) / 100;
		"| \($row) | \(.total_us | ms) | \(.wait_us | ms) | \(.host_calls // 0), \(.host_us | ms) | \(.zhostd_us | ms) | \(.vmrpc_us | ms) | \(.isolate_us | ms) | \(.offline_us | ms) | \(.online_us | ms) | \(.add_us | ms) | \(.watermarks_us | ms) | \(.free_us | ms) | \(.free_wait_us | ms) |"' \
		<<<"$2")$'\n'
}

# user_set SIZE: balloon-ctl set SIZE --wait on the VM, as a user runs it;
# prints the seconds from its start to its exit.
user_set() {
	local t0 t1
	t0=$(date +%s.%N)
	vm_bctl "$vm" set "$1" --wait --timeout 300 >/dev/null || return 1
	t1=$(date +%s.%N)
	secs "$t0" "$t1"
}

# zonehost BACKING LABEL: zhostd stamps its events, which the session
# hears for the resizes balloon-ctl makes.
zonehost() {
	local d lo before after t0 t1 t2 t3 u1 u2 g1 g3 m0 s1 s3
	# --host-max: the guest may not ask for more while it touches its memory
	boot "bench-rs-zh-$1" -m 512M -H "${full}M" --host-max "${full}M" -Z "--backing=$1" || return 1
	m0=$(memtotal0)
	session "$rt/$vm/zhostd.sock"
	ep_open
	for d in $sizes; do
		lo=$(((full - d) * mib))
		before=$(zh_backed)
		since
		ep_watch $((m0 - d * 1024 + tol_kb)) down
		u1=$(user_set "$lo")
		wait_for ".event == \"RESIZE_DONE\" and .data.requested == $lo"
		g1=$(ep_reached)
		s1=$(stages "$lo")
		t0=$(ts ".event == \"MEMORY_REQUESTED\" and .data.requested == $lo")
		t1=$(ts ".event == \"RESIZE_DONE\" and .data.requested == $lo")
		after=$(zh_backed)
		since
		ep_watch $((m0 - tol_kb)) up
		u2=$(user_set $((full * mib)))
		wait_for ".event == \"RESIZE_DONE\" and .data.requested == $((full * mib))"
		g3=$(ep_reached)
		s3=$(stages $((full * mib)))
		t2=$(ts ".event == \"MEMORY_REQUESTED\" and .data.requested == $((full * mib))")
		t3=$(ts ".event == \"RESIZE_DONE\" and .data.requested == $((full * mib))")
		row "zonehost ($2)" "$d" "$(secs "$t0" "$t1")" "$(secs "$t0" "$g1")" \
			"$(secs "$t2" "$t3")" "$(secs "$t2" "$g3")" "$u1" "$u2" \
			"$(((before - after) / mib))" "$((before / mib)) → $((after / mib))"
		stage_row "zonehost ($2) shrink $d MiB" "$s1"
		stage_row "zonehost ($2) grow $d MiB" "$s3"
	done
	ep_close
	end_session
}

# Each backing; the host's settings decide what thp and hugetlb get.
shmem=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null || echo unknown)
! wanted zh-shm || zonehost shm "memfd, shm, shmem_enabled=$shmem"
! wanted zh-thp || zonehost thp "memfd, thp, shmem_enabled=$shmem"
if ! wanted zh-hugetlb; then
	:
elif vm_hugetlb_pool 1032; then
	zonehost hugetlb "memfd, hugetlb 2 MiB"
else
	row "zonehost (hugetlb)" "-" "-" "-" "-" "-" "-" "-" "-" "not run: $VM_HUGETLB_WHY"
	stage_row "zonehost (hugetlb)" null
fi

# qmp_resize LABEL KIND EVENT FIELD BASE REQUEST SETTLE: on the VM just
# booted, for each of $sizes ask QEMU for BASE + $full - size MiB, then
# BASE + $full MiB (REQUEST BYTES prints the command); each time from the
# moment we send it to the EVENT whose .data.FIELD says the guest got
# there. Host memory is read SETTLE s after the shrink.
qmp_resize() {
	local label=$1 kind=$2 ev=$3 field=$4 base=$5 request=$6 settle=$7
	local d shrunk grown before after got t0 t1 t2 t3 g1 g3 m0 n=1
	m0=$(memtotal0)
	grown=$(((base + full) * mib))
	session "$rt/$vm/qmp.sock"
	ep_open
	send '{"execute":"qmp_capabilities"}'
	reply_ts 1 >/dev/null
	for d in $sizes; do
		shrunk=$(((base + full - d) * mib))
		before=$(host_mem "$kind")
		since
		ep_watch $((m0 - d * 1024 + tol_kb)) down
		t0=$(date +%s.%N)
		send "$($request "$shrunk")"
		reply_ts $((n += 1)) >/dev/null
		got=".event == \"$ev\" and .data.$field == $shrunk"
		wait_for "$got"
		t1=$(ts "$got")
		g1=$(ep_reached)
		sleep "$settle"
		after=$(host_mem "$kind")
		since
		ep_watch $((m0 - tol_kb)) up
		t2=$(date +%s.%N)
		send "$($request "$grown")"
		reply_ts $((n += 1)) >/dev/null
		got=".event == \"$ev\" and .data.$field == $grown"
		wait_for "$got"
		t3=$(ts "$got")
		g3=$(ep_reached)
		row "$label ($kind)" "$d" "$(secs "$t0" "$t1")" "$(secs "$t0" "$g1")" \
			"$(secs "$t2" "$t3")" "$(secs "$t2" "$g3")" - - \
			"$(((before - after) / mib))" "$((before / mib)) → $((after / mib))"
	done
	ep_close
	end_session
}

# virtio-balloon: QEMU's BALLOON_CHANGE events.
balloon() { echo "{\"execute\":\"balloon\",\"arguments\":{\"value\":$1}}"; }
for kind in anon memfd; do
	wanted "balloon-$kind" || continue
	extra=(-device virtio-balloon-pci,id=balloon0)
	[ $kind = memfd ] && extra+=(-object memory-backend-memfd,id=ram0,size=2048M,share=on
		-machine memory-backend=ram0)
	boot "bench-rs-bal-$kind" -m 2048M --no-zhostd -- "${extra[@]}"
	qmp_resize virtio-balloon $kind BALLOON_CHANGE actual 512 balloon 1
done

# virtio-mem: QEMU's MEMORY_DEVICE_SIZE_CHANGE events.
requested_size() { echo "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/vm0\",\"property\":\"requested-size\",\"value\":$1}}"; }
for kind in anon memfd; do
	wanted "vmem-$kind" || continue
	if [ $kind = memfd ]; then
		backend=memory-backend-memfd,id=vmem0,size=${full}M,share=on
	else
		backend=memory-backend-ram,id=vmem0,size=${full}M
	fi
	boot "bench-rs-vmem-$kind" -m 512M --no-zhostd -- -m 512M,slots=1,maxmem=4G \
		-object "$backend" -device virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=${full}M
	qmp_resize virtio-mem $kind MEMORY_DEVICE_SIZE_CHANGE size 0 requested_size 0
done

{
	echo "Shrink by MiB, then grow back, each size in turn; every guest has 2048 MiB, 1536 MiB of it"
	echo "resizable, and touched 1700 MiB first (all of the resizable part, so every shrink has host memory to free)."
	echo "Times from the request to the mechanism's event that says the guest got there (event),"
	echo "and to the guest's MemTotal reaching the target, seen in the guest (guest);"
	echo "user s: balloon-ctl set --wait from its start to its exit (zonehost only)."
	echo
	echo "| mechanism | MiB | shrink s (event) | shrink s (guest) | grow s (event) | grow s (guest) | user shrink s | user grow s | host MiB freed by the shrink | host MiB before → after |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$rows"
	echo
	echo "Guest clock against the host's: shortest sync round trip per resize, ms:" \
		"$(for r in $ep_rtts; do awk -v r="$r" 'BEGIN { printf "%.1f ", r / 1e6 }'; done)"
	echo "(the guest column is good to half of it)"
	echo
	echo "Where the time goes in each zonehost resize, ms: the guest's stages as it measured them"
	echo "(total: the resize worker's run; wait: queued before it), its calls to the host"
	echo "(count, ms) and of that zhostd's own handling (host clock) and VMRPC's round trips;"
	echo "host frees: zhostd freeing the unplugged memory after its answers (host clock), and of it"
	echo "what the report waited for; - where the guest sent no stages."
	echo
	echo "| row | total ms | wait | host calls (n, ms) | of it zhostd | vmrpc | isolate | offline | online | add | watermarks | host frees | report waited |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$srows"
} >"$out"
cat "$out"
