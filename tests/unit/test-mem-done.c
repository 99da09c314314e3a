// SPDX-License-Identifier: GPL-2.0-only
/*
 * A resize report as JSON (mm-host/mem-done.c), as query-memory's
 * last_resize and the RESIZE_DONE event carry it: stages null when the
 * guest sent none; else the guest's ten fields, zhostd's own handling and
 * what the round trips cost, never below 0 (two clocks).
 */
#include <stdint.h>
#include <string.h>

#include "../lib/tap.h"
#include "mem-done.h"
#include "mem-names.h"

static json_int_t get(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

int main(void)
{
	static const char *const guest_keys[] = {
		"total_us", "wait_us", "host_us", "host_calls", "isolate_us",
		"offline_us", "online_us", "add_us", "watermarks_us", "steps",
	};
	struct zhostd_memory_done d = {
		.requested = 256ULL << 20, .plugged = 254ULL << 20,
		.reason = VMRPC_MEM_R_PINNED,
		.stages = { .zhostd_us = 700, .zhostd_calls = 3 },
	};
	json_t *obj, *st;
	bool all = true;
	size_t i;

	tap_plan(7);
	obj = zhostd_mem_done_json(&d, 7);
	tap_ok(obj && get(obj, "requested") == 256 << 20 &&
	       get(obj, "plugged") == 254 << 20 && get(obj, "count") == 7 &&
	       get(obj, "error") == 0 &&
	       !strcmp(json_string_value(json_object_get(obj, "reason")),
		       zh_mem_reason_name(VMRPC_MEM_R_PINNED)),
	       "the report's sizes, reason, error and number");
	tap_ok(obj && json_is_null(json_object_get(obj, "stages")),
	       "no stages from the guest: \"stages\" is null, zhostd's count is not shown alone");
	json_decref(obj);

	d.has_stages = true;
	d.stages = (struct zhostd_memory_stages){
		.total_us = 10, .wait_us = 20, .host_us = 1000, .host_calls = 40,
		.isolate_us = 50, .offline_us = 60, .online_us = 70,
		.add_us = 80, .watermarks_us = 90, .steps = 100,
		.zhostd_us = 300, .zhostd_calls = 41,
		.free_us = 2000, .free_wait_us = 400,
	};
	obj = zhostd_mem_done_json(&d, 8);
	st = json_object_get(obj, "stages");
	for (i = 0; i < sizeof(guest_keys) / sizeof(guest_keys[0]); i++) {
		const json_int_t want[] = { 10, 20, 1000, 40, 50, 60, 70, 80, 90, 100 };

		all &= get(st, guest_keys[i]) == want[i];
	}
	tap_ok(json_is_object(st) && all && json_object_size(st) == 15,
	       "the guest's ten fields, each under its name, and five of zhostd's");
	tap_ok(get(st, "free_us") == 2000 && get(st, "free_wait_us") == 400,
	       "zhostd's frees after its answers, and what the report waited for");
	tap_ok(get(st, "zhostd_us") == 300 && get(st, "zhostd_calls") == 41 &&
	       get(st, "vmrpc_us") == 700,
	       "zhostd's handling, and the round trips: host_us less zhostd_us");
	json_decref(obj);

	d.stages.zhostd_us = 5000;
	st = zhostd_mem_stages_json(&d);
	tap_ok(get(st, "vmrpc_us") == 0,
	       "zhostd longer than the guest waited (two clocks): vmrpc_us is 0, not negative");
	json_decref(st);

	d.stages.total_us = UINT32_MAX;
	d.stages.host_us = UINT32_MAX;
	d.stages.zhostd_us = 0;
	st = zhostd_mem_stages_json(&d);
	tap_ok(get(st, "total_us") == UINT32_MAX && get(st, "vmrpc_us") == UINT32_MAX,
	       "saturated fields are shown as they came");
	json_decref(st);
	return tap_done();
}
