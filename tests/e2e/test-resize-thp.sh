#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-resize with zhostd --backing thp, 5 cycles (ZH_RESIZE_CYCLES). The
# huge pages it gets depend on the host's shmem_enabled (zhostd logs it);
# the checks are the same: every resize reached, check consistent, the
# memfd within 5% of the plugged size.
# timeout: 900
export ZH_BACKING=thp ZH_RESIZE_CYCLES=${ZH_RESIZE_CYCLES:-5}
exec "$(dirname "$0")/test-resize.sh"
