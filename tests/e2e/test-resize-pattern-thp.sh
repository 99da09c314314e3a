#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test-resize-pattern with zhostd --backing thp.
# timeout: 600
export ZH_BACKING=thp
exec "$(dirname "$0")/test-resize-pattern.sh"
