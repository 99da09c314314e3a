#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-resize-pattern with zhostd --backing hugetlb, on a pool of 520 2 MiB
# pages the test makes and gives back (skipped with the reason when the
# host refuses).
# timeout: 600
export ZH_BACKING=hugetlb ZH_HUGETLB_POOL=520
exec "$(dirname "$0")/test-resize-pattern.sh"
