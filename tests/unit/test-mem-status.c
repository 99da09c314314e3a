// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's VMRPC_MEM_STATUS reply (mm-host/mem-status.c): a reply as
 * the ABI says becomes query-memory's "guest" object; one with a length,
 * state, reserved field or size the ABI does not allow is refused whole.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include <linux/vmrpc.h>

#include "../lib/tap.h"
#include "mem-status.h"

static struct vmrpc_mem_status good(void)
{
	struct vmrpc_mem_status st;

	memset(&st, 0, sizeof(st));
	st.plugged_size = htole64(256ULL << 20);
	st.requested_size = htole64(256ULL << 20);
	st.added_size = htole64(256ULL << 20);
	st.block_size = htole64(128ULL << 20);
	st.state = htole32(VMRPC_MEM_S_IDLE);
	st.reason = htole32(VMRPC_MEM_R_PINNED);
	st.floor = htole64(64ULL << 20);
	return st;
}

static int refused(const struct vmrpc_mem_status *st)
{
	json_t *obj = zhostd_mem_status_json(st, sizeof(*st));

	json_decref(obj);
	return !obj;
}

int main(void)
{
	struct vmrpc_mem_status st = good();
	json_t *obj;

	tap_timeout(30, NULL);
	tap_plan(6);
	obj = zhostd_mem_status_json(&st, sizeof(st));
	tap_ok(obj && json_integer_value(json_object_get(obj, "plugged")) ==
			      256LL << 20 &&
	       !strcmp(json_string_value(json_object_get(obj, "state")), "idle") &&
	       !strcmp(json_string_value(json_object_get(obj, "reason")), "pinned"),
	       "a reply as the ABI says is decoded (plugged, state, reason 'pinned')");
	json_decref(obj);
	tap_ok(!zhostd_mem_status_json(&st, sizeof(st) - 1) &&
	       !zhostd_mem_status_json(&st, 0),
	       "a reply of another length is refused");
	st = good();
	st.state = htole32(VMRPC_MEM_S_STUCK + 1);
	tap_ok(refused(&st), "an unknown state is refused");
	st = good();
	st.reserved0 = htole32(1);
	tap_ok(refused(&st), "a nonzero reserved0 is refused");
	st = good();
	st.reserved[4] = htole64(1);
	tap_ok(refused(&st), "a nonzero reserved[] is refused");
	st = good();
	st.zone_free = htole64((uint64_t)INT64_MAX + 1);
	tap_ok(refused(&st) && (st.zone_free = htole64(INT64_MAX), !refused(&st)),
	       "a size above INT64_MAX is refused, INT64_MAX is not");
	return tap_done();
}
