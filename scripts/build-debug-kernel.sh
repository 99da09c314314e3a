#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the soak's debug guest kernel into build/guest-debug/bzImage.
#
# The same source tree (build/linux-src) and the same build-kernel.sh as the
# ordinary guest, with configs/guest-debug.config (lockdep, DEBUG_VM, KASAN,
# DEBUG_LIST, DEBUG_ATOMIC_SLEEP) merged on top, in its own object tree
# build/linux-obj-debug, so neither build invalidates the other. It is
# incremental and takes build-kernel.sh's lock like every kernel build.
# From scratch 50 minutes on 2 cores busy with other builds; at low
# priority (nice) so a machine shared with other work stays usable. The initramfs is the
# ordinary guest's (no modules: it does not depend on the kernel).
set -euo pipefail
ZH_PROG=build-debug-kernel
. "$(dirname "$0")/lib.sh"

export ZH_OBJ=$ZH_BUILD/linux-obj-debug ZH_GUEST=$ZH_BUILD/guest-debug
export ZH_CONFIG_FRAGMENTS=configs/guest-debug.config
exec nice -n "${ZH_NICE:-10}" "$ZH_ROOT/scripts/build-kernel.sh"
