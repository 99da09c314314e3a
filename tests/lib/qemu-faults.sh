# SPDX-License-Identifier: GPL-2.0-only
# QEMU's page faults on the host, by thread and by the mapping they hit:
# where a guest's memory accesses wait for the host. perf records the
# software events major-faults and minor-faults of the QEMU process (every
# one, with its address), switched on and off by the caller around what
# it measures; the addresses are then classified by QEMU's
# /proc/PID/maps. Source it after vm.sh; needs perf (Debian's
# linux-perf) and root, or perf_event_paranoid <= 1 for one's own QEMU.
#
#   faults_available              perf is there and may watch a process
#   faults_start QEMU-PID DIR     record, switched off; files go to DIR
#   faults_on / faults_off        switch recording on and off (waits for
#                                 perf's acknowledgement, so nothing the
#                                 caller does next is missed)
#   faults_stop                   end the recording
#   faults_vcpu_tids NAME         the thread ids of VM NAME's vCPUs (QMP
#                                 query-cpus-fast)
#   faults_counters QEMU-PID TID  what else makes a vCPU thread wait, as
#                                 counters to subtract: "NS RUN_NS WAIT_NS
#                                 VCSW NVCSW TLB CAL PSWPIN PSWPOUT": now,
#                                 TID's time on a CPU and waiting for one
#                                 (schedstat), its voluntary and
#                                 involuntary context switches, the host's
#                                 TLB shootdown and function call
#                                 interrupts (all CPUs), swap-ins and outs
#   faults_classify DIR MAPS TIDS RAM-MIB
#                                 one line per kind of mapping and thread
#                                 class: "KIND THREADS MAJOR MINOR", where
#                                 THREADS is vcpu (a thread of TIDS) or
#                                 other; MAPS is a copy of QEMU's
#                                 /proc/PID/maps taken while it still ran
#
# The kinds: ram (the guest's ordinary RAM: an anonymous mapping of RAM-MIB,
# or a memfd QEMU maps of that size), bar2 (zhostd's shared memfd,
# "zonehost-bar2"), tcg-code (TCG's translation buffer: the anonymous
# rwx mapping), anon (heap, thread stacks, other anonymous memory),
# file (QEMU's binary, libraries, other files), unmapped (an address in no
# mapping of the copy, e.g. one unmapped before it was taken).

FAULTS_PERF_PID=
FAULTS_CTL=
FAULTS_ACK=

faults_available() {
	command -v perf >/dev/null 2>&1 || return 1
	[ "$(id -u)" -eq 0 ] ||
		[ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -le 1 ]
}

faults_start() {
	local pid=$1 dir=$2 ack
	mkfifo "$dir/ctl" "$dir/ack" || return 1
	# Read-write opens of a FIFO do not wait for the other end.
	exec {FAULTS_CTL}<>"$dir/ctl" {FAULTS_ACK}<>"$dir/ack"
	perf record -q -e major-faults -e minor-faults -e sched:sched_switch \
		-e syscalls:sys_enter_write -e syscalls:sys_enter_writev \
		-e irq:irq_handler_entry -e irq:softirq_entry \
		-e irq_vectors:local_timer_entry -e irq_vectors:call_function_entry \
		-e irq_vectors:call_function_single_entry \
		-e irq_vectors:reschedule_entry \
		-c 1 -d -D -1 \
		--control "fd:$FAULTS_CTL,$FAULTS_ACK" -p "$pid" \
		-o "$dir/perf.data" >"$dir/perf.log" 2>&1 &
	FAULTS_PERF_PID=$!
	# perf answers once it listens; a ping proves it attached.
	echo ping >&"$FAULTS_CTL"
	read -r -t 60 ack <&"$FAULTS_ACK" && [ "$ack" = ack ] || {
		tap_diag "perf did not start: $(tail -n 3 "$dir/perf.log")"
		faults_stop
		return 1
	}
}

# _faults_ctl COMMAND: send COMMAND to perf, wait for its ack.
_faults_ctl() {
	local ack
	[ -n "$FAULTS_PERF_PID" ] || return 1
	echo "$1" >&"$FAULTS_CTL" || return 1
	read -r -t 60 ack <&"$FAULTS_ACK" && [ "$ack" = ack ]
}

