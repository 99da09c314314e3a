// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ZONE_HOST provider's tracepoints (zone_host_trace.h), created here
 * once; the other files only include the header.
 */
#define CREATE_TRACE_POINTS
#include "zone_host_trace.h"
