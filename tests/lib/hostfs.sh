# SPDX-License-Identifier: GPL-2.0-only
# What the hostfs e2e tests, the benchmark and the demo share on the host:
# the export directories, the files in the text pattern of
# tests/lib/guest/hostfs_util.h, zhostd's counters of an export. Source it
# after vm.sh.
#
#   hostfs_require              exit 4 (skip) when the guest kernel has no
#                               hostfs or zhostd no --export
#   hostfs_pattern V RECORDS    RECORDS records of variant V on stdout
#   hostfs_pattern_file FILE V BYTES
#                               FILE holds BYTES (a multiple of 16) of it
#   hostfs_pattern_is FILE V    FILE holds variant V, whole records
#   hostfs_tiny_mount DIR SIZE  a tmpfs of SIZE on DIR, unmounted (lazily:
#                               zhostd may still hold it) by
#                               hostfs_cleanup, which the EXIT trap set
#                               here runs before vm_cleanup
#   hostfs_export_json NAME TAG the export TAG of VM NAME, as
#                               balloon-ctl export list --json shows it
#   hostfs_result NAME MARKER PROG SECONDS
#                               wait for the guest's "MARKER: result PROG N"
#                               and return N; PROG's output (between
#                               "MARKER: begin PROG" and it) goes out as
#                               diagnostics

HOSTFS_MOUNTS=()

hostfs_require() {
	local help
	# The configuration of the last guest build, else the image's strings
	# (whole: grep -q would end the pipe early, and pipefail fail it).
	if ! grep -qs '^CONFIG_ZHOSTFS=y' "$VM_BUILD/linux-obj/.config" &&
		! strings "$VM_BUILD/guest/bzImage" 2>/dev/null | grep -c 'hostfs_fill_super' >/dev/null; then
		echo "1..0 # SKIP the guest kernel has no hostfs (CONFIG_ZHOSTFS): run 'make guest'"
		exit 4
	fi
	help=$("$VM_BIN/zhostd" --help 2>&1)
	if ! grep -q -- '--export' <<<"$help"; then
		echo "1..0 # SKIP zhostd has no --export: run 'make'"
		exit 4
	fi
}

hostfs_pattern() {
	[ "$2" -gt 0 ] || return 0
	seq -f "$1%014.0f" 0 $(($2 - 1))
}

hostfs_pattern_file() {
	hostfs_pattern "$2" $(($3 / 16)) >"$1"
}

hostfs_pattern_is() {
	local size
	size=$(stat -c %s "$1") || return 1
	[ $((size % 16)) -eq 0 ] && hostfs_pattern "$2" $((size / 16)) | cmp -s - "$1"
}

hostfs_tiny_mount() {
	mkdir -p "$1" && mount -t tmpfs -o "size=$2,mode=0755" zonehost-tiny "$1" &&
		HOSTFS_MOUNTS+=("$1")
}

hostfs_cleanup() {
	local m
	for m in "${HOSTFS_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	HOSTFS_MOUNTS=()
}
trap '_hostfs_st=$?; hostfs_cleanup; (exit $_hostfs_st); vm_cleanup' EXIT

hostfs_export_json() {
	vm_bctl "$1" export list --json 2>/dev/null |
		jq -c --arg t "$2" '.exports[] | select(.tag == $t)'
}

hostfs_result() {
	local name=$1 marker=$2 prog=$3 st
	vm_wait "$name" "^$marker: result $prog [0-9]+" "$4" || return 1
	st=$(vm_console_value "$name" "s/^$marker: result $prog \\([0-9]*\\)\$/\\1/p")
	tr -d '\r' <"$(vm_console "$name")" |
		sed -n "/^$marker: begin $prog\$/,/^$marker: result $prog /p" |
		grep -E '^(not )?ok |^# |^hostfs-' | sed 's/^/#   guest: /'
	return "${st:-1}"
}