faults_on() { _faults_ctl enable; }
faults_off() { _faults_ctl disable; }

faults_stop() {
	[ -n "$FAULTS_PERF_PID" ] || return 0
	kill -INT "$FAULTS_PERF_PID" 2>/dev/null
	wait "$FAULTS_PERF_PID" 2>/dev/null
	FAULTS_PERF_PID=
	exec {FAULTS_CTL}>&- {FAULTS_ACK}>&-
}

faults_vcpu_tids() {
	local sock=$ZHOST_RUNTIME_DIR/$1/qmp.sock
	printf '{"execute":"qmp_capabilities"}\n{"execute":"query-cpus-fast"}\n' |
		socat -t 5 - "UNIX-CONNECT:$sock" 2>/dev/null |
		jq -r 'select(.return | type == "array") | .return[]."thread-id"' |
		tr '\n' ' '
}

faults_counters() {
	local pid=$1 tid=$2 run wait vcsw nvcsw
	read -r run wait _ <"/proc/$pid/task/$tid/schedstat" || return 1
	vcsw=$(awk '$1 == "voluntary_ctxt_switches:" { print $2 }' "/proc/$pid/task/$tid/status")
	nvcsw=$(awk '$1 == "nonvoluntary_ctxt_switches:" { print $2 }' "/proc/$pid/task/$tid/status")
	echo "$(date +%s%N) $run $wait $vcsw $nvcsw $(awk '
		$1 == "TLB:" || $1 == "CAL:" { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; v[$1] = s }
		END { print v["TLB:"] + 0, v["CAL:"] + 0 }' /proc/interrupts) $(awk '
		$1 == "pswpin" { i = $2 } $1 == "pswpout" { o = $2 } END { print i + 0, o + 0 }' /proc/vmstat)"
}

