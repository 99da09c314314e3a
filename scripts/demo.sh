#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The zonehost demo, narrated step by step (`make demo` builds first).
# Each feature of the project adds its step here.
set -euo pipefail
ZH_PROG=demo
. "$(dirname "$0")/lib.sh"

bin=$ZH_BUILD/bin
name=zonehost-demo
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	norm=$(tput sgr0 2>/dev/null || true)
else
	bold=""
	norm=""
fi
n=0
step() {
	n=$((n + 1))
	printf '\n%s== Step %d: %s%s\n' "$bold" "$n" "$1" "$norm"
	shift
	[ $# -eq 0 ] || printf '   %s\n' "$@"
}

step "The guest kernel" \
	"Debian's linux-source-6.12 with the zonehost patch series, built by 'make guest'."
echo "   source:  linux-source-6.12 $(cat "$ZH_GUEST/linux-source.version")"
echo "   release: $(cat "$ZH_GUEST/kernel.release")"
echo "   patches:"
grep -v '^#' "$ZH_ROOT/patches/series" | sed 's/^/     /'
echo "   image:   build/guest/bzImage ($(du -h "$ZH_GUEST/bzImage" | cut -f1)), initramfs $(du -h "$ZH_GUEST/initramfs.cpio.gz" | cut -f1)"

step "Boot it under QEMU, with zhostd" \
	"zhost-run starts zhostd (the host daemon: shared memory, ivshmem server, VMRPC)" \
	"and QEMU with an ivshmem-doorbell device, and boots the guest (q35, 2 CPUs, TCG)" \
	"with 512 MiB of its own RAM; the host grants it 512 MiB more, in ZONE_HOST."
echo "   \$ zhost-run -n $name -m 512M -H 512M --detach --test demo"
start=$(date +%s)
console=$("$bin/zhost-run" -n "$name" -m 512M -H 512M --detach --test demo --append quiet 2>/dev/null) ||
	zh_die "the VM did not start"
trap '"$bin/zhost-run" --stop -n "$name" >/dev/null 2>&1 || true; rm -f "$log"' EXIT
for ((i = 0; i < 900; i++)); do
	grep -q '^demo-guest: waiting' "$console" 2>/dev/null && break
	sleep 0.2
done
grep -q '^demo-guest: waiting' "$console" || zh_die "the guest did not come up; see $console"
echo "   The guest is up after $(($(date +%s) - start)) s. Its console ($console):"
tr -d '\r' <"$console" | sed -n '/^zonehost-guest: ready/,/^demo-guest: waiting/p' |
	grep -v '^demo-guest' | sed 's/^/   guest | /'

bctl() {
	echo "   \$ balloon-ctl -n $name $*"
	"$bin/balloon-ctl" -n "$name" "$@" 2>&1 | sed 's/^/     /'
}
step "The host's view: balloon-ctl status" \
	"zhostd granted 512 MiB; the guest plugged it; the memfd holds only what the" \
	"guest touched (the host memory backing it), and the guest says how much of" \
	"its ZONE_HOST is free. Its process holds 128 MiB there right now."
bctl status

mem() { # one line of the host's and the guest's view
	"$bin/balloon-ctl" -n "$name" status --json |
		jq -r '.memory | "plugged \(.plugged / 1048576) MiB, host memory backing it \(.backed / 1048576 | floor) MiB, guest ZONE_HOST free \(.guest.zone_free / 1048576 | floor) MiB"'
}
step "Resize while the workload runs" \
	"balloon-ctl set shrinks ZONE_HOST to 192 MiB: the guest migrates its pages out of" \
	"the subblocks it gives back, the host punches them out of the memfd. Then it" \
	"grows to 768 MiB, and the host memory rises again as the workload uses it."
echo "   now: $(mem)"
echo "   \$ balloon-ctl -n $name set 192M --wait"
"$bin/balloon-ctl" -n "$name" set 192M --wait 2>&1 | sed 's/^/     /'
echo "   now: $(mem)"
"$bin/balloon-ctl" -n "$name" check 2>&1 | sed 's/^/   /'
echo "   \$ balloon-ctl -n $name set 768M --wait"
"$bin/balloon-ctl" -n "$name" set 768M --wait 2>&1 | sed 's/^/     /'
echo "   now: $(mem)"
sleep 10
echo "   10 s later: $(mem)"
"$bin/balloon-ctl" -n "$name" check 2>&1 | sed 's/^/   /'

step "VMRPC: the host asks the guest kernel" \
	"balloon-ctl talks to zhostd, which makes reverse calls into the guest kernel."
bctl guest ping
echo "   \$ balloon-ctl -n $name guest meminfo | head -n 5"
"$bin/balloon-ctl" -n "$name" guest meminfo | head -n 5 | sed 's/^/     /'
bctl guest loadavg
cached() { "$bin/balloon-ctl" -n "$name" guest meminfo | awk '/^Cached:/ { print $2 }'; }
before=$(cached)
bctl guest drop-caches 3
echo "   The guest's page cache went from ${before:-?} kB to $(cached) kB."

step "Power off"
"$bin/zhost-run" --stop -n "$name" 2>&1 | sed 's/^/   /'
trap 'rm -f "$log"' EXIT
echo "   The guest powered off through ACPI; zhostd exited with QEMU."

step "The working set, and an automatic policy sized from it" \
	"A second guest (256 MiB of RAM, 128 MiB of host memory, at most 1 GiB) runs a" \
	"workload whose working set goes 100 -> 600 -> 100 MiB. Its kernel estimates" \
	"the working set every 2 s; zhostd reads it with a reverse call and, with" \
	"--policy auto, keeps ZONE_HOST at working set + 128 MiB: the guest asks for more" \
	"when it runs short, the policy gives back slowly what it no longer uses."
auto=zonehost-demo-auto
echo "   \$ zhost-run -n $auto -c 2 -m 256M -H 128M --host-max 1G -Z --policy=auto -Z --wss-interval=2 -Z --shrink-after=3 --detach --test zone_host_wss_phases"
aconsole=$("$bin/zhost-run" -n "$auto" -c 2 -m 256M -H 128M --host-max 1G \
	-Z --policy=auto -Z --wss-interval=2 -Z --shrink-after=3 --detach \
	--test zone_host_wss_phases \
	--append "quiet zonehost.phases=100:20,600:30,100:75 zonehost.linger=15" 2>/dev/null) ||
	zh_die "the second VM did not start"
trap '"$bin/zhost-run" --stop -n "$auto" >/dev/null 2>&1 || true; rm -f "$log"' EXIT
zlog=$(dirname "$aconsole")/zhostd.log
awss() { "$bin/balloon-ctl" -n "$auto" wss --json 2>/dev/null; }
for ((i = 0; i < 600; i++)); do
	[ "$(awss | jq -r '.sample.valid // false')" = true ] && break
	sleep 0.5
done
echo "   \$ balloon-ctl -n $auto wss"
"$bin/balloon-ctl" -n "$auto" wss 2>&1 | sed 's/^/     /'
echo
echo "   Every 4 s, the working set and the host memory; zhostd's decisions as they come:"
seen=0
plotted=0
t0=$(date +%s)
while ! grep -q '^zonehost-guest: exit' "$aconsole" 2>/dev/null; do
	awss | jq -r --arg t "$(($(date +%s) - t0))" '.sample |
		"   \($t | tonumber | tostring | (" " * (4 - length)) + .) s  working set \(.guest.wss / 1048576 | floor) MiB, ZONE_HOST requested \(.requested / 1048576 | floor) MiB, plugged \(.plugged / 1048576 | floor) MiB, host memory \(.backed / 1048576 | floor) MiB"' 2>/dev/null || true
	n=$(grep -cE 'policy: (grow|shrink)|guest asked' "$zlog" 2>/dev/null || true)
	if [ "${n:-0}" -gt "$seen" ]; then
		grep -E 'policy: (grow|shrink)|guest asked' "$zlog" | tail -n $((n - seen)) |
			sed 's/^[0-9-]* \([0-9:]*\)\.[0-9]* zhostd info: /         zhostd \1: /'
		seen=$n
	fi
	# Keep the history before the guest powers off and zhostd with it.
	if [ $plotted -eq 0 ] && grep -q '^wss-phase: done' "$aconsole" 2>/dev/null; then
		plotted=1
		mkdir -p "$ZH_BUILD/demo"
		"$bin/balloon-ctl" -n "$auto" top --count 1 2>&1 | sed 's/^/     /'
		echo "   \$ balloon-ctl -n $auto history --plot build/demo/policy.svg"
		"$bin/balloon-ctl" -n "$auto" history --plot "$ZH_BUILD/demo/policy.svg" 2>&1 | sed 's/^/     /'
	fi
	sleep 4
done
tr -d '\r' <"$aconsole" | grep -E '^(ok|not ok) ' | sed 's/^/   guest | /'
trap 'rm -f "$log"' EXIT
echo "   The plot of plugged size, host memory and working set over time:"
echo "   $ZH_BUILD/demo/policy.svg"

step "Host files in the guest: hostfs" \
	"zhostd exports a host directory under a tag (zhostd --export demo=DIR); the" \
	"guest mounts it (mount -t hostfs demo /mnt/host). A guest process maps a host" \
	"file MAP_SHARED and writes through the mapping; after its msync the host's" \
	"file holds the change. The page cache of the file lies in ZONE_HOST, so the" \
	"host moved the bytes straight into and out of those frames."
files=zonehost-demo-files
fdir=$(mktemp -d)
chmod 0755 "$fdir"
echo "Hello from the host: a guest process will change the start of this line." >"$fdir/note.txt"
trap 'rm -rf "$fdir"; rm -f "$log"' EXIT
echo "   host \$ cat $fdir/note.txt"
sed 's/^/     /' "$fdir/note.txt"
echo "   \$ zhost-run -n $files -m 256M -H 256M -Z --export=demo=$fdir --detach --test hostfs_demo"
fconsole=$("$bin/zhost-run" -n "$files" -m 256M -H 256M -Z "--export=demo=$fdir" \
	--detach --test hostfs_demo --append quiet 2>/dev/null) || zh_die "the hostfs VM did not start"
trap '"$bin/zhost-run" --stop -n "$files" >/dev/null 2>&1 || true; rm -rf "$fdir"; rm -f "$log"' EXIT
for ((i = 0; i < 900; i++)); do
	grep -qE '^hostfs-demo: waiting|^zonehost-guest: exit' "$fconsole" 2>/dev/null && break
	sleep 0.2
done
tr -d '\r' <"$fconsole" | sed -n '/^>>> mount -t hostfs/,/^hostfs-demo: waiting/p' |
	grep -v '^hostfs-demo' | sed 's/^/   guest | /'
echo "   host \$ cat $fdir/note.txt      (the guest process still has it mapped)"
sed 's/^/     /' "$fdir/note.txt"
grep -q '^HELLO FROM THE GUEST' "$fdir/note.txt" ||
	echo "   (the change did not reach the host: see $fconsole)"
echo "   \$ balloon-ctl -n $files export list"
"$bin/balloon-ctl" -n "$files" export list 2>&1 | sed 's/^/     /'
"$bin/zhost-run" --stop -n "$files" 2>&1 | sed 's/^/   /'
trap 'rm -rf "$fdir"; rm -f "$log"' EXIT
