#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zone_host_trace: the guest side of tests/e2e/test-resize-trace.sh. Turns
# on the provider's tracepoints (events/zone_host/ in tracefs), says ready
# with how much is plugged, and records while the host shrinks and grows
# the guest. When the host says it is done, checks in TAP that the events
# fired and agree with each other and with what the provider did: every
# resize started also ended, the runs isolated and unplugged add up to the
# shrink and the runs plugged to the grow, every call issued was answered,
# and the watermarks were recomputed once per resize that changed a size.
# The host sends "shrink MIB" (how much it takes away and gives back)
# before "done"; "dump" prints the trace so far on the console.

. "$(dirname "$0")/zone_host_lib"

t=/sys/kernel/tracing
ev=$t/events/zone_host
out=/tmp/zone_host_trace.txt

zh_host_open
[ -d $t/events ] || mount -t tracefs nodev $t 2>/dev/null
echo "TAP version 13"
echo "1..8"
if [ ! -d $ev ]; then
	echo "not ok 1 events/zone_host is in tracefs"
	echo "zone-host-trace: ready 0"
	exit 1
fi
echo "ok 1 events/zone_host is in tracefs ($(ls $ev | grep -c '^zone_host_') events)"
zh_wait_idle 600
echo 0 >$t/tracing_on
echo 8192 >$t/buffer_size_kb
: >$t/trace
echo 1 >$ev/enable
echo 1 >$t/tracing_on
before=$(cat $z/plugged_bytes)
sb=$(cat $z/subblock_size_bytes)
echo "zone-host-trace: ready $before"
want=0
while :; do
	if read -r word arg <&9; then
		[ "$word" = shrink ] && want=$arg
		# for a person: the trace so far, on the console
		[ "$word" = dump ] && sed 's/^/trace: /' $t/trace
		[ "$word" = done ] && break
	else
		sleep 0.1
	fi
done
zh_wait_idle 1200
echo 0 >$t/tracing_on
echo 0 >$ev/enable
cat $t/trace >$out
after=$(cat $z/plugged_bytes)
# "# entries-in-buffer/entries-written: IN/WRITTEN": a full buffer loses
lost=$(sed -n 's|.*entries-written: \([0-9]*\)/\([0-9]*\).*|\1 \2|p' $out |
	awk '{ print $2 - $1 }')
echo "# plugged $before -> $after bytes, subblock $sb bytes, $(grep -c 'zone_host_' $out) events, ${lost:-?} lost"

# count EVENT [FIELD=VALUE]: lines of that event (with that field)
count() { grep " $1: " $out | grep -c "${2:-.}"; }
# sum EVENT FIELD: sum of FIELD over the events with ret=0
sum() {
	grep " $1: " $out | grep ' ret=0' |
		sed -n "s/.* $2=\([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'
}
# ok N DESCRIPTION: the result of the command run just before
ok() {
	if [ "$r" -eq 0 ]; then echo "ok $1 $2"; else echo "not ok $1 $2"; fi
}

starts=$(count zone_host_resize_start)
dones=$(count zone_host_resize_done)
[ "$starts" -ge 2 ] && [ "$starts" -eq "$dones" ] && [ "${lost:-1}" -eq 0 ]
r=$?; ok 2 "each of the $starts resizes started ended, nothing lost"

shrink_sb=$(( $(sum zone_host_isolate count) ))
unplug_sb=$(( $(sum zone_host_unplug count) ))
plug_sb=$(( $(sum zone_host_plug count) ))
echo "# subblocks: isolated $shrink_sb, unplugged $unplug_sb, plugged $plug_sb"
[ "$want" -gt 0 ] && [ $((shrink_sb * sb)) -eq $((want << 20)) ]
r=$?; ok 3 "the runs isolated add up to the shrink of $want MiB"
[ "$unplug_sb" -eq "$shrink_sb" ]
r=$?; ok 4 "the runs the host confirmed unplugged add up to the same"
[ "$plug_sb" -eq "$shrink_sb" ] && [ "$after" -eq "$before" ]
r=$?; ok 5 "the runs plugged add up to the grow back"

issued=$(count zone_host_call_issue)
answered=$(count zone_host_call_answer)
mem_ok=$(grep ' zone_host_call_answer: ' $out | grep -c 'module=2 proc=[12] ret=0 ')
runs=$(($(count zone_host_plug ' ret=0') + $(count zone_host_unplug ' ret=0')))
[ "$issued" -gt 0 ] && [ "$issued" -eq "$answered" ] && [ "$mem_ok" -eq "$runs" ]
r=$?; ok 6 "every call issued was answered ($issued; $mem_ok plug and unplug calls for $runs runs)"

wm=$(count zone_host_watermarks)
changed=$(grep ' zone_host_resize_done: ' $out | grep -vc 'steps=0 ')
[ "$wm" -ge 2 ] && [ "$wm" -eq "$changed" ]
r=$?; ok 7 "the watermarks were recomputed once per resize that moved ($wm)"

last=$(grep ' zone_host_resize_done: ' $out | tail -n 1)
echo "# last: ${last#*zone_host_resize_done: }"
case "$last" in
*"requested=$after plugged=$after reason=0 error=0 "*) r=0 ;;
*) r=1 ;;
esac
ok 8 "the last resize reached its size"
