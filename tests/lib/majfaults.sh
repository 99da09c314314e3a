# SPDX-License-Identifier: GPL-2.0-only
# QEMU's major faults on the host, one by one, sorted into those in guest
# memory and the rest, by vCPU threads and by the others: what
# tests/bench/double-paging.sh counts as double paging (a major fault by a
# thread that is not a vCPU, in guest memory: QEMU's block I/O copying a
# page the host had swapped out). perf records the software event
# major-faults of the QEMU process with each fault's address, switched on
# and off by the caller. Documentation/design/paging.rst ("Measuring double
# paging") explains the method and what perf cannot see. Source it after
# vm.sh; needs perf (Debian's linux-perf) and root, or
# perf_event_paranoid <= 1 for one's own QEMU.
#
#   majfaults_why_not             prints why perf cannot record here, and
#                                 fails; prints nothing when it can
#   majfaults_start QEMU-PID DIR [EVENT...]
#                                 record, switched off; files go to DIR;
#                                 the perf EVENTs besides major-faults
#                                 (tests/lib/qemu-faults.sh records more)
#   majfaults_on / majfaults_off  switch recording on and off (each waits
#                                 for perf's acknowledgement, so nothing
#                                 the caller does next is missed)
#   majfaults_stop                end the recording
#   majfaults_vcpus NAME          the thread ids of VM NAME's vCPUs (QMP)
#   majfaults_ram NAME MIB        "START END", in hex, of QEMU's mapping of
#                                 VM NAME's MIB of ordinary RAM (QMP's
#                                 human-monitor-command gpa2hva 0)
#   majfaults_count DIR MAPS TIDS RAM
#                                 four numbers: faults in guest memory by
#                                 other threads (double paging), in guest
#                                 memory by vCPUs, elsewhere by other
#                                 threads, elsewhere by vCPUs. Guest memory
#                                 is RAM ("START END") and the BAR2 memfd
#                                 of MAPS, a copy of QEMU's /proc/PID/maps
#                                 taken while it still ran; TIDS the vCPUs

MAJFAULTS_PID=
MAJFAULTS_CTL=
MAJFAULTS_ACK=

majfaults_why_not() {
	local d out
	if ! command -v perf >/dev/null 2>&1; then
		echo "no perf (Debian's linux-perf: make deps)"
		return 1
	fi
	d=$(mktemp -d) || return 1
	if ! out=$(perf record -q -e major-faults -c 1 -d -o "$d/perf.data" -- true 2>&1); then
		echo "perf cannot record major-faults: $(tail -n 1 <<<"$out")"
		rm -rf "$d"
		return 1
	fi
	rm -rf "$d"
	if [ "$(id -u)" -ne 0 ] &&
		[ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -gt 1 ]; then
		echo "perf may not watch another process: not root and perf_event_paranoid > 1"
		return 1
	fi
}

majfaults_start() {
	local pid=$1 dir=$2 ack ev events=()
	shift 2
	for ev; do
		events+=(-e "$ev")
	done
	mkfifo "$dir/ctl" "$dir/ack" || return 1
	# Read-write opens of a FIFO do not wait for the other end.
	exec {MAJFAULTS_CTL}<>"$dir/ctl" {MAJFAULTS_ACK}<>"$dir/ack"
	perf record -q -e major-faults "${events[@]}" -c 1 -d -D -1 \
		--control "fd:$MAJFAULTS_CTL,$MAJFAULTS_ACK" -p "$pid" \
		-o "$dir/perf.data" >"$dir/perf.log" 2>&1 &
	MAJFAULTS_PID=$!
	# perf answers once it listens; a ping proves it attached.
	echo ping >&"$MAJFAULTS_CTL"
	read -r -t 60 ack <&"$MAJFAULTS_ACK" && [ "$ack" = ack ] || {
		tap_diag "perf did not start: $(tail -n 3 "$dir/perf.log")"
		majfaults_stop
		return 1
	}
}

# _majfaults_ctl COMMAND: send COMMAND to perf, wait for its ack.
_majfaults_ctl() {
	local ack
	[ -n "$MAJFAULTS_PID" ] || return 1
	echo "$1" >&"$MAJFAULTS_CTL" || return 1
	read -r -t 60 ack <&"$MAJFAULTS_ACK" && [ "$ack" = ack ]
}

majfaults_on() { _majfaults_ctl enable; }
majfaults_off() { _majfaults_ctl disable; }

majfaults_stop() {
	[ -n "$MAJFAULTS_PID" ] || return 0
	kill -INT "$MAJFAULTS_PID" 2>/dev/null
	wait "$MAJFAULTS_PID" 2>/dev/null
	MAJFAULTS_PID=
	exec {MAJFAULTS_CTL}>&- {MAJFAULTS_ACK}>&-
}

# _majfaults_qmp NAME COMMAND-JSON: the reply's "return", as JSON.
_majfaults_qmp() {
	printf '{"execute":"qmp_capabilities"}\n%s\n' "$2" |
		socat -t 5 - "UNIX-CONNECT:$ZHOST_RUNTIME_DIR/$1/qmp.sock" 2>/dev/null |
		jq -c 'select(has("return") and .return != {}) | .return'
}

majfaults_vcpus() {
	_majfaults_qmp "$1" '{"execute":"query-cpus-fast"}' |
		jq -r '.[]."thread-id"' | tr '\n' ' '
}

majfaults_ram() {
	local hva
	# "Host virtual address for 0x0 (pc.ram) is 0x7f..."
	hva=$(_majfaults_qmp "$1" '{"execute":"human-monitor-command","arguments":{"command-line":"gpa2hva 0"}}' |
		jq -r . | sed -n 's/^Host virtual address .* is 0x\([0-9a-f]*\).*/\1/p')
	[ -n "$hva" ] || return 1
	printf '%x %x\n' "$((16#$hva))" "$((16#$hva + ($2 << 20)))"
}

majfaults_count() {
	local dir=$1 maps=$2 tids=$3 ram=$4
	# Only major-faults: majfaults_start may have recorded other events.
	perf script -i "$dir/perf.data" -F tid,event,addr 2>/dev/null |
	awk -v maps="$maps" -v tids="$tids" -v ram="$ram" '
	function hex(s,   i, v) {
		v = 0
		s = tolower(s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN {
		n = split(tids, t, " ")
		for (i = 1; i <= n; i++)
			vcpu[t[i]] = 1
		split(ram, r, " ")
		m = 1
		lo[m] = hex(r[1]); hi[m] = hex(r[2])
		while ((getline line < maps) > 0) {
			if (line !~ /\/memfd:zonehost-bar2/)
				continue
			split(line, f, " ")
			split(f[1], r, "-")
			m++
			lo[m] = hex(r[1]); hi[m] = hex(r[2])
		}
	}
	$2 != "major-faults:" { next }
	{
		a = hex($3)
		g = 0
		for (i = 1; i <= m; i++)
			if (a >= lo[i] && a < hi[i]) { g = 1; break }
		c[g, ($1 in vcpu)]++
	}
	END { printf "%d %d %d %d\n", c[1, 0], c[1, 1], c[0, 0], c[0, 1] }'
}
