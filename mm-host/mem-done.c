// SPDX-License-Identifier: GPL-2.0-only
/*
 * A resize report as JSON; see mem-done.h.
 */
#include <stdint.h>

#include "mem-done.h"
#include "mem-names.h"

json_t *zhostd_mem_stages_json(const struct zhostd_memory_done *d)
{
	const struct zhostd_memory_stages *s = &d->stages;
	/* Two clocks: a guest's host_us below zhostd's own is no negative cost. */
	uint64_t vmrpc_us = s->host_us > s->zhostd_us ? s->host_us - s->zhostd_us : 0;

	if (!d->has_stages)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "total_us", (json_int_t)s->total_us,
			 "wait_us", (json_int_t)s->wait_us,
			 "host_us", (json_int_t)s->host_us,
			 "host_calls", (json_int_t)s->host_calls,
			 "isolate_us", (json_int_t)s->isolate_us,
			 "offline_us", (json_int_t)s->offline_us,
			 "online_us", (json_int_t)s->online_us,
			 "add_us", (json_int_t)s->add_us,
			 "watermarks_us", (json_int_t)s->watermarks_us,
			 "steps", (json_int_t)s->steps,
			 "zhostd_us", (json_int_t)(s->zhostd_us > INT64_MAX ?
						   INT64_MAX : s->zhostd_us),
			 "zhostd_calls", (json_int_t)(s->zhostd_calls > INT64_MAX ?
						      INT64_MAX : s->zhostd_calls),
			 "vmrpc_us", (json_int_t)vmrpc_us,
			 "free_us", (json_int_t)(s->free_us > INT64_MAX ?
						 INT64_MAX : s->free_us),
			 "free_wait_us", (json_int_t)(s->free_wait_us > INT64_MAX ?
						      INT64_MAX : s->free_wait_us));
}

json_t *zhostd_mem_done_json(const struct zhostd_memory_done *d,
			     uint64_t count)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:I, s:o}",
			 "requested", (json_int_t)d->requested,
			 "plugged", (json_int_t)d->plugged,
			 "reason", zh_mem_reason_name(d->reason),
			 "error", (json_int_t)d->error,
			 "count", (json_int_t)count,
			 "stages", zhostd_mem_stages_json(d));
}
