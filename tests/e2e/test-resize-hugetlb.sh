#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-resize with zhostd --backing hugetlb, 5 cycles (ZH_RESIZE_CYCLES):
# the test makes a pool of 520 2 MiB pages (QEMU's mapping reserves one
# for each of the 1 GiB BAR2's), gives it back at its end, and skips with
# the reason when the host refuses.
# timeout: 900
export ZH_BACKING=hugetlb ZH_HUGETLB_POOL=520 ZH_RESIZE_CYCLES=${ZH_RESIZE_CYCLES:-5}
exec "$(dirname "$0")/test-resize.sh"