faults_classify() {
	local dir=$1 maps=$2 tids=$3 ram_mib=$4 confd=$5 lens=$6
	perf script -i "$dir/perf.data" --ns -F sw:tid,time,event,addr \
		-F trace:tid,time,event,trace 2>/dev/null |
	awk -v maps="$maps" -v tids="$tids" -v ram=$((ram_mib << 20)) \
	    -v confd="$confd" -v lens="$lens" -v events="$dir/events" '
	function hex(s,   i, c, v) {
		v = 0
		s = tolower(s)
		sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1))
			if (c == 0)
				break
			v = v * 16 + c - 1
		}
		return v
	}
	function kind(path, perms, len) {
		if (path ~ /^\/memfd:zonehost-bar2/)
			return "bar2"
		# The guest RAM block may carry a guard page or two.
		if ((path == "" || path ~ /^\/memfd:/) && len >= ram && len <= ram + 4194304)
			return "ram"
		if (path == "" && perms ~ /^rwx/)
			return "tcg-code"
		if (path == "" || path ~ /^\[/)
			return "anon"
		return "file"
	}
	BEGIN {
		n = split(tids, t, " ")
		for (i = 1; i <= n; i++)
			vcpu[t[i]] = 1
		nl = split(lens, len, " ")
		# Each phase is between two marker bytes, after line 1, 3, ...
		for (i = 1; i < nl; i += 2) {
			total += len[i] + 1
			open_at[total] = (i + 1) / 2
			total += 1
			close_at[total] = (i + 1) / 2
			total += len[i + 1]
		}
		while ((getline line < maps) > 0) {
			split(line, f, " ")
			split(f[1], r, "-")
			m++
			lo[m] = hex(r[1]); hi[m] = hex(r[2])
			path = ""
			if (split(line, g, " ") >= 6) {
				path = g[6]
				for (i = 7; i in g; i++)
					path = path " " g[i]
			}
			k[m] = kind(path, f[2], hi[m] - lo[m])
		}
	}
	{
		tid = $1
		tm = $2; sub(/:$/, "", tm)
		ev = $3; sub(/:$/, "", ev)
	}
	# The console: the UART QEMU emulates passes on each byte the guest
	# sends with a write() or writev() of its own (one iovec of one byte
	# into a file), from the vCPU thread.
	ev ~ /^syscalls:sys_enter_writev?$/ {
		fd = $5; sub(/,$/, "", fd)
		if (!(tid in vcpu) || hex(fd) != confd)
			next
		# write: count, writev: vlen
		cnt = hex($9)
		for (b = bytes + 1; b <= bytes + cnt; b++) {
			if (b in open_at) { inside = 1; t0 = tm }
			if (b in close_at) {
				inside = 0
				phase_ns += tm - t0
				phases++
				printf "phase %d %s %s\n", close_at[b], t0, tm
			}
		}
		bytes += cnt
		next
	}
	!inside { next }
	ev == "sched:sched_switch" {
		if (!(tid in vcpu))
			next
		st = $0; sub(/.* prev_state=/, "", st); sub(/ .*/, "", st)
		st = st ~ /^R/ ? "preempted" : st ~ /^D/ ? "waiting-io" : "sleeping"
		sw[st]++
		print tm, "off-cpu:" st > events
		next
	}
	# Interrupts that took the vCPU thread'"'"'s CPU while it ran.
	ev ~ /^irq/ {
		if (!(tid in vcpu))
			next
		e = ev; sub(/_entry$/, "", e); sub(/^irq(_vectors)?:/, "", e)
		irq[e]++
		print tm, "irq:" e > events
		next
	}
	ev ~ /-faults$/ {
		ev = (ev ~ /^major/) ? "major" : "minor"
		a = hex($4)
		what = "unmapped"
		for (i = 1; i <= m; i++)
			if (a >= lo[i] && a < hi[i]) { what = k[i]; break }
		who = (tid in vcpu) ? "vcpu" : "other"
		c[what " " who " " ev]++
		seen[what " " who] = 1
		if (who == "vcpu")
			print tm, ev ":" what > events
	}
	END {
		if (bytes != total) {
			printf "error the console had %d bytes, not the %d expected\n", bytes, total
			exit
		}
		printf "phases %d %.0f\n", phases, phase_ns * 1e9
		printf "switches %d %d %d\n", sw["preempted"], sw["sleeping"], sw["waiting-io"]
		for (e in irq)
			printf "irq %s %d\n", e, irq[e]
		for (w in seen)
			printf "%s %d %d\n", w, c[w " major"], c[w " minor"]
	}' | sort
}

faults_attribute() {
	local dir=$1 slow=$2 reads=$3 cls=$4
	awk -v cls="$cls" -v reads="$reads" -v slowf="$slow" -v evf="$dir/events" '
	# The strongest thing that happened during a read.
	function rank(k) {
		if (k ~ /^major:/) return 5
		if (k ~ /^off-cpu:/) return 4
		if (k ~ /^minor:/) return 3
		if (k ~ /^irq:/) return 2
		return 1
	}
	$1 == "phase" { hs[$2] = $3; he[$2] = $4 }
	END {
		while ((getline line < reads) > 0) {
			split(line, f, " ")
			gl[f[1]] = f[2]
		}
		ne = 0
		while ((getline line < evf) > 0) {
			split(line, f, " ")
			ne++; et[ne] = f[1]; ek[ne] = f[2]
		}
		j = 1
		while ((getline line < slowf) > 0) {
			split(line, f, " ")
			p = f[1]
			if (!(p in hs) || !(p in gl) || gl[p] <= 0)
				continue
			# Guest ns to host seconds: the markers bound both.
			scale = (he[p] - hs[p]) / gl[p]
			a = hs[p] + f[2] * scale
			b = a + f[3] * scale
			# Reads and events both come in time order.
			best = "none"
			while (j <= ne && et[j] < a)
				j++
			for (i = j; i <= ne && et[i] <= b; i++)
				if (rank(ek[i]) > rank(best))
					best = ek[i]
			n[best]++
			d[best] = d[best] " " f[3]
		}
		for (k in n)
			printf "read %s %d%s\n", k, n[k], d[k]
	}' "$cls"
}
