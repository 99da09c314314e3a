# SPDX-License-Identifier: GPL-2.0-only
# Where a guest's memory accesses wait for the host: QEMU's page faults,
# major and minor, by thread and by the mapping they hit, with the vCPU
# thread's scheduling and interrupts, while a guest program marks what it
# measures on its console. Built on tests/lib/majfaults.sh (which it
# sources: perf's start, its switch and QMP's vCPU threads and RAM), for
# tests/bench/pin.sh. Source it after vm.sh.
#
#   faults_start QEMU-PID DIR     majfaults_start with the events below;
#                                 switch with majfaults_on/off, end with
#                                 majfaults_stop
#   faults_counters QEMU-PID TID  what else makes a vCPU thread wait, as
#                                 counters to subtract: "NS RUN_NS WAIT_NS
#                                 VCSW NVCSW TLB CAL PSWPIN PSWPOUT": now,
#                                 TID's time on a CPU and waiting for one
#                                 (schedstat), its voluntary and
#                                 involuntary context switches, the host's
#                                 TLB shootdown and function call
#                                 interrupts (all CPUs), swap-ins and outs
#   faults_classify DIR MAPS TIDS RAM CONSOLE-FD LENS
#                                 what happened between the guest's marks:
#                                 "KIND THREADS MAJOR MINOR" per kind of
#                                 mapping and thread class (vcpu: a thread
#                                 of TIDS, or other), "phase P START END"
#                                 (host seconds), "switches PREEMPTED
#                                 ASLEEP IO", "irq NAME COUNT" (those the
#                                 vCPU thread took). MAPS is a copy of QEMU's /proc/PID/maps
#                                 taken while it still ran, RAM
#                                 majfaults_ram's range, CONSOLE-FD QEMU's
#                                 descriptor of the console file, LENS the
#                                 lengths (with CRLF) of the console lines
#                                 around each phase, two a phase: the
#                                 guest writes "LINE1" CR, the phase, CR
#                                 "LINE2"
#
# The kinds: ram (the guest's ordinary RAM), bar2 (zhostd's shared memfd,
# "zonehost-bar2"), tcg-code (TCG's translation buffer: the anonymous
# rwx mapping), anon (heap, thread stacks, other anonymous memory),
# file (QEMU's binary, libraries, other files), unmapped (an address in no
# mapping of the copy, e.g. one unmapped before it was taken).

. "$(dirname "${BASH_SOURCE[0]}")/majfaults.sh"

faults_start() {
	majfaults_start "$1" "$2" minor-faults sched:sched_switch \
		syscalls:sys_enter_write syscalls:sys_enter_writev \
		irq:irq_handler_entry irq:softirq_entry \
		irq_vectors:local_timer_entry irq_vectors:call_function_entry \
		irq_vectors:call_function_single_entry irq_vectors:reschedule_entry
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
	local dir=$1 maps=$2 tids=$3 ram=$4 confd=$5 lens=$6
	perf script -i "$dir/perf.data" --ns -F sw:tid,time,event,addr \
		-F trace:tid,time,event,trace 2>/dev/null |
	awk -v maps="$maps" -v tids="$tids" -v ram="$ram" \
	    -v confd="$confd" -v lens="$lens" '
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
	function kind(path, perms) {
		if (path ~ /^\/memfd:zonehost-bar2/)
			return "bar2"
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
		# The guest RAM first: it lies inside one of the mappings.
		split(ram, r, " ")
		m = 1
		lo[m] = hex(r[1]); hi[m] = hex(r[2]); k[m] = "ram"
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
			k[m] = kind(path, f[2])
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
		next
	}
	# Interrupts that took the vCPU thread'"'"'s CPU while it ran.
	ev ~ /^irq/ {
		if (!(tid in vcpu))
			next
		e = ev; sub(/_entry$/, "", e); sub(/^irq(_vectors)?:/, "", e)
		irq[e]++
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

