// SPDX-License-Identifier: GPL-2.0-only
/*
 * Working-set samples and policy decisions as JSON; see wss-json.h.
 * Counters are JSON integers (json_int_t is 64-bit signed): the decoder
 * keeps every size within the region's, which no real guest makes larger
 * than 2^63.
 */
#include "wss-json.h"

static json_t *region_json(const struct zhostd_wss_region *r)
{
	json_t *idle = json_array();

	for (int i = 0; idle && i < VMRPC_WSS_NR_AGES; i++)
		json_array_append_new(idle, json_integer((json_int_t)r->idle[i]));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o?, s:I, s:I}",
			 "size", (json_int_t)r->size,
			 "wss", (json_int_t)r->wss,
			 "wss_error", (json_int_t)r->wss_error,
			 "anon", (json_int_t)r->anon,
			 "file", (json_int_t)r->file,
			 "kernel", (json_int_t)r->kernel,
			 "free", (json_int_t)r->free,
			 "user", (json_int_t)r->user,
			 "pinned", (json_int_t)r->pinned,
			 "idle", idle,
			 "samples", (json_int_t)r->samples,
			 "accessed", (json_int_t)r->accessed);
}

json_t *zhostd_wss_sample_json(const struct zhostd_wss_sample *s)
{
	const struct zhostd_wss_report *r = &s->report;

	return json_pack("{s:I, s:{s:I, s:I}, s:I, s:I, s:I, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o?, s:o?}",
			 "seq", (json_int_t)s->seq,
			 "timestamp",
			 "seconds", (json_int_t)(s->time_ns / 1000000000),
			 "microseconds", (json_int_t)(s->time_ns % 1000000000 / 1000),
			 "windows", (json_int_t)r->windows,
			 "window_ms", (json_int_t)r->window_ms,
			 "stride", (json_int_t)r->stride,
			 "enabled", (r->flags & VMRPC_WSS_F_ENABLED) != 0,
			 "valid", (r->flags & VMRPC_WSS_F_VALID) != 0,
			 "scan_ns", (json_int_t)r->scan_ns,
			 "scan_total_ns", (json_int_t)r->scan_total_ns,
			 "uptime_ns", (json_int_t)r->uptime_ns,
			 "pgfault", (json_int_t)r->pgfault,
			 "pgmajfault", (json_int_t)r->pgmajfault,
			 "plugged", (json_int_t)s->plugged,
			 "requested", (json_int_t)s->requested,
			 "backed", (json_int_t)s->backed,
			 "host", region_json(&r->region[VMRPC_WSS_REGION_HOST]),
			 "guest", region_json(&r->region[VMRPC_WSS_REGION_GUEST]));
}

json_t *zhostd_policy_decision_json(const struct zhostd_policy_decision *d)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:i}",
			 "action", zhostd_policy_action_name(d->action),
			 "from", (json_int_t)d->from,
			 "to", (json_int_t)d->to,
			 "wss", (json_int_t)d->wss,
			 "target", (json_int_t)d->target,
			 "reason", zhostd_policy_reason_name(d->reason),
			 "below", (int)d->below);
}

json_t *zhostd_policy_params_json(const struct zhostd_policy_params *p)
{
	return json_pack("{s:I, s:I, s:I, s:i, s:I, s:i, s:I, s:I}",
			 "min", (json_int_t)p->min,
			 "max", (json_int_t)p->max,
			 "headroom", (json_int_t)p->headroom,
			 "headroom_percent", (int)p->headroom_percent,
			 "hysteresis", (json_int_t)p->hysteresis,
			 "shrink_after", (int)p->shrink_after,
			 "shrink_step", (json_int_t)p->shrink_step,
			 "ask_holdoff_ms", (json_int_t)(p->ask_holdoff_ns / 1000000));
}
